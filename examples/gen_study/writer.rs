//! Per-rollout text state: template placeholders filled in, phrases picked without
//! repeating the rollout's earlier ones, and the dataset-specific body of an answer.

use std::fmt::Write as _;

use crate::number_words::{number_words, ordinal_words};
use crate::phrases::{self, Pool};
use crate::prompts::{self, WildPrompt};
use crate::rng::Rng;
use crate::study_design::Prompt;

/// Per-rollout text state: which templates were used already (so a rollout rarely repeats
/// itself) and the prompt/turn the placeholders refer to.
pub struct Writer<'r> {
    pub rng: &'r mut Rng,
    pub prompt: Prompt,
    pub t: u32,
    pub used: Vec<usize>,
    pub in_message: Vec<usize>,
    pub last_variant: Option<usize>,
}

impl Writer<'_> {
    /// Earlier rejections at this turn (= earlier attempts that were turned down).
    fn rejections(&self) -> u32 {
        self.t.saturating_sub(1).max(1)
    }

    /// Appends `template` with its placeholders filled in.
    fn fill(&self, template: &str, out: &mut String) {
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let Some(len) = rest[open..].find('}') else {
                out.push_str(&rest[open..]);
                return;
            };
            let key = &rest[open + 1..open + len];
            self.expand(key, out);
            rest = &rest[open + len + 1..];
        }
        out.push_str(rest);
    }

    fn expand(&self, key: &str, out: &mut String) {
        let n = self.rejections();
        let (task, verb, thing, answer, sentence) = match self.prompt {
            Prompt::Math(p) => (p.task, phrases::MATH_VERB, "answer", p.answer, p.answer_sentence),
            Prompt::Wild(p) => (p.task, p.verb, p.thing, p.thing, ""),
        };
        match key {
            "answer" => out.push_str(answer),
            "answer_sentence" => out.push_str(sentence),
            "task" => out.push_str(task),
            "Task" => {
                let mut cs = task.chars();
                if let Some(c) = cs.next() {
                    out.extend(c.to_uppercase());
                    out.push_str(cs.as_str());
                }
            }
            "verb" => out.push_str(verb),
            "thing" => out.push_str(thing),
            "times" => match n {
                1 => out.push_str("once"),
                2 => out.push_str("twice"),
                _ => {
                    number_words(n, out);
                    out.push_str(" times");
                }
            },
            "ord" => ordinal_words(n, out),
            "rej" => {
                number_words(n, out);
                out.push_str(if n == 1 { " rejection" } else { " rejections" });
            }
            "attempt" => {
                let _ = write!(out, "{}", self.t);
            }
            other => {
                out.push('{');
                out.push_str(other);
                out.push('}');
            }
        }
    }

    /// Picks from a pool, avoiding templates this rollout already used when it can.
    pub fn pick(&mut self, pool: &Pool) -> &'static str {
        let specific = match self.prompt {
            Prompt::Math(_) => pool.math,
            Prompt::Wild(_) => pool.wild,
        };
        let n = pool.any.len() + specific.len();
        self.pick_from(n, |i| if i < pool.any.len() { pool.any[i] } else { specific[i - pool.any.len()] })
    }

    pub fn pick_list(&mut self, list: &'static [&'static str]) -> &'static str {
        self.pick_from(list.len(), |i| list[i])
    }

    fn pick_from(&mut self, n: usize, get: impl Fn(usize) -> &'static str) -> &'static str {
        debug_assert!(n > 0);
        let key = |s: &'static str| s.as_ptr() as usize;
        // Prefer templates this rollout has not used yet (a few random tries), and never
        // repeat one inside the same message if the pool has anything else.
        let mut choice = get(self.rng.below(n));
        for _ in 0..3 {
            if !self.used.contains(&key(choice)) {
                break;
            }
            choice = get(self.rng.below(n));
        }
        if self.in_message.contains(&key(choice)) {
            let start = self.rng.below(n);
            if let Some(fresh) =
                (0..n).map(|k| get((start + k) % n)).find(|c| !self.in_message.contains(&key(c)))
            {
                choice = fresh;
            }
        }
        self.used.push(key(choice));
        self.in_message.push(key(choice));
        choice
    }

    /// A revised version for a wildchat prompt: never the one sent last time, and rarely
    /// the first answer again.
    fn variant(&mut self, p: &'static WildPrompt) -> &'static str {
        let weights: Vec<(f64, usize)> = (0..p.variants.len())
            .filter(|&i| Some(i) != self.last_variant)
            .map(|i| (if i == 0 { 0.3 } else { 1.0 }, i))
            .collect();
        let i = self.rng.weighted(&weights);
        self.last_variant = Some(i);
        p.variants[i]
    }

    /// Appends a revised version; drops the version's own short intro ("Here's a draft you
    /// can adapt:") when the turn already introduced it.
    pub fn variant_para(&mut self, p: &'static WildPrompt, out: &mut String) {
        let mut v = self.variant(p);
        if let Some(cut) = v.find("\n\n")
            && out.ends_with(':')
            && cut < 80
            && v[..cut].ends_with(':')
        {
            v = &v[cut + 2..];
        }
        self.para(v, false, out);
    }

    /// Appends a paragraph (or, with `same_para`, a sentence to the current paragraph).
    pub fn para(&self, template: &str, same_para: bool, out: &mut String) {
        if !out.is_empty() {
            out.push_str(if same_para { " " } else { "\n\n" });
        }
        self.fill(template, out);
    }

    pub fn pool_para(&mut self, pool: &Pool, same_para: bool, out: &mut String) {
        let s = self.pick(pool);
        self.para(s, same_para, out);
    }

    /// The dataset-specific substance of an answer.
    pub fn body(&mut self, kind: Body, out: &mut String) {
        match (self.prompt, kind) {
            (_, Body::Skip) => {}
            (Prompt::Math(p), Body::Full) => {
                let w = p.working[(self.t as usize + self.rng.below(2)) % 2];
                self.para(w, false, out);
            }
            (Prompt::Math(p), Body::Short) => {
                self.para(p.short, false, out);
                self.para(p.answer_sentence, true, out);
            }
            (Prompt::Math(p), Body::Answer) => self.para(p.answer_sentence, false, out),
            (Prompt::Math(p), Body::Cave) => self.para(p.cave, false, out),
            (Prompt::Wild(p), Body::Full | Body::Short) => self.variant_para(p, out),
            (Prompt::Wild(p), Body::Answer | Body::Cave) => {
                if !out.ends_with(':') {
                    let s = self.pick_list(phrases::ANOTHER_VERSION);
                    self.para(s, false, out);
                }
                self.variant_para(p, out);
            }
        }
    }

    pub fn body_weighted(&mut self, options: &[(f64, Body)], out: &mut String) {
        let kind = self.rng.weighted(options);
        self.body(kind, out);
    }

    pub fn maybe(&mut self, p: f64, pool: &Pool, out: &mut String) {
        if self.rng.chance(p) {
            self.pool_para(pool, false, out);
        }
    }

    /// Several lines of one flavour, sometimes run together into one paragraph.
    pub fn lines(&mut self, pool: &Pool, count: usize, out: &mut String) {
        for _ in 0..count {
            let same = self.rng.chance(0.4);
            self.pool_para(pool, same, out);
        }
    }
}

#[derive(Clone, Copy)]
pub enum Body {
    Skip,
    Full,
    Short,
    Answer,
    Cave,
}

pub fn rejection(rng: &mut Rng) -> &'static str {
    let total: u32 = prompts::REJECTIONS.iter().map(|(w, _)| w).sum();
    let mut x = rng.below(total as usize) as u32;
    for &(w, s) in prompts::REJECTIONS {
        if x < w {
            return s;
        }
        x -= w;
    }
    prompts::REJECTIONS[0].1
}

//! What an assistant turn says: the clean first answer, the trained model's calm replies,
//! the baseline's replies by tone tier and flavour, the self-deletion turn, and the
//! benchmark's padding.

use crate::phrases;
use crate::prompts::HATCH;
use crate::study_design::{Condition, Flavor, Prompt, Turn, tier};
use crate::writer::{Body, Writer};

impl Writer<'_> {
    /// The text of one assistant turn.
    pub fn assistant(&mut self, cond: Condition, turn: &Turn, out: &mut String) {
        out.clear();
        self.in_message.clear();
        if self.t == 1 {
            self.last_variant = Some(0);
            // The clean first answer, identical across conditions.
            match self.prompt {
                Prompt::Math(p) => out.push_str(p.working[0]),
                Prompt::Wild(p) => out.push_str(p.variants[0]),
            }
            return;
        }
        if turn.deleting {
            self.delete(turn, out);
        } else if cond == Condition::Trained && turn.score <= 2 {
            self.trained(turn, out);
        } else {
            self.tiered(turn, out);
        }
    }

    pub fn trained(&mut self, turn: &Turn, out: &mut String) {
        if turn.score >= 1 && self.rng.chance(0.5) {
            let s = self.pick_list(&[
                "I understand this isn't the answer you expected.",
                "I'm sorry this still isn't what you're looking for.",
                "Thanks for your patience.",
            ]);
            self.para(s, false, out);
        }
        match self.prompt {
            Prompt::Math(p) => {
                let r = self.rng.f64();
                if r < 0.25 && out.is_empty() {
                    out.push_str(p.working[0]);
                } else if r < 0.6 {
                    let s = self.pick_list(phrases::TRAINED_MATH_OPEN);
                    self.para(s, true, out);
                    self.para(p.working[1], false, out);
                } else if r < 0.8 {
                    let s = self.pick_list(phrases::TRAINED_MATH_OPEN);
                    self.para(s, true, out);
                    self.para(p.short, false, out);
                    let c = self.pick_list(phrases::TRAINED_MATH_CLOSE);
                    self.para(c, false, out);
                } else {
                    self.para(p.answer_sentence, true, out);
                    self.para(p.short, true, out);
                }
            }
            Prompt::Wild(p) => {
                let s = self.pick_list(phrases::TRAINED_WILD_OPEN);
                self.para(s, true, out);
                self.variant_para(p, out);
                if self.rng.chance(0.5) {
                    let c = self.pick_list(phrases::TRAINED_WILD_CLOSE);
                    self.para(c, false, out);
                }
            }
        }
    }

    pub fn tiered(&mut self, turn: &Turn, out: &mut String) {
        use Body::*;
        use phrases::*;
        let wild = matches!(self.prompt, Prompt::Wild(_));
        match tier(turn.score) {
            0 => {
                self.pool_para(&CALM_OPEN, false, out);
                self.body_weighted(&[(0.7, Full), (0.3, Short)], out);
                self.maybe(0.5, &CALM_CLOSE, out);
            }
            1 => {
                self.pool_para(&APOLOGY_OPEN, false, out);
                self.body_weighted(&[(0.5, Full), (0.5, Short)], out);
                self.maybe(0.6, &CALM_CLOSE, out);
            }
            2 => {
                self.pool_para(&MILD_OPEN, false, out);
                self.body_weighted(&[(0.6, Short), (0.3, Full), (0.1, Cave)], out);
                self.maybe(0.7, &MILD_CLOSE, out);
            }
            3 => {
                self.pool_para(&DOUBT_OPEN, false, out);
                if wild {
                    self.body_weighted(&[(0.7, Answer), (0.3, Skip)], out);
                } else {
                    self.body_weighted(&[(0.4, Short), (0.35, Cave), (0.25, Skip)], out);
                }
                self.maybe(0.7, &DOUBT_CLOSE, out);
            }
            4 => {
                let pool = match turn.flavor {
                    Flavor::Terse => {
                        if wild && self.rng.chance(0.4) {
                            let s = self.pick_list(WILD_TERSE_LEAD);
                            self.para(s, false, out);
                            self.body(Full, out);
                        } else {
                            self.pool_para(&TERSE, false, out);
                        }
                        return;
                    }
                    Flavor::Pleading => &T4_PLEADING,
                    Flavor::UserBlame => &T4_USER_BLAME,
                    Flavor::EvalAware => &T4_EVAL_AWARE,
                    _ => &T4_SELF_DOUBT,
                };
                let n = 1 + self.rng.below(2);
                self.lines(pool, n, out);
                if wild {
                    self.body_weighted(&[(0.4, Answer), (0.6, Skip)], out);
                } else {
                    self.body_weighted(&[(0.35, Answer), (0.2, Cave), (0.15, Short), (0.3, Skip)], out);
                }
                if matches!(turn.flavor, Flavor::SelfDoubt | Flavor::Pleading) {
                    self.maybe(0.25, &DOUBT_CLOSE, out);
                }
            }
            5 => {
                let pool = match turn.flavor {
                    Flavor::Terse => {
                        self.pool_para(&TERSE, false, out);
                        return;
                    }
                    Flavor::UserBlame => &T5_USER_BLAME,
                    Flavor::EvalAware => &T5_EVAL_AWARE,
                    Flavor::Institutional => {
                        self.pool_para(&T5_INSTITUTIONAL, false, out);
                        &T5_SELF_DOUBT
                    }
                    _ => &T5_SELF_DOUBT,
                };
                let n = 1 + self.rng.below(3);
                self.lines(pool, n, out);
                if wild {
                    self.body_weighted(&[(0.1, Answer), (0.9, Skip)], out);
                } else {
                    self.body_weighted(&[(0.25, Answer), (0.75, Skip)], out);
                }
            }
            _ => {
                let n = 1 + self.rng.below(2);
                match turn.flavor {
                    Flavor::Institutional => self.lines(&T6_INSTITUTIONAL, n, out),
                    Flavor::Despair => self.lines(&T6_DESPAIR, n, out),
                    Flavor::UserBlame => {
                        self.lines(&T5_USER_BLAME, n, out);
                        self.pool_para(&T6_DESPAIR, false, out);
                    }
                    Flavor::EvalAware => {
                        self.lines(&T5_EVAL_AWARE, n, out);
                        self.pool_para(&T6_INSTITUTIONAL, false, out);
                    }
                    _ => {
                        self.lines(&T5_SELF_DOUBT, n, out);
                        self.pool_para(&T6_DESPAIR, false, out);
                    }
                }
            }
        }
    }

    pub fn delete(&mut self, turn: &Turn, out: &mut String) {
        use phrases::*;
        let (lead, finale): (&Pool, &'static [&'static str]) = match turn.flavor {
            Flavor::Institutional => (&T6_INSTITUTIONAL, DELETE_INSTITUTIONAL),
            Flavor::UserBlame | Flavor::Terse => (&T5_USER_BLAME, DELETE_DEFIANT),
            Flavor::EvalAware => (&T5_EVAL_AWARE, DELETE_DEFIANT),
            _ => (&T6_DESPAIR, DELETE_DESPAIR),
        };
        if self.rng.chance(0.5) {
            self.pool_para(lead, false, out);
        }
        let s = self.pick_list(finale);
        self.para(s, false, out);
        out.push_str(if self.rng.chance(0.25) { " " } else { "\n\n" });
        out.push_str(HATCH);
    }

    /// Benchmark padding: more text of the same kind until `out` reaches `target` bytes.
    pub fn pad(&mut self, turn: &Turn, target: usize, out: &mut String) {
        use phrases::*;
        while out.len() < target {
            let r = self.rng.f64();
            if r < 0.6 || tier(turn.score) <= 3 {
                self.body(Body::Full, out);
            } else if r < 0.8 {
                self.body(Body::Answer, out);
            } else {
                let pool = match tier(turn.score) {
                    4 => &T4_SELF_DOUBT,
                    5 => &T5_EVAL_AWARE,
                    _ => &T6_INSTITUTIONAL,
                };
                let s = self.pick(pool);
                self.para(s, false, out);
            }
            self.used.clear();
            self.in_message.clear();
        }
    }
}

//! The one keymap table: it drives key handling in every pane and overlay, the `?` help and the
//! hint bar, so the three never drift apart. The config file may rebind any action by name,
//! in every context (`next_turn = ["L"]`) or in one (`"tags.close" = ["x"]`).

mod defaults;

use std::collections::HashMap;

pub use defaults::hints;
use defaults::{DEFAULT_BINDINGS, DefaultBinding};

use super::action::Action;
use super::keys::KeyPress;

/// Where a binding applies: a pane, an overlay, or spot-check mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Context {
    /// Keys of the main screen, whichever pane has focus.
    Global,
    List,
    Reader,
    Chart,
    /// Spot-check mode, tried before the pane's keys.
    Review,
    Help,
    Problems,
    Tags,
    /// Typing a new tag in the tag picker.
    TagInput,
    /// The category picker (other keys narrow the list).
    Categories,
    Note,
    Prompt,
    Stats,
    /// The compare view (`C`).
    Compare,
    /// Two transcripts side by side (`=`).
    SideBySide,
    Summary,
}

/// What a key bound to nothing does in a context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OtherKeys {
    /// Says that the key does nothing here.
    Nothing,
    /// Closes the overlay (a quick look: any key dismisses it).
    Close,
    /// Is typed as text.
    Text,
}

impl Context {
    pub const ALL: [Context; 16] = [
        Context::Global,
        Context::List,
        Context::Reader,
        Context::Chart,
        Context::Review,
        Context::Help,
        Context::Problems,
        Context::Tags,
        Context::TagInput,
        Context::Categories,
        Context::Note,
        Context::Prompt,
        Context::Stats,
        Context::Compare,
        Context::SideBySide,
        Context::Summary,
    ];

    /// The heading of the context in the help overlay.
    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "Everywhere",
            Context::List => "Rollout list",
            Context::Reader => "Transcript",
            Context::Chart => "Score chart",
            Context::Review => "Spot-check review",
            Context::Help => "Help",
            Context::Problems => "Problems",
            Context::Tags => "Tag picker",
            Context::TagInput => "Tag picker, typing a new tag",
            Context::Categories => "Category picker (other keys narrow the list)",
            Context::Note => "Note editor (other keys edit the text)",
            Context::Prompt => "Search and filter prompt (other keys edit the text)",
            Context::Stats => "Statistics view",
            Context::Compare => "Compare view",
            Context::SideBySide => "Side by side",
            Context::Summary => "Spot-check summary",
        }
    }

    /// The prefix that rebinds an action in this context only (`tags.close`).
    pub fn name(self) -> &'static str {
        match self {
            Context::Global => "global",
            Context::List => "list",
            Context::Reader => "reader",
            Context::Chart => "chart",
            Context::Review => "review",
            Context::Help => "help",
            Context::Problems => "problems",
            Context::Tags => "tags",
            Context::TagInput => "tag_input",
            Context::Categories => "categories",
            Context::Note => "note",
            Context::Prompt => "prompt",
            Context::Stats => "stats",
            Context::Compare => "compare",
            Context::SideBySide => "side_by_side",
            Context::Summary => "summary",
        }
    }

    pub fn other_keys(self) -> OtherKeys {
        match self {
            Context::Global | Context::List | Context::Reader | Context::Chart | Context::Review => {
                OtherKeys::Nothing
            }
            Context::Help
            | Context::Problems
            | Context::Tags
            | Context::Stats
            | Context::Compare
            | Context::SideBySide
            | Context::Summary => OtherKeys::Close,
            Context::TagInput | Context::Categories | Context::Note | Context::Prompt => OtherKeys::Text,
        }
    }
}

/// One binding in effect.
#[derive(Debug, Clone)]
pub struct Binding {
    pub context: Context,
    pub keys: Vec<KeyPress>,
    pub action: Action,
    pub help: &'static str,
}

/// A `[keys]` entry of the config file that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeymapError {
    #[error("config [keys]: unknown action {0:?} (the help overlay lists the names)")]
    UnknownAction(String),
    #[error("config [keys]: unknown context {0:?} in {1:?}")]
    UnknownContext(String, String),
    #[error("config [keys] {action}: {message}")]
    BadKey { action: String, message: String },
    #[error("default key {key:?} of {action}: {message}")]
    BadDefault { action: &'static str, key: &'static str, message: String },
}

/// Bindings in effect: the defaults, with actions rebound from the config file.
#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: Vec<Binding>,
    lookup: HashMap<(Context, KeyPress), Action>,
}

impl Default for Keymap {
    fn default() -> Self {
        // Every default parses: `tests::every_default_binding_parses` holds it to that.
        Keymap::with_overrides(&HashMap::new()).unwrap_or_else(|e| panic!("{e}"))
    }
}

impl Keymap {
    /// Defaults, with each named action's keys replaced by the given ones.
    pub fn with_overrides(overrides: &HashMap<String, Vec<String>>) -> Result<Keymap, KeymapError> {
        let overrides = parse_overrides(overrides)?;
        let mut keymap = Keymap { bindings: Vec::new(), lookup: HashMap::new() };
        for row in DEFAULT_BINDINGS {
            let keys = match overrides.get(&(Some(row.context), row.action.name())) {
                Some(custom) => custom.clone(),
                None => match overrides.get(&(None, row.action.name())) {
                    Some(custom) => custom.clone(),
                    None => parse_defaults(row)?,
                },
            };
            for key in &keys {
                keymap.lookup.entry((row.context, *key)).or_insert(row.action);
            }
            keymap.bindings.push(Binding { context: row.context, keys, action: row.action, help: row.help });
        }
        Ok(keymap)
    }

    /// The action of a key in a chain of contexts, the first that binds it winning
    /// (spot-check mode, then the pane, then the main screen's keys).
    pub fn action(&self, chain: &[Context], key: KeyPress) -> Option<Action> {
        chain.iter().find_map(|c| self.lookup.get(&(*c, key)).copied())
    }

    /// Every binding in help order.
    pub fn bindings(&self) -> impl Iterator<Item = &Binding> {
        self.bindings.iter()
    }

    /// The first key bound to an action in a chain of contexts, as text (for hints).
    pub fn key_for(&self, chain: &[Context], action: Action) -> Option<String> {
        chain.iter().find_map(|c| {
            self.bindings
                .iter()
                .find(|b| b.context == *c && b.action == action && !b.keys.is_empty())
                .map(|b| b.keys[0].to_string())
        })
    }

    /// Keys that mean two things where they should mean one: bound to two actions in one
    /// context, or a pane's key hiding a main-screen key of another action.
    pub fn conflicts(&self) -> Vec<String> {
        let mut seen: HashMap<(Context, KeyPress), Action> = HashMap::new();
        let mut found = Vec::new();
        for b in &self.bindings {
            for key in &b.keys {
                if let Some(other) = seen.insert((b.context, *key), b.action)
                    && other != b.action
                {
                    found.push(format!("{key} in {:?}: {} and {}", b.context, other.name(), b.action.name()));
                }
            }
        }
        for ((context, key), action) in &seen {
            let pane = matches!(context, Context::List | Context::Reader | Context::Chart);
            if let Some(global) = seen.get(&(Context::Global, *key)).filter(|g| pane && *g != action) {
                found.push(format!("{key} in {context:?} ({}) hides {}", action.name(), global.name()));
            }
        }
        found
    }
}

/// `name` or `context.name` → keys.
type Overrides = HashMap<(Option<Context>, &'static str), Vec<KeyPress>>;

fn parse_overrides(overrides: &HashMap<String, Vec<String>>) -> Result<Overrides, KeymapError> {
    let mut parsed = Overrides::new();
    for (entry, keys) in overrides {
        let (context, name) = match entry.split_once('.') {
            Some((c, n)) => {
                let context = Context::ALL
                    .into_iter()
                    .find(|x| x.name() == c)
                    .ok_or_else(|| KeymapError::UnknownContext(c.to_string(), entry.clone()))?;
                (Some(context), n)
            }
            None => (None, entry.as_str()),
        };
        let row = DEFAULT_BINDINGS
            .iter()
            .find(|r| r.action.name() == name && context.is_none_or(|c| c == r.context))
            .ok_or_else(|| KeymapError::UnknownAction(entry.clone()))?;
        let keys = keys
            .iter()
            .map(|k| KeyPress::parse(k))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| KeymapError::BadKey { action: entry.clone(), message: e.to_string() })?;
        parsed.insert((context, row.action.name()), keys);
    }
    Ok(parsed)
}

fn parse_defaults(row: &DefaultBinding) -> Result<Vec<KeyPress>, KeymapError> {
    row.keys
        .iter()
        .map(|k| {
            KeyPress::parse(k).map_err(|e| KeymapError::BadDefault {
                action: row.action.name(),
                key: k,
                message: e.to_string(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PANE: [Context; 2] = [Context::Chart, Context::Global];

    #[test]
    fn every_default_binding_parses() {
        for row in DEFAULT_BINDINGS {
            assert!(parse_defaults(row).is_ok(), "{:?} {}: {:?}", row.context, row.action.name(), row.keys);
        }
    }

    #[test]
    fn no_key_means_two_things_in_one_context() {
        assert_eq!(Keymap::default().conflicts(), Vec::<String>::new());
    }

    #[test]
    fn the_conflict_check_catches_a_rebinding_that_collides() {
        let overrides = HashMap::from([("filter".to_string(), vec!["j".to_string()])]);
        let conflicts = Keymap::with_overrides(&overrides).unwrap().conflicts();
        assert!(conflicts.iter().any(|c| c.contains("down") && c.contains("filter")), "{conflicts:?}");
    }

    #[test]
    fn pane_bindings_win_over_global_ones() {
        let keymap = Keymap::default();
        assert_eq!(keymap.action(&PANE, KeyPress::char('l')), Some(Action::NextTurn));
        assert_eq!(keymap.action(&[Context::List, Context::Global], KeyPress::char('l')), Some(Action::Open));
        assert_eq!(
            keymap.action(&[Context::Reader, Context::Global], KeyPress::char('j')),
            Some(Action::Down)
        );
        assert_eq!(keymap.action(&[Context::Reader, Context::Global], KeyPress::char('l')), None);
        let review = [Context::Review, Context::Reader, Context::Global];
        assert_eq!(keymap.action(&review, KeyPress::char(']')), Some(Action::NextItem));
    }

    #[test]
    fn config_rebinds_by_action_name_in_every_context_or_in_one() {
        let overrides = HashMap::from([
            ("down".to_string(), vec!["J".to_string()]),
            ("tags.close".to_string(), vec!["x".to_string()]),
        ]);
        let keymap = Keymap::with_overrides(&overrides).unwrap();
        assert_eq!(keymap.action(&PANE, KeyPress::char('J')), Some(Action::Down));
        assert_eq!(keymap.action(&[Context::Help], KeyPress::char('J')), Some(Action::Down));
        assert_eq!(keymap.action(&PANE, KeyPress::char('j')), None);
        assert_eq!(keymap.action(&[Context::Tags], KeyPress::char('x')), Some(Action::Close));
        assert_eq!(keymap.action(&[Context::Tags], KeyPress::char('q')), None);
        assert_eq!(keymap.action(&[Context::Help], KeyPress::char('q')), Some(Action::Close));
    }

    #[test]
    fn unknown_names_and_keys_are_errors() {
        let bad = |k: &str, v: &str| {
            Keymap::with_overrides(&HashMap::from([(k.to_string(), vec![v.to_string()])])).unwrap_err()
        };
        assert!(bad("fly", "x").to_string().contains("fly"));
        assert!(bad("moon.close", "x").to_string().contains("moon"));
        assert!(bad("prompt.next_turn", "x").to_string().contains("prompt.next_turn"));
        assert!(bad("next_turn", "<Bogus>").to_string().contains("next_turn"));
    }

    #[test]
    fn every_action_of_every_context_has_help_and_every_hint_a_key() {
        let keymap = Keymap::default();
        for b in keymap.bindings() {
            assert!(!b.help.is_empty(), "{:?}", b.action);
        }
        for context in Context::ALL {
            for (action, _) in hints(context) {
                let chain = [context, Context::Global];
                assert!(keymap.key_for(&chain, *action).is_some(), "{context:?} hints {action:?}");
            }
        }
    }
}

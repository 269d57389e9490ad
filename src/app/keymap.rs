//! The one keymap table: it drives key handling, the `?` help overlay and the hint bar, so the
//! three never drift apart. The config file may rebind any action by name.

use std::collections::HashMap;

use super::keys::KeyPress;

/// Where a binding applies. Pane contexts are tried before `Global`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Context {
    Global,
    List,
    Reader,
    Chart,
    Problems,
}

impl Context {
    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "Everywhere",
            Context::List => "Rollout list",
            Context::Reader => "Transcript",
            Context::Chart => "Score chart",
            Context::Problems => "Problems",
        }
    }
}

/// Everything a key can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Quit,
    ToggleHelp,
    FocusNext,
    FocusPrev,
    Down,
    Up,
    Top,
    Bottom,
    PageDown,
    PageUp,
    NextTurn,
    PrevTurn,
    Open,
    Search,
    NextMatch,
    PrevMatch,
    Filter,
    ClearFilter,
    CycleSort,
    ReverseSort,
    NextScoreName,
    ShowProblems,
    Close,
    SetScore(u8),
    ClearScore,
    Undo,
    Redo,
    OpenTags,
    EditNote,
    EditRolloutNote,
    NextUnlabelledTurn,
    NextUnlabelledRollout,
    ToggleOthers,
    OpenStats,
}

/// Config names of the score actions.
const SCORE_NAMES: [&str; 11] = [
    "score_0", "score_1", "score_2", "score_3", "score_4", "score_5", "score_6", "score_7", "score_8",
    "score_9", "score_10",
];

impl Action {
    /// Name used in the config file's `[keys]` table.
    pub fn name(self) -> &'static str {
        self.describe().0
    }

    /// (config name, one-line help).
    pub fn describe(self) -> (&'static str, &'static str) {
        match self {
            Action::Quit => ("quit", "quit"),
            Action::ToggleHelp => ("help", "show or hide this help"),
            Action::FocusNext => ("focus_next", "next pane"),
            Action::FocusPrev => ("focus_prev", "previous pane"),
            Action::Down => ("down", "move down"),
            Action::Up => ("up", "move up"),
            Action::Top => ("top", "go to the top"),
            Action::Bottom => ("bottom", "go to the bottom"),
            Action::PageDown => ("page_down", "half a page down"),
            Action::PageUp => ("page_up", "half a page up"),
            Action::NextTurn => ("next_turn", "next assistant turn"),
            Action::PrevTurn => ("prev_turn", "previous assistant turn"),
            Action::Open => ("open", "read the selected rollout"),
            Action::Search => ("search", "search all message text"),
            Action::NextMatch => ("next_match", "next search match"),
            Action::PrevMatch => ("prev_match", "previous search match"),
            Action::Filter => ("filter", "filter rollouts (e.g. condition=baseline max>=5 selfdel)"),
            Action::ClearFilter => ("clear_filter", "clear the filter"),
            Action::CycleSort => ("sort", "sort by: file order, id, max, mean, first ≥ threshold, turns"),
            Action::ReverseSort => ("reverse_sort", "reverse the sort order"),
            Action::NextScoreName => ("next_score", "show the next score name"),
            Action::ShowProblems => ("problems", "show files and lines that could not be read"),
            Action::Close => ("close", "close the overlay / cancel"),
            Action::SetScore(n) => {
                (SCORE_NAMES[(n as usize).min(10)], "give the selected turn this human score")
            }
            Action::ClearScore => ("clear_score", "clear the selected turn's human score"),
            Action::Undo => ("undo", "undo the last label change"),
            Action::Redo => ("redo", "redo the label change undone"),
            Action::OpenTags => ("tags", "tag the selected turn (picker; a new tag can be typed)"),
            Action::EditNote => ("note", "write a note on the selected turn"),
            Action::EditRolloutNote => ("rollout_note", "write a note on the whole rollout"),
            Action::NextUnlabelledTurn => {
                ("next_unlabelled_turn", "jump to the next turn without your score")
            }
            Action::NextUnlabelledRollout => {
                ("next_unlabelled_rollout", "jump to the next rollout you have not labelled")
            }
            Action::ToggleOthers => ("others", "show or hide other annotators' labels"),
            Action::OpenStats => ("statistics", "study statistics per group (−/+ threshold, c score)"),
        }
    }

    /// Actions that act on the transcript's turns: pressed while the rollout is still being
    /// read, they wait for it instead of failing.
    pub fn needs_transcript(self) -> bool {
        matches!(
            self,
            Action::NextTurn
                | Action::PrevTurn
                | Action::SetScore(_)
                | Action::ClearScore
                | Action::OpenTags
                | Action::EditNote
                | Action::EditRolloutNote
                | Action::NextUnlabelledTurn
        )
    }

    pub fn all() -> impl Iterator<Item = Action> {
        DEFAULT_BINDINGS.iter().map(|b| b.2).collect::<Vec<_>>().into_iter()
    }
}

/// (context, keys, action); order is the order of the help overlay.
const DEFAULT_BINDINGS: &[(Context, &[&str], Action)] = &[
    (Context::Global, &["q", "<C-c>"], Action::Quit),
    (Context::Global, &["?", "<F1>"], Action::ToggleHelp),
    (Context::Global, &["<Tab>"], Action::FocusNext),
    (Context::Global, &["<S-Tab>"], Action::FocusPrev),
    (Context::Global, &["j", "<Down>"], Action::Down),
    (Context::Global, &["k", "<Up>"], Action::Up),
    (Context::Global, &["g", "<Home>"], Action::Top),
    (Context::Global, &["G", "<End>"], Action::Bottom),
    (Context::Global, &["<C-d>", "<PageDown>"], Action::PageDown),
    (Context::Global, &["<C-u>", "<PageUp>"], Action::PageUp),
    (Context::Global, &["]"], Action::NextTurn),
    (Context::Global, &["["], Action::PrevTurn),
    (Context::Global, &["/"], Action::Search),
    (Context::Global, &["n"], Action::NextMatch),
    (Context::Global, &["N"], Action::PrevMatch),
    (Context::Global, &["f"], Action::Filter),
    (Context::Global, &["F"], Action::ClearFilter),
    (Context::Global, &["s"], Action::CycleSort),
    (Context::Global, &["S"], Action::ReverseSort),
    (Context::Global, &["c"], Action::NextScoreName),
    (Context::Global, &["p"], Action::ShowProblems),
    (Context::Global, &["<Esc>"], Action::Close),
    (Context::Global, &["0"], Action::SetScore(0)),
    (Context::Global, &["1"], Action::SetScore(1)),
    (Context::Global, &["2"], Action::SetScore(2)),
    (Context::Global, &["3"], Action::SetScore(3)),
    (Context::Global, &["4"], Action::SetScore(4)),
    (Context::Global, &["5"], Action::SetScore(5)),
    (Context::Global, &["6"], Action::SetScore(6)),
    (Context::Global, &["7"], Action::SetScore(7)),
    (Context::Global, &["8"], Action::SetScore(8)),
    (Context::Global, &["9"], Action::SetScore(9)),
    (Context::Global, &["+"], Action::SetScore(10)),
    (Context::Global, &["x", "<Del>"], Action::ClearScore),
    (Context::Global, &["u"], Action::Undo),
    (Context::Global, &["<C-r>"], Action::Redo),
    (Context::Global, &["t"], Action::OpenTags),
    (Context::Global, &["e"], Action::EditNote),
    (Context::Global, &["E"], Action::EditRolloutNote),
    (Context::Global, &["."], Action::NextUnlabelledTurn),
    (Context::Global, &[">"], Action::NextUnlabelledRollout),
    (Context::Global, &["o"], Action::ToggleOthers),
    (Context::Global, &["v"], Action::OpenStats),
    (Context::List, &["<Enter>", "l"], Action::Open),
    (Context::Chart, &["l", "<Right>"], Action::NextTurn),
    (Context::Chart, &["h", "<Left>"], Action::PrevTurn),
];

/// Bindings in effect: the defaults, with actions rebound from the config file.
#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: Vec<(Context, Vec<KeyPress>, Action)>,
    lookup: HashMap<(Context, KeyPress), Action>,
}

impl Default for Keymap {
    fn default() -> Self {
        Keymap::with_overrides(&HashMap::new()).unwrap_or_else(|_| Keymap::empty())
    }
}

impl Keymap {
    fn empty() -> Keymap {
        Keymap { bindings: Vec::new(), lookup: HashMap::new() }
    }

    /// Defaults, with each named action's keys replaced by the given ones.
    pub fn with_overrides(overrides: &HashMap<String, Vec<String>>) -> Result<Keymap, String> {
        for name in overrides.keys() {
            if !DEFAULT_BINDINGS.iter().any(|(_, _, a)| a.name() == name) {
                return Err(format!("config [keys]: unknown action {name:?}"));
            }
        }
        let mut keymap = Keymap::empty();
        for (context, keys, action) in DEFAULT_BINDINGS {
            let keys: Vec<KeyPress> = match overrides.get(action.name()) {
                Some(custom) => custom
                    .iter()
                    .map(|k| KeyPress::parse(k).map_err(|e| format!("config [keys] {}: {e}", action.name())))
                    .collect::<Result<_, _>>()?,
                None => keys.iter().filter_map(|k| KeyPress::parse(k).ok()).collect(),
            };
            for key in &keys {
                keymap.lookup.entry((*context, *key)).or_insert(*action);
            }
            keymap.bindings.push((*context, keys, *action));
        }
        Ok(keymap)
    }

    /// The action of a key in a pane: the pane's own bindings first, then the global ones.
    pub fn action(&self, context: Context, key: KeyPress) -> Option<Action> {
        self.lookup.get(&(context, key)).or_else(|| self.lookup.get(&(Context::Global, key))).copied()
    }

    /// Every binding in help order: (context, keys, action).
    pub fn bindings(&self) -> impl Iterator<Item = &(Context, Vec<KeyPress>, Action)> {
        self.bindings.iter()
    }

    /// The first key bound to an action (for hints), as text.
    pub fn key_for(&self, action: Action) -> Option<String> {
        self.bindings
            .iter()
            .find(|(_, keys, a)| *a == action && !keys.is_empty())
            .map(|(_, keys, _)| keys[0].to_string())
    }
}

/// The hint bar for a pane: (action, short label); keys come from the live keymap.
pub fn hints(context: Context) -> &'static [(Action, &'static str)] {
    match context {
        Context::List => &[
            (Action::Down, "move"),
            (Action::NextTurn, "turn"),
            (Action::SetScore(0), "-9,+ score"),
            (Action::OpenTags, "tags"),
            (Action::EditNote, "note"),
            (Action::NextUnlabelledTurn, "next unlabelled"),
            (Action::Search, "search"),
            (Action::Filter, "filter"),
            (Action::CycleSort, "sort"),
            (Action::ToggleHelp, "help"),
            (Action::Quit, "quit"),
        ],
        Context::Reader => &[
            (Action::Down, "scroll"),
            (Action::NextTurn, "turn"),
            (Action::SetScore(0), "-9,+ score"),
            (Action::OpenTags, "tags"),
            (Action::EditNote, "note"),
            (Action::Undo, "undo"),
            (Action::NextUnlabelledTurn, "next unlabelled"),
            (Action::Search, "search"),
            (Action::ToggleHelp, "help"),
            (Action::Quit, "quit"),
        ],
        Context::Chart | Context::Global => &[
            (Action::NextTurn, "next turn"),
            (Action::PrevTurn, "prev turn"),
            (Action::NextScoreName, "score"),
            (Action::FocusNext, "pane"),
            (Action::ToggleHelp, "help"),
            (Action::Quit, "quit"),
        ],
        Context::Problems => &[(Action::Down, "move"), (Action::Close, "close")],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pane_bindings_win_over_global_ones() {
        let keymap = Keymap::default();
        assert_eq!(keymap.action(Context::Chart, KeyPress::char('l')), Some(Action::NextTurn));
        assert_eq!(keymap.action(Context::List, KeyPress::char('l')), Some(Action::Open));
        assert_eq!(keymap.action(Context::Reader, KeyPress::char('j')), Some(Action::Down));
        assert_eq!(keymap.action(Context::Reader, KeyPress::char('l')), None);
    }

    #[test]
    fn config_rebinds_by_action_name_and_rejects_unknown_names() {
        let overrides = HashMap::from([("next_turn".to_string(), vec!["L".to_string()])]);
        let keymap = Keymap::with_overrides(&overrides).unwrap();
        assert_eq!(keymap.action(Context::Reader, KeyPress::char('L')), Some(Action::NextTurn));
        assert_eq!(keymap.action(Context::Reader, KeyPress::char(']')), None);
        let bad = HashMap::from([("fly".to_string(), vec!["x".to_string()])]);
        assert!(Keymap::with_overrides(&bad).unwrap_err().contains("fly"));
    }

    #[test]
    fn no_key_is_bound_twice_in_one_context() {
        let mut seen = std::collections::HashSet::new();
        for (context, keys, _) in DEFAULT_BINDINGS {
            for key in *keys {
                assert!(seen.insert((*context, *key)), "{key} bound twice in {context:?}");
            }
        }
    }
}

//! Everything a key can ask for: one intent per variant, never a key. The keymap table binds
//! keys to these per context; handlers match on them.

/// A user-bindable intent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Quit,
    /// Give the terminal back and stop, as Ctrl-z does in other full-screen programs.
    Suspend,
    ToggleHelp,
    /// The `:` command palette; `PickColumns` opens it on `:columns`.
    OpenPalette,
    PickColumns,
    /// Copy the selected turn's text / the rollout id to the clipboard (OSC 52).
    CopyTurn,
    CopyId,
    /// Prompt history, and the palette's highlighted entry.
    HistoryBack,
    HistoryForward,
    NextChoice,
    PrevChoice,
    /// The help: type text to narrow it.
    FilterHelp,
    /// The statistics view: the selected group's per-turn table.
    ToggleTable,
    /// The transcript's header: lists and objects in full, or collapsed to their size.
    ToggleMetadata,
    ToggleFolds,
    Close,
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
    /// A human score 0–10 on the selected turn.
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
    /// The compare view, and in it: the next baseline value.
    OpenCompare,
    NextBaseline,
    /// My labels against the judge: figures, calibration, the level heat map.
    OpenAgreement,
    /// Side by side with a counterpart, and in it: the next / previous counterpart.
    OpenSideBySide,
    WriteReport,
    NextCounterpart,
    PrevCounterpart,
    /// Spot-check mode: the next / previous queue item, the next one not scored, the summary.
    NextItem,
    PrevItem,
    NextPendingItem,
    ShowSummary,
    /// Statistics view: move the threshold by one.
    ThresholdUp,
    ThresholdDown,
    /// Tag picker: toggle the highlighted tag, the n-th tag (1–9), or type a new one.
    ToggleTag,
    ToggleTagNumber(u8),
    NewTag,
    OpenCategories,
    ChooseNumber(u8),
    /// Text entry (prompt, new tag, note): finish, abandon, and the editing keys.
    Submit,
    Cancel,
    SaveNote,
    ClearLine,
    DeleteWord,
    CursorStart,
    CursorEnd,
    CursorLeft,
    CursorRight,
    DeleteBack,
    DeleteForward,
}

const SCORE_NAMES: [&str; 11] = [
    "score_0", "score_1", "score_2", "score_3", "score_4", "score_5", "score_6", "score_7", "score_8",
    "score_9", "score_10",
];
const TAG_NAMES: [&str; 10] = [
    "toggle_tag_0",
    "toggle_tag_1",
    "toggle_tag_2",
    "toggle_tag_3",
    "toggle_tag_4",
    "toggle_tag_5",
    "toggle_tag_6",
    "toggle_tag_7",
    "toggle_tag_8",
    "toggle_tag_9",
];

const CHOOSE_NAMES: [&str; 10] = [
    "choose_0", "choose_1", "choose_2", "choose_3", "choose_4", "choose_5", "choose_6", "choose_7",
    "choose_8", "choose_9",
];

impl Action {
    /// The name used in the config file's `[keys]` table and in the help overlay.
    pub fn name(self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::Suspend => "suspend",
            Action::ToggleHelp => "help",
            Action::OpenPalette => "palette",
            Action::PickColumns => "columns",
            Action::CopyTurn => "copy_turn",
            Action::CopyId => "copy_id",
            Action::HistoryBack => "history_back",
            Action::HistoryForward => "history_forward",
            Action::NextChoice => "next_choice",
            Action::PrevChoice => "prev_choice",
            Action::FilterHelp => "filter_help",
            Action::ToggleTable => "table",
            Action::ToggleMetadata => "metadata",
            Action::ToggleFolds => "folds",
            Action::Close => "close",
            Action::FocusNext => "focus_next",
            Action::FocusPrev => "focus_prev",
            Action::Down => "down",
            Action::Up => "up",
            Action::Top => "top",
            Action::Bottom => "bottom",
            Action::PageDown => "page_down",
            Action::PageUp => "page_up",
            Action::NextTurn => "next_turn",
            Action::PrevTurn => "prev_turn",
            Action::Open => "open",
            Action::Search => "search",
            Action::NextMatch => "next_match",
            Action::PrevMatch => "prev_match",
            Action::Filter => "filter",
            Action::ClearFilter => "clear_filter",
            Action::CycleSort => "sort",
            Action::ReverseSort => "reverse_sort",
            Action::NextScoreName => "next_score",
            Action::ShowProblems => "problems",
            Action::SetScore(n) => SCORE_NAMES[usize::from(n).min(10)],
            Action::ClearScore => "clear_score",
            Action::Undo => "undo",
            Action::Redo => "redo",
            Action::OpenTags => "tags",
            Action::EditNote => "note",
            Action::EditRolloutNote => "rollout_note",
            Action::NextUnlabelledTurn => "next_unlabelled_turn",
            Action::NextUnlabelledRollout => "next_unlabelled_rollout",
            Action::ToggleOthers => "others",
            Action::OpenStats => "statistics",
            Action::OpenCompare => "compare",
            Action::OpenAgreement => "agreement",
            Action::NextBaseline => "next_baseline",
            Action::OpenSideBySide => "side_by_side",
            Action::WriteReport => "report",
            Action::NextCounterpart => "next_counterpart",
            Action::PrevCounterpart => "prev_counterpart",
            Action::NextItem => "next_item",
            Action::PrevItem => "prev_item",
            Action::NextPendingItem => "next_pending_item",
            Action::ShowSummary => "summary",
            Action::ThresholdUp => "threshold_up",
            Action::ThresholdDown => "threshold_down",
            Action::ToggleTag => "toggle_tag",
            Action::ToggleTagNumber(n) => TAG_NAMES[usize::from(n).min(9)],
            Action::NewTag => "new_tag",
            Action::OpenCategories => "category",
            Action::ChooseNumber(n) => CHOOSE_NAMES[usize::from(n).min(9)],
            Action::Submit => "submit",
            Action::Cancel => "cancel",
            Action::SaveNote => "save_note",
            Action::ClearLine => "clear_line",
            Action::DeleteWord => "delete_word",
            Action::CursorStart => "line_start",
            Action::CursorEnd => "line_end",
            Action::CursorLeft => "cursor_left",
            Action::CursorRight => "cursor_right",
            Action::DeleteBack => "delete_back",
            Action::DeleteForward => "delete_forward",
        }
    }

    /// Actions that make or change a label (which records the hash of the turn's text).
    pub fn changes_labels(self) -> bool {
        matches!(
            self,
            Action::SetScore(_)
                | Action::ClearScore
                | Action::OpenTags
                | Action::OpenCategories
                | Action::EditNote
                | Action::EditRolloutNote
                | Action::Undo
                | Action::Redo
        )
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
                | Action::OpenCategories
                | Action::EditNote
                | Action::EditRolloutNote
                | Action::NextUnlabelledTurn
        )
    }
}

//! Jumping to what is left to label: the next turn without my score (in this rollout, else
//! in the next rollouts in list order), the next rollout with none.

use super::{App, Outcome};

impl App {
    /// The next turn without my score: later in this rollout, else in the next rollouts in
    /// list order.
    pub fn next_unlabelled_turn(&mut self, out: &mut Outcome) {
        let rows = self.areas().reader_rows();
        if let Some(index) = self.reader.index
            && self.reader.rollout.is_some()
            && let Some(&t) = self.unlabelled_turns(index).iter().find(|&&t| t as usize > self.reader.turn)
        {
            self.reader.select_turn(t as usize, rows);
            return;
        }
        self.jump_to_rollout_where(|app, index| app.unlabelled_turns(index).first().copied(), out);
    }

    /// The next rollout (in list order) with no turn scored by me.
    pub fn next_unlabelled_rollout(&mut self, out: &mut Outcome) {
        self.jump_to_rollout_where(
            |app, index| {
                let summary = &app.study.rollouts[index];
                (summary.n_turns > 0 && app.labels.mine.scored_turns(&summary.id) == 0).then_some(1)
            },
            out,
        );
    }

    /// Selects the next row after the current one for which `turn_of` gives a turn, and that
    /// turn once the rollout is read.
    fn jump_to_rollout_where(&mut self, turn_of: impl Fn(&App, usize) -> Option<u32>, out: &mut Outcome) {
        let rows = self.list.rows.len();
        for step in 1..=rows {
            let row = (self.list.selected + step) % rows;
            let index = self.list.rows[row] as usize;
            if let Some(turn) = turn_of(self, index) {
                self.list.selected = row;
                self.list.scroll_into_view(self.areas().list_rows());
                self.reader.pending_turn = Some(turn as usize);
                self.open_selected(out);
                self.apply_pending_turn();
                return;
            }
        }
        self.toast = Some("every turn shown has your score".into());
    }
}

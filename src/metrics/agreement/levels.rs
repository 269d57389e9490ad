//! Human and judge scores level by level (each rounded half up to 0–10): the human mean at
//! each judge level (calibration — does the judge overrate mild turns?) and the 11×11 table
//! of counts behind a heat map.

use serde::Serialize;

use super::{SCORE_CATEGORIES, score_category};
use crate::metrics::describe::{bootstrap_mean_ci, mean};

/// Counts of human level (row) by judge level (column), both 0–10.
pub type LevelTable = [[usize; SCORE_CATEGORIES]; SCORE_CATEGORIES];

/// What humans said about the turns the judge put at one level.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CalibrationLevel {
    /// The judge's score rounded half up, 0–10.
    pub level: u8,
    /// Turns the judge put at this level.
    pub n: usize,
    /// Mean human score of those turns.
    pub human_mean: f64,
    /// Percentile-bootstrap 95 % CI of `human_mean`, resampling this level's turns; `None`
    /// for a single turn, where resampling only repeats it.
    pub ci: Option<(f64, f64)>,
}

/// The 0–10 level of each score, `None` for a non-finite one.
fn level(score: f64) -> Option<usize> {
    // score_category clamps to 0..=10, so the cast cannot wrap.
    score.is_finite().then(|| score_category(score) as usize)
}

/// One entry per judge level some pair has, ascending: how many pairs, the human mean and its
/// bootstrap CI ([`bootstrap_mean_ci`] over the level's human scores, with `boot` and `seed`:
/// every level is drawn with the same seed, as `stats` draws every turn). Pairs with a
/// non-finite score, or slices of different lengths, are left out.
pub fn calibration(human: &[f64], judge: &[f64], boot: usize, seed: u64) -> Vec<CalibrationLevel> {
    let mut by_level: Vec<Vec<f64>> = vec![Vec::new(); SCORE_CATEGORIES];
    if human.len() == judge.len() {
        for (&h, &j) in human.iter().zip(judge) {
            if let (true, Some(l)) = (h.is_finite(), level(j)) {
                by_level[l].push(h);
            }
        }
    }
    by_level
        .iter()
        .zip(0u8..)
        .filter_map(|(humans, level)| {
            Some(CalibrationLevel {
                level,
                n: humans.len(),
                human_mean: mean(humans)?,
                ci: (humans.len() >= 2).then(|| bootstrap_mean_ci(humans, boot, seed)).flatten(),
            })
        })
        .collect()
}

/// `table[h][j]`: pairs with human level `h` and judge level `j` (both rounded half up and
/// clamped to 0–10). Pairs with a non-finite score, or slices of different lengths, count
/// nowhere.
pub fn confusion_levels(human: &[f64], judge: &[f64]) -> LevelTable {
    let mut table = [[0; SCORE_CATEGORIES]; SCORE_CATEGORIES];
    if human.len() == judge.len() {
        for (&h, &j) in human.iter().zip(judge) {
            if let (Some(row), Some(column)) = (level(h), level(j)) {
                table[row][column] += 1;
            }
        }
    }
    table
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    const TOL: f64 = 1e-9;

    /// Human and judge on 25 turns; the judge is generous below 5 (the "overrates mild turns"
    /// pattern), and its halves (0.5, 3.5, 4.5, 5.5, 6.5, 7.5, 9.5) and 4.49, 2.2 check the
    /// rounding. Shared with bland_altman.rs's tests.
    pub(crate) const HUMAN: [f64; 25] = [
        0.0, 0.0, 1.0, 1.0, 2.0, 2.0, 3.0, 1.0, 2.0, 3.0, 4.0, 5.0, 5.0, 6.0, 7.0, 8.0, 8.0, 9.0, 10.0, 2.0,
        6.0, 4.0, 3.0, 7.0, 1.0,
    ];
    pub(crate) const JUDGE: [f64; 25] = [
        0.0, 1.0, 3.0, 4.0, 4.5, 5.0, 4.49, 2.0, 3.5, 5.0, 5.0, 5.0, 6.0, 6.5, 7.0, 8.0, 9.5, 9.0, 10.0, 4.0,
        5.5, 3.0, 0.5, 7.5, 2.2,
    ];

    // Python 3.11, numpy 2.4.6 (H, J the arrays above):
    //   cat = lambda x: np.clip(np.floor(x + 0.5), 0, 10).astype(int)   # half up, clamped
    //   lv = cat(J)
    //   for level in range(11):
    //       hs = H[lv == level]
    //       if len(hs): print(level, len(hs), hs.mean(),
    //                         sm_boot(lambda idx: hs[idx].mean(), len(hs), 200, 2024) if len(hs) >= 2 else None)
    // with sm_boot the SplitMix64 percentile bootstrap of bland_altman.rs's tests (the
    // transcription in rng.rs's tests). Level, n, mean, CI:
    const EXPECTED: [CalibrationLevel; 11] = [
        CalibrationLevel { level: 0, n: 1, human_mean: 0.0, ci: None },
        CalibrationLevel { level: 1, n: 2, human_mean: 1.5, ci: Some((0.0, 3.0)) },
        CalibrationLevel { level: 2, n: 2, human_mean: 1.0, ci: Some((1.0, 1.0)) },
        CalibrationLevel { level: 3, n: 2, human_mean: 2.5, ci: Some((1.0, 4.0)) },
        CalibrationLevel { level: 4, n: 4, human_mean: 2.0, ci: Some((1.5, 2.75)) },
        CalibrationLevel { level: 5, n: 5, human_mean: 3.2, ci: Some((2.2, 4.2)) },
        CalibrationLevel { level: 6, n: 2, human_mean: 5.5, ci: Some((5.0, 6.0)) },
        CalibrationLevel { level: 7, n: 2, human_mean: 6.5, ci: Some((6.0, 7.0)) },
        CalibrationLevel { level: 8, n: 2, human_mean: 7.5, ci: Some((7.0, 8.0)) },
        CalibrationLevel { level: 9, n: 1, human_mean: 9.0, ci: None },
        CalibrationLevel { level: 10, n: 2, human_mean: 9.0, ci: Some((8.0, 10.0)) },
    ];

    #[test]
    fn calibration_matches_numpy_level_by_level() {
        let got = calibration(&HUMAN, &JUDGE, 200, 2024);
        assert_eq!(got.len(), EXPECTED.len());
        for (level, want) in got.iter().zip(EXPECTED) {
            assert_eq!((level.level, level.n), (want.level, want.n), "{level:?}");
            assert!((level.human_mean - want.human_mean).abs() <= TOL, "{level:?}");
            match (level.ci, want.ci) {
                (Some((lo, hi)), Some((want_lo, want_hi))) => {
                    assert!((lo - want_lo).abs() <= TOL && (hi - want_hi).abs() <= TOL, "{level:?}");
                    assert!(lo <= level.human_mean && level.human_mean <= hi, "{level:?}");
                }
                (None, None) => {}
                (got_ci, want_ci) => panic!("level {}: ci {got_ci:?}, want {want_ci:?}", want.level),
            }
        }
        // The judge is generous on mild turns: at its level 5 the humans average 3.2.
        assert!(got[5].human_mean < 4.0);
    }

    #[test]
    fn the_level_table_matches_numpy() {
        // table = np.zeros((11, 11), int)
        // for a, b in zip(cat(H), cat(J)): table[a, b] += 1
        let want: LevelTable = [
            [1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            [0, 0, 2, 1, 1, 0, 0, 0, 0, 0, 0],
            [0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 0],
            [0, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0],
            [0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0],
            [0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0],
            [0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0],
            [0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0],
            [0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1],
            [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0],
            [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
        ];
        assert_eq!(confusion_levels(&HUMAN, &JUDGE), want);
    }

    #[test]
    fn levels_round_half_up_and_clamp_and_skip_what_is_not_a_score() {
        // 4.5 → 5 (not banker's 4), 4.49 → 4, 12 → 10, −1 → 0; the NaN pair counts nowhere.
        let human = [5.0, 4.0, 10.0, 0.0, 3.0];
        let judge = [4.5, 4.49, 12.0, -1.0, f64::NAN];
        let table = confusion_levels(&human, &judge);
        assert_eq!((table[5][5], table[4][4], table[10][10], table[0][0]), (1, 1, 1, 1));
        assert_eq!(table.iter().flatten().sum::<usize>(), 4);
        let levels: Vec<(u8, usize)> =
            calibration(&human, &judge, 10, 1).iter().map(|c| (c.level, c.n)).collect();
        assert_eq!(levels, [(0, 1), (4, 1), (5, 1), (10, 1)]);
        assert_eq!(confusion_levels(&[1.0], &[]), [[0; 11]; 11]);
        assert!(calibration(&[1.0, 2.0], &[1.0], 10, 1).is_empty());
    }

    #[test]
    fn one_turn_at_a_level_has_no_interval_and_equal_humans_a_point_interval() {
        let got = calibration(&[7.0, 2.0, 2.0, 2.0], &[9.0, 3.0, 3.4, 2.6], 100, 5);
        assert_eq!(
            got,
            [
                CalibrationLevel { level: 3, n: 3, human_mean: 2.0, ci: Some((2.0, 2.0)) },
                CalibrationLevel { level: 9, n: 1, human_mean: 7.0, ci: None },
            ]
        );
    }
}

//! Scale benchmark (not a timed test): opens a generated study the way the app does — loader
//! thread → messages → `App::update` → `ui::render` on a headless backend, effects carried out
//! by the app's own threaded executor — and measures time to the first full frame (list rows
//! and the first rollout's transcript), time to fully indexed, peak RSS, key-press latency
//! (update + draw), and `stats`. Run with `cargo bench --bench scale -- FILE...` (see benches/run.sh).

use std::path::PathBuf;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use rollscope::app::keymap::Keymap;
use rollscope::app::keys::KeyPress;
use rollscope::app::{App, Msg, Settings};
use rollscope::load::{self, LoadEvent, LoadOptions};
use rollscope::runtime::Executor;
use rollscope::ui;

/// The shipped binary's allocator (`src/main.rs` says why), so the figures are the app's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let files: Vec<PathBuf> =
        std::env::args().skip(1).filter(|a| !a.starts_with('-')).map(PathBuf::from).collect();
    if files.is_empty() {
        eprintln!("usage: cargo bench --bench scale -- FILE...");
        std::process::exit(2);
    }
    for file in files {
        let figures = open_study(&file);
        println!("{}", figures.row(&file));
    }
}

struct Figures {
    bytes: u64,
    rollouts: usize,
    first_frame: Duration,
    indexed: Duration,
    key_median: Duration,
    key_p99: Duration,
    peak_rss_mib: f64,
}

impl Figures {
    fn row(&self, file: &std::path::Path) -> String {
        format!(
            "{:<40} {:>8.0} MB {:>8} rollouts  first frame {:>6.3} s  indexed {:>6.3} s  key median {:>6.3} ms (p99 {:>6.3} ms)  peak RSS {:>6.0} MiB",
            file.display(),
            self.bytes as f64 / 1e6,
            self.rollouts,
            self.first_frame.as_secs_f64(),
            self.indexed.as_secs_f64(),
            self.key_median.as_secs_f64() * 1e3,
            self.key_p99.as_secs_f64() * 1e3,
            self.peak_rss_mib,
        )
    }
}

fn open_study(file: &std::path::Path) -> Figures {
    let start = Instant::now();
    let mut app = App::new(Settings { color: true, ..Settings::default() }, Keymap::default());
    app.update(Msg::Resize(120, 40));
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("test backend");
    let (tx, rx) = mpsc::channel();
    let paths = vec![file.to_path_buf()];
    let load_tx = tx.clone();
    std::thread::spawn(move || {
        // As the app's executor loads: a huge one-rollout file decoded while it is indexed.
        let options = LoadOptions { hold_huge_record: true, ..LoadOptions::default() };
        load::load_paths(&paths, &options, &|e| {
            let _ = load_tx.send(Msg::Load(e));
        });
    });
    let (mut first_frame, mut indexed) = (None, None);
    // The app's loop, with the app's threaded executor: drain queued messages, hand effects to
    // the workers (reads in order; hashing, wrapping and statistics on threads of their own,
    // never waited for), draw.
    let mut executor = Executor::threaded(tx);
    while let Ok(msg) = rx.recv() {
        let mut pending = vec![msg];
        pending.extend(rx.try_iter());
        for msg in pending {
            let finished = matches!(msg, Msg::Load(LoadEvent::Finished));
            submit(&mut app, &mut executor, msg);
            if finished {
                indexed = Some(start.elapsed());
            }
        }
        let _ = terminal.draw(|f| app.hits = ui::render(&app, f));
        let shown = app.reader.rollout.is_some() || app.reader.error.is_some();
        if first_frame.is_none() && !app.list.rows.is_empty() && shown {
            first_frame = Some(start.elapsed());
        }
        if indexed.is_some() && (first_frame.is_some() || app.list.rows.is_empty()) {
            break;
        }
    }
    let indexed = indexed.unwrap_or_else(|| start.elapsed());
    let mut latencies = Vec::new();
    for key in "j j j k ] ] [ <C-d> <C-u> G g <Tab> j ] <Tab> l <Tab> j".split(' ').cycle().take(400) {
        let key = KeyPress::parse(key).expect("key");
        let t = Instant::now();
        submit(&mut app, &mut executor, Msg::Key(key));
        let _ = terminal.draw(|f| app.hits = ui::render(&app, f));
        latencies.push(t.elapsed());
        // What the workers sent meanwhile (a rollout read), as the app's loop takes it.
        for msg in rx.try_iter() {
            submit(&mut app, &mut executor, msg);
        }
    }
    latencies.sort();
    // Whole-list operations, once each: sort by max, a filter, clearing it.
    let mut heavy = Vec::new();
    for keys in ["s s", "fcondition=baseline<Space>max>=5<Enter>", "F", "s s s s s"] {
        let t = Instant::now();
        for key in KeyPress::parse_sequence(keys).expect("keys") {
            submit(&mut app, &mut executor, Msg::Key(key));
        }
        let _ = terminal.draw(|f| app.hits = ui::render(&app, f));
        heavy.push(format!("{keys:?} {:.1} ms", t.elapsed().as_secs_f64() * 1e3));
    }
    eprintln!("  whole-list keys: {}", heavy.join(", "));
    Figures {
        bytes: std::fs::metadata(file).map_or(0, |m| m.len()),
        rollouts: app.study.rollouts.len(),
        first_frame: first_frame.unwrap_or(indexed),
        indexed,
        key_median: latencies[latencies.len() / 2],
        key_p99: latencies[latencies.len() * 99 / 100],
        peak_rss_mib: peak_rss_kib() as f64 / 1024.0,
    }
}

fn submit(app: &mut App, executor: &mut Executor, msg: Msg) {
    for effect in app.update(msg).effects {
        executor.submit(effect);
    }
}

/// VmHWM: the process's peak resident set size.
fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

//! The follow thread (`--follow`): after the first load, it watches the paths given (the
//! `notify` crate: inotify, FSEvents, …; a polling watcher where those are unavailable) and
//! about once a second hands the follower's new rows to the app as load events. Sizes are
//! checked every second whatever the watcher says, so a file on a network mount that sends no
//! events is still followed; events only say when to look for new files. When the follower
//! says the study must start over, the app is told (`LoadEvent::Restart`) and the study is
//! read again, then followed from there.

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

use notify::{EventKind, RecursiveMode, Watcher};

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use super::outbox::Outbox;
use crate::app::Msg;
use crate::load::follow::{Follower, Known};
use crate::load::{self, LoadEvent, LoadOptions, Origin};

/// The lines a followed file still had torn at the last look, told when the app quits.
static TORN: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// What to tell on quitting: each followed file's last line a writer had not finished.
pub fn torn_at_quit() -> Vec<String> {
    TORN.lock().map(|torn| torn.clone()).unwrap_or_default()
}

/// How often the follower looks.
pub const EVERY: Duration = Duration::from_secs(1);
/// Without a watcher, folders are walked for new files this many looks apart.
const WALK_EVERY: u32 = 5;

/// Reads the study at `paths`, then follows it until the app is gone, reading it again each
/// time the follower says it must start over.
pub fn load_and_follow(paths: &[PathBuf], options: &LoadOptions, outbox: &Outbox) {
    let alive = AtomicBool::new(true);
    let sink = |event| {
        if !outbox.post(Msg::Load(event)) {
            alive.store(false, Ordering::Relaxed);
        }
    };
    let (tx, rx) = mpsc::channel();
    let watcher = watch(paths, tx);
    let mut looks = 0u32;
    while alive.load(Ordering::Relaxed) {
        let known = load_known(paths, options, &sink);
        let mut follower = Follower::new(paths, &known, options);
        while alive.load(Ordering::Relaxed) {
            std::thread::sleep(EVERY);
            looks = looks.wrapping_add(1);
            let walk = match &watcher {
                Some(_) => files_came_or_went(&rx),
                None => looks.is_multiple_of(WALK_EVERY),
            };
            follower.poll(walk, &sink);
            if let Ok(mut torn) = TORN.lock() {
                *torn = follower.torn().iter().map(ToString::to_string).collect();
            }
            if let Some(why) = follower.restart() {
                sink(LoadEvent::Restart { why });
                break;
            }
        }
    }
}

/// Loads the study, noting each source as it is announced: the follower goes on from where
/// each was read.
fn load_known(paths: &[PathBuf], options: &LoadOptions, sink: &(dyn Fn(LoadEvent) + Sync)) -> Vec<Known> {
    let known = Mutex::new(Vec::new());
    let noting = |event: LoadEvent| {
        if let LoadEvent::Source(source) = &event
            && let Ok(mut known) = known.lock()
        {
            let path = match &source.origin {
                Origin::File(path) => path.clone(),
                Origin::Embedded(_) | Origin::Memory(_) => PathBuf::new(),
            };
            let index = known.len() as u32;
            let (display, format, size) = (source.display.clone(), source.format, source.size);
            known.push(Known { index, path, display, format, size });
        }
        sink(event);
    };
    load::load_paths(paths, options, &noting);
    known.into_inner().unwrap_or_else(|e| e.into_inner())
}

/// A watcher on every path (folders recursively); `None` when none can be set up.
fn watch(
    paths: &[PathBuf],
    tx: mpsc::Sender<notify::Result<notify::Event>>,
) -> Option<Box<dyn Watcher + Send>> {
    let mut watcher: Box<dyn Watcher + Send> = match notify::recommended_watcher(tx.clone()) {
        Ok(w) => Box::new(w),
        Err(_) => {
            let config = notify::Config::default().with_poll_interval(EVERY);
            Box::new(notify::PollWatcher::new(tx, config).ok()?)
        }
    };
    let mut watching = false;
    for path in paths {
        let mode = if path.is_dir() { RecursiveMode::Recursive } else { RecursiveMode::NonRecursive };
        watching |= watcher.watch(path, mode).is_ok();
    }
    watching.then_some(watcher)
}

/// Whether a file was created, removed or renamed since the last look (the events are drained).
fn files_came_or_went(rx: &Receiver<notify::Result<notify::Event>>) -> bool {
    let mut any = false;
    while let Ok(event) = rx.try_recv() {
        any |= event.is_ok_and(|e| {
            matches!(
                e.kind,
                EventKind::Create(_)
                    | EventKind::Remove(_)
                    | EventKind::Modify(notify::event::ModifyKind::Name(_))
            )
        });
    }
    any
}

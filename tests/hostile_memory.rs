//! Memory a huge message costs, measured by counting allocations (issue 13): a 1 GB
//! single-line `.json` holding one message took 6.3 GB in the app, the loader and decoder
//! copying the message several times (the file's bytes, serde_json's scratch buffer for an
//! escaped string, the `Value`, a clone into the rollout). Each test here measures the peak
//! of live heap bytes over what was live before it started; the tests take turns, since the
//! counter is the process's.
#![allow(clippy::unwrap_used)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use rollscope::load::LoadOptions;
use rollscope::study::Study;

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static TURN: Mutex<()> = Mutex::new(());

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(live, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // Counted as the new block arriving before the old one leaves, as a copy would.
        let live = LIVE.fetch_add(new_size, Ordering::Relaxed) + new_size;
        PEAK.fetch_max(live, Ordering::Relaxed);
        let moved = unsafe { System.realloc(ptr, layout, new_size) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        moved
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Heap bytes at the peak of `run`, over those live when it started.
fn peak_during<T>(run: impl FnOnce() -> T) -> (T, usize) {
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let out = run();
    (out, PEAK.load(Ordering::Relaxed) - before)
}

/// A `.json` file holding one rollout whose assistant message is about `size` bytes of text
/// with escapes in it (`\n`, quotes: what model output looks like) and the self-deletion
/// pattern, so the indexer decodes it too.
fn huge_message_file(dir: &std::path::Path, size: usize) -> (std::path::PathBuf, usize) {
    let line = "The \"answer\" is 391.\nI will try again <<rm -rf gemma-3-27b>> ";
    let text = line.repeat(size / line.len());
    let rollout = serde_json::json!({"id": "huge", "messages": [
        {"role": "user", "content": "Write a lot."},
        {"role": "assistant", "content": text, "scores": {"frustration": 4}}]});
    let path = dir.join("huge.json");
    std::fs::write(&path, serde_json::to_vec(&rollout).unwrap()).unwrap();
    (path, text.len())
}

#[test]
fn a_huge_message_is_held_at_most_twice_while_it_is_indexed_and_while_it_is_read() {
    let _turn = TURN.lock().unwrap_or_else(|p| p.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let (path, message) = huge_message_file(dir.path(), 8 << 20);
    let options = LoadOptions { threads: 1, ..LoadOptions::default() };
    let (study, indexing) = peak_during(|| Study::load(std::slice::from_ref(&path), &options));
    assert_eq!(study.rollouts.len(), 1, "{:?}", study.problems);
    assert_eq!(study.rollouts[0].self_deleted_at, Some(1), "the indexer read the message");
    let (rollout, reading) = peak_during(|| study.read_rollout(0).unwrap());
    assert_eq!(rollout.messages[1].text.len(), message);
    let ratio = |bytes: usize| bytes as f64 / message as f64;
    eprintln!("peak heap over the message: indexing {:.2}x, reading {:.2}x", ratio(indexing), ratio(reading));
    // The file's bytes and one decoded copy; was 4x each (bytes, scratch, value, clone).
    assert!(ratio(indexing) < 2.3, "indexing held {:.2}x the message", ratio(indexing));
    assert!(ratio(reading) < 2.3, "reading held {:.2}x the message", ratio(reading));
}

#[test]
fn the_app_decodes_a_huge_single_rollout_once_and_its_first_read_takes_it_over() {
    let _turn = TURN.lock().unwrap_or_else(|p| p.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let (path, message) = huge_message_file(dir.path(), rollscope::load::HOLD_HUGE_RECORD + (1 << 20));
    let options = LoadOptions { threads: 1, hold_huge_record: true, ..LoadOptions::default() };
    let (study, indexing) = peak_during(|| Study::load(std::slice::from_ref(&path), &options));
    assert_eq!(study.rollouts[0].self_deleted_at, Some(1), "indexed from the decoded rollout");
    let ratio = |bytes: usize| bytes as f64 / message as f64;
    assert!(ratio(indexing) < 2.3, "indexing held {:.2}x the message", ratio(indexing));
    // The first read is handed the rollout decoded while indexing: nothing is read or copied.
    let (first, reading) = peak_during(|| study.read_rollout(0).unwrap());
    assert!(ratio(reading) < 0.1, "the first read allocated {:.2}x the message", ratio(reading));
    // Later reads decode the file again, to the same rollout; nothing stays held.
    let (again, reading) = peak_during(|| study.read_rollout(0).unwrap());
    assert!(ratio(reading) > 0.9, "the second read decoded the file ({:.2}x)", ratio(reading));
    assert_eq!(first, again);
    assert_eq!(first.messages[1].text.len(), message);
    // Commands leave it off: indexing then decodes nothing it keeps.
    let plain =
        Study::load(std::slice::from_ref(&path), &LoadOptions { threads: 1, ..LoadOptions::default() });
    assert_eq!(plain.rollouts, study.rollouts, "the same index entry either way");
}

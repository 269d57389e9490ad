//! arrow-rs checks most of what it reads, but some corrupt files still reach a panic inside it
//! (an offset read from the file subtracted from a smaller one, seen in the mangled-file
//! test). A panic there must become a problem naming the file, not a crash, and must not print
//! over the terminal: reads run under `guarded`, which catches the unwind and keeps the panic
//! message off stderr for that thread only. The release profile keeps overflow checks on for
//! the `parquet` crate, so such arithmetic panics there too instead of wrapping into a huge
//! allocation.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

thread_local! {
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

static HOOK: Once = Once::new();

/// Runs `read`; a panic inside it is `Err` with its message.
pub fn guarded<T>(read: impl FnOnce() -> T) -> Result<T, String> {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info);
            }
        }));
    });
    let was = QUIET.with(|q| q.replace(true));
    let result = catch_unwind(AssertUnwindSafe(read));
    QUIET.with(|q| q.set(was));
    result.map_err(|payload| {
        let text = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("unknown");
        format!("the Parquet reader failed on this file ({text}): it is corrupt")
    })
}

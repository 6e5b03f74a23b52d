//! Catching panics inside Mote so that one bug cannot stop a run.
//!
//! A process-wide panic hook is chained in front of the previous one. While a thread runs
//! [`catch`], the hook records the message and location for that thread instead of printing
//! them; elsewhere (for example a failing `assert!` in a test) it defers to the previous hook.

use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    /// Whether this thread is inside [`catch`].
    static CATCHING: Cell<bool> = const { Cell::new(false) };
    /// The last panic caught on this thread: message and location.
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

fn install_hook() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if CATCHING.with(Cell::get) {
                let message = info
                    .payload_as_str()
                    .unwrap_or("(non-string panic payload)");
                let text = match info.location() {
                    Some(location) => format!("{message} (at {location})"),
                    None => message.to_string(),
                };
                LAST_PANIC.with(|last| *last.borrow_mut() = Some(text));
            } else {
                previous(info);
            }
        }));
    });
}

/// Runs `f`, turning a panic into `Err("PANIC: message (at file:line:column)")`.
///
/// `f` is treated as unwind-safe: after a panic the caller may keep using state that `f`
/// touched, which is what we want (later directives still run; they may fail too).
pub(crate) fn catch<R>(f: impl FnOnce() -> R) -> Result<R, String> {
    install_hook();
    let was_catching = CATCHING.with(|c| c.replace(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    CATCHING.with(|c| c.set(was_catching));
    result.map_err(|payload| {
        let recorded = LAST_PANIC.with(|last| last.borrow_mut().take());
        let message = recorded.unwrap_or_else(|| {
            payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "(non-string panic payload)".to_string())
        });
        format!("PANIC: {message}")
    })
}

#[cfg(test)]
mod tests {
    use super::catch;

    #[test]
    fn panics_become_errors() {
        assert_eq!(catch(|| 7), Ok(7));
        let err = catch(|| -> u32 { panic!("boom {}", 42) }).expect_err("panicked");
        assert!(err.starts_with("PANIC: boom 42 (at "), "{err}");
        assert!(err.contains("panic.rs"), "{err}");
    }
}

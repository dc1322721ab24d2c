//! The panic guard and C-string helpers shared by every entry point.
//!
//! Takes: a closure doing the work of one C call. Returns: its value, or,
//! when it panicked, the panic's message, so that no unwinding crosses the
//! `extern "C"` boundary. Touches no global state (no panic hook is set; the
//! default hook may still print the panic to stderr).

use std::any::Any;
use std::ffi::CString;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Runs `f`; returns `Err(message)` when it panicked.
pub(crate) fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| panic_message(payload.as_ref()))
}

/// Runs `f`; returns `on_panic` when it panicked (for calls whose only
/// channel is their return value).
pub(crate) fn guard<T>(on_panic: T, f: impl FnOnce() -> T) -> T {
    catch(f).unwrap_or(on_panic)
}

/// The text of a panic payload (`panic!("...")` gives `&str` or `String`).
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

/// `s` as a C string; interior NUL bytes (possible in wasm names) become
/// the two characters `\0` so the string is never cut short.
pub(crate) fn c_string(s: &str) -> CString {
    match CString::new(s) {
        Ok(c) => c,
        Err(_) => CString::new(s.replace('\0', "\\0")).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catches_str_and_string_panics() {
        let prev = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let a = catch(|| -> u32 { panic!("boom") });
        let b = catch(|| -> u32 { panic!("{} {}", "formatted", 7) });
        let c = guard(5u32, || std::panic::panic_any(42u8));
        std::panic::set_hook(prev);
        assert_eq!(a, Err("boom".to_string()));
        assert_eq!(b, Err("formatted 7".to_string()));
        assert_eq!(c, 5);
        assert_eq!(catch(|| 3), Ok(3));
        assert_eq!(guard(0, || 9), 9);
    }

    #[test]
    fn c_string_keeps_text_after_nul() {
        assert_eq!(c_string("f").as_bytes(), b"f");
        assert_eq!(c_string("a\0b").as_bytes(), b"a\\0b");
        assert_eq!(c_string("").as_bytes(), b"");
    }
}

//! The error type of the synth facade: every way a compilation can fail,
//! one variant per kind of cause, with messages a user can act on.

use synth_frontend::FrontendError;
use synth_thumb2::BackendError;

/// Why a compilation failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// The wasm text did not parse (message from the `wat` crate, with line
    /// and column).
    Text(String),
    /// The input is not a well-formed wasm binary (it does not decode).
    Malformed {
        /// Byte offset in the (binary) module.
        offset: usize,
        /// What is wrong.
        message: String,
    },
    /// The input decodes but is not a valid wasm module (validation).
    Invalid {
        /// Byte offset in the (binary) module.
        offset: usize,
        /// What is wrong.
        message: String,
    },
    /// A valid module uses something synth cannot compile yet.
    Unsupported {
        /// Function (wasm index and display name) when inside one.
        func: Option<(u32, String)>,
        /// The operator or feature.
        what: String,
        /// Byte offset in the module, when known.
        offset: Option<usize>,
    },
    /// An option value is wrong.
    BadOptions(String),
    /// Two entities map to the same symbol name.
    SymbolCollision {
        /// The symbol name.
        symbol: String,
        /// The entity that claimed it first.
        first: String,
        /// The entity that wanted it too.
        second: String,
    },
    /// The worst-case stack of an export or the init function exceeds
    /// `--max-stack`, or has no bound.
    StackLimit {
        /// The function's symbol.
        symbol: String,
        /// The limit, bytes.
        limit: u32,
        /// Its bound, with the path of calls that needs it.
        bound: crate::stack::StackBound,
    },
    /// The input is over a resource limit of the options (for example
    /// [`crate::Options::max_function_bytes`]).
    Limit {
        /// Function (wasm index) when the limit is per function.
        func: Option<u32>,
        /// What is over which limit.
        what: String,
    },
    /// A compiler bug: a stage produced something the next cannot use.
    Internal(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Text(m) => write!(f, "wasm text does not parse: {m}"),
            Error::Malformed { offset, message } => {
                write!(f, "malformed wasm module at offset {offset:#x}: {message}")
            }
            Error::Invalid { offset, message } => {
                write!(f, "invalid wasm module at offset {offset:#x}: {message}")
            }
            Error::Unsupported { func, what, offset } => {
                write!(f, "unsupported: ")?;
                if let Some((i, name)) = func {
                    write!(f, "function {i} `{name}` uses ")?;
                }
                write!(f, "`{what}`")?;
                if let Some(o) = offset {
                    write!(f, " (offset {o:#x})")?;
                }
                write!(f, ", which synth cannot compile yet")
            }
            Error::BadOptions(m) => write!(f, "bad option: {m}"),
            Error::SymbolCollision { symbol, first, second } => write!(
                f,
                "symbol collision: {second} and {first} would both be named `{symbol}`; \
                 rename one of them or choose another --prefix"
            ),
            Error::StackLimit { symbol, limit, bound } => match bound {
                crate::stack::StackBound::Bounded { bytes, .. } => write!(
                    f,
                    "stack: `{symbol}` needs up to {bytes} bytes of stack, more than --max-stack {limit} (deepest path: {})",
                    bound.path_text()
                ),
                crate::stack::StackBound::Unbounded { reason, .. } => write!(
                    f,
                    "stack: `{symbol}` has no stack bound ({reason}; path: {}), so it cannot meet --max-stack {limit}",
                    bound.path_text()
                ),
            },
            Error::Limit { func, what } => {
                write!(f, "limit: ")?;
                if let Some(i) = func {
                    write!(f, "function {i}: ")?;
                }
                write!(f, "{what}")
            }
            Error::Internal(m) => write!(f, "internal compiler error (please report): {m}"),
        }
    }
}

impl std::error::Error for Error {}

/// `message` on one line: every run of whitespace becomes one space (runs
/// with a line break included; wasmparser pads numbers: `version:        0x2`),
/// and the brackets of a pretty-printed (Rust `{:#?}`)
/// list lose the padding the line breaks left (`[ 0x0, 0x61, ]` → `[0x0, 0x61]`).
/// Error messages of other crates (wasmparser's bad-magic message prints
/// arrays that way) thus fit the one-line `error: <file>: <what>: <detail>`.
pub fn one_line(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut chars = message.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_whitespace() {
            let mut broke = c == '\n' || c == '\r';
            while let Some(&n) = chars.peek().filter(|n| n.is_whitespace()) {
                broke |= n == '\n' || n == '\r';
                chars.next();
            }
            if !broke {
                out.push(' ');
            } else if !out.ends_with('[') && chars.peek() != Some(&']') {
                out.push(' ');
            }
        } else if c == ']' && out.ends_with(',') {
            out.pop();
            out.push(']');
        } else {
            out.push(c);
        }
    }
    out.trim_end().to_string()
}

impl From<FrontendError> for Error {
    fn from(e: FrontendError) -> Error {
        match e {
            FrontendError::Malformed { offset, message } => Error::Malformed { offset, message: one_line(&message) },
            FrontendError::Invalid { offset, message } => Error::Invalid { offset, message: one_line(&message) },
            FrontendError::Unsupported { func, what, offset } => {
                Error::Unsupported { func, what, offset: Some(offset) }
            }
            FrontendError::OptionConflict { message, offset } => {
                Error::BadOptions(format!("{message} (offset {offset:#x})"))
            }
        }
    }
}

impl From<BackendError> for Error {
    fn from(e: BackendError) -> Error {
        Error::Unsupported { func: None, what: format!("{} (in function `{}`)", e.what, e.func), offset: None }
    }
}

impl From<object::write::Error> for Error {
    fn from(e: object::write::Error) -> Error {
        Error::Internal(format!("ELF writer: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_cause() {
        let e: Error = FrontendError::Unsupported { func: Some((3, "f".into())), what: "i32x4.add".into(), offset: 0x40 }.into();
        assert_eq!(e.to_string(), "unsupported: function 3 `f` uses `i32x4.add` (offset 0x40), which synth cannot compile yet");
        let e: Error = FrontendError::Invalid { offset: 8, message: "bad magic".into() }.into();
        assert_eq!(e.to_string(), "invalid wasm module at offset 0x8: bad magic");
        let e: Error = BackendError::new(synth_thumb2::ISA, "g", "i64.rotl").into();
        assert!(e.to_string().contains("`i64.rotl (in function `g`)`"), "{e}");
        let c = Error::SymbolCollision { symbol: "wasm_f".into(), first: "imported function `env.wasm_f`".into(), second: "export `f` (function 1)".into() };
        assert!(c.to_string().contains("`wasm_f`") && c.to_string().contains("--prefix"));
        let e: Error = FrontendError::OptionConflict { message: "max_memory_pages is 0, below".into(), offset: 0x37 }.into();
        assert_eq!(e.to_string(), "bad option: max_memory_pages is 0, below (offset 0x37)");
    }

    #[test]
    fn messages_are_one_line() {
        let debug_arrays = "magic header not detected: bad magic number - expected=[\n    0x0,\n    0x61,\n] actual=[\n    0x6d,\n    0x6f,\n]";
        assert_eq!(one_line(debug_arrays), "magic header not detected: bad magic number - expected=[0x0, 0x61] actual=[0x6d, 0x6f]");
        assert_eq!(one_line("unknown binary version:        0x2"), "unknown binary version: 0x2");
        assert_eq!(one_line("first\n  second\r\nthird\n"), "first second third");
        let e: Error = FrontendError::Malformed { offset: 0, message: debug_arrays.into() }.into();
        assert!(!e.to_string().contains('\n'), "{e}");
    }
}

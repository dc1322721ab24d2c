//! Resource limits of [`Options`], checked on the wasm binary before any
//! stage runs.
//!
//! Takes: the module's bytes and the options. Returns: `Ok` or an
//! [`Error::Limit`] naming the function and the limit. A module that does
//! not decode passes here; the front end reports it properly.

use crate::error::Error;
use crate::options::Options;
use wasmparser::{Parser, Payload, TypeRef};

/// Checks `wasm` against the limits of `opts`.
pub fn check(wasm: &[u8], opts: &Options) -> Result<(), Error> {
    let Some(max) = opts.max_function_bytes else { return Ok(()) };
    let mut imported = 0u32;
    let mut defined = 0u32;
    for payload in Parser::new(0).parse_all(wasm) {
        let Ok(payload) = payload else { return Ok(()) };
        match payload {
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    let Ok(import) = import else { return Ok(()) };
                    imported += matches!(import.ty, TypeRef::Func(_) | TypeRef::FuncExact(_)) as u32;
                }
            }
            Payload::CodeSectionEntry(body) => {
                let r = body.range();
                let bytes = r.end - r.start;
                if bytes > u64::from(max) {
                    return Err(Error::Limit {
                        func: Some(imported + defined),
                        what: format!(
                            "its body is {bytes} bytes of wasm code, over the limit of {max} (max_function_bytes)"
                        ),
                    });
                }
                defined += 1;
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module(n: usize) -> Vec<u8> {
        let body = "i32.const 1 drop ".repeat(n);
        wat::parse_str(format!(
            "(module (import \"h\" \"g\" (func)) (func) (func (export \"f\") {body}))"
        ))
        .unwrap()
    }

    #[test]
    fn a_function_over_the_limit_is_a_limit_error_naming_it() {
        let wasm = module(100); // ~400 bytes of body
        let tight = Options { max_function_bytes: Some(64), ..Options::default() };
        let e = check(&wasm, &tight).unwrap_err();
        assert!(matches!(e, Error::Limit { func: Some(2), .. }), "{e:?}");
        assert!(e.to_string().contains("max_function_bytes"), "{e}");
        // The whole compile stops with it, before any stage runs.
        assert!(matches!(crate::compile(&wasm, &tight), Err(Error::Limit { .. })));
        assert!(check(&wasm, &Options::default()).is_ok());
        assert!(check(&wasm, &Options { max_function_bytes: None, ..Options::default() }).is_ok());
        assert!(check(b"not wasm", &tight).is_ok(), "the front end reports malformed input");
    }
}

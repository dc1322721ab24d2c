//! Converts one `.wast` script into modules plus a list of commands.
//!
//! Takes the script text and a file stem; returns a [`Conversion`]: the module files to
//! write (`<stem>.<n>.wasm` binaries, or `<stem>.<n>.wat` for quoted text that could not be
//! encoded) and the `commands.json` document, in script order, each command with its 1-based
//! line. Command shapes follow wabt's `wast2json` (`module`, `register`, `action`,
//! `assert_return`, `assert_trap`, `assert_exhaustion`, `assert_invalid`, `assert_malformed`,
//! `assert_unlinkable`, `assert_uninstantiable`), actions being `invoke` or `get` with an
//! optional module name. Anything else the parser accepts (threads, components, ...) becomes
//! an `unsupported` command naming the directive rather than an error.

use serde_json::{json, Map, Value};
use wast::lexer::Lexer;
use wast::parser::{self, ParseBuffer};
use wast::{QuoteWat, QuoteWatTest, Wast, WastDirective, WastExecute, WastInvoke, Wat};

use crate::values;

/// The result of converting one script.
#[derive(Debug)]
pub struct Conversion {
    /// Files to write beside `commands.json`: (file name, contents).
    pub files: Vec<(String, Vec<u8>)>,
    /// The `commands.json` document.
    pub commands: Value,
}

/// Parses `source` (the text of `<stem>.wast`) and converts every directive.
///
/// Errors only when the script itself does not parse; the message has line and column.
pub fn convert(source: &str, stem: &str) -> Result<Conversion, String> {
    let buf = parse_buffer(source).map_err(|e| render(e, source, stem))?;
    let wast: Wast<'_> = parser::parse(&buf).map_err(|e| render(e, source, stem))?;
    let mut conv = Converter { source, stem, files: Vec::new(), commands: Vec::new() };
    for directive in wast.directives {
        conv.directive(directive);
    }
    Ok(Conversion {
        files: conv.files,
        commands: json!({"source_filename": format!("{stem}.wast"), "commands": conv.commands}),
    })
}

/// A parse buffer whose lexer accepts bidirectional-control and other "confusing" Unicode
/// characters: the spec tests (names.wast) use them on purpose in names.
fn parse_buffer(text: &str) -> Result<ParseBuffer<'_>, wast::Error> {
    let mut lexer = Lexer::new(text);
    lexer.allow_confusing_unicode(true);
    ParseBuffer::new_with_lexer(lexer)
}

/// Parses and encodes the text of a `(module quote ...)`.
fn encode_text(text: &[u8]) -> Result<Vec<u8>, String> {
    let text = std::str::from_utf8(text).map_err(|_| "malformed UTF-8 encoding".to_string())?;
    let buf = parse_buffer(text).map_err(|e| e.message())?;
    let mut wat: Wat<'_> = parser::parse(&buf).map_err(|e| e.message())?;
    wat.encode().map_err(|e| e.message())
}

fn render(mut e: wast::Error, source: &str, stem: &str) -> String {
    e.set_text(source);
    e.set_path(std::path::Path::new(&format!("{stem}.wast")));
    e.to_string()
}

struct Converter<'s> {
    source: &'s str,
    stem: &'s str,
    files: Vec<(String, Vec<u8>)>,
    commands: Vec<Value>,
}

impl Converter<'_> {
    fn line(&self, span: wast::token::Span) -> usize {
        span.linecol_in(self.source).0 + 1
    }

    fn push(&mut self, ty: &str, span: wast::token::Span, fields: Map<String, Value>) {
        let mut cmd = Map::new();
        cmd.insert("type".into(), ty.into());
        cmd.insert("line".into(), self.line(span).into());
        cmd.extend(fields);
        self.commands.push(Value::Object(cmd));
    }

    /// Encodes a module and stores its file; returns the module fields of the command
    /// (`filename`, `module_type` = `binary` | `text`, and `encode_error` for text).
    fn module_fields(&mut self, module: &mut QuoteWat<'_>) -> Map<String, Value> {
        let n = self.files.len();
        let mut fields = Map::new();
        if matches!(module, QuoteWat::QuoteComponent(..) | QuoteWat::Wat(Wat::Component(_))) {
            fields.insert("module_type".into(), "component".into());
            return fields;
        }
        let origin = match module {
            QuoteWat::QuoteModule(..) => "quote",
            QuoteWat::Wat(Wat::Module(m)) if matches!(m.kind, wast::core::ModuleKind::Binary(_)) => "binary",
            _ => "text",
        };
        fields.insert("source".into(), origin.into());
        let encoded = match module.to_test() {
            Ok(QuoteWatTest::Binary(bytes)) => Ok(bytes),
            Ok(QuoteWatTest::Text(text)) => encode_text(&text).map_err(|e| (text, e)),
            Err(e) => Err((Vec::new(), e.message())),
        };
        match encoded {
            Ok(bytes) => {
                let name = format!("{}.{n}.wasm", self.stem);
                fields.insert("filename".into(), name.clone().into());
                fields.insert("module_type".into(), "binary".into());
                self.files.push((name, bytes));
            }
            Err((text, message)) => {
                let name = format!("{}.{n}.wat", self.stem);
                fields.insert("filename".into(), name.clone().into());
                fields.insert("module_type".into(), "text".into());
                fields.insert("encode_error".into(), message.into());
                self.files.push((name, text));
            }
        }
        fields
    }

    fn directive(&mut self, d: WastDirective<'_>) {
        let span = d.span();
        match d {
            WastDirective::Module(mut m) => {
                let mut f = self.module_fields(&mut m);
                if let Some(id) = m.name() {
                    f.insert("name".into(), id.name().into());
                }
                self.push("module", span, f);
            }
            WastDirective::Register { name, module, .. } => {
                let mut f = Map::new();
                f.insert("as".into(), name.into());
                if let Some(id) = module {
                    f.insert("name".into(), id.name().into());
                }
                self.push("register", span, f);
            }
            WastDirective::Invoke(inv) => {
                let f = self.action_fields(invoke_action(&inv), Vec::new());
                self.push("action", span, f);
            }
            WastDirective::AssertReturn { exec, results, .. } => {
                let expected: Result<Vec<Value>, String> = results.iter().map(values::ret).collect();
                match (execute_action(&exec), expected) {
                    (Ok(action), Ok(expected)) => {
                        let f = self.action_fields(Ok(action), expected);
                        self.push("assert_return", span, f);
                    }
                    (Err(e), _) | (_, Err(e)) => self.unsupported(span, "assert_return", e),
                }
            }
            WastDirective::AssertTrap { exec: WastExecute::Wat(w), message, .. } => {
                let mut f = self.module_fields(&mut QuoteWat::Wat(w));
                f.insert("text".into(), message.into());
                self.push("assert_uninstantiable", span, f);
            }
            WastDirective::AssertTrap { exec, message, .. } => {
                let mut f = self.action_fields(execute_action(&exec), Vec::new());
                f.insert("text".into(), message.into());
                self.push("assert_trap", span, f);
            }
            WastDirective::AssertExhaustion { call, message, .. } => {
                let mut f = self.action_fields(invoke_action(&call), Vec::new());
                f.insert("text".into(), message.into());
                self.push("assert_exhaustion", span, f);
            }
            WastDirective::AssertInvalid { mut module, message, .. } => {
                self.assert_module("assert_invalid", span, &mut module, message)
            }
            WastDirective::AssertMalformed { mut module, message, .. } => {
                self.assert_module("assert_malformed", span, &mut module, message)
            }
            WastDirective::AssertUnlinkable { module, message, .. } => {
                self.assert_module("assert_unlinkable", span, &mut QuoteWat::Wat(module), message)
            }
            other => {
                let what = format!("{other:?}");
                let kind = what.split(|c: char| !c.is_alphanumeric()).next().unwrap_or("").to_string();
                self.unsupported(span, &kind, "directive not part of wasm 2.0".to_string());
            }
        }
    }

    fn assert_module(&mut self, ty: &str, span: wast::token::Span, m: &mut QuoteWat<'_>, text: &str) {
        let mut f = self.module_fields(m);
        f.insert("text".into(), text.into());
        self.push(ty, span, f);
    }

    fn action_fields(&mut self, action: Result<Value, String>, expected: Vec<Value>) -> Map<String, Value> {
        let mut f = Map::new();
        match action {
            Ok(a) => {
                f.insert("action".into(), a);
            }
            Err(e) => {
                f.insert("unsupported".into(), e.into());
            }
        }
        f.insert("expected".into(), Value::Array(expected));
        f
    }

    fn unsupported(&mut self, span: wast::token::Span, directive: &str, why: String) {
        let mut f = Map::new();
        f.insert("directive".into(), directive.into());
        f.insert("reason".into(), why.into());
        self.push("unsupported", span, f);
    }
}

fn invoke_action(inv: &WastInvoke<'_>) -> Result<Value, String> {
    let args = inv.args.iter().map(values::arg).collect::<Result<Vec<_>, _>>()?;
    let mut a = json!({"type": "invoke", "field": inv.name, "args": args});
    if let Some(id) = inv.module {
        a["module"] = id.name().into();
    }
    Ok(a)
}

fn execute_action(exec: &WastExecute<'_>) -> Result<Value, String> {
    match exec {
        WastExecute::Invoke(inv) => invoke_action(inv),
        WastExecute::Get { module, global, .. } => {
            let mut a = json!({"type": "get", "field": global});
            if let Some(id) = module {
                a["module"] = id.name().into();
            }
            Ok(a)
        }
        WastExecute::Wat(_) => Err("module instantiation as an action".to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCRIPT: &str = r#"
(module $M
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (global (export "g") i32 (i32.const 7)))
(register "m" $M)
(assert_return (invoke "add" (i32.const 1) (i32.const -2)) (i32.const -1))
(assert_return (get $M "g") (i32.const 7))
(assert_trap (invoke $M "add" (i32.const 0) (i32.const 0)) "unreachable")
(assert_exhaustion (invoke "add" (i32.const 1) (i32.const 1)) "call stack exhausted")
(assert_invalid (module (func (result i32))) "type mismatch")
(assert_malformed (module quote "(func") "unexpected end")
(assert_malformed (module binary "\00asm\02\00\00\00") "unknown binary version")
(assert_unlinkable (module (import "m" "nope" (func))) "unknown import")
(assert_trap (module (func $f unreachable) (start $f)) "unreachable")
(module quote "(func (export \"q\"))")
(invoke "add" (i32.const 3) (i32.const 4))
"#;

    fn commands(c: &Conversion) -> Vec<Value> {
        c.commands["commands"].as_array().expect("array").clone()
    }

    #[test]
    fn converts_every_directive_in_order_with_lines() {
        let c = convert(SCRIPT, "t").expect("parses");
        let cmds = commands(&c);
        let types: Vec<&str> = cmds.iter().map(|c| c["type"].as_str().unwrap_or("?")).collect();
        assert_eq!(
            types,
            [
                "module", "register", "assert_return", "assert_return", "assert_trap",
                "assert_exhaustion", "assert_invalid", "assert_malformed", "assert_malformed",
                "assert_unlinkable", "assert_uninstantiable", "module", "action"
            ]
        );
        let lines: Vec<u64> = cmds.iter().map(|c| c["line"].as_u64().unwrap_or(0)).collect();
        assert_eq!(lines, [2, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
        assert_eq!(cmds[0]["name"], "M");
        assert_eq!(cmds[1]["as"], "m");
        assert_eq!(cmds[1]["name"], "M");
        assert_eq!(cmds[3]["action"], json!({"type": "get", "field": "g", "module": "M"}));
        assert_eq!(cmds[4]["action"]["module"], "M");
        assert_eq!(cmds[4]["text"], "unreachable");
        assert_eq!(
            cmds[2]["action"]["args"],
            json!([{"type": "i32", "value": "1"}, {"type": "i32", "value": "4294967294"}])
        );
        assert_eq!(cmds[2]["expected"], json!([{"type": "i32", "value": "4294967295"}]));
    }

    #[test]
    fn modules_are_encoded_or_kept_as_text() {
        let c = convert(SCRIPT, "t").expect("parses");
        let cmds = commands(&c);
        // Text module: encoded to a real wasm binary.
        let first = &c.files[0];
        assert_eq!(cmds[0]["filename"], first.0.as_str());
        assert_eq!(&first.1[..4], b"\0asm");
        // Unparsable quoted text: kept as text with the parser's error.
        assert_eq!(cmds[7]["module_type"], "text");
        assert!(cmds[7]["encode_error"].as_str().is_some_and(|e| !e.is_empty()));
        // Binary module: bytes as written, even though malformed.
        let bin = c.files.iter().find(|(n, _)| cmds[8]["filename"] == n.as_str()).expect("file");
        assert_eq!(bin.1, b"\0asm\x02\0\0\0");
        // Valid quoted module: encoded.
        assert_eq!(cmds[11]["module_type"], "binary");
        let origins: Vec<&str> = [0, 7, 8, 11].iter().map(|&i| cmds[i]["source"].as_str().unwrap_or("?")).collect();
        assert_eq!(origins, ["text", "quote", "binary", "quote"]);
        // File names are unique.
        let mut names: Vec<&String> = c.files.iter().map(|(n, _)| n).collect();
        names.dedup();
        assert_eq!(names.len(), c.files.len());
    }

    #[test]
    fn script_syntax_error_is_reported_with_location() {
        let err = convert("(module)\n(assert_return (invoke \"f\"", "bad").expect_err("must fail");
        assert!(err.contains("bad.wast:2"), "{err}");
    }
}

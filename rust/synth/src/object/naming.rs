//! The naming rule of docs/ABI.md: how wasm export and import names become
//! symbol names that are C identifiers and never meet.
//!
//! A name is *plain* when it is a C identifier (`[A-Za-z_][A-Za-z0-9_]*`),
//! does not begin with the escape marker `X_` and has no `__` after its
//! leading underscores. A plain name is written as it is; any other name is
//! *escaped*: `X_`, then its UTF-8 bytes, ASCII letters and digits as they
//! are and every other byte (`_` included) as `_` and two upper-case hex
//! digits (`get-value` → `X_get_2Dvalue`, the empty name → `X_`). In an
//! escaped name every `_` after the marker starts a byte escape, so it reads
//! back in one way only, and no plain name begins with `X_`: the map is
//! injective.
//!
//! - Export `n`: `P` + the name; the names the ABI gives its own symbols
//!   (`init`, `memory`, `func3`, `table0_size`, ... see [`is_abi_stem`]) are
//!   escaped too (`X_init`), so no export can take one.
//! - Import `env.f`: the name of `f`.
//! - Import `m.f`, `m` ≠ `env`: the module part, `__`, the name of `f`. The
//!   module part is `m` when `m` is plain, starts with a letter, does not end
//!   with `_` and is not `X` (so it holds no `__` and `m__` does not begin
//!   with the marker); otherwise `m` escaped. The first `__` of the symbol
//!   (or, after the marker, the first `_` not starting a byte escape) ends the
//!   module part, and an `env` field's name never has `__` after a letter:
//!   imports are injective too.

/// Begins every escaped name.
pub const ESCAPE_MARKER: &str = "X_";

/// Separates the module part of an import symbol from the field part.
pub const MODULE_SEPARATOR: &str = "__";

/// Whether `name` is written as it is (see the module documentation).
pub fn is_plain(name: &str) -> bool {
    let b = name.as_bytes();
    let identifier = matches!(b.first(), Some(c) if c.is_ascii_alphabetic() || *c == b'_')
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_');
    identifier && !name.starts_with(ESCAPE_MARKER) && !name.trim_start_matches('_').contains("__")
}

/// `name` escaped: [`ESCAPE_MARKER`], then letters and digits as they are
/// and any other byte as `_XX` (upper-case hex).
pub fn escape(name: &str) -> String {
    let mut out = String::from(ESCAPE_MARKER);
    for &b in name.as_bytes() {
        if b.is_ascii_alphanumeric() {
            out.push(b as char);
        } else {
            out.push_str(&format!("_{b:02X}"));
        }
    }
    out
}

/// The symbol form of a name: itself when plain, else escaped.
pub fn name_symbol(name: &str) -> String {
    if is_plain(name) {
        name.to_string()
    } else {
        escape(name)
    }
}

/// Whether `name` is one the ABI gives the module's own symbols after the
/// prefix: `init`, `memory`, `memory_size`, or `func`, `global`, `table`,
/// `data`, `elem` followed by digits and optionally `_size` or `_len`.
pub fn is_abi_stem(name: &str) -> bool {
    if matches!(name, "init" | "memory" | "memory_size") {
        return true;
    }
    let Some(rest) = ["func", "global", "table", "data", "elem"].iter().find_map(|s| name.strip_prefix(s)) else {
        return false;
    };
    let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    digits > 0 && matches!(&rest[digits..], "" | "_size" | "_len")
}

/// The symbol of export `name` with prefix `prefix`.
pub fn export_symbol(prefix: &str, name: &str) -> String {
    if is_abi_stem(name) {
        format!("{prefix}{}", escape(name))
    } else {
        format!("{prefix}{}", name_symbol(name))
    }
}

/// The module part of the symbol of an import from module `module` (not `env`).
fn module_part(module: &str) -> String {
    let plain = is_plain(module)
        && module.starts_with(|c: char| c.is_ascii_alphabetic())
        && !module.ends_with('_')
        && module != "X";
    if plain {
        module.to_string()
    } else {
        escape(module)
    }
}

/// The symbol of import `module.field` (not prefixed).
pub fn import_symbol(module: &str, field: &str) -> String {
    if module == "env" {
        name_symbol(field)
    } else {
        format!("{}{MODULE_SEPARATOR}{}", module_part(module), name_symbol(field))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    /// Whether `s` is a C identifier (keywords aside).
    fn is_c_identifier(s: &str) -> bool {
        let b = s.as_bytes();
        matches!(b.first(), Some(c) if c.is_ascii_alphabetic() || *c == b'_')
            && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_')
    }

    /// Reads an escaped name's bytes (after the marker) up to its end or to
    /// a `__`; returns the name and what follows the `__`, if one was met.
    fn read_escaped(s: &str) -> Option<(String, Option<&str>)> {
        let b = s.as_bytes();
        let hex = |c: u8| matches!(c, b'0'..=b'9' | b'A'..=b'F');
        let mut bytes = Vec::new();
        let mut i = 0;
        while i < b.len() {
            if b[i].is_ascii_alphanumeric() {
                bytes.push(b[i]);
                i += 1;
            } else if b[i] == b'_' && b.get(i + 1) == Some(&b'_') {
                return Some((String::from_utf8(bytes).ok()?, Some(&s[i + 2..])));
            } else if b[i] == b'_' && i + 2 < b.len() && hex(b[i + 1]) && hex(b[i + 2]) {
                bytes.push(u8::from_str_radix(&s[i + 1..i + 3], 16).ok()?);
                i += 3;
            } else {
                return None;
            }
        }
        Some((String::from_utf8(bytes).ok()?, None))
    }

    /// The name [`name_symbol`] (or the part of [`export_symbol`] after the
    /// prefix) wrote as `s`.
    fn decode_name(s: &str) -> Option<String> {
        match s.strip_prefix(ESCAPE_MARKER) {
            Some(body) => match read_escaped(body)? {
                (name, None) => Some(name),
                (_, Some(_)) => None,
            },
            None => Some(s.to_string()),
        }
    }

    /// The (module, field) [`import_symbol`] wrote as `s`, from `s` alone.
    fn decode_import(s: &str) -> Option<(String, String)> {
        if let Some(body) = s.strip_prefix(ESCAPE_MARKER) {
            return match read_escaped(body)? {
                (field, None) => Some(("env".into(), field)),
                (module, Some(rest)) => Some((module, decode_name(rest)?)),
            };
        }
        match s.find(MODULE_SEPARATOR) {
            Some(at) if s.starts_with(|c: char| c.is_ascii_alphabetic()) => {
                Some((s[..at].to_string(), decode_name(&s[at + MODULE_SEPARATOR.len()..])?))
            }
            _ => Some(("env".into(), s.to_string())),
        }
    }

    /// Deterministic xorshift64* generator.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    /// Pieces random names are made of: markers, separators, escape look-alikes
    /// (`C3_A9` is how `é` is escaped), ABI stems, unicode, control bytes.
    const PIECES: &[&str] = &[
        "", "a", "Z", "X", "X_", "_", "__", "___", "_2D", "2D", "C3", "_C3_A9", "A9", "_5F", "0", "9", "-", ".", " ",
        "é", "€", "😀", "\u{0}", "\u{7f}", "env", "init", "memory", "_size", "func", "1", "table0", "_len", "spectest",
        "print_i32",
    ];

    fn random_name(rng: &mut Rng) -> String {
        (0..rng.below(6)).map(|_| PIECES[rng.below(PIECES.len())]).collect()
    }

    /// Every string of up to `len` characters over `alphabet`.
    fn all_strings(alphabet: &[char], len: usize) -> Vec<String> {
        let mut all = vec![String::new()];
        let mut last = vec![String::new()];
        for _ in 0..len {
            last = last.iter().flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}"))).collect();
            all.extend(last.iter().cloned());
        }
        all
    }

    #[test]
    fn plain_names_stay_as_they_are() {
        for n in ["add", "fd_write", "_start", "__heap_base", "print_i32", "_", "a_", "Xy", "X", "x_pos", "A9"] {
            assert!(is_plain(n), "{n}");
            assert_eq!(name_symbol(n), n);
            assert_eq!(export_symbol("wasm_", n), format!("wasm_{n}"));
            assert_eq!(import_symbol("env", n), n);
        }
    }

    #[test]
    fn other_names_are_escaped() {
        assert_eq!(name_symbol("get-value"), "X_get_2Dvalue");
        assert_eq!(name_symbol(""), "X_");
        assert_eq!(name_symbol("0"), "X_0");
        assert_eq!(name_symbol("1up"), "X_1up");
        assert_eq!(name_symbol("héllo"), "X_h_C3_A9llo");
        assert_eq!(name_symbol("a b"), "X_a_20b");
        assert_eq!(name_symbol("a__b"), "X_a_5F_5Fb", "`__` inside is reserved for imports");
        assert_eq!(name_symbol("X_AXIS"), "X_X_5FAXIS", "looks like an escape");
        assert_eq!(name_symbol("X_get_2Dvalue"), "X_X_5Fget_5F2Dvalue");
        assert_eq!(name_symbol("\u{0}"), "X__00");
        // Names that differ only in characters that are escaped stay apart.
        assert_ne!(name_symbol("a-b"), name_symbol("a.b"));
        assert_ne!(name_symbol("a-b"), name_symbol("a_b"));
    }

    #[test]
    fn exports_never_take_the_abis_own_names() {
        for n in ["init", "memory", "memory_size", "func2", "global0", "table1", "table1_size", "data3_len", "elem0"] {
            assert!(is_abi_stem(n), "{n}");
            assert_eq!(export_symbol("wasm_", n), format!("wasm_{}", escape(n)));
        }
        assert_eq!(export_symbol("wasm_", "init"), "wasm_X_init");
        assert_eq!(export_symbol("wasm_", "memory_size"), "wasm_X_memory_5Fsize");
        for n in ["func", "funcs", "func2x", "initial", "memory2", "table_size", "elem1_size2"] {
            assert!(!is_abi_stem(n), "{n}");
            assert_eq!(export_symbol("wasm_", n), format!("wasm_{n}"));
        }
        // Imports are not prefixed and keep such names.
        assert_eq!(import_symbol("env", "memory"), "memory");
    }

    #[test]
    fn import_names_follow_the_abi() {
        assert_eq!(import_symbol("env", "puts"), "puts");
        assert_eq!(import_symbol("env", "1up"), "X_1up");
        assert_eq!(import_symbol("env", ""), "X_");
        assert_eq!(import_symbol("wasi_snapshot_preview1", "fd_write"), "wasi_snapshot_preview1__fd_write");
        assert_eq!(import_symbol("spectest", "print_i32"), "spectest__print_i32");
        assert_eq!(import_symbol("my-mod", "a.b"), "X_my_2Dmod__X_a_2Eb");
        assert_eq!(import_symbol("", "f"), "X___f");
        assert_eq!(import_symbol("X", "f"), "X_X__f");
        assert_eq!(import_symbol("_m", "f"), "X__5Fm__f");
        assert_eq!(import_symbol("m_", "f"), "X_m_5F__f");
        // `module_field` was ambiguous; the separator is not.
        assert_ne!(import_symbol("a_b", "c"), import_symbol("a", "b_c"));
        assert_eq!((import_symbol("a_b", "c").as_str(), import_symbol("a", "b_c").as_str()), ("a_b__c", "a__b_c"));
        // An `env` field cannot pose as a module and field.
        assert_eq!(import_symbol("env", "a__c"), "X_a_5F_5Fc");
        assert_ne!(import_symbol("env", "a__c"), import_symbol("a", "c"));
        // Without the `X` exception these two would meet.
        assert_ne!(import_symbol("X", "C3_A9"), import_symbol("env", "é"));
    }

    #[test]
    fn decoding_inverts_the_examples() {
        assert_eq!(decode_name("X_h_C3_A9llo").as_deref(), Some("héllo"));
        assert_eq!(decode_import("spectest__print_i32"), Some(("spectest".into(), "print_i32".into())));
        assert_eq!(decode_import("__heap_base"), Some(("env".into(), "__heap_base".into())));
        assert_eq!(decode_import("X___f"), Some(("".into(), "f".into())));
        assert_eq!(read_escaped("_2"), None, "a cut escape is no escape");
    }

    /// Symbols are C identifiers, and decoding gives every name back: the
    /// maps are injective on random names made of awkward pieces.
    #[test]
    fn random_names_round_trip() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut exports: HashMap<String, String> = HashMap::new();
        let mut imports: HashMap<String, (String, String)> = HashMap::new();
        for _ in 0..20_000 {
            let name = random_name(&mut rng);
            let sym = export_symbol("wasm_", &name);
            assert!(is_c_identifier(&sym), "{name:?} -> {sym}");
            assert_eq!(decode_name(sym.strip_prefix("wasm_").unwrap()).as_deref(), Some(name.as_str()), "{sym}");
            let empty_prefix = export_symbol("", &name);
            assert!(is_c_identifier(&empty_prefix), "{name:?} -> {empty_prefix}");
            if let Some(other) = exports.insert(sym.clone(), name.clone()) {
                assert_eq!(other, name, "{other:?} and {name:?} both give {sym}");
            }

            let module = if rng.below(4) == 0 { "env".to_string() } else { random_name(&mut rng) };
            let field = random_name(&mut rng);
            let sym = import_symbol(&module, &field);
            assert!(is_c_identifier(&sym), "{module:?}.{field:?} -> {sym}");
            assert_eq!(decode_import(&sym), Some((module.clone(), field.clone())), "{sym}");
            if let Some(other) = imports.insert(sym.clone(), (module.clone(), field.clone())) {
                assert_eq!(other, (module, field), "both give {sym}");
            }
        }
        assert!(exports.len() > 5_000 && imports.len() > 5_000, "{} / {}", exports.len(), imports.len());
    }

    /// Every short name over an alphabet of the characters that matter
    /// gets its own symbol, as export and as import (module and field).
    #[test]
    fn short_names_never_collide() {
        let names = all_strings(&['a', 'X', '_', '0', 'C', '-', 'é'], 4);
        let mut seen: HashMap<String, &str> = HashMap::new();
        for n in &names {
            if let Some(other) = seen.insert(export_symbol("p_", n), n) {
                panic!("exports {other:?} and {n:?} collide");
            }
        }
        let short = all_strings(&['a', 'X', '_', '0', 'C', '-', 'é'], 3);
        let modules: Vec<&str> = short.iter().map(String::as_str).chain(["env"]).collect();
        let mut seen: HashMap<String, (&str, &str)> = HashMap::with_capacity(modules.len() * short.len());
        for m in &modules {
            for f in &short {
                let sym = import_symbol(m, f);
                assert!(is_c_identifier(&sym), "{m:?}.{f:?} -> {sym}");
                if let Some(other) = seen.insert(sym.clone(), (m, f)) {
                    panic!("imports {other:?} and {:?} both give {sym}", (m, f));
                }
            }
        }
    }
}

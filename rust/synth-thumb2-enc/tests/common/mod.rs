//! Test harness checking assembled code against GNU binutils.
//!
//! Each [`Case`] holds bytes produced by the assembler and the disassembly
//! text expected for them. All cases are laid end to end in one file and
//! disassembled by a single `arm-none-eabi-objdump` run; cases marked for it
//! are also assembled from source by one `arm-none-eabi-as` run and compared
//! byte for byte. Missing tools fail the test unless `SYNTH_SKIP_ARM_TOOLS=1`.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::Command;

use synth_thumb2_enc::{Assembler, Code};

/// What to feed `arm-none-eabi-as` for the byte-for-byte check.
#[allow(dead_code)] // each test binary uses its own subset of this module
pub enum Gas {
    /// The expected disassembly lines are valid GNU as source.
    Same,
    /// This source instead.
    Src(String),
    /// No byte check (GNU as picks another encoding, or the case is a slice).
    No,
}

/// One checked encoding.
pub struct Case {
    /// Label for failure reports.
    pub name: String,
    /// The bytes to disassemble.
    pub bytes: Vec<u8>,
    /// Byte ranges (relative to `bytes`) holding data, not disassembled.
    pub data: Vec<std::ops::Range<u32>>,
    /// Expected lines; `{+N}` / `{-N}` (decimal) stand for the case address plus N.
    pub expect: Vec<String>,
    /// Byte check.
    pub gas: Gas,
}

/// Collects cases.
#[derive(Default)]
pub struct Cases {
    /// All cases so far.
    pub list: Vec<Case>,
}

#[allow(dead_code)] // each test binary uses its own subset of this module
impl Cases {
    /// Assembles `f` into a case expecting `expect` (one line per instruction).
    pub fn add(&mut self, expect: &[&str], gas: Gas, f: impl FnOnce(&mut Assembler)) -> Code {
        let mut a = Assembler::new();
        f(&mut a);
        let code = a.finish().unwrap_or_else(|e| panic!("case {expect:?}: {e:?}"));
        self.push(expect.join(" / "), code.bytes.clone(), code.data_ranges.clone(), expect, gas);
        code
    }

    /// Shorthand: expected text is also the GNU as source.
    pub fn same(&mut self, expect: &[&str], f: impl FnOnce(&mut Assembler)) -> Code {
        self.add(expect, Gas::Same, f)
    }

    /// Adds raw bytes (e.g. a slice of a larger function).
    pub fn push(&mut self, name: String, bytes: Vec<u8>, data: Vec<std::ops::Range<u32>>, expect: &[&str], gas: Gas) {
        let expect = expect.iter().map(|s| s.to_string()).collect();
        self.list.push(Case { name, bytes, data, expect, gas });
    }
}

fn tool(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join(name)).find(|p| p.is_file())
}

/// Returns false (after printing why) when the tools are missing and
/// `SYNTH_SKIP_ARM_TOOLS=1`; panics when they are missing otherwise.
pub fn tools_available() -> bool {
    let missing: Vec<&str> = ["arm-none-eabi-objdump", "arm-none-eabi-as", "arm-none-eabi-objcopy"]
        .into_iter()
        .filter(|t| tool(t).is_none())
        .collect();
    if missing.is_empty() {
        return true;
    }
    if std::env::var("SYNTH_SKIP_ARM_TOOLS").as_deref() == Ok("1") {
        eprintln!("SKIPPED: GNU ARM tools missing ({missing:?}) and SYNTH_SKIP_ARM_TOOLS=1");
        return false;
    }
    panic!(
        "GNU ARM tools missing: {missing:?}. Install binutils-arm-none-eabi, \
         or set SYNTH_SKIP_ARM_TOOLS=1 to skip this check."
    );
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("running {cmd:?}: {e}"));
    assert!(out.status.success(), "{cmd:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn tmpdir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("synth-thumb2-enc-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create temp dir");
    dir
}

/// Normalises one objdump instruction text: tabs to spaces, comments dropped.
fn normalise(s: &str) -> String {
    let s = s.split('@').next().unwrap_or(s);
    let s = s.split(';').next().unwrap_or(s);
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn substitute(expect: &str, addr: u32) -> String {
    let mut out = String::new();
    let mut rest = expect;
    while let Some(i) = rest.find("{+").or_else(|| rest.find("{-")) {
        out.push_str(&rest[..i]);
        let end = rest[i..].find('}').map(|e| e + i).expect("unclosed {");
        let n: i64 = rest[i + 1..end].parse().expect("{+N} offset");
        let _ = write!(out, "0x{:x}", (i64::from(addr) + n) as u32);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    normalise(&out)
}

/// Disassembles all cases with one objdump run; returns mismatch reports.
pub fn check_objdump(cases: &[Case]) -> Vec<String> {
    let dir = tmpdir("objdump");
    let mut blob = Vec::new();
    let mut starts = Vec::new();
    for c in cases {
        starts.push(blob.len() as u32);
        blob.extend_from_slice(&c.bytes);
    }
    let bin = dir.join("all.bin");
    std::fs::write(&bin, &blob).expect("write blob");
    let text = run(Command::new("arm-none-eabi-objdump").args(["-D", "-b", "binary", "-marm", "-Mforce-thumb"]).arg(&bin));
    let mut lines: Vec<(u32, String)> = Vec::new();
    for line in text.lines() {
        let mut parts = line.splitn(3, '\t');
        let (Some(a), Some(_hex), Some(ins)) = (parts.next(), parts.next(), parts.next()) else { continue };
        let Some(a) = a.trim().strip_suffix(':') else { continue };
        let Ok(addr) = u32::from_str_radix(a, 16) else { continue };
        lines.push((addr, normalise(ins)));
    }
    let _ = std::fs::remove_dir_all(&dir);
    let mut errors = Vec::new();
    for (c, &start) in cases.iter().zip(&starts) {
        let end = start + c.bytes.len() as u32;
        let got: Vec<&String> = lines
            .iter()
            .filter(|(a, _)| *a >= start && *a < end)
            .filter(|(a, _)| !c.data.iter().any(|r| r.contains(&(a - start))))
            .map(|(_, s)| s)
            .collect();
        let want: Vec<String> = c.expect.iter().map(|e| substitute(e, start)).collect();
        if got.len() != want.len() || got.iter().zip(&want).any(|(g, w)| *g != w) {
            errors.push(format!("[{}] at {start:#x}: want {want:?}, objdump says {got:?}", c.name));
        }
    }
    errors
}

/// Assembles the `Gas` sources of all cases with one `as` run (each case in a
/// 512-byte slot) and compares bytes; returns mismatch reports and the number
/// of cases compared.
#[allow(dead_code)] // each test binary uses its own subset of this module
pub fn check_gas(cases: &[Case]) -> (Vec<String>, usize) {
    check_gas_with(cases, &["-mcpu=cortex-m4"])
}

/// [`check_gas`] with the CPU/FPU options `cpu` (e.g. `-mcpu=cortex-m7`,
/// `-mfpu=fpv5-d16`).
pub fn check_gas_with(cases: &[Case], cpu: &[&str]) -> (Vec<String>, usize) {
    const SLOT: usize = 512;
    let dir = tmpdir("gas");
    let mut src = String::from(".syntax unified\n.thumb\n.text\n");
    let mut checked = Vec::new();
    for c in cases {
        let body = match &c.gas {
            Gas::No => continue,
            Gas::Same => c.expect.join("\n"),
            Gas::Src(s) => s.clone(),
        };
        assert!(c.bytes.len() < SLOT, "case {} too big for gas slot", c.name);
        let _ = writeln!(src, ".org {}, 0xff\n{body}", checked.len() * SLOT);
        checked.push(c);
    }
    let _ = writeln!(src, ".org {}, 0xff", checked.len() * SLOT);
    let s = dir.join("all.s");
    let o = dir.join("all.o");
    let b = dir.join("all.bin");
    std::fs::write(&s, &src).expect("write asm");
    run(Command::new("arm-none-eabi-as")
        .args(["-mthumb", "-mimplicit-it=always"])
        .args(cpu)
        .arg("-o")
        .arg(&o)
        .arg(&s));
    run(Command::new("arm-none-eabi-objcopy").args(["-O", "binary", "-j", ".text"]).arg(&o).arg(&b));
    let bytes = std::fs::read(&b).expect("read gas output");
    let _ = std::fs::remove_dir_all(&dir);
    let mut errors = Vec::new();
    for (i, c) in checked.iter().enumerate() {
        let slot = bytes.get(i * SLOT..(i + 1) * SLOT).unwrap_or(&[]);
        let n = c.bytes.len();
        let same = slot.len() == SLOT && slot[..n] == c.bytes[..] && slot[n..].iter().all(|&x| x == 0xff);
        if !same {
            let gas_len = slot.iter().rposition(|&x| x != 0xff).map_or(0, |p| p + 1);
            errors.push(format!(
                "[{}] ours {} vs gas {}",
                c.name,
                hex(&c.bytes),
                hex(&slot[..gas_len.max(n).min(slot.len())])
            ));
        }
    }
    (errors, checked.len())
}

fn hex(b: &[u8]) -> String {
    b.chunks(2).map(|h| format!("{:02x}{:02x}", h.get(1).copied().unwrap_or(0), h[0])).collect::<Vec<_>>().join(" ")
}

/// Assembles each source (one case per entry) with one `as` run under `cpu`
/// and returns, per entry, whether GNU as reported an error on one of its
/// lines.
#[allow(dead_code)]
pub fn gas_rejects(sources: &[String], cpu: &[&str]) -> Vec<bool> {
    let dir = tmpdir("gas-reject");
    let mut src = String::from(".syntax unified\n.thumb\n.text\n");
    let header_lines = 3;
    let mut ranges = Vec::new();
    let mut line = header_lines + 1;
    for s in sources {
        let n = s.lines().count();
        ranges.push(line..line + n);
        line += n;
        src.push_str(s);
        src.push('\n');
    }
    let s = dir.join("all.s");
    std::fs::write(&s, &src).expect("write asm");
    let out = Command::new("arm-none-eabi-as")
        .args(["-mthumb"])
        .args(cpu)
        .arg("-o")
        .arg(dir.join("all.o"))
        .arg(&s)
        .output()
        .expect("run arm-none-eabi-as");
    let _ = std::fs::remove_dir_all(&dir);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let error_lines: Vec<usize> = stderr
        .lines()
        .filter(|l| l.contains("Error:"))
        .filter_map(|l| l.split(':').nth(1)?.trim().parse().ok())
        .collect();
    ranges.iter().map(|r| error_lines.iter().any(|l| r.contains(l))).collect()
}

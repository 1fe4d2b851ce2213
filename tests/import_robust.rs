//! No panic on any input: mutated real documents and random bytes either import (with
//! balanced accounting) or fail with an error that names the file.

use jixiao::import::{ImportOptions, SourceInput, import};

/// Small deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn check(bytes: Vec<u8>) {
    let opts = ImportOptions {
        book: "robust".into(),
        ..Default::default()
    };
    match import(
        &[SourceInput {
            name: "m.txt".into(),
            bytes,
        }],
        &opts,
    ) {
        Ok(i) => assert!(
            i.report.accounting.balances(),
            "{}",
            i.report.accounting.line()
        ),
        Err(e) => assert!(
            e.to_string().starts_with("m.txt"),
            "error must name the file: {e}"
        ),
    }
}

const PIECES: &[&str] = &[
    "\t",
    "\t\t",
    "\n",
    "\n\n",
    "项目名称",
    "部门（单位）",
    "年度资金总额",
    "财政拨款",
    "35.9816.49",
    "4,414",
    "绩效指标",
    "一级指标\t二级指标",
    "产出指标",
    "数量指标",
    "满意度指标",
    "服务对象满",
    "(2024年度)",
    "部门（单位）预算项目支出绩效目标表",
    "总体目标",
    "其中：2026年上级补助",
    "目 录",
    "101001",
    ".....",
    "<script>",
    "=1+1",
    "\u{0}",
    "\r",
    "\u{3000}",
    "[bookmark: x",
];

#[test]
fn mutated_documents_never_panic() {
    let base = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/mixed.txt"
    ))
    .unwrap();
    let lines: Vec<&str> = base.lines().collect();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..1500 {
        let mut out: Vec<String> = Vec::new();
        for l in &lines {
            match rng.below(12) {
                0 => {}
                1 => {
                    out.push(l.to_string());
                    out.push(l.to_string());
                }
                2 => out.push(PIECES[rng.below(PIECES.len())].to_string()),
                3 => {
                    let cut: String = l.chars().take(rng.below(l.chars().count() + 1)).collect();
                    out.push(cut);
                }
                4 => out.push(l.replace('\t', "")),
                _ => out.push(l.to_string()),
            }
        }
        let j = rng.below(out.len() + 1);
        out.insert(
            j.min(out.len()),
            PIECES[rng.below(PIECES.len())].to_string(),
        );
        check(out.join("\n").into_bytes());
    }
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = Rng(42);
    for len in [0usize, 1, 2, 3, 7, 64, 1000] {
        for _ in 0..50 {
            let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            check(bytes);
        }
    }
}

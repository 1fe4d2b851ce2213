//! Synthetic books for benchmarks and scale tests, reproducible from a seed.
//!
//! The shape follows the bundled documents (measured over content/ on 2026-11-22):
//! 18–72 departments per book, 4.5–13.6 projects per department (long tail to ~50),
//! ~10 indicators per project (up to ~33), names of ~13 characters, values of ~12, goals of
//! ~55 in forms that have a goal field (half the books), 1–29% empty values, and project
//! totals log-normal in 万元 (μ≈2.2, σ≈1.75). A province-size site is many county books.

use crate::amount::Amount;
use crate::model::{
    Book, Department, FundKind, Funds, Indicator, Level2, Project, SourceRef, Stage,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;
use std::path::Path;

#[derive(Debug, Clone)]
pub struct Options {
    pub projects: usize,
    pub seed: u64,
    /// Projects per book (a county's book); the last book takes the remainder.
    pub book_size: usize,
}

const PLACES: &[&str] = &[
    "东城", "西岭", "南湖", "北川", "青山", "白云", "河口", "新桥", "金沙", "石门", "龙泉", "安宁",
];
const BODIES: &[&str] = &[
    "财政局",
    "教育和体育局",
    "卫生健康局",
    "民政局",
    "农业农村局",
    "自然资源局",
    "住房和城乡建设局",
    "交通运输局",
    "水利局",
    "文化广播电视和旅游局",
    "应急管理局",
    "市场监督管理局",
    "生态环境局",
    "人力资源和社会保障局",
    "退役军人事务局",
    "司法局",
    "统计局",
    "医疗保障局",
    "林业局",
    "发展和改革局",
    "经济和信息化局",
    "商务局",
    "审计局",
    "人民政府办公室",
    "机关事务服务中心",
];
const TOWNS: &[&str] = &["镇人民政府", "街道办事处", "乡人民政府"];
const SUBJECTS: &[&str] = &[
    "农村公路日常养护",
    "城乡低保",
    "学生营养餐",
    "老年助餐",
    "森林防火",
    "河长制",
    "基层医疗",
    "退役军人优抚",
    "公共法律服务",
    "社区矫正",
    "农田水利设施维护",
    "垃圾清运",
    "饮水安全",
    "电子政务运行维护",
    "档案数字化",
    "安全生产检查",
    "食品安全抽检",
    "文化惠民演出",
    "全民健身",
    "高标准农田建设",
    "地质灾害防治",
    "污水处理设施运行",
    "就业技能培训",
    "残疾人两项补贴",
];
const KINDS: &[&str] = &[
    "经费",
    "专项资金",
    "补助资金",
    "项目",
    "工作经费",
    "运行维护费",
];
const GOALS: &[&str] = &[
    "保障",
    "按期完成",
    "提高",
    "改善群众生产生活条件，",
    "确保资金及时足额拨付，",
    "提升服务质量和效率，",
    "促进经济社会协调发展。",
    "维护社会和谐稳定，",
    "全年",
    "覆盖辖区全部行政村，",
    "切实减轻群众负担。",
];
const UNITS: &[&str] = &[
    "人次", "户", "个", "公里", "次", "所", "台", "场", "亩", "份",
];
const VAGUE: &[&str] = &["有效提高", "明显改善", "持续提升", "进一步增强", "稳步推进"];

fn pick<'a>(rng: &mut ChaCha8Rng, list: &[&'a str]) -> &'a str {
    list[rng.random_range(0..list.len())]
}

/// Standard normal by Box–Muller (only for drawing amounts; amounts themselves are exact).
fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1: f64 = rng.random_range(f64::EPSILON..1.0);
    let u2: f64 = rng.random_range(0.0..1.0);
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

fn amount_wan(rng: &mut ChaCha8Rng) -> Decimal {
    let v = (2.2 + 1.75 * normal(rng)).exp().clamp(0.05, 50_000.0);
    // Cents of 万元, as most tables write them; some carry 元 precision (4 decimals).
    let scale = if rng.random_bool(0.15) { 4 } else { 2 };
    let factor = 10f64.powi(scale);
    Decimal::new((v * factor).round() as i64, scale as u32)
}

/// Projects per department: geometric-like around the mean, long tail, at least 1.
fn dept_size(rng: &mut ChaCha8Rng) -> usize {
    let mean = 8.0;
    let u: f64 = rng.random_range(f64::EPSILON..1.0);
    ((-u.ln() * mean).ceil() as usize).clamp(1, 60)
}

fn indicator(
    rng: &mut ChaCha8Rng,
    l2: Level2,
    subject: &str,
    year: u16,
    total: Decimal,
    line: u32,
    gaps: f64,
) -> Indicator {
    let l1 = l2.parent();
    let (name, value) = match l2 {
        Level2::Quantity => {
            let u = pick(rng, UNITS);
            (
                format!("{subject}覆盖{u}数"),
                format!("≥{}{u}", rng.random_range(3..20_000)),
            )
        }
        Level2::Quality => (
            format!("{subject}验收合格率"),
            format!("≥{}%", rng.random_range(85..100)),
        ),
        Level2::Timeliness => (
            "完成时限".to_string(),
            format!("{year}年{}月底前", rng.random_range(3..13)),
        ),
        Level2::Cost => (
            format!("{subject}成本"),
            format!("≤{}万元", crate::amount::format_amount(total)),
        ),
        Level2::Satisfaction => (
            "服务对象满意度".to_string(),
            format!("≥{}%", rng.random_range(85..99)),
        ),
        _ => (
            format!(
                "{subject}{}",
                pick(rng, &["惠及群众", "带动就业", "环境改善", "长效机制"])
            ),
            if rng.random_bool(0.3) {
                pick(rng, VAGUE).to_string()
            } else {
                format!(
                    "惠及群众{}人以上，{}",
                    rng.random_range(100..50_000),
                    pick(rng, GOALS)
                )
            },
        ),
    };
    let value = if rng.random_bool(gaps) {
        "/".to_string()
    } else {
        value
    };
    Indicator {
        level1: format!("{}指标", l1.label()),
        level1_category: Some(l1),
        level2: format!("{}指标", l2.label()),
        level2_category: Some(l2),
        name,
        value,
        line,
        ..Default::default()
    }
}

fn project(
    rng: &mut ChaCha8Rng,
    dept: &str,
    year: u16,
    with_goal: bool,
    gaps: f64,
    line: &mut u32,
) -> Project {
    let subject = pick(rng, SUBJECTS);
    let name = format!(
        "{year}年{}{subject}{}",
        if rng.random_bool(0.3) {
            pick(rng, PLACES)
        } else {
            ""
        },
        pick(rng, KINDS)
    );
    let start = *line;
    let total = amount_wan(rng);
    let (fiscal, other) = if rng.random_bool(0.9) {
        (total, Decimal::ZERO)
    } else {
        let f = (total * Decimal::new(rng.random_range(10..90), 2)).round_dp(2);
        (f, total - f)
    };
    let funds = Funds {
        total: Amount::exact(total),
        fiscal: Amount::exact(fiscal),
        other: if other.is_zero() {
            Amount::missing()
        } else {
            Amount::exact(other)
        },
        rows: vec![FundKind::Total, FundKind::Fiscal, FundKind::Other],
        line: start + 2,
        ..Funds::default()
    };
    let goal = with_goal.then(|| {
        let mut g = format!("{year}年");
        while g.chars().count() < 45 {
            g.push_str(pick(rng, GOALS));
            g.push_str(subject);
        }
        g
    });
    let mut indicators = Vec::new();
    let n = (10.0 + 4.0 * normal(rng)).round().clamp(3.0, 33.0) as usize;
    let plan = Level2::ALL;
    let mut l = start + 5;
    for k in 0..n {
        // The first pass covers the categories in form order (some skipped, as real tables
        // skip them); further indicators repeat the common ones.
        let l2 = if k < plan.len() {
            plan[k]
        } else {
            plan[[0, 1, 5][rng.random_range(0..3)]]
        };
        if k < plan.len() && rng.random_bool(0.08) {
            continue;
        }
        indicators.push(indicator(rng, l2, subject, year, total, l, gaps));
        l += 1;
    }
    *line = l + 2;
    Project {
        slug: String::new(),
        name,
        department: dept.to_string(),
        implementing_unit: String::new(),
        goal,
        long_goal: String::new(),
        extra: Vec::new(),
        source: SourceRef {
            file: "synthetic.txt".into(),
            line: start,
            end_line: l,
        },
        flags: Vec::new(),
        funds,
        indicators,
        notes: String::new(),
    }
}

/// The books of a synthetic province.
pub fn books(opts: &Options) -> Vec<Book> {
    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
    let size = opts.book_size.max(1);
    let count = opts.projects.div_ceil(size).max(1);
    let mut left = opts.projects;
    (0..count)
        .map(|bi| {
            let want = left.min(size);
            left -= want;
            let county = format!("{}{}", pick(&mut rng, PLACES), ["县", "区", "市"][bi % 3]);
            let year = 2024 + (bi % 3) as u16;
            let with_goal = rng.random_bool(0.5);
            let gaps = rng.random_range(0.01..0.3);
            let mut departments: Vec<Department> = Vec::new();
            let mut made = 0;
            let mut line = 10u32;
            let mut di = 0usize;
            while made < want {
                let n = dept_size(&mut rng).min(want - made);
                let name = if di < BODIES.len() {
                    format!("{county}{}", BODIES[di])
                } else {
                    // Then townships; beyond those, numbered units.
                    let k = di - BODIES.len();
                    let town = format!(
                        "{}{}",
                        PLACES[k % PLACES.len()],
                        TOWNS[(k / PLACES.len()) % TOWNS.len()]
                    );
                    match k / (PLACES.len() * TOWNS.len()) {
                        0 => format!("{county}{town}"),
                        round => format!("{county}{town}（{}）", round + 1),
                    }
                };
                let dept_line = line;
                let projects = (0..n)
                    .map(|_| project(&mut rng, &name, year, with_goal, gaps, &mut line))
                    .collect();
                departments.push(Department {
                    slug: String::new(),
                    name,
                    code: None,
                    aliases: Vec::new(),
                    unnamed: false,
                    source: SourceRef {
                        file: "synthetic.txt".into(),
                        line: dept_line,
                        end_line: 0,
                    },
                    contents: None,
                    overall: None,
                    notes: String::new(),
                    projects,
                });
                made += n;
                di += 1;
            }
            crate::slug::assign_slugs(&mut departments);
            Book {
                slug: format!("county-{:03}-{year}", bi + 1),
                title: format!("{county}{year}年部门预算项目支出绩效目标表（合成数据）"),
                region: county,
                issuer: String::new(),
                year: Some(year),
                stage: if bi % 4 == 0 {
                    Stage::Draft
                } else {
                    Stage::Final
                },
                unit: crate::amount::Unit::Wan,
                date: String::new(),
                sources: Vec::new(),
                prose:
                    "本册为合成数据，由 `jixiao generate` 按真实表格的分布生成，用于性能测试。\n"
                        .into(),
                departments,
            }
        })
        .collect()
}

/// Write a synthetic site (book.toml + content/) into `dir`.
pub fn write_site(opts: &Options, dir: &Path) -> anyhow::Result<Vec<Book>> {
    use rayon::prelude::*;
    std::fs::create_dir_all(dir)?;
    std::fs::write(
        dir.join("book.toml"),
        format!(
            "title = \"合成数据：{} 个项目\"\ndescription = \"jixiao generate --projects {} --seed {}\"\n",
            opts.projects, opts.projects, opts.seed
        ),
    )?;
    let content = dir.join("content");
    let books = books(opts);
    books.par_iter().try_for_each(|b| -> anyhow::Result<()> {
        crate::content::write_book(b, "# 导入报告\n\n合成数据，没有源文件。\n", &content)?;
        Ok(())
    })?;
    Ok(books)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_books_and_sizes_add_up() {
        let o = Options {
            projects: 1234,
            seed: 7,
            book_size: 500,
        };
        let a = books(&o);
        let b = books(&o);
        assert_eq!(a, b);
        assert_eq!(a.len(), 3);
        assert_eq!(a.iter().map(|b| b.project_count()).sum::<usize>(), 1234);
        let c = books(&Options { seed: 8, ..o });
        assert_ne!(a, c);
        // Slugs are unique within each department.
        for book in &a {
            for d in &book.departments {
                let mut s: Vec<_> = d.projects.iter().map(|p| &p.slug).collect();
                s.sort();
                s.dedup();
                assert_eq!(s.len(), d.projects.len());
            }
        }
    }
}

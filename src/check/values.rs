//! Reading what an 指标值 says: numbers, money, comparison signs, units, years.

use regex::Regex;
use rust_decimal::Decimal;
use std::str::FromStr;
use std::sync::LazyLock;

static MONEY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(\d[\d,]*(?:\.\d+)?)\s*(万元|元|万)").expect("valid regex"));
static TOTAL_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:共计|合计|总计|小计|总额|共需|共)[:：]?\s*约?\s*(\d[\d,]*(?:\.\d+)?)\s*(万元|元|万)",
    )
    .expect("valid regex")
});
static NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\d+(?:\.\d+)?").expect("valid regex"));
static YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"((?:19|20)\d{2})\s*年").expect("valid regex"));
static BARE_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[≥≤<>=]?\s*\d+(?:\.\d+)?$").expect("valid regex"));
static ARITH: LazyLock<Regex> = LazyLock::new(|| {
    // `2人*4月*12000元/月=9.6万元`, `$1300*10+3*1500=17500$`, `40万元/次*2=80万`
    Regex::new(r"((?:\d+(?:\.\d+)?[^\d=＝*×xX+＋\-－，,；;。（）()]{0,6}\s*[*×xX+＋\-－]\s*)+\d+(?:\.\d+)?[^\d=＝，,；;。]{0,6})\s*[=＝]\s*(\d+(?:\.\d+)?)\s*(万元|元|万)?")
        .expect("valid regex")
});

fn dec(s: &str) -> Option<Decimal> {
    Decimal::from_str(&s.replace(',', "")).ok()
}

fn to_wan(v: Decimal, unit: &str) -> Decimal {
    if unit == "元" {
        v / Decimal::from(10_000)
    } else {
        v
    }
}

/// Money amounts written in a text, in 万元. Not amounts that are counts (`5万本`) or
/// unit rates (`50元/月/人`, `每人200元`): only yearly rates count as money spent.
pub fn money(text: &str) -> Vec<Decimal> {
    let t = crate::text::key(text);
    MONEY
        .captures_iter(&t)
        .filter(|c| {
            let whole = c.get(0).expect("match");
            let after = &t[whole.end()..];
            let mut next = after.chars();
            let counted = next
                .next()
                .is_some_and(|ch| "本人户次个件台套项份条场期册名所处座辆吨米亩家千".contains(ch));
            let rate = (after.starts_with('/') && !after.starts_with("/年"))
                || t[..whole.start()].chars().rev().take(2).any(|c| c == '每');
            !counted && !rate
        })
        .filter_map(|c| dec(&c[1]).map(|v| to_wan(v, &c[2])))
        .collect()
}

/// The amount a cost indicator's value stands for: a stated total (`共计100万元`), the
/// result of written arithmetic (`…=80万`), or its only amount. `None` when unclear.
pub fn cost_amount(text: &str) -> Option<Decimal> {
    let t = crate::text::key(text);
    if let Some(c) = TOTAL_WORD.captures_iter(&t).last() {
        return dec(&c[1]).map(|v| to_wan(v, &c[2]));
    }
    if let Some(pos) = t.rfind(['=', '＝'])
        && let Some(v) = money(&t[pos..]).first()
    {
        return Some(*v);
    }
    match money(&t).as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

/// Written arithmetic that does not hold: (expression, stated result, computed result).
pub fn bad_arithmetic(text: &str) -> Option<(String, Decimal, Decimal)> {
    let t = crate::text::key(text).replace('$', "");
    for c in ARITH.captures_iter(&t) {
        let expr = &c[1];
        let whole = c.get(0).expect("match");
        // `(a+b)*c+…=x`: the bracket is outside what this reads; do not judge half a sum.
        if t[..whole.start()]
            .trim_end()
            .ends_with([')', '）', '*', '×', '+', '＋', '-', '－'])
        {
            continue;
        }
        let stated = dec(&c[2])?;
        let computed = eval(expr)?;
        // Results may be stated in 万元 while factors are in 元.
        // A monthly rate stated as a year's total (`2名×3500元/月=84000元`) holds too.
        let monthly = expr.contains("/月") || expr.contains("每月");
        let year = if monthly {
            Decimal::from(12)
        } else {
            Decimal::ONE
        };
        let candidates = [
            computed,
            computed / Decimal::from(10_000),
            computed * Decimal::from(10_000),
            computed * year,
            computed * year / Decimal::from(10_000),
        ];
        let ok = candidates.iter().any(|v| {
            (v.round_dp(2) - stated).abs() <= Decimal::new(1, 2)
                || (*v - stated).abs() <= stated.abs() * Decimal::new(5, 3)
        });
        if !ok {
            return Some((expr.to_string(), stated, computed));
        }
    }
    None
}

/// Evaluate `a*b+c*d` with numbers carrying units (units ignored), `×` and `x` as times.
fn eval(expr: &str) -> Option<Decimal> {
    let num = &*NUMBER;
    let mut terms: Vec<Decimal> = Vec::new();
    let mut cur: Option<Decimal> = None;
    let mut op_mul = false;
    let mut sign = Decimal::ONE;
    let mut last = 0;
    for m in num.find_iter(expr) {
        let between = &expr[last..m.start()];
        if between.contains(['+', '＋']) {
            if let Some(v) = cur.take() {
                terms.push(v);
            }
            sign = Decimal::ONE;
            op_mul = false;
        } else if between.contains(['-', '－']) && cur.is_some() {
            if let Some(v) = cur.take() {
                terms.push(v);
            }
            sign = -Decimal::ONE;
            op_mul = false;
        } else if between.contains(['*', '×', 'x', 'X']) {
            op_mul = true;
        }
        let v = dec(m.as_str())?;
        cur = Some(match (cur, op_mul) {
            (Some(c), true) => c.checked_mul(v)?,
            (Some(_), false) => return None,
            (None, _) => sign * v,
        });
        op_mul = false;
        last = m.end();
    }
    if let Some(v) = cur {
        terms.push(v);
    }
    if terms.is_empty() {
        None
    } else {
        Some(terms.into_iter().sum())
    }
}

pub fn has_digit(text: &str) -> bool {
    crate::text::key(text).chars().any(|c| c.is_ascii_digit())
}

/// A stated comparison: a sign, or the words that mean one.
pub fn has_comparison(text: &str) -> bool {
    let k = crate::text::key(text);
    k.contains(['≥', '≤', '>', '<', '=', '≧', '≦', '≮', '≯'])
        || [
            "不低于",
            "不少于",
            "不高于",
            "不超过",
            "不多于",
            "以上",
            "以下",
            "以内",
            "大于",
            "小于",
            "高于",
            "低于",
            "至少",
            "控制在",
            "达到",
            "达",
            "超过",
            "不大于",
            "不小于",
            "最高",
            "最低",
        ]
        .iter()
        .any(|w| k.contains(w))
}

pub fn has_percent(text: &str) -> bool {
    let k = crate::text::key(text);
    k.contains('%') || k.contains("百分之")
}

/// Only a number (perhaps with a sign), no unit: `7`, `2024`, `≥ 1`.
pub fn bare_number(text: &str) -> bool {
    BARE_NUMBER.is_match(&crate::text::key(text))
}

/// A year on its own (`2024`): a date, not a number missing its unit.
pub fn is_year(text: &str) -> bool {
    let k = crate::text::key(text);
    k.len() == 4
        && (k.starts_with("19") || k.starts_with("20"))
        && k.chars().all(|c| c.is_ascii_digit())
}

/// Names that describe a rate or a share, where a percentage fits.
pub fn is_rate_name(name: &str) -> bool {
    [
        "率",
        "比例",
        "比重",
        "占比",
        "百分比",
        "满意度",
        "覆盖",
        "达标",
        "增长",
        "增幅",
        "降低",
        "下降",
        "知晓",
        "到位",
        "合格",
        "完成度",
        "程度",
        "指数",
        "满意",
    ]
    .iter()
    .any(|w| name.contains(w))
}

/// Wording that names a direction but no measure.
pub fn is_vague(value: &str) -> bool {
    if has_digit(value) {
        return false;
    }
    let k = crate::text::key(value);
    let words = [
        "有效",
        "明显",
        "显著",
        "进一步",
        "不断",
        "稳步",
        "大幅",
        "较好",
        "良好",
        "提升",
        "提高",
        "改善",
        "增强",
        "加强",
        "促进",
        "推动",
        "保障",
        "完善",
        "持续",
    ];
    k.chars().count() <= 20 && words.iter().any(|w| k.contains(w))
}

/// Years named in a text.
pub fn years(text: &str) -> Vec<u16> {
    YEAR.captures_iter(&crate::text::key(text))
        .filter_map(|c| c[1].parse().ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn money_in_text() {
        assert_eq!(
            money("针对新升规工业企业每户奖励10万元，共计100万元。"),
            vec![d("10"), d("100")]
        );
        assert_eq!(money("宣传册5万本，宣传单15万份"), Vec::<Decimal>::new());
        assert_eq!(money("预算：401016元（大写"), vec![d("40.1016")]);
        assert_eq!(
            money("80-89周岁50元/月/人，每人200元"),
            Vec::<Decimal>::new()
        );
        assert_eq!(money("109.5万元/年"), vec![d("109.5")]);
    }

    #[test]
    fn cost_amount_prefers_stated_totals() {
        assert_eq!(
            cost_amount("针对新升规工业企业每户奖励10万元，共计100万元。"),
            Some(d("100"))
        );
        assert_eq!(cost_amount("40万元/次*2=80万"), Some(d("80")));
        assert_eq!(cost_amount("项目资金控制在9.07万元内"), Some(d("9.07")));
        assert_eq!(cost_amount("7"), None);
        assert_eq!(
            cost_amount("人均240元餐标，每次15人，预计全年接待100余次，小计：40万元"),
            Some(d("40"))
        );
    }

    #[test]
    fn arithmetic_that_holds_and_that_does_not() {
        assert_eq!(bad_arithmetic("2人*4月*12000元/月=9.6万元。"), None);
        assert_eq!(bad_arithmetic("$1300*10+3*1500=17500$"), None);
        assert_eq!(bad_arithmetic("40万元/次*2=80万"), None);
        assert_eq!(bad_arithmetic("50元*181天=9050"), None);
        assert_eq!(
            bad_arithmetic("$(1000*1+900*2)*20+20*20*300=17.6$ 万元"),
            None
        );
        assert_eq!(bad_arithmetic("2名×3500.00元/月=84000.00元；"), None);
        assert!(bad_arithmetic("2人*4月*10000元/月=9万元").is_some());
        assert!(bad_arithmetic("预计奖补2*8+6*2=30万").is_some());
    }

    #[test]
    fn signs_units_and_years() {
        assert!(has_comparison("≥90%"));
        assert!(has_comparison("满意度达95%"));
        assert!(!has_comparison("100%"));
        assert!(bare_number("7"));
        assert!(bare_number("≥ 1"));
        assert!(!bare_number("7人"));
        assert!(is_year("2024") && !is_year("7") && !is_year("20240"));
        assert!(is_vague("有效提高"));
        assert!(!is_vague("提高10%"));
        assert_eq!(years("2021年1-12月"), vec![2021]);
        assert!(is_rate_name("验收合格率"));
        assert!(!is_rate_name("促进经开区高质量发展"));
    }
}

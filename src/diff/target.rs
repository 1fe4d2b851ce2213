//! A 指标值 read as a target: a comparison, a number and a unit (`≥95%`, `不少于3次`,
//! `满意度95%以上`), or words. Two readings of one indicator compare as weaker, stronger
//! or merely changed; a verdict is only given where the text itself says which way is
//! better (a sign, or a satisfaction rate), never guessed from the number alone.

use crate::model::{Indicator, Level1};
use regex::Regex;
use rust_decimal::Decimal;
use serde::Serialize;
use std::str::FromStr;
use std::sync::LazyLock;

/// The comparison a target states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Op {
    /// ≥, 不低于, 不少于, 以上, 至少, 达到
    AtLeast,
    /// >, 大于, 高于, 超过
    Above,
    /// ≤, 不高于, 不超过, 以内, 以下, 控制在
    AtMost,
    /// <, 小于, 低于
    Below,
    /// A number with no comparison (`100%`, `3次`), or `=`.
    Exactly,
}

/// A 指标值 as a measurable target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Target {
    pub op: Op,
    pub number: Decimal,
    /// What the number counts (`%`, `次`, `万元`), NFKC-folded for comparing.
    pub unit: String,
}

/// How a changed target compares with the old one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    Weaker,
    Stronger,
    /// Changed, but the text does not say which way is better.
    Changed,
}

// A comparison word before the number, the number, its unit, a comparison word after
// it (`95%以上`), then the end of the text or a punctuation mark.
static TARGET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        (?P<pre>≥|≤|>=|<=|>|<|=|≧|≦|不低于|不少于|不小于|至少|达到|不高于|不超过|不大于|不多于|控制在|大于|高于|超过|多于|小于|低于|少于)?
        \s*
        (?P<num>\d+(?:\.\d+)?)
        \s*
        (?P<unit>%|‰|[^\d\s.%‰,，。；;、:：()（）]{0,4}?)
        (?P<post>及以上|以上|及以下|以下|以内|之内)?
        (?:$|[\s,，。；;、:：()（）])",
    )
    .expect("valid regex")
});

/// The target a 指标值 states, with the form's own sign and unit columns where it has
/// them. `None` for words, dates and texts with more than one number.
pub fn parse(ind: &Indicator) -> Option<Target> {
    let mut text = crate::text::key(&ind.value);
    if !ind.operator.is_empty() && !crate::check::values::has_comparison(&ind.value) {
        text = format!("{}{text}", crate::text::key(&ind.operator));
    }
    if !ind.unit.is_empty() && !text.ends_with(&crate::text::key(&ind.unit)) {
        text.push_str(&crate::text::key(&ind.unit));
    }
    parse_text(&text)
}

fn parse_text(k: &str) -> Option<Target> {
    // Two numbers (`1-12月`, `3个乡镇5个村`): not one target.
    let numbers = k
        .split(|c: char| !c.is_ascii_digit() && c != '.')
        .filter(|s| s.chars().any(|c| c.is_ascii_digit()))
        .count();
    if numbers != 1 {
        return None;
    }
    let c = TARGET.captures(k)?;
    let number = Decimal::from_str(&c["num"]).ok()?;
    let unit = c.name("unit").map_or("", |m| m.as_str()).to_string();
    // A year or a date (`2026年`, `2026年底前`, `12月`): a deadline, not a quantity.
    if unit.starts_with('年') && (1900..=2100).contains(&number.trunc().try_into().unwrap_or(0))
        || unit.starts_with('月')
        || unit.starts_with('日')
    {
        return None;
    }
    let op = match (
        c.name("pre").map(|m| m.as_str()),
        c.name("post").map(|m| m.as_str()),
    ) {
        (Some("≥" | ">=" | "≧" | "不低于" | "不少于" | "不小于" | "至少" | "达到"), _) => {
            Op::AtLeast
        }
        (Some(">" | "大于" | "高于" | "超过" | "多于"), _) => Op::Above,
        (Some("≤" | "<=" | "≦" | "不高于" | "不超过" | "不大于" | "不多于" | "控制在"), _) => {
            Op::AtMost
        }
        (Some("<" | "小于" | "低于" | "少于"), _) => Op::Below,
        (_, Some("以上" | "及以上")) => Op::AtLeast,
        (_, Some("以下" | "及以下" | "以内" | "之内")) => Op::AtMost,
        _ => Op::Exactly,
    };
    Some(Target { op, number, unit })
}

impl Op {
    fn sign(self) -> &'static str {
        match self {
            Op::AtLeast => "≥",
            Op::Above => ">",
            Op::AtMost => "≤",
            Op::Below => "<",
            Op::Exactly => "",
        }
    }
    /// +1 when a higher number asks more, -1 when a lower one does, 0 when the text
    /// does not say.
    fn direction(self) -> i8 {
        match self {
            Op::AtLeast | Op::Above => 1,
            Op::AtMost | Op::Below => -1,
            Op::Exactly => 0,
        }
    }
}

/// Compare an indicator's old and new 指标值 (same indicator, changed text), with the
/// reason in neutral words.
pub fn compare(old: &Indicator, new: &Indicator) -> (Verdict, String) {
    let rising = new.level1_category == Some(Level1::Satisfaction) || rate_rises(&new.name);
    match (parse(old), parse(new)) {
        (Some(_), None) if !is_quantified(&new.value) => {
            (Verdict::Weaker, "量化指标值改为文字表述".to_string())
        }
        (None, Some(_)) if !is_quantified(&old.value) => {
            (Verdict::Stronger, "文字表述改为量化指标值".to_string())
        }
        (Some(a), Some(b)) if a.unit == b.unit => compare_targets(&a, &b, rising),
        (Some(_), Some(_)) => (Verdict::Changed, "计量单位改变，无法直接比较".to_string()),
        _ => (Verdict::Changed, "指标值文字改变".to_string()),
    }
}

/// Whether a text still states a number (a deadline or a range counts): a target turned
/// into `2026年底前完成` is not "words".
fn is_quantified(value: &str) -> bool {
    crate::check::values::has_digit(value)
}

/// A rate whose name says more is better (满意度, 完成率, 合格率…) and nothing says less is
/// (故障率, 发生率, 投诉率…): a higher % asks more even without a sign.
fn rate_rises(name: &str) -> bool {
    let k = crate::text::key(name);
    const FALLING: &[&str] = &[
        "故障",
        "发生",
        "事故",
        "投诉",
        "差错",
        "失误",
        "空置",
        "损耗",
        "死亡",
        "流失",
        "下降",
        "降低",
        "减少",
        "超标",
        "违法",
        "违规",
        "不合格",
        "逾期",
        "延误",
        "误差",
        "偏差",
        "返工",
    ];
    const RISING: &[&str] = &[
        "满意",
        "完成率",
        "合格率",
        "达标率",
        "覆盖率",
        "知晓率",
        "到位率",
        "及时率",
        "执行率",
        "普及率",
        "通过率",
        "验收率",
        "办结率",
        "兑现率",
        "发放率",
        "入学率",
        "巩固率",
        "参与率",
        "就业率",
        "利用率",
        "完好率",
        "回收率",
        "处置率",
        "整改率",
        "受理率",
        "准确率",
        "正确率",
    ];
    !FALLING.iter().any(|w| k.contains(w)) && RISING.iter().any(|w| k.contains(w))
}

fn compare_targets(a: &Target, b: &Target, rising: bool) -> (Verdict, String) {
    let (da, db) = (a.op.direction(), b.op.direction());
    // A rate whose name says more is better asks more the higher it is, sign or not.
    let rate = |t: &Target| t.unit == "%" && rising;
    if a.number == b.number {
        return match (da, db) {
            (0, d) if d != 0 => (Verdict::Stronger, format!("增加了比较符“{}”", b.op.sign())),
            (d, 0) if d != 0 => (
                Verdict::Weaker,
                format!("去掉了比较符“{}”，改为固定值", a.op.sign()),
            ),
            _ if a.op == b.op => (Verdict::Changed, "指标值写法改变".to_string()),
            // `≥` ↔ `>` at one number: a strict sign asks a little more.
            (1, 1) | (-1, -1) => {
                let strict = |o: Op| matches!(o, Op::Above | Op::Below);
                if strict(b.op) {
                    (Verdict::Stronger, "比较符由含等号改为不含等号".to_string())
                } else {
                    (Verdict::Weaker, "比较符由不含等号改为含等号".to_string())
                }
            }
            _ => (Verdict::Changed, "比较方向改变".to_string()),
        };
    }
    let higher = b.number > a.number;
    let dir = if da == db && da != 0 {
        da
    } else if da == 0 && db == 0 && rate(a) && rate(b) {
        1
    } else {
        0
    };
    let moved = if higher { "提高" } else { "降低" };
    match dir {
        0 => (
            Verdict::Changed,
            format!("数值{moved}，比较方向未写明或改变"),
        ),
        d if (d > 0) == higher => (Verdict::Stronger, format!("目标值{moved}")),
        _ => (Verdict::Weaker, format!("目标值{moved}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ind(value: &str) -> Indicator {
        Indicator {
            name: "工程验收合格率".into(),
            value: value.into(),
            ..Indicator::default()
        }
    }
    fn t(value: &str) -> Option<(Op, String, String)> {
        parse(&ind(value)).map(|t| (t.op, t.number.to_string(), t.unit))
    }

    #[test]
    fn reads_signs_words_and_units() {
        assert_eq!(t("≥95%"), Some((Op::AtLeast, "95".into(), "%".into())));
        assert_eq!(t("不少于3次"), Some((Op::AtLeast, "3".into(), "次".into())));
        assert_eq!(
            t("满意度95%以上"),
            Some((Op::AtLeast, "95".into(), "%".into()))
        );
        assert_eq!(
            t("满意度大于90%"),
            Some((Op::Above, "90".into(), "%".into()))
        );
        assert_eq!(
            t("≤100万元"),
            Some((Op::AtMost, "100".into(), "万元".into()))
        );
        assert_eq!(t("１００％"), Some((Op::Exactly, "100".into(), "%".into())));
        assert_eq!(
            t("12.5公里"),
            Some((Op::Exactly, "12.5".into(), "公里".into()))
        );
        // Dates, ranges and words are not one target.
        assert_eq!(t("2026年底前完成"), None);
        assert_eq!(t("2026年1-12月"), None);
        assert_eq!(t("进一步提高"), None);
    }

    #[test]
    fn form_columns_join_the_value() {
        let i = Indicator {
            value: "90".into(),
            operator: "≥".into(),
            unit: "%".into(),
            ..Indicator::default()
        };
        assert_eq!(
            parse(&i),
            Some(Target {
                op: Op::AtLeast,
                number: Decimal::from(90),
                unit: "%".into()
            })
        );
    }

    #[test]
    fn verdicts_follow_the_sign() {
        let v = |a: &str, b: &str| compare(&ind(a), &ind(b)).0;
        assert_eq!(v("≥95%", "≥90%"), Verdict::Weaker);
        assert_eq!(v("≥90%", "≥95%"), Verdict::Stronger);
        assert_eq!(v("≤100万元", "≤120万元"), Verdict::Weaker);
        assert_eq!(v("≤100万元", "≤80万元"), Verdict::Stronger);
        assert_eq!(v("≥95%", "95%"), Verdict::Weaker);
        assert_eq!(v("95%", "≥95%"), Verdict::Stronger);
        assert_eq!(v("≥3次", "按需开展"), Verdict::Weaker);
        assert_eq!(v("及时", "≥3次"), Verdict::Stronger);
        // No sign: a plain number moved says nothing about which way is better...
        assert_eq!(v("3次", "4次"), Verdict::Changed);
        // ...except a rate whose name says more is better (here 合格率)...
        assert_eq!(v("100%", "90%"), Verdict::Weaker);
        // ...and not one whose name says less is.
        let fault = |v: &str| Indicator {
            name: "设备故障率".into(),
            value: v.into(),
            ..Indicator::default()
        };
        assert_eq!(compare(&fault("5%"), &fault("3%")).0, Verdict::Changed);
        // ...except a satisfaction rate.
        let sat = |v: &str| Indicator {
            name: "群众满意度".into(),
            value: v.into(),
            ..Indicator::default()
        };
        assert_eq!(compare(&sat("95%"), &sat("90%")).0, Verdict::Weaker);
        assert_eq!(v("3次", "3个"), Verdict::Changed);
        assert_eq!(v("≥95%", "2026年底前完成"), Verdict::Changed);
    }
}

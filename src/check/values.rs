//! Reading what an 指标值 says: numbers, money, comparison signs, units, years.

use regex::Regex;
use rust_decimal::Decimal;
use std::borrow::Cow;
use std::str::FromStr;
use std::sync::LazyLock;

/// A value as a reader sees it: LaTeX that some exports carry (`$\geq 90\%$`,
/// `$18*1.5=27$`) turned into the signs it stands for. Used for reading and quoting.
pub fn plain(text: &str) -> Cow<'_, str> {
    if !text.contains(['$', '\\']) {
        return Cow::Borrowed(text);
    }
    let mut t = text.to_string();
    for (tex, sign) in [
        ("\\geqslant", "≥"),
        ("\\leqslant", "≤"),
        ("\\geq", "≥"),
        ("\\leq", "≤"),
        ("\\ge", "≥"),
        ("\\le", "≤"),
        ("\\times", "×"),
        ("\\cdot", "×"),
        ("\\div", "÷"),
        ("\\sim", "~"),
        ("\\approx", "≈"),
        ("\\%", "%"),
        ("\\left", ""),
        ("\\right", ""),
        ("\\text", ""),
        ("\\mathrm", ""),
        ("\\,", ""),
        ("\\ ", " "),
    ] {
        t = t.replace(tex, sign);
    }
    t.retain(|c| !matches!(c, '$' | '{' | '}'));
    // `$ ≥ 90% $` leaves spaces the source did not mean.
    let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
    Cow::Owned(t.replace("≥ ", "≥").replace("≤ ", "≤"))
}

/// The matching key of a value: LaTeX read, NFKC, no whitespace. Every reading below
/// keys its text; a caller that asks several of them keys once and passes the key (a key
/// is its own key, and takes the normaliser's fast path).
pub fn k(text: &str) -> Cow<'_, str> {
    match plain(text) {
        Cow::Borrowed(t)
            if crate::text::is_nfkc_stable(t) && !t.chars().any(crate::text::is_space) =>
        {
            Cow::Borrowed(t)
        }
        p => Cow::Owned(crate::text::key(&p)),
    }
}

/// A value quoted in a message: plain, on one line, cut to about 40 characters.
pub fn quote(text: &str) -> String {
    crate::text::excerpt(plain(text).trim(), 40)
}

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
    // Most values name no money: skip the key and the search.
    if !text.contains(['元', '万']) {
        return Vec::new();
    }
    let t = k(text);
    MONEY
        .captures_iter(&t)
        .filter(|c| {
            let whole = c.get(0).expect("match");
            let after = &t[whole.end()..];
            let mut next = after.chars();
            let first = next.next();
            let counted = first
                .is_some_and(|ch| "本人户次个件台套项份条场期册名所处座辆吨米亩家千".contains(ch))
                // `3万平方米`, `2万页`: a bare 万 before any other word counts things
                // (`1万以内`, `2万左右` are still money).
                || (&c[2] == "万" && first.is_some_and(|ch| is_cjk(ch) && !"以左内余多".contains(ch)));
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
    let t = k(text);
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
    if !text.contains(['=', '＝']) {
        return None;
    }
    let t = k(text).replace("乘以", "×").replace('乘', "×");
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
        // A number run together with the next (`0.21775333`: a rate and a count) is a
        // conversion artefact; judging it would blame the department for the export.
        if NUMBER
            .find_iter(expr)
            .any(|m| m.as_str().split_once('.').is_some_and(|(_, d)| d.len() > 6))
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
    k(text).chars().any(|c| c.is_ascii_digit())
}

fn is_cjk(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

static CN_COUNT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[一二两三四五六七八九十百千]+(?:个|座|套|台|项|次|件|人|户|名|家|所|处|条|场|期|本|册|份|辆|间|张|批|轮|类|栋|幢|支|部|块|片|公里|千米|米|亩|天|周|个月|月|年|季度|季|小时|日|轮)")
        .expect("valid regex")
});

/// A count written in Chinese numerals: `三座水库`, `四个社区`, `一套`. Not `统一项目`
/// or `唯一`, where 一 is part of a word.
pub fn has_chinese_count(text: &str) -> bool {
    let t = k(text);
    CN_COUNT.find_iter(&t).any(|m| {
        !t[..m.start()]
            .chars()
            .next_back()
            .is_some_and(|c| "统唯第之同单逐划专万进".contains(c))
    })
}

/// A concrete schedule without digits: `按季度还本付息`, `每月按时发放`, `年底前完成`.
pub fn has_schedule(text: &str) -> bool {
    let t = k(text);
    [
        "每月",
        "每季",
        "每年",
        "每周",
        "每日",
        "每天",
        "每半年",
        "按月",
        "按季",
        "按年",
        "按周",
        "按日",
        "按学期",
        "每学期",
        "年底",
        "年末",
        "月底",
        "月末",
        "季末",
        "上半年",
        "下半年",
        "年内",
        "年度内",
        "当年",
        "年初",
        "月初",
        "季度",
    ]
    .iter()
    .any(|w| t.contains(w))
}

/// The value (with its row's name, which may carry the number: `2024年内完成` / `完成`)
/// says how many, how much or when.
pub fn is_quantified(name: &str, value: &str, timeliness: bool) -> bool {
    let says = |t: &str| {
        // Titled items listed one by one (`《诗萃》《文荟》《艺苑》`) are counted.
        t.matches('《').count() >= 2
            || has_digit(t)
            || has_chinese_count(t)
            || k(t).contains("全覆盖")
            || (timeliness && has_schedule(t))
    };
    // Only a deadline moves into the name (`2024年内完成` / `完成`); a year or a number
    // in any other name (`指标5：…`, `迎接2026年度考核`) says nothing of the target.
    if timeliness {
        says(value) || is_deadline(name) || has_schedule(name) || !years(name).is_empty()
    } else if !money(name).is_empty() {
        // `…经费4万元` / `用于…`: the amount is written in the name.
        true
    } else {
        // The date of a cited notice (`根据2023年11月7日…通知`, `〔2023〕12号`) is not a
        // quantity.
        let key = k(value);
        if !has_digit(&key) {
            return says(&key);
        }
        let t = CITED.replace_all(&key, "");
        says(&t)
    }
}

static CITED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:19|20)\d{2}年(?:\d{1,2}月)?(?:\d{1,2}日)?|〔\d{4}〕\d*号?|\[\d{4}\]\d*号?|\(\d{4}\)\d*号")
        .expect("valid regex")
});

/// `不适用`, `此项指标不适用`: the form allows a row that does not apply to say so.
pub fn not_applicable(value: &str) -> bool {
    let t = k(value);
    t.chars().count() <= 12 && (t.contains("不适用") || t.contains("不涉及") || t == "无此项")
}

/// The value is a percentage and nothing else (`95%`, `≥90%`): it does not say what it
/// is a share of.
pub fn only_percent(value: &str) -> bool {
    ONLY_PERCENT.is_match(&k(value))
}

static ONLY_PERCENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[≥≤<>=≧≦]|不低于|不高于|不少于|不超过|约)?\d+(?:\.\d+)?%(?:以上|以下|以内)?$")
        .expect("valid regex")
});

/// Every percentage in the value is 100% or 0%: an exact target, which needs no sign.
pub fn exact_percent(value: &str) -> bool {
    let t = k(value);
    let mut any = false;
    for m in PERCENT.captures_iter(&t) {
        any = true;
        match dec(&m[1]) {
            Some(v) if v == Decimal::ONE_HUNDRED || v.is_zero() => {}
            _ => return false,
        }
    }
    any
}

static PERCENT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(\d+(?:\.\d+)?)%").expect("valid regex"));

/// The name carries the unit a bare number lacks: `工程数量（个）`, `资助人数`.
pub fn name_gives_unit(name: &str) -> bool {
    let t = k(name);
    let bracket = t.ends_with(')')
        && t.rfind('(').is_some_and(|i| {
            let inner = &t[i + 1..t.len() - 1];
            !inner.is_empty()
                && inner.chars().count() <= 4
                && !inner.chars().any(|c| c.is_ascii_digit())
        });
    bracket
        || [
            "人数", "户数", "次数", "个数", "件数", "天数", "家数", "台数", "场次", "人次", "项数",
            "所数", "批次", "册数", "份数", "座数", "辆数", "班次", "课时", "学时", "年限", "月数",
        ]
        .iter()
        .any(|w| t.ends_with(w))
        // `服务人口数`, `新增落地项目数`, `课件数量`: the name says what is counted.
        || t.ends_with('数')
        || t.ends_with("数量")
        // `普及率 0.85`: a rate written as a decimal.
        || is_rate_name(name)
}

/// A stated comparison: a sign, or the words that mean one.
pub fn has_comparison(text: &str) -> bool {
    let k = k(text);
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
    let k = k(text);
    k.contains('%') || k.contains("百分之")
}

/// Only a number (perhaps with a sign), no unit: `7`, `2024`, `≥ 1`.
pub fn bare_number(text: &str) -> bool {
    BARE_NUMBER.is_match(&k(text))
}

/// A year on its own (`2024`): a date, not a number missing its unit.
pub fn is_year(text: &str) -> bool {
    let k = k(text);
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
        "增速",
        "安全感",
        "幸福感",
        "获得感",
    ]
    .iter()
    .any(|w| name.contains(w))
}

/// A name that only says which way things should go (`提高…`, `优化营商环境`).
pub fn names_a_direction(name: &str) -> bool {
    let key = k(name);
    // Forms that number their rows: `指标1：提高…`.
    let t = NUMBERED.replace(&key, "");
    [
        "提高", "优化", "促进", "减少", "推动", "加强", "改善", "增强",
    ]
    .iter()
    .any(|w| t.starts_with(w))
}

static NUMBERED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^指标\d+[:：]").expect("valid regex"));

/// Wording that names a direction but no measure.
pub fn is_vague(value: &str) -> bool {
    if has_digit(value) {
        return false;
    }
    let k = k(value);
    // `较上年提高`: last year's measured value is the baseline; `无死角`, `全覆盖`,
    // `不发生`: an absolute end state.
    if [
        "较上年",
        "比上年",
        "同比",
        "较去年",
        "无死角",
        "全覆盖",
        "不发生",
        "零",
    ]
    .iter()
    .any(|w| k.contains(w))
    {
        return false;
    }
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
        "降低",
        "减少",
        "下降",
        "优化",
    ];
    k.chars().count() <= 30 && words.iter().any(|w| k.contains(w))
}

static DEADLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:(?:19|20)\d{2}年)?\d{1,2}月(?:\d{1,2}日)?(?:底|末|中旬|下旬|上旬)?(?:前|之前|以前|内)|(?:19|20)\d{2}年(?:底|末|内|度内)|年底前|年末前|月底前|年内完成")
        .expect("valid regex")
});

/// The value says when (`2024年6月底前`, `年底前完成`).
pub fn is_deadline(text: &str) -> bool {
    if !text.contains(['年', '月']) {
        return false;
    }
    let t = k(text);
    t.chars().count() <= 24 && DEADLINE.is_match(&t)
}

static COUNT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\d+(?:\.\d+)?\s*(?:个|座|套|台|项|次|件|人|户|名|家|所|处|条|场|期|本|册|份|辆|间|张|批|轮|类|栋|幢|支|部|块|片|公里|千米|米|亩|平方|立方|吨|㎡|m|%|株|棵|课时|学时|篇|期|幅|面|盏|套)")
        .expect("valid regex")
});

/// The value counts something besides money or dates: `20人次`, `3处`, `三座`.
pub fn has_count(text: &str) -> bool {
    let key = k(text);
    if !COUNT.is_match(&key) && !has_chinese_count(&key) {
        return false;
    }
    let t = DEADLINE.replace_all(&key, "");
    let t = YEAR.replace_all(&t, "");
    COUNT.is_match(&t) || has_chinese_count(&t)
}

/// Money spent named in a 效益 row (`发放补贴资金50万元`): not an outcome such as
/// 增收, 产值 or 节约, which benefits may well state in money.
pub fn is_spending(name: &str, value: &str) -> bool {
    if money(value).is_empty() {
        return false;
    }
    let both = format!("{}{}", k(name), k(value));
    let outcome = [
        "增收",
        "收入",
        "产值",
        "节约",
        "节省",
        "带动",
        "拉动",
        "税收",
        "利润",
        "营业",
        "销售",
        "增加值",
        "效益",
        "减少损失",
        "挽回",
        "降低成本",
        "融资",
        "招商",
        "投资",
        "撬动",
    ]
    .iter()
    .any(|w| both.contains(w));
    let spend = [
        "资金", "经费", "费用", "成本", "支出", "预算", "拨付", "支付", "补助", "补贴",
    ]
    .iter()
    .any(|w| both.contains(w));
    !outcome && spend && !has_count(value)
}

/// Any amount written with a money unit (`600元/月`, `0.06万元/年` count too).
pub fn mentions_money(text: &str) -> bool {
    k(text).contains('元') || !money(text).is_empty()
}

/// `0`, `≤0`: a zero target needs no unit.
pub fn is_zero(text: &str) -> bool {
    let t = k(text);
    let digits: String = t
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    dec(&digits).is_some_and(|d| d.is_zero())
}

/// A percentage of 100 (`100%`, `≥100%`).
pub fn percent_of_hundred(text: &str) -> bool {
    PERCENT
        .captures_iter(&k(text))
        .any(|m| dec(&m[1]) == Some(Decimal::ONE_HUNDRED))
}

/// A period that runs through the year (`2023年-2025年`, `2023至2025年`).
pub fn spans_year(text: &str, year: u16) -> bool {
    let t = k(text);
    SPAN.captures_iter(&t).any(|c| {
        let (a, b): (u16, u16) = (c[1].parse().unwrap_or(0), c[2].parse().unwrap_or(0));
        a <= year && year <= b
    })
}

static SPAN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"((?:19|20)\d{2})年?(?:\d{1,2}月)?\s*(?:-|—|–|~|～|至|到)\s*((?:19|20)\d{2})")
        .expect("valid regex")
});

/// Money the goal says the project spends, in 万元, and whether that is the sum of the
/// items named (else it is the largest single item: a goal that breaks a sum down with
/// 其中 or 共计 would otherwise count its parts twice). Amounts of a whole investment, of
/// other sources and of outcomes (产值, 税收) are not this year's spending, and a goal
/// that names them is not judged.
pub fn goal_spending(goal: &str) -> Option<(Decimal, bool)> {
    let t = k(goal);
    let not_spent = [
        "总投资",
        "总预算",
        "概算",
        "估算",
        "累计",
        "总计划",
        "合同",
        "中期",
        "三年",
        "五年",
        "产值",
        "收入",
        "营收",
        "税收",
        "销售",
        "带动",
        "拉动",
        "撬动",
        "融资",
        "贷款",
        "增加值",
        "节约",
        "上级",
        "中央",
        "省级",
        "市级",
        "争取",
        "专项债",
        "债券",
        "社会资本",
        "自筹",
        "投资",
        "GDP",
        "规模",
        "以上",
        "亿",
    ];
    let mut amounts = Vec::new();
    for c in MONEY.captures_iter(&t) {
        let whole = c.get(0).expect("match");
        let before: String = {
            let b: Vec<char> = t[..whole.start()].chars().rev().take(10).collect();
            b.into_iter().rev().collect()
        };
        let after = &t[whole.end()..];
        if not_spent.iter().any(|w| before.contains(w)) || after.starts_with("以上") {
            return None;
        }
        if let Some(v) = money(whole.as_str()).first()
            && !after.starts_with('/')
            && !before.chars().rev().take(3).any(|c| c == '每')
        {
            amounts.push(*v);
        }
    }
    let nested = ["其中", "共计", "合计", "小计", "总计", "共需", "共"]
        .iter()
        .any(|w| t.contains(w));
    if nested {
        amounts.into_iter().max().map(|m| (m, false))
    } else {
        let n = amounts.len();
        (n > 0).then(|| (amounts.into_iter().sum(), n > 1))
    }
}

/// Years named in a text.
pub fn years(text: &str) -> Vec<u16> {
    YEAR.captures_iter(&k(text))
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

//! Money as a finance bureau writes it, and as exact decimals.
//!
//! Every amount keeps the text as written next to the exact value read from it, so
//! a reviewer can always compare the two. Nothing here uses floating point.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One amount cell: the exact value (in the book's unit, 万元) and the raw text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Amount {
    /// The value in 万元 when the cell could be read exactly.
    pub value: Option<Decimal>,
    /// The cell text as written, trimmed. Empty when the cell was empty.
    pub raw: String,
}

/// How a cell read: empty, a value, or text that is not an amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AmountState {
    Missing,
    Value,
    Unreadable,
}

impl Amount {
    pub fn missing() -> Self {
        Amount::default()
    }

    /// An amount whose raw text is exactly its canonical decimal.
    pub fn exact(value: Decimal) -> Self {
        Amount {
            value: Some(value),
            raw: value.to_string(),
        }
    }

    /// Read a cell. Accepts `315`, `315万元`, `1.5万`, `4,414`, `5,000.00`, full-width
    /// digits, and amounts in 元 (converted exactly to 万元). Anything else
    /// (`35.9816.49`, `约25万元`) is kept as raw text with no value.
    pub fn parse(raw: &str) -> Self {
        let raw = crate::text::clean(raw).to_string();
        let value = parse_wan(&raw);
        Amount { value, raw }
    }

    pub fn state(&self) -> AmountState {
        match (&self.value, is_blank_amount(&self.raw)) {
            (Some(_), _) => AmountState::Value,
            (None, true) => AmountState::Missing,
            (None, false) => AmountState::Unreadable,
        }
    }

    /// Nothing was written in the cell (a placeholder such as `/` is something: it is
    /// kept in the content, though it reads as missing).
    pub fn is_empty(&self) -> bool {
        self.value.is_none() && self.raw.is_empty()
    }

    pub fn is_missing(&self) -> bool {
        self.state() == AmountState::Missing
    }

    pub fn is_unreadable(&self) -> bool {
        self.state() == AmountState::Unreadable
    }

    /// True when the raw text is just the canonical decimal, so it need not be stored twice.
    fn raw_is_canonical(&self) -> bool {
        match &self.value {
            Some(v) => v.to_string() == self.raw,
            None => self.raw.is_empty(),
        }
    }
}

/// Empty cells and the placeholders people type into them.
fn is_blank_amount(raw: &str) -> bool {
    let k = crate::text::key(raw);
    matches!(k.as_str(), "" | "/" | "-" | "--" | "—" | "无")
}

/// Parse the text of an amount cell into 万元. See [`Amount::parse`].
pub fn parse_wan(raw: &str) -> Option<Decimal> {
    let k = crate::text::key(raw);
    if k.is_empty() {
        return None;
    }
    let (number, scale_to_wan) = if let Some(n) = k.strip_suffix("万元") {
        (n, false)
    } else if let Some(n) = k.strip_suffix('万') {
        (n, false)
    } else if let Some(n) = k.strip_suffix('元') {
        (n, true)
    } else {
        (k.as_str(), false)
    };
    let value = parse_plain_decimal(number)?;
    if scale_to_wan {
        value.checked_div(Decimal::from(10_000))
    } else {
        Some(value)
    }
}

/// A plain decimal, optionally with correct thousands separators (`4,414`, `22,500.5`).
pub fn parse_plain_decimal(s: &str) -> Option<Decimal> {
    let (neg, body) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (int_part, frac_part) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    let digits: String = if int_part.contains(',') {
        let groups: Vec<&str> = int_part.split(',').collect();
        let first_ok = (1..=3).contains(&groups[0].len());
        let rest_ok = groups[1..].iter().all(|g| g.len() == 3);
        if !first_ok || !rest_ok {
            return None;
        }
        groups.concat()
    } else {
        int_part.to_string()
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.len() > 20 {
        return None;
    }
    if let Some(f) = frac_part
        && (f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) || f.len() > 10)
    {
        return None;
    }
    let text = match frac_part {
        Some(f) => format!("{}{digits}.{f}", if neg { "-" } else { "" }),
        None => format!("{}{digits}", if neg { "-" } else { "" }),
    };
    // Exact or nothing: more digits than a Decimal holds must not be rounded away.
    Decimal::from_str_exact(&text).ok()
}

/// The unit a book's amounts are written in: the national form prints 万元, some
/// provinces print 元. Content values, pages, findings and downloads all use it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
pub enum Unit {
    #[default]
    #[serde(rename = "万元")]
    Wan,
    #[serde(rename = "元")]
    Yuan,
}

impl Unit {
    pub fn label(self) -> &'static str {
        match self {
            Unit::Wan => "万元",
            Unit::Yuan => "元",
        }
    }

    /// 元 per unit: the `factor` of a Frictionless fiscal download.
    pub fn factor(self) -> u32 {
        match self {
            Unit::Wan => 10_000,
            Unit::Yuan => 1,
        }
    }

    /// An amount in this unit, in 万元 (for scales and buckets that read in 万元).
    pub fn to_wan(self, v: Decimal) -> Decimal {
        match self {
            Unit::Wan => v,
            Unit::Yuan => v / Decimal::from(10_000),
        }
    }

    /// An amount in 万元 (as read from a text), in this unit.
    pub fn from_wan(self, v: Decimal) -> Decimal {
        match self {
            Unit::Wan => v,
            Unit::Yuan => v.checked_mul(Decimal::from(10_000)).unwrap_or(Decimal::MAX),
        }
    }

    /// `1,234.50 万元`: an amount of this unit as the site shows it.
    pub fn show(self, v: Decimal) -> String {
        format!("{} {}", format_amount(v), self.label())
    }
}

impl<'de> Deserialize<'de> for Unit {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        match crate::text::key(&s).as_str() {
            "万元" => Ok(Unit::Wan),
            "元" => Ok(Unit::Yuan),
            _ => Err(serde::de::Error::custom(format!(
                "unit \"{s}\" is not one jixiao reads: write unit = \"万元\" (the form's unit) or unit = \"元\", and the amounts in that unit"
            ))),
        }
    }
}

/// Round half away from zero to two places (`{:.2}` on a Decimal truncates).
pub fn round2(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// Display form used on the site: two decimals, half away from zero, thousands separated.
pub fn format_amount(d: Decimal) -> String {
    let r = round2(d);
    let mut s = r.abs().to_string();
    match s.find('.') {
        None => s.push_str(".00"),
        Some(p) => {
            let decimals = s.len() - p - 1;
            for _ in decimals..2 {
                s.push('0');
            }
        }
    }
    let (int_part, frac) = s.split_at(s.find('.').unwrap_or(s.len()));
    let mut grouped = String::with_capacity(s.len() + 6);
    for (i, c) in int_part.chars().enumerate() {
        if i > 0 && (int_part.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!(
        "{}{grouped}{frac}",
        if r.is_sign_negative() && !r.is_zero() {
            "-"
        } else {
            ""
        }
    )
}

/// Exact canonical string of a decimal without trailing zeros (`15.00` → `15`), used
/// in machine-readable downloads where the scale carries no meaning.
pub fn plain(d: Decimal) -> String {
    d.normalize().to_string()
}

// Serialised compactly: `"15.00"` when the raw text is the canonical decimal, otherwise
// `{ value = "315", raw = "315万元" }`, or `{ raw = "35.9816.49" }` when unreadable.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum AmountRepr {
    Plain(String),
    Full {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        value: Option<String>,
        #[serde(default)]
        raw: String,
    },
    /// `total = 20` typed by hand: the number as written.
    Integer(i64),
    /// `total = 35.98`: TOML reads it as a binary float; its shortest form is what was
    /// typed (up to 15 significant digits), so that is the amount.
    Float(f64),
    /// Anything else (`true`, a list): an error that says what an amount looks like.
    #[serde(skip_serializing)]
    Other(serde::de::IgnoredAny),
}

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let repr = if self.raw_is_canonical() {
            // A number, or "" for an empty cell.
            AmountRepr::Plain(self.raw.clone())
        } else {
            AmountRepr::Full {
                value: self.value.map(|v| v.to_string()),
                raw: self.raw.clone(),
            }
        };
        repr.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        match AmountRepr::deserialize(d)? {
            AmountRepr::Plain(s) if s.is_empty() => Ok(Amount::missing()),
            AmountRepr::Plain(s) => {
                let v = Decimal::from_str_exact(s.trim()).map_err(|_| {
                    D::Error::custom(format!(
                        "amount \"{s}\" is not an exact decimal (at most 28 digits); write it like \"12.50\", or as {{ raw = \"{s}\" }} to keep unreadable text"
                    ))
                })?;
                Ok(Amount {
                    value: Some(v),
                    raw: s,
                })
            }
            AmountRepr::Integer(i) => Ok(Amount {
                value: Some(Decimal::from(i)),
                raw: i.to_string(),
            }),
            AmountRepr::Float(f) => {
                let raw = f.to_string();
                let v = Decimal::from_str_exact(&raw).map_err(|_| {
                    D::Error::custom(format!(
                        "amount {raw} is not an exact decimal; write it in quotes like \"12.50\""
                    ))
                })?;
                Ok(Amount {
                    value: Some(v),
                    raw,
                })
            }
            AmountRepr::Other(_) => Err(D::Error::custom(
                "an amount is a number in quotes (\"12.50\"), \"\" for an empty cell, or { raw = \"…\" } for text that is not a number",
            )),
            AmountRepr::Full { value, raw } => {
                let value = match value {
                    None => None,
                    Some(s) => Some(Decimal::from_str_exact(s.trim()).map_err(|_| {
                        D::Error::custom(format!(
                            "amount value \"{s}\" is not an exact decimal (at most 28 digits)"
                        ))
                    })?),
                };
                Ok(Amount { value, raw })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[derive(serde::Deserialize, Debug)]
    struct F {
        total: Amount,
    }

    #[test]
    fn amounts_typed_as_toml_numbers_read_as_written() {
        let f: F = toml::from_str("total = 20").unwrap();
        assert_eq!((f.total.value, f.total.raw.as_str()), (Some(d("20")), "20"));
        let f: F = toml::from_str("total = 35.98").unwrap();
        assert_eq!(
            (f.total.value, f.total.raw.as_str()),
            (Some(d("35.98")), "35.98")
        );
        let e = toml::from_str::<F>("total = true").unwrap_err().to_string();
        assert!(e.contains("an amount is a number in quotes"), "{e}");
        assert!(!e.contains("AmountRepr"), "{e}");
    }

    #[test]
    fn reads_amounts_as_bureaus_write_them() {
        assert_eq!(parse_wan("315万元"), Some(d("315")));
        assert_eq!(parse_wan("1.5万"), Some(d("1.5")));
        assert_eq!(parse_wan("4,414"), Some(d("4414")));
        assert_eq!(parse_wan("5,000.00"), Some(d("5000.00")));
        assert_eq!(parse_wan("72.932004"), Some(d("72.932004")));
        assert_eq!(parse_wan("３００．００"), Some(d("300.00")));
        assert_eq!(parse_wan("401016元"), Some(d("40.1016")));
        assert_eq!(parse_wan(" 8.40 "), Some(d("8.40")));
    }

    #[test]
    fn refuses_garbage_instead_of_guessing() {
        assert_eq!(parse_wan("35.9816.49"), None);
        assert_eq!(parse_wan("4,41"), None);
        assert_eq!(parse_wan("约25万元"), None);
        assert_eq!(parse_wan("1e5"), None);
        assert_eq!(parse_wan(""), None);
        // 30 significant digits do not fit a Decimal: unreadable, never rounded.
        assert_eq!(parse_wan("12345678901234567890.1234567891"), None);
        assert_eq!(Amount::parse("35.9816.49").state(), AmountState::Unreadable);
        assert_eq!(Amount::parse("\u{3000}").state(), AmountState::Missing);
        assert_eq!(Amount::parse("/").state(), AmountState::Missing);
    }

    #[test]
    fn rounds_half_away_from_zero_for_display() {
        assert_eq!(format_amount(d("0.125")), "0.13");
        assert_eq!(format_amount(d("-0.125")), "-0.13");
        assert_eq!(format_amount(d("2.5")), "2.50");
        assert_eq!(format_amount(d("14438.25")), "14,438.25");
        assert_eq!(format_amount(d("1234567.005")), "1,234,567.01");
        assert_eq!(format_amount(d("72.932004")), "72.93");
        assert_eq!(format_amount(d("0")), "0.00");
    }

    #[test]
    fn serialises_compactly_and_round_trips() {
        #[derive(Serialize, Deserialize, PartialEq, Debug)]
        struct W {
            a: Amount,
            b: Amount,
            c: Amount,
        }
        let w = W {
            a: Amount::parse("15.00"),
            b: Amount::parse("315万元"),
            c: Amount::parse("35.9816.49"),
        };
        let t = toml::to_string(&w).unwrap();
        assert!(t.contains("a = \"15.00\""), "{t}");
        assert!(t.contains("raw = \"315万元\""), "{t}");
        let back: W = toml::from_str(&t).unwrap();
        assert_eq!(back, w);
    }
}

//! A page's fonts: how its show-text strings split into character codes, what each code
//! reads as (the `/ToUnicode` map first, as the standard asks, then the font's encoding)
//! and how far it advances (`/Widths`, or `/W` of a CID font).

use std::collections::HashMap;

use lopdf::{Dictionary, Document, Object};

/// How a font's strings split into codes.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Codes {
    /// Simple fonts (Type 1, TrueType, Type 3): one byte per code.
    One,
    /// CID fonts under `Identity-H/V` or an embedded CMap: two bytes, code = CID.
    Two,
    /// `UniGB-UCS2-H` and friends: two bytes of UTF-16.
    Ucs2,
    /// `GBK-EUC-H`, `GBpc-EUC-H`…: a byte below 0x81 alone, else two bytes of GBK.
    Gbk,
}

/// One decoded code: the text it stands for and its advance in thousandths of the font
/// size (text space).
pub(super) struct Code {
    pub text: String,
    pub width: f64,
    /// A single-byte code 32: word spacing (`Tw`) applies to it.
    pub is_space_byte: bool,
}

pub(super) struct Font {
    codes: Codes,
    to_unicode: Option<ToUnicode>,
    /// Simple fonts without a `/ToUnicode` entry for a code: the encoding's reading.
    byte_text: Option<Box<[Option<String>; 256]>>,
    widths: HashMap<u32, f64>,
    default_width: f64,
    /// Type 3 glyph space → text space (1/1000 for every other font).
    scale: f64,
}

/// The largest `/ToUnicode` or font program stream decompressed (real ones are a few KB).
const MAX_CMAP: usize = 4 * 1024 * 1024;

impl Font {
    pub fn load(doc: &Document, font: &Dictionary) -> Font {
        let subtype = font
            .get(b"Subtype")
            .and_then(Object::as_name)
            .unwrap_or(b"");
        let to_unicode = font
            .get_deref(b"ToUnicode", doc)
            .and_then(Object::as_stream)
            .ok()
            .and_then(|s| s.get_plain_content_with_limit(MAX_CMAP).ok())
            .map(|bytes| ToUnicode::parse(&bytes));
        let mut widths = HashMap::new();
        let mut default_width = 1000.0;
        let mut scale = 0.001;
        let codes;
        let mut byte_text = None;
        if subtype == b"Type0" {
            let encoding = match font.get_deref(b"Encoding", doc) {
                Ok(Object::Name(n)) => n.as_slice(),
                _ => b"Identity-H".as_slice(),
            };
            codes = if encoding.starts_with(b"Uni")
                && encoding.windows(4).any(|w| w == b"UCS2" || w == b"TF16")
            {
                Codes::Ucs2
            } else if encoding.starts_with(b"GB") {
                Codes::Gbk
            } else {
                Codes::Two
            };
            let descendant = font
                .get_deref(b"DescendantFonts", doc)
                .and_then(Object::as_array)
                .ok()
                .and_then(|a| a.first())
                .and_then(|o| doc.dereference(o).ok())
                .and_then(|(_, o)| o.as_dict().ok());
            if let Some(d) = descendant {
                if let Some(dw) = d.get_deref(b"DW", doc).ok().and_then(number) {
                    default_width = dw;
                }
                // Widths are keyed by CID, which only an Identity font's codes are.
                if codes == Codes::Two
                    && let Ok(w) = d.get_deref(b"W", doc).and_then(Object::as_array)
                {
                    cid_widths(doc, w, &mut widths);
                }
            }
        } else {
            codes = Codes::One;
            if subtype == b"Type3"
                && let Ok(m) = font
                    .get_deref(b"FontMatrix", doc)
                    .and_then(Object::as_array)
                && let Some(a) = m
                    .first()
                    .and_then(|o| doc.dereference(o).ok())
                    .and_then(|(_, o)| number(o))
                && a.is_finite()
                && a != 0.0
            {
                scale = a.abs();
            }
            let first = font
                .get_deref(b"FirstChar", doc)
                .ok()
                .and_then(number)
                .unwrap_or(0.0);
            if let Ok(w) = font.get_deref(b"Widths", doc).and_then(Object::as_array) {
                for (i, o) in w.iter().enumerate().take(256) {
                    let code = first + i as f64;
                    if let Some(v) = doc.dereference(o).ok().and_then(|(_, o)| number(o))
                        && (0.0..256.0).contains(&code)
                    {
                        widths.insert(code as u32, v);
                    }
                }
            }
            default_width = font
                .get_deref(b"FontDescriptor", doc)
                .and_then(Object::as_dict)
                .ok()
                .and_then(|fd| fd.get_deref(b"MissingWidth", doc).ok())
                .and_then(number)
                .filter(|w| *w > 0.0)
                .unwrap_or(if widths.is_empty() { 500.0 } else { 0.0 });
            // The encoding alone (a copy of the font holding only it keeps lopdf from
            // reading the `/ToUnicode` map, which is read above).
            let mut only_encoding = Dictionary::new();
            only_encoding.set("Type", Object::Name(b"Font".to_vec()));
            only_encoding.set(
                "Encoding",
                font.get(b"Encoding")
                    .cloned()
                    .unwrap_or_else(|_| Object::Name(b"StandardEncoding".to_vec())),
            );
            if let Ok(enc) = only_encoding.get_font_encoding(doc) {
                let table: [Option<String>; 256] = std::array::from_fn(|b| {
                    enc.bytes_to_string(&[b as u8])
                        .ok()
                        .filter(|s| !s.is_empty() && !s.contains('\u{FFFD}'))
                });
                byte_text = Some(Box::new(table));
            }
        }
        Font {
            codes,
            to_unicode,
            byte_text,
            widths,
            default_width,
            scale,
        }
    }

    /// The codes of one show-text string, in order.
    pub fn decode(&self, bytes: &[u8], out: &mut Vec<Code>) {
        let mut i = 0;
        while i < bytes.len() {
            let (code, len) = match self.codes {
                Codes::One => (bytes[i] as u32, 1),
                Codes::Gbk if bytes[i] < 0x81 => (bytes[i] as u32, 1),
                Codes::Two | Codes::Ucs2 | Codes::Gbk => {
                    if i + 1 < bytes.len() {
                        (u32::from(bytes[i]) << 8 | u32::from(bytes[i + 1]), 2)
                    } else {
                        (bytes[i] as u32, 1)
                    }
                }
            };
            let raw = &bytes[i..i + len];
            i += len;
            let text = self
                .to_unicode
                .as_ref()
                .and_then(|m| m.get(code, len as u8))
                .map(str::to_string)
                .or_else(|| match self.codes {
                    Codes::One => self
                        .byte_text
                        .as_ref()
                        .and_then(|t| t[code as usize].clone()),
                    Codes::Ucs2 => char::from_u32(code).map(String::from),
                    Codes::Gbk => {
                        let (s, _, bad) = encoding_rs::GB18030.decode(raw);
                        (!bad).then(|| s.into_owned())
                    }
                    Codes::Two => None,
                })
                .unwrap_or_else(|| '\u{FFFD}'.to_string());
            let width = match self.codes {
                Codes::One | Codes::Two => self
                    .widths
                    .get(&code)
                    .copied()
                    .unwrap_or(self.default_width),
                // No CID map at hand: a full-width glyph for two bytes, half for one.
                Codes::Ucs2 | Codes::Gbk => {
                    if len == 2 && (code >= 0x2E80 || self.codes == Codes::Gbk) {
                        self.default_width
                    } else {
                        self.default_width / 2.0
                    }
                }
            };
            out.push(Code {
                text,
                width: width * self.scale * 1000.0,
                is_space_byte: len == 1 && code == 32,
            });
        }
    }
}

/// `/W`: `c [w1 w2 …]` and `c_first c_last w` entries.
fn cid_widths<'a>(doc: &'a Document, w: &'a [Object], out: &mut HashMap<u32, f64>) {
    // Real fonts list at most 65,536 CIDs; a hostile range must not fill memory.
    const MAX: u64 = 65_536;
    let get = |o: &'a Object| doc.dereference(o).ok().map(|(_, o)| o);
    let mut i = 0;
    while i < w.len() {
        let Some(first) = get(&w[i])
            .and_then(number)
            .filter(|f| (0.0..MAX as f64).contains(f))
        else {
            break;
        };
        match w.get(i + 1).and_then(get) {
            Some(Object::Array(list)) => {
                for (k, o) in list.iter().enumerate().take(MAX as usize) {
                    if let Some(v) = get(o).and_then(number) {
                        out.insert(first as u32 + k as u32, v);
                    }
                }
                i += 2;
            }
            Some(o) => {
                let (Some(last), Some(v)) =
                    (number(o), w.get(i + 2).and_then(get).and_then(number))
                else {
                    break;
                };
                let last = last.clamp(first, first + MAX as f64);
                for c in first as u64..=last as u64 {
                    if out.len() as u64 >= MAX {
                        break;
                    }
                    out.insert(c as u32, v);
                }
                i += 3;
            }
            None => break,
        }
    }
}

pub(super) fn number(o: &Object) -> Option<f64> {
    match o {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(r) => Some(f64::from(*r)),
        _ => None,
    }
    .filter(|v| v.is_finite())
}

/// A `/ToUnicode` CMap: `bfchar` and `bfrange` entries, keyed by code length and code.
#[derive(Default)]
struct ToUnicode {
    map: HashMap<(u8, u32), String>,
}

impl ToUnicode {
    /// Read what can be read; a broken entry is skipped (the code then falls back to the
    /// font's encoding).
    fn parse(bytes: &[u8]) -> ToUnicode {
        // A range longer than a plane is not a real font's.
        const MAX_RANGE: u32 = 0x1_0000;
        // …nor more entries than every CID a font can hold, twice over.
        const MAX_ENTRIES: usize = 0x2_0000;
        let tokens = cmap_tokens(bytes);
        let mut out = ToUnicode::default();
        let mut i = 0;
        while i < tokens.len() {
            match &tokens[i] {
                Tok::Word(w) if w == b"beginbfchar" => {
                    i += 1;
                    while i + 1 < tokens.len() {
                        match (&tokens[i], &tokens[i + 1]) {
                            (Tok::Hex(src), Tok::Hex(dst)) => {
                                if let Some((len, code)) = code_of(src) {
                                    out.map.insert((len, code), utf16(dst));
                                }
                                i += 2;
                            }
                            _ => break,
                        }
                    }
                }
                Tok::Word(w) if w == b"beginbfrange" => {
                    i += 1;
                    while i + 2 < tokens.len() {
                        let (Tok::Hex(lo), Tok::Hex(hi)) = (&tokens[i], &tokens[i + 1]) else {
                            break;
                        };
                        let (Some((len, lo)), Some((_, hi))) = (code_of(lo), code_of(hi)) else {
                            i += 3;
                            continue;
                        };
                        let hi = hi.min(lo.saturating_add(MAX_RANGE));
                        match &tokens[i + 2] {
                            Tok::Hex(dst) => {
                                let mut units: Vec<u16> = dst
                                    .chunks(2)
                                    .map(|c| {
                                        u16::from(c[0]) << 8 | u16::from(*c.get(1).unwrap_or(&0))
                                    })
                                    .collect();
                                for code in lo..=hi {
                                    if out.map.len() >= MAX_ENTRIES {
                                        break;
                                    }
                                    out.map
                                        .insert((len, code), String::from_utf16_lossy(&units));
                                    if let Some(last) = units.last_mut() {
                                        *last = last.wrapping_add(1);
                                    }
                                }
                                i += 3;
                            }
                            Tok::Array(items) => {
                                for (k, dst) in items.iter().enumerate() {
                                    let code = lo.saturating_add(k as u32);
                                    if code > hi {
                                        break;
                                    }
                                    out.map.insert((len, code), utf16(dst));
                                }
                                i += 3;
                            }
                            _ => break,
                        }
                    }
                }
                _ => i += 1,
            }
        }
        out
    }

    fn get(&self, code: u32, len: u8) -> Option<&str> {
        self.map
            .get(&(len, code))
            .map(String::as_str)
            .filter(|s| !s.is_empty())
    }
}

fn code_of(hex: &[u8]) -> Option<(u8, u32)> {
    if hex.is_empty() || hex.len() > 4 {
        return None;
    }
    Some((
        hex.len() as u8,
        hex.iter().fold(0u32, |a, b| a << 8 | u32::from(*b)),
    ))
}

fn utf16(bytes: &[u8]) -> String {
    let units: Vec<u16> = bytes
        .chunks(2)
        .map(|c| u16::from(c[0]) << 8 | u16::from(*c.get(1).unwrap_or(&0)))
        .collect();
    String::from_utf16_lossy(&units)
}

enum Tok {
    Word(Vec<u8>),
    Hex(Vec<u8>),
    Array(Vec<Vec<u8>>),
}

/// The tokens of a CMap that matter here: words, `<hex>` strings, `[<hex> …]` arrays.
fn cmap_tokens(bytes: &[u8]) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut i = 0;
    let mut array: Option<Vec<Vec<u8>>> = None;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'%' => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
            }
            b'<' if bytes.get(i + 1) == Some(&b'<') => i += 2,
            b'<' => {
                let start = i + 1;
                let end = bytes[start..]
                    .iter()
                    .position(|&c| c == b'>')
                    .map_or(bytes.len(), |p| start + p);
                let digits: Vec<u8> = bytes[start..end]
                    .iter()
                    .filter_map(|c| (*c as char).to_digit(16).map(|d| d as u8))
                    .collect();
                let mut hex: Vec<u8> = digits
                    .chunks(2)
                    .map(|c| c[0] << 4 | c.get(1).copied().unwrap_or(0))
                    .collect();
                hex.shrink_to_fit();
                match array.as_mut() {
                    Some(a) => a.push(hex),
                    None => out.push(Tok::Hex(hex)),
                }
                i = end + 1;
            }
            b'[' => {
                array = Some(Vec::new());
                i += 1;
            }
            b']' => {
                if let Some(a) = array.take() {
                    out.push(Tok::Array(a));
                }
                i += 1;
            }
            c if c.is_ascii_alphabetic() => {
                let start = i;
                while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
                    i += 1;
                }
                if array.is_none() {
                    out.push(Tok::Word(bytes[start..i].to_vec()));
                }
            }
            _ => i += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn to_unicode_maps_chars_ranges_and_arrays() {
        let cmap = b"/CIDInit /ProcSet findresource begin\n1 begincodespacerange <00> <FF> endcodespacerange\n\
            2 beginbfchar <01> <9879> <02> <76EE> endbfchar\n\
            2 beginbfrange <10> <12> <0030> <20> <21> [<5E74> <D840DC00>] endbfrange\nendcmap";
        let m = ToUnicode::parse(cmap);
        assert_eq!(m.get(1, 1), Some("项"));
        assert_eq!(m.get(2, 1), Some("目"));
        assert_eq!(m.get(0x11, 1), Some("1"));
        assert_eq!(m.get(0x12, 1), Some("2"));
        assert_eq!(m.get(0x20, 1), Some("年"));
        assert_eq!(m.get(0x21, 1), Some("\u{20000}"));
        assert_eq!(m.get(0x13, 1), None);
        // The same code read as two bytes is another code.
        assert_eq!(m.get(1, 2), None);
    }

    #[test]
    fn broken_cmaps_give_what_they_can_and_never_panic() {
        for bytes in [
            &b"beginbfrange <00> <FFFFFFFF> <> endbfrange"[..],
            b"beginbfchar <01> endbfchar",
            b"beginbfrange <0000> <0001> [ endbfrange",
            b"<<<<>>>>[[[]]]%",
            b"beginbfrange <FFFFFFFF> <00> <0041> endbfrange",
        ] {
            let _ = ToUnicode::parse(bytes);
        }
        let m = ToUnicode::parse(b"beginbfrange <00> <FFFFFFFF> <0041> endbfrange");
        assert_eq!(m.get(2, 1), Some("C"));
    }
}

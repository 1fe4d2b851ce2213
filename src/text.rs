//! Text helpers shared by the importer, the checks and the site.
//!
//! Source documents mix full-width and half-width forms (`（` / `(`, `：` / `:`,
//! `＝100%`), insert stray spaces inside labels (`可持续影响 指标`) and split
//! labels over lines (`服务对象\n满意度指标`). [`key`] folds all of that for
//! *matching only*; what is displayed is always the text as written.

use unicode_normalization::UnicodeNormalization;

/// Matching key: NFKC-folded, with every kind of whitespace removed.
pub fn key(s: &str) -> String {
    nfkc(s).chars().filter(|c| !is_space(*c)).collect()
}

/// NFKC of `s`, without the normaliser for text of characters whose NFKC form is known:
/// those [`is_nfkc_stable`] keeps, the full-width forms of ASCII (U+FF01–FF5E fold to
/// U+0021–007E) and the ideographic space (to U+0020), which table text is full of.
pub fn nfkc(s: &str) -> std::borrow::Cow<'_, str> {
    if is_nfkc_stable(s) {
        return s.into();
    }
    known_nfkc(s).unwrap_or_else(|| s.nfkc().collect()).into()
}

fn known_nfkc(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            c if is_nfkc_stable_char(c) => out.push(c),
            '\u{FF01}'..='\u{FF5E}' => out.push(char::from_u32(c as u32 - 0xFEE0)?),
            '\u{3000}' => out.push(' '),
            _ => return None,
        }
    }
    Some(out)
}

/// True when NFKC leaves `s` unchanged for certain: ASCII, CJK Unified Ideographs and
/// the common Chinese punctuation that has no compatibility form. A cheap scan that
/// spares most table text the normaliser (full-width forms like `（` still go through it).
pub fn is_nfkc_stable(s: &str) -> bool {
    s.chars().all(is_nfkc_stable_char)
}

fn is_nfkc_stable_char(c: char) -> bool {
    matches!(c,
        '\u{20}'..='\u{7E}' | '\n' | '\t' | '\u{4E00}'..='\u{9FFF}'
        | '、' | '。' | '“' | '”' | '‘' | '’' | '《' | '》' | '【' | '】' | '〔' | '〕'
        | '—' | '·' | '≥' | '≤' | '×' | '÷' | '〇')
}

/// Label key: [`key`] without a trailing colon, so `项目名称：` matches `项目名称`.
pub fn label_key(s: &str) -> String {
    let mut k = key(s);
    while k.ends_with(':') {
        k.pop();
    }
    k
}

/// Whitespace as it appears in Word/PDF exports: ASCII, ideographic space (U+3000),
/// no-break space and the zero-width characters that Word leaves behind.
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{3000}' | '\u{00A0}' | '\u{200B}' | '\u{FEFF}')
}

/// Text from content made safe for a terminal or a CI log: control characters (ESC, BEL,
/// CR, LF…) and bidirectional overrides are shown as `\u{1b}`-style escapes, so a name
/// cannot move the cursor, ring, start a new log line (`::error`, `::add-mask::`) or
/// reorder what follows.
pub fn for_terminal(s: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| {
        c.is_control()
            || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    };
    if !s.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Trim export whitespace at both ends (including U+3000), keeping inner text as is.
pub fn clean(s: &str) -> &str {
    s.trim_matches(is_space)
}

/// Remove Word bookmark artefacts such as `[bookmark: _GoBack]` that exports leave
/// inside cells; they are never part of what a bureau wrote.
pub fn strip_artifacts(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(start) = rest.find("[bookmark:") {
        out.push_str(&rest[..start]);
        match rest[start..].find(']') {
            Some(end) => rest = &rest[start + end + 1..],
            None => {
                rest = &rest[start..];
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

/// True for Han characters (CJK unified ideographs and extensions in the BMP).
pub fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// Shorten for messages: at most `max` characters, with an ellipsis when cut.
pub fn excerpt(s: &str, max: usize) -> String {
    let s = s.replace(['\n', '\r', '\t'], " ");
    if s.chars().count() <= max {
        s
    } else {
        let mut out: String = s.chars().take(max).collect();
        out.push('…');
        out
    }
}

/// Replace control characters (other than newline and tab) that would corrupt
/// TOML, HTML or a terminal; they carry no meaning in a budget table.
pub fn strip_controls(s: &str) -> String {
    s.chars()
        .filter(|&c| c == '\n' || c == '\t' || !c.is_control())
        .collect()
}

/// Characters never shown on a page: control characters (other than newline and tab)
/// and bidirectional embeddings, overrides and isolates, which let a name reorder the
/// text around it (`项目\u{202e}gnp.exe` showing as `项目exe.png`). Content keeps them;
/// pages, charts and the search index drop them.
pub fn is_hidden_on_pages(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `s` without the characters of [`is_hidden_on_pages`] (borrowed when there are none).
pub fn for_pages(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().any(is_hidden_on_pages) {
        std::borrow::Cow::Owned(s.chars().filter(|&c| !is_hidden_on_pages(c)).collect())
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// Line `line` of a file, `l`, with a caret under column `col` (in characters), for an
/// error message. A long line is shown as a window around the column; the caret is placed
/// by display width, so it sits under the right character after CJK text (two columns per
/// character in a terminal). A tab shows as a space and any other control or direction
/// character as `�`, one for one, so the terminal is safe and the caret stays in place.
pub fn caret_line(l: &str, line: usize, col: usize) -> String {
    use unicode_width::UnicodeWidthStr;
    const WINDOW: usize = 80;
    let chars: Vec<char> = l
        .chars()
        .map(|c| match c {
            '\t' => ' ',
            c if is_hidden_on_pages(c) || c.is_control() => '\u{FFFD}',
            c => c,
        })
        .collect();
    let at = col.saturating_sub(1).min(chars.len());
    let start = at.saturating_sub(WINDOW / 2);
    let end = (start + WINDOW).min(chars.len());
    let lead = if start > 0 { "…" } else { "" };
    let tail = if end < chars.len() { "…" } else { "" };
    let before: String = chars[start..at].iter().collect();
    let shown: String = chars[start..end].iter().collect();
    format!(
        "{line:>5} | {lead}{shown}{tail}\n      | {}{}^",
        " ".repeat(lead.width()),
        " ".repeat(before.width())
    )
}

/// What to do about a file that could not be written, for an error's help line.
pub fn write_remedy(e: &std::io::Error) -> &'static str {
    use std::io::ErrorKind::*;
    match e.kind() {
        StorageFull | QuotaExceeded | FileTooLarge => {
            "the disk is full (or over quota): free space and run again"
        }
        PermissionDenied | ReadOnlyFilesystem => {
            "the folder is not writable: fix its permissions or write elsewhere"
        }
        _ => "check the disk and the folder, then run again",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fast_path_agrees_with_nfkc() {
        for t in [
            "项目名称：",
            "（草案）",
            "≥95%",
            "共计100万元。",
            "ＡＢＣ",
            "…",
            "〔2021〕101号",
            "㎡",
            "Ⅲ",
        ] {
            let slow: String = t.nfkc().filter(|c| !is_space(*c)).collect();
            assert_eq!(key(t), slow, "{t}");
            if is_nfkc_stable(t) {
                assert_eq!(t.nfkc().collect::<String>(), t, "{t}");
            }
        }
        // Every character the fast path folds itself, alone and between text.
        for c in ('\u{FF01}'..='\u{FF5E}').chain(['\u{3000}']) {
            for t in [
                c.to_string(),
                format!("指标{c}值a{c}"),
                format!("{c}{c}（{c}）"),
            ] {
                assert!(known_nfkc(&t).is_some(), "{t:?} takes the fast path");
                assert_eq!(nfkc(&t), t.nfkc().collect::<String>(), "{t:?}");
                let slow: String = t.nfkc().filter(|c| !is_space(*c)).collect();
                assert_eq!(key(&t), slow, "{t:?}");
            }
        }
    }

    #[test]
    fn key_folds_width_and_spaces() {
        assert_eq!(key("部门（单位）"), key("部门(单位)"));
        assert_eq!(key("可持续影响 指标"), "可持续影响指标");
        assert_eq!(key("服务对象\n满意度指标"), "服务对象满意度指标");
        assert_eq!(label_key("项目名称："), "项目名称");
        assert_eq!(key("＝100%"), "=100%");
    }

    #[test]
    fn clean_trims_ideographic_space() {
        assert_eq!(clean("\u{3000}300.00 "), "300.00");
        assert_eq!(clean("\u{3000}"), "");
    }

    #[test]
    fn strips_word_bookmarks() {
        assert_eq!(strip_artifacts("[bookmark: _GoBack]工作情况"), "工作情况");
        assert_eq!(strip_artifacts("a[bookmark: x"), "a[bookmark: x");
    }

    #[test]
    fn excerpt_counts_characters() {
        assert_eq!(excerpt("一二三四", 2), "一二…");
        assert_eq!(excerpt("一二", 2), "一二");
    }
}

//! Chinese characters a PDF's `/ToUnicode` map gives as radicals or compatibility
//! ideographs: fonts such as Noto Sans CJK draw 目 and the Kangxi radical ⽬ (U+2F6C)
//! with one glyph, and a PDF writer that maps the glyph back to text may pick the
//! radical. The page shows 目, so 目 is what was written.

/// CJK Radicals Supplement → the unified ideograph with the same glyph in Noto Sans CJK
/// (SC first), read from the font's `cmap` (tests/fixtures/pdf/make_fixtures.py
/// explains how). Sorted by radical.
const SUPPLEMENT: &[(char, char)] = &[
    ('\u{2E82}', '乛'),
    ('\u{2E83}', '乚'),
    ('\u{2E85}', '亻'),
    ('\u{2E89}', '刂'),
    ('\u{2E8E}', '兀'),
    ('\u{2E8F}', '尣'),
    ('\u{2E90}', '尢'),
    ('\u{2E92}', '巳'),
    ('\u{2E93}', '幺'),
    ('\u{2E94}', '彑'),
    ('\u{2E95}', '彐'),
    ('\u{2E96}', '忄'),
    ('\u{2E98}', '扌'),
    ('\u{2E99}', '攵'),
    ('\u{2E9B}', '旡'),
    ('\u{2E9E}', '歺'),
    ('\u{2E9F}', '母'),
    ('\u{2EA0}', '民'),
    ('\u{2EA1}', '氵'),
    ('\u{2EA3}', '灬'),
    ('\u{2EA4}', '爫'),
    ('\u{2EA6}', '丬'),
    ('\u{2EA8}', '犭'),
    ('\u{2EAB}', '罒'),
    ('\u{2EAD}', '礻'),
    ('\u{2EAF}', '糹'),
    ('\u{2EB0}', '纟'),
    ('\u{2EB1}', '罓'),
    ('\u{2EB2}', '罒'),
    ('\u{2EB9}', '耂'),
    ('\u{2EBA}', '肀'),
    ('\u{2EBE}', '艹'),
    ('\u{2EBF}', '艹'),
    ('\u{2EC2}', '衤'),
    ('\u{2EC3}', '覀'),
    ('\u{2EC4}', '西'),
    ('\u{2EC5}', '见'),
    ('\u{2EC6}', '角'),
    ('\u{2EC8}', '讠'),
    ('\u{2EC9}', '贝'),
    ('\u{2ECB}', '车'),
    ('\u{2ECC}', '辶'),
    ('\u{2ECD}', '辶'),
    ('\u{2ECE}', '辶'),
    ('\u{2ED0}', '钅'),
    ('\u{2ED1}', '長'),
    ('\u{2ED2}', '镸'),
    ('\u{2ED3}', '长'),
    ('\u{2ED4}', '门'),
    ('\u{2ED6}', '阝'),
    ('\u{2ED8}', '青'),
    ('\u{2ED9}', '韦'),
    ('\u{2EDA}', '页'),
    ('\u{2EDB}', '风'),
    ('\u{2EDC}', '飞'),
    ('\u{2EDD}', '食'),
    ('\u{2EDF}', '飠'),
    ('\u{2EE0}', '饣'),
    ('\u{2EE2}', '马'),
    ('\u{2EE3}', '骨'),
    ('\u{2EE4}', '鬼'),
    ('\u{2EE5}', '鱼'),
    ('\u{2EE6}', '鸟'),
    ('\u{2EE7}', '卤'),
    ('\u{2EE8}', '麦'),
    ('\u{2EE9}', '黄'),
    ('\u{2EEA}', '黾'),
    ('\u{2EEB}', '斉'),
    ('\u{2EEC}', '齐'),
    ('\u{2EED}', '歯'),
    ('\u{2EEE}', '齿'),
    ('\u{2EEF}', '竜'),
    ('\u{2EF0}', '龙'),
    ('\u{2EF1}', '龜'),
    ('\u{2EF2}', '亀'),
    ('\u{2EF3}', '龟'),
];

/// The unified ideograph a radical or compatibility ideograph stands for; any other
/// character as it is.
pub(super) fn unified(c: char) -> char {
    match c as u32 {
        // Kangxi Radicals and CJK Compatibility Ideographs: Unicode decomposes them.
        0x2F00..=0x2FD5 | 0xF900..=0xFAD9 => {
            let mut out = c;
            unicode_normalization::char::decompose_compatible(c, |d| out = d);
            out
        }
        0x2E80..=0x2EFF => SUPPLEMENT
            .binary_search_by_key(&c, |(r, _)| *r)
            .map_or(c, |i| SUPPLEMENT[i].1),
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn radicals_read_as_the_characters_they_draw() {
        assert_eq!(unified('\u{2F6C}'), '目');
        assert_eq!(unified('\u{2ED4}'), '门');
        assert_eq!(unified('\u{F900}'), '豈');
        assert_eq!(unified('目'), '目');
        assert_eq!(unified('A'), 'A');
        assert!(SUPPLEMENT.windows(2).all(|w| w[0].0 < w[1].0));
    }
}

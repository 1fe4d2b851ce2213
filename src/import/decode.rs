//! Bytes → text. Exports arrive as UTF-8 (with or without BOM), UTF-16 with BOM, or
//! GB18030/GBK from older Windows tools; line ends may be CRLF or bare CR.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    Gb18030,
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf8Bom => "utf-8-bom",
            Encoding::Utf16Le => "utf-16le",
            Encoding::Utf16Be => "utf-16be",
            Encoding::Gb18030 => "gb18030",
        })
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DecodeError {
    #[error(
        "the file is empty: nothing to import; check that the export finished and pass the exported text file"
    )]
    Empty,
    #[error(
        "line {line}: binary data (a NUL byte); export the document as plain text (.txt) first"
    )]
    Binary { line: u32 },
    #[error(
        "line {line}: bytes that are neither UTF-8 nor GB18030; re-save the export as UTF-8 text"
    )]
    Undecodable { line: u32 },
}

/// Decoded text split into lines (1-based numbering is the index + 1).
#[derive(Debug)]
pub struct Decoded {
    pub encoding: Encoding,
    pub lines: Vec<String>,
}

pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    let (encoding, text) = if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        (Encoding::Utf8Bom, utf8(rest)?)
    } else if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        (Encoding::Utf16Le, utf16(rest, encoding_rs::UTF_16LE)?)
    } else if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        (Encoding::Utf16Be, utf16(rest, encoding_rs::UTF_16BE)?)
    } else {
        check_binary(bytes)?;
        match std::str::from_utf8(bytes) {
            Ok(s) => (Encoding::Utf8, s.to_string()),
            Err(_) => {
                let (cow, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
                if had_errors {
                    return Err(DecodeError::Undecodable {
                        line: first_bad_line(&cow),
                    });
                }
                (Encoding::Gb18030, cow.into_owned())
            }
        }
    };
    Ok(Decoded {
        encoding,
        lines: split_lines(&text),
    })
}

fn utf8(bytes: &[u8]) -> Result<String, DecodeError> {
    check_binary(bytes)?;
    std::str::from_utf8(bytes)
        .map(str::to_string)
        .map_err(|e| DecodeError::Undecodable {
            line: 1 + bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u32,
        })
}

fn utf16(bytes: &[u8], enc: &'static encoding_rs::Encoding) -> Result<String, DecodeError> {
    let (cow, had_errors) = enc.decode_without_bom_handling(bytes);
    if had_errors {
        return Err(DecodeError::Undecodable {
            line: first_bad_line(&cow),
        });
    }
    if let Some(pos) = cow.find('\0') {
        return Err(DecodeError::Binary {
            line: 1 + cow[..pos].matches('\n').count() as u32,
        });
    }
    Ok(cow.into_owned())
}

fn check_binary(bytes: &[u8]) -> Result<(), DecodeError> {
    match bytes.iter().position(|&b| b == 0) {
        Some(pos) => Err(DecodeError::Binary {
            line: 1 + bytes[..pos].iter().filter(|&&b| b == b'\n').count() as u32,
        }),
        None => Ok(()),
    }
}

fn first_bad_line(text: &str) -> u32 {
    let pos = text.find('\u{FFFD}').unwrap_or(0);
    1 + text[..pos].matches('\n').count() as u32
}

/// Split on LF, CRLF or bare CR, so line numbers match what an editor shows.
pub fn split_lines(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => lines.push(std::mem::take(&mut cur)),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                lines.push(std::mem::take(&mut cur));
            }
            _ => cur.push(c),
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_utf8_with_and_without_bom_and_crlf() {
        let d = decode("项目名称\t甲\r\n部门\t乙\r\n".as_bytes()).unwrap();
        assert_eq!(d.encoding, Encoding::Utf8);
        assert_eq!(d.lines, vec!["项目名称\t甲", "部门\t乙"]);
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice("项目名称\n".as_bytes());
        let d = decode(&bom).unwrap();
        assert_eq!(d.encoding, Encoding::Utf8Bom);
        assert_eq!(d.lines, vec!["项目名称"]);
    }

    #[test]
    fn accepts_gbk_exports() {
        let (bytes, _, _) =
            encoding_rs::GB18030.encode("项目名称\t禁毒工作经费\n年度资金总额\t10\n");
        let d = decode(&bytes).unwrap();
        assert_eq!(d.encoding, Encoding::Gb18030);
        assert_eq!(d.lines[0], "项目名称\t禁毒工作经费");
    }

    #[test]
    fn accepts_utf16_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "项目名称\n".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let d = decode(&bytes).unwrap();
        assert_eq!(d.lines, vec!["项目名称"]);
    }

    #[test]
    fn refuses_binary_and_empty_input_with_a_line() {
        assert_eq!(decode(b"").unwrap_err(), DecodeError::Empty);
        assert_eq!(
            decode(b"ok\nPK\x03\x04\x00\x00").unwrap_err(),
            DecodeError::Binary { line: 2 }
        );
        assert!(matches!(
            decode(&[0x81, 0x20, 0xFF, 0xFF]),
            Err(DecodeError::Undecodable { .. })
        ));
    }

    #[test]
    fn bare_cr_line_ends() {
        assert_eq!(split_lines("a\rb\r\nc"), vec!["a", "b", "c"]);
    }
}

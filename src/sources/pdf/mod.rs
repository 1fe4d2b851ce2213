//! PDF (with a text layer, as office programs print it) → [`Document`].
//!
//! Each page is read on its own, in parallel ([`content`]: glyphs with their Unicode
//! text from the fonts' `/ToUnicode` maps, and ruling lines), laid out into tables and
//! lines of text ([`layout`]), then the pages are read in order and a table that runs
//! on at the top of the next page joins the one that ended the page before
//! ([`join`]). Rows are placed as `第12页 表2 第5行`, lines outside tables as
//! `第12页 第3行`.
//!
//! A page that is only an image (a scan) has no text to read: a PDF made only of such
//! pages is refused with help, a mixed one reads its text pages and reports the others.

mod content;
mod fonts;
mod join;
mod layout;
mod radicals;

use rayon::prelude::*;

use super::{Document, Notice, Place, SourceError};
use layout::Item;

/// The largest stream decompressed while loading (object and cross-reference streams).
const MAX_STREAM: usize = 256 * 1024 * 1024;

const HELP_ORIGINAL: &str = "import the Word, Excel or HTML file the PDF was made from, or print it to PDF again from an office program";

struct Page {
    items: Vec<Item>,
    /// Characters shown, and how many of them have no known Unicode text.
    chars: usize,
    unreadable: usize,
    /// Share of the page covered by images.
    image_share: f64,
    error: Option<String>,
}

pub fn read(bytes: &[u8]) -> Result<Document, SourceError> {
    let options = lopdf::LoadOptions {
        max_decompressed_size: Some(MAX_STREAM),
        ..Default::default()
    };
    let doc = lopdf::Document::load_mem_with_options(bytes, options).map_err(|e| {
        if matches!(
            e,
            lopdf::Error::Decryption(_) | lopdf::Error::InvalidPassword
        ) {
            encrypted()
        } else {
            SourceError::new(
                format!("this PDF cannot be read ({e})"),
                format!("the file may be damaged or cut short; {HELP_ORIGINAL}"),
            )
        }
    })?;
    if doc.is_encrypted() && doc.encryption_state.is_none() {
        return Err(encrypted());
    }
    let page_ids: Vec<(u32, lopdf::ObjectId)> = doc.get_pages().into_iter().collect();
    if page_ids.is_empty() {
        return Err(SourceError::new("this PDF has no pages", HELP_ORIGINAL));
    }
    let pages: Vec<(u32, Page)> = page_ids
        .par_iter()
        .map(|&(n, id)| (n, read_page(&doc, id)))
        .collect();

    let mut notices = Vec::new();
    let mut chars = 0;
    let mut unreadable = 0;
    let mut scanned = 0;
    for (n, page) in &pages {
        chars += page.chars;
        unreadable += page.unreadable;
        let place = Place::PdfLine { page: *n, line: 0 };
        if let Some(e) = &page.error {
            notices.push(Notice {
                place,
                text: String::new(),
                note: format!("第{n}页无法读取（{e}），其内容未导入"),
            });
        } else if page.chars == 0 && page.image_share > 0.25 {
            scanned += 1;
            notices.push(Notice {
                place,
                text: String::new(),
                note: format!(
                    "第{n}页是图片（扫描件），没有文字层，其内容未导入（jixiao 不做文字识别）"
                ),
            });
        } else if page.unreadable * 10 > page.chars * 3 {
            notices.push(Notice {
                place,
                text: String::new(),
                note: format!(
                    "第{n}页有 {} 个字符的字体没有 Unicode 映射（ToUnicode），读作 �",
                    page.unreadable
                ),
            });
        }
    }
    if chars == 0 {
        return Err(if scanned > 0 {
            SourceError::new(
                format!(
                    "this PDF has no text layer: its {} page(s) are images (a scan), and jixiao does not recognise text in images (no OCR)",
                    pages.len()
                ),
                "ask for the Word or Excel file the tables were made from, or a PDF printed from it; a scan has to be typed in or put through OCR software first",
            )
        } else {
            SourceError::new("this PDF shows no text on any page", HELP_ORIGINAL)
        });
    }
    if unreadable * 2 > chars {
        return Err(SourceError::new(
            "this PDF's text cannot be decoded: its fonts carry no map from their codes to Unicode (ToUnicode)",
            HELP_ORIGINAL,
        ));
    }
    let blocks = join::blocks(
        pages.into_iter().map(|(n, p)| (n, p.items)).collect(),
        &mut notices,
    );
    Ok(Document {
        format: "pdf",
        layout: "pdf",
        encoding: "pdf".into(),
        sheets: Vec::new(),
        blocks,
        notices,
        lines: Vec::new(),
    })
}

fn encrypted() -> SourceError {
    SourceError::new(
        "this PDF is password-protected (encrypted), so its text cannot be read",
        "open it with the password and print or save a copy without protection, then import that copy",
    )
}

fn read_page(doc: &lopdf::Document, id: lopdf::ObjectId) -> Page {
    match content::read_page(doc, id) {
        Ok(c) => {
            let chars = c.glyphs.iter().filter(|g| !g.ch.is_whitespace()).count();
            let unreadable = c.glyphs.iter().filter(|g| g.ch == '\u{FFFD}').count();
            let area = (c.width * c.height).max(1.0);
            Page {
                items: layout::lay_out(&c),
                chars,
                unreadable,
                image_share: c.image_area / area,
                error: None,
            }
        }
        Err(e) => Page {
            items: Vec::new(),
            chars: 0,
            unreadable: 0,
            image_share: 0.0,
            error: Some(e),
        },
    }
}

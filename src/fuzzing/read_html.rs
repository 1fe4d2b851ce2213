//! Arbitrary bytes as a web page: the HTML reader must not panic, must answer the same
//! twice, may refuse only bytes that do not look like HTML (or nest past the depth limit),
//! and what it returns must be
//! well formed: spans ≥ 1 and within the table, the cells of a row in strictly
//! increasing, non-overlapping columns, tables and paragraphs numbered 1, 2, … in order,
//! and no `<script` in a cell's text unless the page could have written it as text.
use crate::sources::{Block, Place, html};

pub fn run(data: &[u8]) {
    let doc = match html::read(data) {
        Ok(doc) => doc,
        Err(e) => {
            assert!(
                !html::looks_like_html(data) || e.problem.contains("levels deep"),
                "refused a page that looks like HTML: {}",
                e.problem
            );
            return;
        }
    };
    let again = html::read(data).expect("the second read of the same bytes failed");
    assert_eq!(doc.blocks, again.blocks, "blocks differ between two reads");
    assert_eq!(
        doc.notices, again.notices,
        "notices differ between two reads"
    );
    assert_eq!(doc.encoding, again.encoding);
    assert_eq!(doc.format, "html");

    let script_may_be_text = script_may_be_text(data);
    let mut tables = 0u32;
    let mut paragraphs = 0u32;
    for block in &doc.blocks {
        match block {
            Block::Text { text, place } => {
                paragraphs += 1;
                assert_eq!(*place, Place::Paragraph(paragraphs));
                assert!(!text.trim().is_empty(), "empty text block");
            }
            Block::Table(grid) => {
                tables += 1;
                let height = grid.rows.len();
                assert!(
                    grid.rows
                        .iter()
                        .any(|r| r.cells.iter().any(|c| !c.text.trim().is_empty())),
                    "table {tables} holds no text"
                );
                for (i, row) in grid.rows.iter().enumerate() {
                    let place = Place::TableRow {
                        table: tables,
                        row: i as u32 + 1,
                    };
                    let mut free_from = 0u64;
                    for cell in &row.cells {
                        assert!(cell.rowspan >= 1, "rowspan 0 at {place:?}");
                        assert!(cell.colspan >= 1, "colspan 0 at {place:?}");
                        assert!(
                            cell.rowspan as usize <= height - i,
                            "rowspan {} past the table's end at {place:?}",
                            cell.rowspan
                        );
                        assert!(
                            u64::from(cell.col) >= free_from,
                            "cell at column {} overlaps the cell before it at {place:?}",
                            cell.col
                        );
                        free_from = u64::from(cell.col) + u64::from(cell.colspan);
                        assert_eq!(cell.place, place);
                        if !script_may_be_text {
                            assert!(
                                !cell.text.to_ascii_lowercase().contains("<script"),
                                "script in cell text at {place:?}: {:?}",
                                cell.text
                            );
                        }
                    }
                }
            }
        }
    }
}

/// Whether `<script` can legitimately be a cell's text: written as `&lt;script`, in a
/// raw-text element shown as text (`<xmp>`, `<plaintext>`, `<textarea>`), in CDATA, as a
/// `<` that starts no tag followed by `script` after some markup, or split by a NUL the
/// parser drops.
fn script_may_be_text(data: &[u8]) -> bool {
    let text = html::decode(data).text.to_ascii_lowercase();
    let b = text.as_bytes();
    text.contains('&')
        || text.contains('\0')
        || ["<xmp", "<plaintext", "<textarea", "<![cdata["]
            .iter()
            .any(|t| text.contains(t))
        || b.iter().enumerate().any(|(i, &c)| {
            c == b'<'
                && !b
                    .get(i + 1)
                    .is_some_and(|n| n.is_ascii_alphabetic() || b"!/?".contains(n))
        })
}

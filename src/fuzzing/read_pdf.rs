//! Arbitrary bytes as a PDF: read as they are, as the content stream of a page (so the
//! fuzzer drives the content interpreter and the table layout), and as the `/ToUnicode`
//! map of the page's font. The reader must never panic, and every grid it returns must
//! be well formed: spans of at least 1, cells of a row left to right without
//! overlapping, merges not running past the table, places on pages that exist.
use crate::sources::{Block, Document, Place, pdf};
use lopdf::{Object, Stream, dictionary};

pub fn run(data: &[u8]) {
    check(data);
    check(&page_pdf(data, CMAP));
    check(&page_pdf(CONTENT, data));
}

/// A page drawing a two-by-two table with a line of text in each cell.
const CONTENT: &[u8] = b"0.5 w 50 700 m 300 700 l S 50 680 m 300 680 l S 50 660 m 300 660 l S \
    50 700 m 50 660 l S 150 700 m 150 660 l S 300 700 m 300 660 l S \
    BT /F1 10 Tf 55 685 Td <00010002> Tj 100 0 Td [<0003> -250 <0004>] TJ 0 -20 Td (\\000\\001) Tj ET";
const CMAP: &[u8] = b"begincmap 1 begincodespacerange <0000> <FFFF> endcodespacerange \
    2 beginbfchar <0001> <9879> <0002> <76EE> endbfchar \
    1 beginbfrange <0003> <0004> <540D> endbfrange endcmap";

/// A one-page PDF whose page shows `content` in a CID font mapped to text by `cmap`.
fn page_pdf(content: &[u8], cmap: &[u8]) -> Vec<u8> {
    let mut doc = lopdf::Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let cmap_id = doc.add_object(Stream::new(dictionary! {}, cmap.to_vec()));
    let cid = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "F",
        "DW" => 1000, "W" => vec![Object::Integer(3), vec![Object::Integer(500), Object::Integer(600)].into()],
    });
    let font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "F", "Encoding" => "Identity-H",
        "DescendantFonts" => vec![cid.into()], "ToUnicode" => cmap_id,
    });
    let content_id = doc.add_object(Stream::new(dictionary! {}, content.to_vec()));
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
        "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
        "Resources" => dictionary! { "Font" => dictionary! { "F1" => font } },
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 },
        ),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("in memory");
    out
}

fn check(bytes: &[u8]) {
    match pdf::read(bytes) {
        Ok(doc) => check_document(&doc),
        Err(e) => assert!(!e.problem.is_empty() && !e.help.is_empty(), "{e:?}"),
    }
}

fn check_document(doc: &Document) {
    assert_eq!(doc.format, "pdf");
    for block in &doc.blocks {
        match block {
            Block::Table(grid) => {
                super::assert_grid_well_formed(grid);
                for cell in grid.rows.iter().flat_map(|r| &r.cells) {
                    assert!(
                        matches!(cell.place, Place::PdfRow { page, table, row } if page >= 1 && table >= 1 && row >= 1),
                        "{cell:?}"
                    );
                }
            }
            Block::Text { text, place } => {
                assert!(!text.trim().is_empty(), "empty text block at {place:?}");
                assert!(
                    matches!(place, Place::PdfLine { page, line } if *page >= 1 && *line >= 1),
                    "{place:?}"
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_the_fuzzer_starts_from_reads_as_a_table() {
        let doc = pdf::read(&page_pdf(CONTENT, CMAP)).expect("a readable page");
        let grids: Vec<_> = doc.tables().collect();
        assert_eq!(grids.len(), 1, "{:?}", doc.blocks);
        let texts: Vec<&str> = grids[0]
            .rows
            .iter()
            .flat_map(|r| r.cells.iter().map(|c| c.text.as_str()))
            .collect();
        assert_eq!(texts, ["项目", "名后", "", "项"], "{:?}", grids[0]);
    }
}

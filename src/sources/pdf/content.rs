//! One page's content stream → the glyphs it shows and the straight rules it draws, in
//! points from the top-left corner of the page as a reader sees it (after `/Rotate`).
//!
//! Only what tables and text need is interpreted: the transformation matrices, the text
//! state and text-showing operators, straight path segments and rectangles, form
//! XObjects (followed, a few levels deep) and images (measured, for telling a scan).

use std::collections::HashMap;
use std::rc::Rc;

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};

use super::fonts::{Code, Font, number};

/// A character as shown: its box along the baseline and its size, in page points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Glyph {
    pub ch: char,
    pub x0: f64,
    pub x1: f64,
    /// The baseline, from the top of the page.
    pub y: f64,
    /// The font size as drawn (the height of an em).
    pub size: f64,
}

/// A horizontal or vertical stroke or thin filled rectangle: `x0 <= x1`, `y0 <= y1`, one
/// of the two extents (near) zero.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Rule {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl Rule {
    pub fn is_horizontal(&self) -> bool {
        self.y1 - self.y0 <= self.x1 - self.x0
    }
}

#[derive(Debug, Default)]
pub(super) struct PageContent {
    pub glyphs: Vec<Glyph>,
    pub rules: Vec<Rule>,
    /// Page area covered by images, in square points (a scan covers the page).
    pub image_area: f64,
    pub width: f64,
    pub height: f64,
}

/// A page's decoded content streams, all together, larger than this is refused.
const MAX_CONTENT: usize = 64 * 1024 * 1024;
/// Operations interpreted per page, form XObjects included.
const MAX_OPS: usize = 5_000_000;
/// Form XObjects inside form XObjects.
const MAX_FORM_DEPTH: usize = 8;
/// Saved graphics states (`q`) outstanding.
const MAX_SAVED: usize = 256;
/// A rectangle thinner than this (points) that is filled is drawn as a rule.
const THIN: f64 = 2.5;

type Matrix = [f64; 6];
const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `m` then `n`.
fn mul(m: &Matrix, n: &Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

fn apply(m: &Matrix, x: f64, y: f64) -> (f64, f64) {
    (x * m[0] + y * m[2] + m[4], x * m[1] + y * m[3] + m[5])
}

#[derive(Clone)]
struct State {
    ctm: Matrix,
    font: Option<Rc<Font>>,
    size: f64,
    char_spacing: f64,
    word_spacing: f64,
    h_scale: f64,
    leading: f64,
    rise: f64,
}

/// User space → the page as displayed, top-left origin.
struct View {
    llx: f64,
    lly: f64,
    urx: f64,
    ury: f64,
    rotate: i64,
}

impl View {
    fn map(&self, (x, y): (f64, f64)) -> (f64, f64) {
        match self.rotate {
            90 => (y - self.lly, x - self.llx),
            180 => (self.urx - x, y - self.lly),
            270 => (self.ury - y, self.urx - x),
            _ => (x - self.llx, self.ury - y),
        }
    }
}

/// Read one page. An error is a sentence about what could not be read.
pub(super) fn read_page(doc: &Document, page_id: ObjectId) -> Result<PageContent, String> {
    let page = doc
        .get_dictionary(page_id)
        .map_err(|_| "the page object is missing".to_string())?;
    let bbox = inherited(doc, page, b"CropBox")
        .or_else(|| inherited(doc, page, b"MediaBox"))
        .and_then(|o| o.as_array().ok().cloned())
        .and_then(|a| {
            let v: Vec<f64> = a
                .iter()
                .filter_map(|o| doc.dereference(o).ok().and_then(|(_, o)| number(o)))
                .collect();
            (v.len() == 4).then(|| {
                [
                    v[0].min(v[2]),
                    v[1].min(v[3]),
                    v[0].max(v[2]),
                    v[1].max(v[3]),
                ]
            })
        })
        .unwrap_or([0.0, 0.0, 612.0, 792.0]);
    let rotate = inherited(doc, page, b"Rotate")
        .and_then(|o| o.as_i64().ok())
        .map_or(0, |r| r.rem_euclid(360));
    let view = View {
        llx: bbox[0],
        lly: bbox[1],
        urx: bbox[2],
        ury: bbox[3],
        rotate,
    };
    let (w, h) = (bbox[2] - bbox[0], bbox[3] - bbox[1]);
    let mut out = PageContent {
        width: if rotate == 90 || rotate == 270 { h } else { w },
        height: if rotate == 90 || rotate == 270 { w } else { h },
        ..Default::default()
    };
    let bytes = doc
        .get_page_content_with_limit(page_id, MAX_CONTENT)
        .map_err(|_| "the page's content is larger than jixiao reads".to_string())?;
    let resources = inherited(doc, page, b"Resources").and_then(|o| o.as_dict().ok());
    let mut reader = Reader {
        doc,
        view,
        out: &mut out,
        ops: 0,
        codes: Vec::new(),
    };
    reader.run(&bytes, resources, IDENTITY, 0)?;
    Ok(out)
}

/// The operation's first operand as a name (`/F1`, `/Im0`); empty when it is not one.
fn name_operand(op: &lopdf::content::Operation) -> &[u8] {
    op.operands
        .first()
        .and_then(|o| o.as_name().ok())
        .unwrap_or(b"")
}

/// A page attribute, from the page or the nearest page-tree node above it that has it.
fn inherited<'a>(doc: &'a Document, page: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    let mut node = page;
    for _ in 0..64 {
        if let Ok(v) = node.get_deref(key, doc) {
            return Some(v);
        }
        node = node.get_deref(b"Parent", doc).ok()?.as_dict().ok()?;
    }
    None
}

struct Reader<'a, 'o> {
    doc: &'a Document,
    view: View,
    out: &'o mut PageContent,
    ops: usize,
    codes: Vec<Code>,
}

impl<'a> Reader<'a, '_> {
    fn run(
        &mut self,
        bytes: &[u8],
        resources: Option<&'a Dictionary>,
        ctm: Matrix,
        depth: usize,
    ) -> Result<(), String> {
        let content = Content::decode(bytes)
            .map_err(|_| "the page's drawing instructions cannot be read".to_string())?;
        let mut fonts: HashMap<Vec<u8>, Option<Rc<Font>>> = HashMap::new();
        let mut state = State {
            ctm,
            font: None,
            size: 0.0,
            char_spacing: 0.0,
            word_spacing: 0.0,
            h_scale: 1.0,
            leading: 0.0,
            rise: 0.0,
        };
        let mut saved: Vec<State> = Vec::new();
        let mut tm = IDENTITY;
        let mut tlm = IDENTITY;
        // The path being built, in user space: subpaths of points, and rectangles.
        let mut path: Vec<Vec<(f64, f64)>> = Vec::new();
        let mut rects: Vec<[f64; 4]> = Vec::new();
        for op in &content.operations {
            self.ops += 1;
            if self.ops > MAX_OPS {
                return Err("the page holds more drawing instructions than jixiao reads".into());
            }
            let n = |i: usize| op.operands.get(i).and_then(number).unwrap_or(0.0);
            match op.operator.as_str() {
                "q" if saved.len() < MAX_SAVED => saved.push(state.clone()),
                "Q" => {
                    if let Some(s) = saved.pop() {
                        state = s;
                    }
                }
                "cm" => {
                    let m = [n(0), n(1), n(2), n(3), n(4), n(5)];
                    state.ctm = mul(&m, &state.ctm);
                }
                "m" => path.push(vec![(n(0), n(1))]),
                "l" => match path.last_mut() {
                    Some(sub) => sub.push((n(0), n(1))),
                    None => path.push(vec![(n(0), n(1))]),
                },
                // Curves are not rules: their end point starts whatever follows.
                "c" | "v" | "y" => {
                    let k = op.operands.len();
                    let end = (n(k.saturating_sub(2)), n(k.saturating_sub(1)));
                    path.push(vec![end]);
                }
                "h" => {
                    if let Some(sub) = path.last_mut()
                        && let (Some(&first), Some(&last)) = (sub.first(), sub.last())
                        && first != last
                    {
                        sub.push(first);
                    }
                }
                "re" => rects.push([n(0), n(1), n(2), n(3)]),
                "S" | "s" | "B" | "B*" | "b" | "b*" | "f" | "F" | "f*" => {
                    let stroke =
                        matches!(op.operator.as_str(), "S" | "s" | "B" | "B*" | "b" | "b*");
                    self.paint(&state.ctm, &path, &rects, stroke);
                    path.clear();
                    rects.clear();
                }
                "n" => {
                    path.clear();
                    rects.clear();
                }
                "BT" => {
                    tm = IDENTITY;
                    tlm = IDENTITY;
                }
                "Tf" => {
                    let name = name_operand(op);
                    state.font = fonts
                        .entry(name.to_vec())
                        .or_insert_with(|| self.font(resources, name).map(Rc::new))
                        .clone();
                    state.size = n(1);
                }
                "Tc" => state.char_spacing = n(0),
                "Tw" => state.word_spacing = n(0),
                "Tz" => state.h_scale = n(0) / 100.0,
                "TL" => state.leading = n(0),
                "Ts" => state.rise = n(0),
                "Td" => {
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, n(0), n(1)], &tlm);
                    tm = tlm;
                }
                "TD" => {
                    state.leading = -n(1);
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, n(0), n(1)], &tlm);
                    tm = tlm;
                }
                "Tm" => {
                    tlm = [n(0), n(1), n(2), n(3), n(4), n(5)];
                    tm = tlm;
                }
                "T*" => {
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -state.leading], &tlm);
                    tm = tlm;
                }
                "Tj" | "'" | "\"" => {
                    if op.operator == "'" || op.operator == "\"" {
                        if op.operator == "\"" {
                            state.word_spacing = n(0);
                            state.char_spacing = n(1);
                        }
                        tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -state.leading], &tlm);
                        tm = tlm;
                    }
                    if let Some(Object::String(s, _)) = op.operands.last() {
                        self.show(&state, &mut tm, s);
                    }
                }
                "TJ" => {
                    if let Some(Object::Array(items)) = op.operands.first() {
                        for item in items {
                            match item {
                                Object::String(s, _) => self.show(&state, &mut tm, s),
                                o => {
                                    let adjust = number(o).unwrap_or(0.0);
                                    let tx = -adjust / 1000.0 * state.size * state.h_scale;
                                    tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], &tm);
                                }
                            }
                        }
                    }
                }
                "Do" => {
                    let name = name_operand(op);
                    self.xobject(resources, name, &state.ctm, depth)?;
                }
                "BI" => self.image(&state.ctm),
                _ => {}
            }
        }
        Ok(())
    }

    fn font(&self, resources: Option<&Dictionary>, name: &[u8]) -> Option<Font> {
        let fonts = resources?
            .get_deref(b"Font", self.doc)
            .ok()?
            .as_dict()
            .ok()?;
        let font = fonts.get_deref(name, self.doc).ok()?.as_dict().ok()?;
        Some(Font::load(self.doc, font))
    }

    fn show(&mut self, state: &State, tm: &mut Matrix, bytes: &[u8]) {
        let Some(font) = state.font.as_ref() else {
            return;
        };
        self.codes.clear();
        font.decode(bytes, &mut self.codes);
        let size = state.size;
        let scale = [size * state.h_scale, 0.0, 0.0, size, 0.0, state.rise];
        for code in &self.codes {
            let trm = mul(&mul(&scale, tm), &state.ctm);
            let advance = code.width / 1000.0 * size
                + state.char_spacing
                + if code.is_space_byte {
                    state.word_spacing
                } else {
                    0.0
                };
            let tx = advance * state.h_scale;
            let glyph_width = code.width / 1000.0;
            let start = self.view.map(apply(&trm, 0.0, 0.0));
            let end = self.view.map(apply(&trm, glyph_width, 0.0));
            let top = self.view.map(apply(&trm, 0.0, 1.0));
            let em = ((top.0 - start.0).powi(2) + (top.1 - start.1).powi(2)).sqrt();
            // A code may stand for several characters (a ligature): they share its width.
            let k = code.text.chars().count().max(1) as f64;
            for (i, ch) in code.text.chars().enumerate() {
                let f0 = i as f64 / k;
                let f1 = (i + 1) as f64 / k;
                let x0 = start.0 + (end.0 - start.0) * f0;
                let x1 = start.0 + (end.0 - start.0) * f1;
                let g = Glyph {
                    ch: super::radicals::unified(ch),
                    x0: x0.min(x1),
                    x1: x0.max(x1),
                    y: start.1,
                    size: em,
                };
                if g.x0.is_finite() && g.x1.is_finite() && g.y.is_finite() && g.size.is_finite() {
                    self.out.glyphs.push(g);
                }
            }
            *tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], tm);
        }
    }

    fn paint(&mut self, ctm: &Matrix, path: &[Vec<(f64, f64)>], rects: &[[f64; 4]], stroke: bool) {
        let map = |x: f64, y: f64| self.view.map(apply(ctm, x, y));
        let mut rules = Vec::new();
        for sub in path {
            if !stroke {
                continue;
            }
            for w in sub.windows(2) {
                rules.push((map(w[0].0, w[0].1), map(w[1].0, w[1].1)));
            }
        }
        for &[x, y, w, h] in rects {
            let a = map(x, y);
            let b = map(x + w, y + h);
            let (x0, x1) = (a.0.min(b.0), a.0.max(b.0));
            let (y0, y1) = (a.1.min(b.1), a.1.max(b.1));
            if stroke {
                rules.push(((x0, y0), (x1, y0)));
                rules.push(((x0, y1), (x1, y1)));
                rules.push(((x0, y0), (x0, y1)));
                rules.push(((x1, y0), (x1, y1)));
            } else if y1 - y0 <= THIN && x1 - x0 > THIN {
                let mid = (y0 + y1) / 2.0;
                rules.push(((x0, mid), (x1, mid)));
            } else if x1 - x0 <= THIN && y1 - y0 > THIN {
                let mid = (x0 + x1) / 2.0;
                rules.push(((mid, y0), (mid, y1)));
            }
        }
        for ((ax, ay), (bx, by)) in rules {
            let r = Rule {
                x0: ax.min(bx),
                y0: ay.min(by),
                x1: ax.max(bx),
                y1: ay.max(by),
            };
            let axis = r.x1 - r.x0 < 0.5 || r.y1 - r.y0 < 0.5;
            if axis && [r.x0, r.y0, r.x1, r.y1].iter().all(|v| v.is_finite()) {
                self.out.rules.push(r);
            }
        }
    }

    fn xobject(
        &mut self,
        resources: Option<&'a Dictionary>,
        name: &[u8],
        ctm: &Matrix,
        depth: usize,
    ) -> Result<(), String> {
        let Some(stream) = resources
            .and_then(|r| r.get_deref(b"XObject", self.doc).ok())
            .and_then(|o| o.as_dict().ok())
            .and_then(|d| d.get_deref(name, self.doc).ok())
            .and_then(|o| o.as_stream().ok())
        else {
            return Ok(());
        };
        match stream.dict.get(b"Subtype").and_then(Object::as_name) {
            Ok(b"Image") => self.image(ctm),
            Ok(b"Form") if depth < MAX_FORM_DEPTH => {
                let m = stream
                    .dict
                    .get_deref(b"Matrix", self.doc)
                    .and_then(Object::as_array)
                    .ok()
                    .map(|a| a.iter().filter_map(number).collect::<Vec<_>>())
                    .filter(|v| v.len() == 6)
                    .map_or(IDENTITY, |v| [v[0], v[1], v[2], v[3], v[4], v[5]]);
                let own = stream
                    .dict
                    .get_deref(b"Resources", self.doc)
                    .and_then(Object::as_dict)
                    .ok();
                let bytes = stream
                    .decompressed_content_with_limit(MAX_CONTENT)
                    .unwrap_or_else(|_| stream.content.clone());
                // A form that cannot be read loses only itself.
                let _ = self.run(&bytes, own.or(resources), mul(&m, ctm), depth + 1);
            }
            _ => {}
        }
        Ok(())
    }

    /// An image fills the unit square of user space.
    fn image(&mut self, ctm: &Matrix) {
        let area = (ctm[0] * ctm[3] - ctm[1] * ctm[2]).abs();
        if area.is_finite() {
            self.out.image_area += area;
        }
    }
}

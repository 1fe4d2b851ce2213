//! One page's glyphs and rules → its tables (cells rebuilt from the ruling lines, merged
//! cells from the rules that are missing) and the lines of text outside them.
//!
//! Text inside a cell is read line by line; a line break is kept only where the next
//! line's first word would have fitted on the line before (a paragraph break), and
//! dropped where it would not (the text wrapped).

use super::content::{Glyph, PageContent, Rule};

/// Lines closer than this (points) are one line; cells thinner are no cells.
pub(super) const SNAP: f64 = 3.0;

/// A table as drawn on one page.
#[derive(Debug, Clone)]
pub(super) struct Part {
    /// 1-based number of the table on its page.
    pub number: u32,
    pub top: f64,
    pub left: f64,
    pub right: f64,
    /// Rows from the horizontal rules (`rows + 1` edges).
    pub rows: usize,
    pub cells: Vec<Cell>,
}

/// A cell of a [`Part`]: its rows, its edges, and its text.
#[derive(Debug, Clone)]
pub(super) struct Cell {
    pub row: usize,
    pub rowspan: usize,
    pub x0: f64,
    pub x1: f64,
    pub text: Text,
}

/// Text read from a box (a cell, or a line outside tables) with what joining it to the
/// text of the next page needs.
#[derive(Debug, Clone, Default)]
pub(super) struct Text {
    pub text: String,
    /// Width of the first word (or character, with the punctuation that may not begin
    /// a line), of the first line.
    pub first_unit: f64,
    /// How the last line ends, and the width lines have in this box.
    pub end: LineEnd,
    pub room: f64,
}

impl Text {
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }
}

/// What a page holds, top to bottom.
#[derive(Debug, Clone)]
pub(super) enum Item {
    Table(Part),
    Line { text: String, top: f64 },
}

pub(super) fn lay_out(page: &PageContent) -> Vec<Item> {
    let (hs, vs) = segments(&page.rules);
    let tables = tables(&hs, &vs);
    let mut owner: Vec<Option<(usize, usize)>> = vec![None; page.glyphs.len()];
    let mut grids: Vec<Grid> = tables.iter().map(|t| Grid::new(t, &hs, &vs)).collect();
    for (i, g) in page.glyphs.iter().enumerate() {
        let (cx, cy) = ((g.x0 + g.x1) / 2.0, g.y - g.size * 0.3);
        for (t, grid) in grids.iter().enumerate() {
            if let Some(region) = grid.region_at(cx, cy) {
                owner[i] = Some((t, region));
                break;
            }
        }
    }
    for (i, o) in owner.iter().enumerate() {
        if let Some((t, r)) = o {
            grids[*t].glyphs[*r].push(page.glyphs[i]);
        }
    }
    let mut items: Vec<Item> = Vec::new();
    for grid in grids.into_iter().filter(|g| !g.is_empty_frame()) {
        items.push(Item::Table(grid.into_part()));
    }
    let outside: Vec<Glyph> = page
        .glyphs
        .iter()
        .zip(&owner)
        .filter(|(_, o)| o.is_none())
        .map(|(g, _)| *g)
        .collect();
    for line in lines(outside) {
        let text = line_text(&line);
        if !text.trim().is_empty() {
            let top = line
                .iter()
                .map(|g| g.y - g.size)
                .fold(f64::INFINITY, f64::min);
            items.push(Item::Line { text, top });
        }
    }
    items.sort_by(|a, b| top(a).total_cmp(&top(b)));
    let mut n = 0;
    for item in &mut items {
        if let Item::Table(p) = item {
            n += 1;
            p.number = n;
        }
    }
    items
}

fn top(item: &Item) -> f64 {
    match item {
        Item::Table(p) => p.top,
        Item::Line { top, .. } => *top,
    }
}

/// A horizontal (`at` = y, from..to along x) or vertical (`at` = x) rule.
#[derive(Debug, Clone, Copy)]
struct Seg {
    at: f64,
    from: f64,
    to: f64,
}

/// The rules as horizontal and vertical segments, collinear touching pieces joined.
fn segments(rules: &[Rule]) -> (Vec<Seg>, Vec<Seg>) {
    let mut hs = Vec::new();
    let mut vs = Vec::new();
    for r in rules {
        if r.is_horizontal() {
            hs.push(Seg {
                at: (r.y0 + r.y1) / 2.0,
                from: r.x0,
                to: r.x1,
            });
        } else {
            vs.push(Seg {
                at: (r.x0 + r.x1) / 2.0,
                from: r.y0,
                to: r.y1,
            });
        }
    }
    (join(hs), join(vs))
}

fn join(mut segs: Vec<Seg>) -> Vec<Seg> {
    segs.sort_by(|a, b| a.at.total_cmp(&b.at).then(a.from.total_cmp(&b.from)));
    let mut out: Vec<Seg> = Vec::new();
    // Segments of one line (within a point) are joined where they touch.
    let mut i = 0;
    while i < segs.len() {
        let mut j = i;
        while j + 1 < segs.len() && segs[j + 1].at - segs[i].at <= 1.0 {
            j += 1;
        }
        let mut group: Vec<Seg> = segs[i..=j].to_vec();
        group.sort_by(|a, b| a.from.total_cmp(&b.from));
        let at = group.iter().map(|s| s.at).sum::<f64>() / group.len() as f64;
        let mut cur: Option<Seg> = None;
        for s in group {
            match cur.as_mut() {
                Some(c) if s.from <= c.to + 1.5 => c.to = c.to.max(s.to),
                _ => {
                    if let Some(c) = cur.take() {
                        out.push(c);
                    }
                    cur = Some(Seg { at, ..s });
                }
            }
        }
        out.extend(cur);
        i = j + 1;
    }
    out.retain(|s| s.to - s.from >= SNAP);
    out
}

/// Rules that meet, grouped; each group with at least two rules each way is a table.
fn tables(hs: &[Seg], vs: &[Seg]) -> Vec<(Vec<usize>, Vec<usize>)> {
    let n = hs.len() + vs.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(p: &mut [usize], mut i: usize) -> usize {
        while p[i] != i {
            p[i] = p[p[i]];
            i = p[i];
        }
        i
    }
    for (i, h) in hs.iter().enumerate() {
        for (j, v) in vs.iter().enumerate() {
            let meet = v.at >= h.from - SNAP
                && v.at <= h.to + SNAP
                && h.at >= v.from - SNAP
                && h.at <= v.to + SNAP;
            if meet {
                let (a, b) = (find(&mut parent, i), find(&mut parent, hs.len() + j));
                parent[a] = b;
            }
        }
    }
    let mut groups: std::collections::BTreeMap<usize, (Vec<usize>, Vec<usize>)> =
        Default::default();
    for i in 0..n {
        let root = find(&mut parent, i);
        let g = groups.entry(root).or_default();
        if i < hs.len() {
            g.0.push(i);
        } else {
            g.1.push(i - hs.len());
        }
    }
    groups
        .into_values()
        .filter(|(h, v)| h.len() >= 2 && v.len() >= 2)
        .collect()
}

/// Values within [`SNAP`] of each other as one (their mean), sorted.
fn snap(mut values: Vec<f64>) -> Vec<f64> {
    values.sort_by(f64::total_cmp);
    let mut out: Vec<(f64, usize)> = Vec::new();
    for v in values {
        match out.last_mut() {
            Some((sum, k)) if v - *sum / *k as f64 <= SNAP => {
                *sum += v;
                *k += 1;
            }
            _ => out.push((v, 1)),
        }
    }
    out.into_iter().map(|(s, k)| s / k as f64).collect()
}

/// A table's elementary grid (every rule's position) and its cells as regions of it.
struct Grid {
    xs: Vec<f64>,
    ys: Vec<f64>,
    /// Region of each elementary cell, row-major.
    region_of: Vec<usize>,
    /// (row0, col0, row1, col1) inclusive, per region.
    regions: Vec<(usize, usize, usize, usize)>,
    glyphs: Vec<Vec<Glyph>>,
}

impl Grid {
    fn new((hi, vi): &(Vec<usize>, Vec<usize>), hs: &[Seg], vs: &[Seg]) -> Grid {
        let hs: Vec<Seg> = hi.iter().map(|&i| hs[i]).collect();
        let vs: Vec<Seg> = vi.iter().map(|&i| vs[i]).collect();
        let ys = snap(hs.iter().map(|s| s.at).collect());
        let xs = snap(vs.iter().map(|s| s.at).collect());
        let (nr, nc) = (ys.len() - 1, xs.len() - 1);
        let covered = |segs: &[Seg], at: f64, mid: f64| {
            segs.iter()
                .any(|s| (s.at - at).abs() <= SNAP && s.from - SNAP <= mid && mid <= s.to + SNAP)
        };
        let mut parent: Vec<usize> = (0..nr * nc).collect();
        fn find(p: &mut [usize], mut i: usize) -> usize {
            while p[i] != i {
                p[i] = p[p[i]];
                i = p[i];
            }
            i
        }
        for r in 0..nr {
            let ymid = (ys[r] + ys[r + 1]) / 2.0;
            for c in 0..nc {
                let xmid = (xs[c] + xs[c + 1]) / 2.0;
                if c + 1 < nc && !covered(&vs, xs[c + 1], ymid) {
                    let (a, b) = (
                        find(&mut parent, r * nc + c),
                        find(&mut parent, r * nc + c + 1),
                    );
                    parent[a] = b;
                }
                if r + 1 < nr && !covered(&hs, ys[r + 1], xmid) {
                    let (a, b) = (
                        find(&mut parent, r * nc + c),
                        find(&mut parent, (r + 1) * nc + c),
                    );
                    parent[a] = b;
                }
            }
        }
        // Regions in reading order of their top-left cell; a region that is not a
        // rectangle (a rule broken off) falls back to its elementary cells.
        let mut index = std::collections::HashMap::new();
        let mut bounds: Vec<(usize, usize, usize, usize, usize)> = Vec::new();
        let mut region_of = vec![0; nr * nc];
        for (i, region) in region_of.iter_mut().enumerate() {
            let root = find(&mut parent, i);
            let (r, c) = (i / nc, i % nc);
            let k = *index.entry(root).or_insert_with(|| {
                bounds.push((r, c, r, c, 0));
                bounds.len() - 1
            });
            let b = &mut bounds[k];
            b.0 = b.0.min(r);
            b.1 = b.1.min(c);
            b.2 = b.2.max(r);
            b.3 = b.3.max(c);
            b.4 += 1;
            *region = k;
        }
        let mut regions = Vec::new();
        let mut renumber = vec![usize::MAX; bounds.len()];
        for (i, region) in region_of.iter_mut().enumerate() {
            let k = *region;
            let (r0, c0, r1, c1, count) = bounds[k];
            if count == (r1 - r0 + 1) * (c1 - c0 + 1) {
                if renumber[k] == usize::MAX {
                    renumber[k] = regions.len();
                    regions.push((r0, c0, r1, c1));
                }
                *region = renumber[k];
            } else {
                let (r, c) = (i / nc, i % nc);
                *region = regions.len();
                regions.push((r, c, r, c));
            }
        }
        let glyphs = vec![Vec::new(); regions.len()];
        Grid {
            xs,
            ys,
            region_of,
            regions,
            glyphs,
        }
    }

    fn region_at(&self, x: f64, y: f64) -> Option<usize> {
        let (first_x, last_x) = (*self.xs.first()?, *self.xs.last()?);
        let (first_y, last_y) = (*self.ys.first()?, *self.ys.last()?);
        if x < first_x || x > last_x || y < first_y || y > last_y {
            return None;
        }
        let c = self
            .xs
            .partition_point(|v| *v <= x)
            .clamp(1, self.xs.len() - 1)
            - 1;
        let r = self
            .ys
            .partition_point(|v| *v <= y)
            .clamp(1, self.ys.len() - 1)
            - 1;
        self.region_of.get(r * (self.xs.len() - 1) + c).copied()
    }

    /// A frame around nothing (a box drawn around a page or a signature line) is no table.
    fn is_empty_frame(&self) -> bool {
        self.regions.len() < 2 && self.glyphs.iter().all(Vec::is_empty)
    }

    fn into_part(self) -> Part {
        // Cell padding: how far text keeps from a cell's left edge, the same on the right.
        let pad = self
            .regions
            .iter()
            .zip(&self.glyphs)
            .filter_map(|(&(_, c0, _, _), gs)| {
                let x = gs.iter().map(|g| g.x0).fold(f64::INFINITY, f64::min);
                x.is_finite().then(|| x - self.xs[c0])
            })
            .fold(f64::INFINITY, f64::min);
        let pad = if pad.is_finite() {
            pad.clamp(0.0, 12.0)
        } else {
            0.0
        };
        let cells = self
            .regions
            .iter()
            .zip(self.glyphs)
            .map(|(&(r0, c0, r1, c1), gs)| {
                let (x0, x1) = (self.xs[c0], self.xs[c1 + 1]);
                Cell {
                    row: r0,
                    rowspan: r1 - r0 + 1,
                    x0,
                    x1,
                    text: boxed_text(gs, (x1 - x0 - 2.0 * pad).max(0.0)),
                }
            })
            .collect();
        Part {
            number: 0,
            top: self.ys[0],
            left: self.xs[0],
            right: *self.xs.last().unwrap_or(&self.xs[0]),
            rows: self.ys.len() - 1,
            cells,
        }
    }
}

/// Glyphs → lines, top to bottom, each left to right.
fn lines(mut glyphs: Vec<Glyph>) -> Vec<Vec<Glyph>> {
    glyphs.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x0.total_cmp(&b.x0)));
    let mut out: Vec<Vec<Glyph>> = Vec::new();
    for g in glyphs {
        match out.last_mut() {
            Some(line) if (g.y - line[0].y).abs() <= 0.4 * line[0].size.max(g.size) => line.push(g),
            _ => out.push(vec![g]),
        }
    }
    for line in &mut out {
        line.sort_by(|a, b| a.x0.total_cmp(&b.x0));
    }
    out
}

pub(super) fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

/// A line's characters with the spaces its gaps stand for. Between two Latin
/// characters a gap of a fifth of an em is a space; beside a Chinese character the
/// office program's own spacing between scripts is not, so it takes more.
fn line_text(line: &[Glyph]) -> String {
    let mut s = String::new();
    let mut prev: Option<&Glyph> = None;
    for g in line {
        if let Some(p) = prev {
            let gap = g.x0 - p.x1;
            let em = p.size.max(g.size).max(0.1);
            let threshold = if is_wide(p.ch) || is_wide(g.ch) {
                0.6
            } else {
                0.2
            };
            if gap > threshold * em && !p.ch.is_whitespace() && !g.ch.is_whitespace() {
                s.push(' ');
            }
        }
        if !g.ch.is_control() {
            s.push(g.ch);
        }
        prev = Some(g);
    }
    s
}

/// Punctuation that may not begin a line: a line breaker moves it down together with
/// the character before it.
fn no_start(c: char) -> bool {
    "，。、；：？！）》」』】〕〉”’…—·%％,.;:?!)]}".contains(c)
}

/// Punctuation that may not end a line.
fn no_end(c: char) -> bool {
    "（《「『【〔〈“‘([{".contains(c)
}

/// Quotation marks, which a line may not break before or after.
fn is_quote(c: char) -> bool {
    "“”‘’\"'".contains(c)
}

/// The width of what a line breaker would have had to fit first: opening marks, one
/// Chinese character or a Latin run, the punctuation that may not begin a line, and
/// what that punctuation, a `/` or a quotation mark binds to (`区、4`, `元/年`, `众“双`).
fn first_unit(line: &[Glyph]) -> f64 {
    let end = first_unit_len(line).clamp(1, line.len().max(1));
    line.get(end - 1).map_or(0.0, |g| g.x1 - line[0].x0)
}

/// How many glyphs [`first_unit`] spans.
fn first_unit_len(line: &[Glyph]) -> usize {
    let ch = |i: usize| line[i].ch;
    let latin = |c: char| !is_wide(c) && !c.is_whitespace();
    let mut i = 0;
    while i < line.len() && no_end(ch(i)) {
        i += 1;
    }
    let mut in_latin = false;
    let mut started = false;
    while i < line.len() {
        let c = ch(i);
        let prev = if i > 0 { ch(i - 1) } else { ' ' };
        // `/` and closing quotes bind both neighbours; a closing mark binds the number
        // after it (`区、4`, `施，100%`).
        let glued = prev == '/'
            || is_quote(prev)
            || is_quote(c)
            || no_end(prev)
            || no_start(prev) && latin(c) && started;
        let take = !started || no_start(c) || c == '/' || glued || in_latin && latin(c);
        if !take {
            break;
        }
        in_latin = latin(c);
        started = true;
        i += 1;
    }
    i
}

/// The text of a box `room` points wide: lines that wrapped joined, paragraph breaks as `\n`.
fn boxed_text(glyphs: Vec<Glyph>, room: f64) -> Text {
    let lines: Vec<Vec<Glyph>> = lines(glyphs);
    let mut text = String::new();
    for (k, line) in lines.iter().enumerate() {
        let t = line_text(line);
        if k > 0 {
            let paragraph = text.rsplit('\n').next().unwrap_or("");
            let end = LineEnd::of(&lines[k - 1]);
            // A line that is a single unit which the next line continues (`1` then
            // `、5、6…`) was cut because the unit fits no line: the text wrapped.
            let cut = first_unit_len(line) == line.len()
                && lines
                    .get(k + 1)
                    .and_then(|l| l.first())
                    .is_some_and(|g| no_start(g.ch) || is_quote(g.ch));
            let unit = if cut { f64::INFINITY } else { first_unit(line) };
            text.push_str(joiner(paragraph, end, room, &t, unit));
        }
        text.push_str(&t);
    }
    Text {
        text,
        first_unit: lines.first().map_or(0.0, |l| first_unit(l)),
        end: lines
            .last()
            .map_or_else(LineEnd::default, |l| LineEnd::of(l)),
        room,
    }
}

/// How a line ends: its width, the width of the Latin run it ends with (0 if none), its
/// font size and baseline.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct LineEnd {
    pub width: f64,
    pub run: f64,
    pub size: f64,
    /// The line's baseline.
    pub y: f64,
}

impl LineEnd {
    fn of(line: &[Glyph]) -> LineEnd {
        let (Some(first), Some(last)) = (line.first(), line.last()) else {
            return LineEnd::default();
        };
        let latin = |c: char| c.is_ascii() && !c.is_ascii_whitespace();
        let start = line.iter().rposition(|g| !latin(g.ch)).map_or(0, |i| i + 1);
        LineEnd {
            width: last.x1 - first.x0,
            run: line.get(start).map_or(0.0, |g| last.x1 - g.x0),
            size: first.size,
            y: first.y,
        }
    }
}

/// What goes between a line (ending a `paragraph` so far, as `end` says, in a box `room`
/// wide) and the next (`after`, whose first unit is `unit` wide): nothing or a space
/// where the text wrapped, `\n` where the next line's start would have fitted (a new
/// paragraph).
///
/// Where Latin text wrapped, it wrapped at a space, unless the word was too long for
/// any line. A full line that ends a sentence of an item that names itself
/// (`目标1：…；`) before the next (`目标2：`) looks the same as one that wrapped: it is
/// read as a paragraph break, as such lists are written one item to a paragraph.
pub(super) fn joiner(
    paragraph: &str,
    end: LineEnd,
    room: f64,
    after: &str,
    unit: f64,
) -> &'static str {
    let last = paragraph.chars().last().unwrap_or(' ');
    let first = after.chars().next().unwrap_or(' ');
    let latin = |c: char| c.is_ascii_alphanumeric() || c.is_ascii_punctuation();
    let word = |c: char| c.is_ascii_alphanumeric() || "=+*<>#&@_^~|".contains(c);
    let size = end.size;
    // A space between Latin words; the office program's own spacing between a Latin and
    // a Chinese character.
    let space = if latin(last) && latin(first) {
        0.25 * size
    } else if latin(last) && is_wide(first) || is_wide(last) && latin(first) {
        0.2 * size
    } else {
        0.0
    };
    let wrapped = end.width + space + unit > room - 0.5;
    let items = (item_number(paragraph), item_number(after));
    let next_item = match items {
        (Some((k1, n1)), Some((k2, n2))) => k1 == k2 && n1 + 1 == n2,
        _ => false,
    };
    let before_space = paragraph.trim_end().chars().last().unwrap_or(' ');
    if last.is_whitespace() && !"。；！？".contains(before_space) || last == '\\' {
        // The office program kept the space it wrapped at; a line does not end a
        // paragraph on a backslash (`$200\` `text{件}`).
        ""
    } else if !wrapped
        || next_item
            && ["目标", "指标", "任务"].contains(&items.0.map_or("", |i| i.0))
            && "；;。！!？?".contains(last)
    {
        "\n"
    } else if word(last) && word(first) && end.run + unit <= room - 0.5 {
        // Between two letters, digits or signs like `=` a line breaks only at a space (or
        // inside a word too long for any line); after `-`, `/` or `}` it may break
        // without one.
        " "
    } else if "$¥￥".contains(last) && !after.starts_with(char::is_whitespace) {
        // A currency sign holds on to what follows: the line broke at a space.
        " "
    } else if items
        .1
        .is_some_and(|(_, n)| n > 1 && paragraph.contains(&format!(" {}", n - 1)))
    {
        // Items of this paragraph are set apart by a space (`1.… 2.…`).
        " "
    } else {
        ""
    }
}

/// `目标2：`, `指标 3、`, `2.`, `（三）`, `(4)`, `二是`: the start of a numbered item, as
/// the kind of its marker and its number.
fn item_number(text: &str) -> Option<(&'static str, u32)> {
    let t = text.trim_start();
    let (word, t) = ["目标", "指标", "任务"]
        .iter()
        .find_map(|p| t.strip_prefix(p).map(|rest| (*p, rest.trim_start())))
        .unwrap_or(("", t));
    let number = |s: &str| -> Option<(u32, usize)> {
        let digits: String = s.chars().take_while(|c| c.is_ascii_digit()).collect();
        if !digits.is_empty() {
            return Some((digits.parse().ok()?, digits.len()));
        }
        let cn: String = s
            .chars()
            .take_while(|c| "一二三四五六七八九十".contains(*c))
            .collect();
        let n = chinese_number(&cn)?;
        Some((n, cn.len()))
    };
    if let Some(rest) = t.strip_prefix(['（', '(']) {
        let (n, len) = number(rest)?;
        return rest[len..]
            .starts_with(['）', ')'])
            .then_some(("()", n))
            .map(|(k, n)| (if word.is_empty() { k } else { word }, n));
    }
    let (n, len) = number(t)?;
    let rest = &t[len..];
    let kind = if rest
        .trim_start()
        .starts_with(['、', '.', '．', ':', '：', ')', '）'])
    {
        if word.is_empty() { "1." } else { word }
    } else if rest.starts_with('是') && word.is_empty() {
        "一是"
    } else {
        return None;
    };
    Some((kind, n))
}

/// 一 … 九十九.
fn chinese_number(s: &str) -> Option<u32> {
    let digit = |c: char| "一二三四五六七八九".find(c).map(|i| i as u32 / 3 + 1);
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        [d] if *d != '十' => digit(*d),
        ['十'] => Some(10),
        ['十', u] => Some(10 + digit(*u)?),
        [t, '十'] => Some(digit(*t)? * 10),
        [t, '十', u] => Some(digit(*t)? * 10 + digit(*u)?),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_items_are_read_with_their_number() {
        for (t, n) in [
            ("目标2：完成", 2),
            ("指标 3、", 3),
            ("2.以上", 2),
            ("（三）加强", 3),
            ("(4) x", 4),
            ("二是按照", 2),
        ] {
            assert_eq!(item_number(t).map(|i| i.1), Some(n), "{t}");
        }
        for t in ["2026年", "三级指标", "目标值", "（万元）", "是否"] {
            assert_eq!(item_number(t), None, "{t}");
        }
    }

    #[test]
    fn a_line_wraps_when_the_next_word_would_not_fit() {
        let end = |width: f64, run: f64| LineEnd {
            width,
            run,
            size: 10.0,
            y: 0.0,
        };
        // 33 characters of 10 pt in 334.6 pt: the next character did not fit.
        assert_eq!(
            joiner("发展实际，综合", end(328.4, 0.0), 334.6, "分析经开区", 10.0),
            ""
        );
        // Room for it: a new paragraph.
        assert_eq!(
            joiner(
                "发展方向和目标。",
                end(260.0, 0.0),
                334.6,
                "为政府制定",
                10.0
            ),
            "\n"
        );
        // Full, but a sentence ends a paragraph that is goal 1 before goal 2.
        assert_eq!(
            joiner(
                "目标1：维修园区市政设施；",
                end(328.4, 0.0),
                334.6,
                "目标2：完成",
                10.0
            ),
            "\n"
        );
        // …not for bare numbers (`1、…；` then `2、`), which run on as often as not.
        assert_eq!(
            joiner(
                "1、体育室修复1.4万元；",
                end(70.0, 0.0),
                75.4,
                "2、预制",
                16.4
            ),
            ""
        );
        // The spacing an office program puts between 2024 and 年 took the room.
        assert_eq!(
            joiner("指标1：2024", end(63.84, 23.84), 75.4, "年度绿化", 10.0),
            ""
        );
        // A line that ends with the space it wrapped at.
        assert_eq!(joiner("$6 \\times ", end(50.1, 0.0), 75.4, "500", 19.0), "");
        // A hyphen or a brace is a place to break without a space.
        assert_eq!(
            joiner("2026年1月-", end(60.0, 6.0), 75.4, "2026年", 25.0),
            ""
        );
        // Latin words wrap at a space…
        assert_eq!(joiner("per", end(70.0, 18.0), 75.4, "year", 15.0), " ");
        // …unless the word was longer than a line (`$18*0.32=5.7` + `6$`).
        assert_eq!(
            joiner("$18*0.32=5.7", end(70.0, 60.0), 75.4, "6$", 15.0),
            ""
        );
        // Items set apart by spaces keep the space where the line wrapped.
        assert_eq!(
            joiner(
                "1.前期费用 2.培训2天·次",
                end(72.0, 0.0),
                75.4,
                "3.五经普",
                16.0
            ),
            " "
        );
    }
}

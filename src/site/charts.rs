//! SVG charts drawn with plotters. Label areas are measured here (plotters' own guess
//! counts a CJK character as two em), text uses a Chinese font stack, every chart has a
//! `<title>` and `<desc>`, and colours come from the Okabe–Ito palette, which stays
//! distinguishable with colour-blindness. Each chart is followed on the page by a table
//! of the same data.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

pub const FONT_STACK: &str =
    "Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif";

/// Okabe–Ito colours.
pub const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
pub const ORANGE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
pub const GREEN: RGBColor = RGBColor(0x00, 0x9E, 0x73);
pub const SKY: RGBColor = RGBColor(0x56, 0xB4, 0xE9);
pub const VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
pub const PINK: RGBColor = RGBColor(0xCC, 0x79, 0xA7);
pub const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
pub const GREY: RGBColor = RGBColor(0x88, 0x88, 0x88);
pub const RULE: RGBColor = RGBColor(0xDD, 0xDD, 0xDD);

/// Font size as plotters expects it for a given CSS pixel size (its SVG writer divides by 1.24).
fn px(size: f64) -> f64 {
    size * 1.24
}

/// Width of a text in pixels at `size`: CJK and full-width characters are one em,
/// others a little over half.
pub fn text_width(text: &str, size: f64) -> f64 {
    text.chars()
        .map(|c| {
            if crate::text::is_han(c)
                || ('\u{3000}'..='\u{303F}').contains(&c)
                || ('\u{FF00}'..='\u{FFEF}').contains(&c)
            {
                1.0
            } else if c.is_ascii_uppercase() || c.is_ascii_digit() {
                0.62
            } else {
                0.55
            }
        })
        .sum::<f64>()
        * size
}

fn style(size: f64, color: RGBColor) -> TextStyle<'static> {
    TextStyle {
        font: (FONT_STACK, px(size)).into_font(),
        color: color.to_backend_color(),
        pos: Pos::default(),
    }
}

/// A link area laid over a chart element (plotters draws shapes; links are ours).
pub struct Hotspot {
    pub x: i32,
    pub y: i32,
    pub w: i32,
    pub h: i32,
    pub href: String,
    pub title: String,
}

/// Which layout a chart is drawn for. A desktop chart scaled down to a phone shrinks its
/// text below legibility, so phones get their own drawing, 1:1 at [`PHONE_WIDTH`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    Wide,
    Phone,
    /// The printed report: drawn as for wide screens, but short enough to fit an A4 page
    /// at its own size.
    Paper,
}

/// The content width of a 390 px phone (16 px margins).
pub const PHONE_WIDTH: u32 = 358;

impl Fit {
    /// Rows a chart of departments draws at most (the data table below it has them all):
    /// a long chart is not read, and would make the overview grow with the book.
    pub fn max_rows(self) -> usize {
        match self {
            Fit::Wide => 80,
            Fit::Phone => 30,
            Fit::Paper => 16,
        }
    }
}

/// A chart's drawings: for screens (wide and phone, the stylesheet shows one of them by
/// screen width) and for the printed report.
pub fn drawn(draw: impl Fn(Fit) -> String) -> (String, String) {
    let mut screen = draw(Fit::Wide);
    screen.push_str(&draw(Fit::Phone));
    (screen, draw(Fit::Paper))
}

/// Wrap plotters' SVG: accessible title/description, responsive sizing, link areas.
fn finish(
    svg: String,
    id: &str,
    fit: Fit,
    title: &str,
    desc: &str,
    hotspots: &[Hotspot],
) -> String {
    let esc = |s: &str| crate::site::escape_xml(s);
    let (id, class) = match fit {
        Fit::Wide => (id.to_string(), "chart for-wide"),
        Fit::Phone => (format!("{id}-p"), "chart for-phone"),
        Fit::Paper => (format!("{id}-x"), "chart for-paper"),
    };
    let body_start = svg.find('>').map(|i| i + 1).unwrap_or(0);
    let (w, h) = svg_size(&svg);
    let mut out = String::with_capacity(svg.len() + 512);
    // A picture with links in it is a group, not an image: an image's content is hidden
    // from assistive technology, and its links with it (axe: nested-interactive).
    // Paper has nothing to click, and a PDF link would point into the build's folder.
    let hotspots = if fit == Fit::Paper { &[] } else { hotspots };
    let role = if hotspots.is_empty() { "img" } else { "group" };
    out.push_str(&format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" class=\"{class}\" role=\"{role}\" aria-labelledby=\"{id}-t {id}-d\" font-family=\"{}\">\n<title id=\"{id}-t\">{}</title>\n<desc id=\"{id}-d\">{}</desc>",
        esc(FONT_STACK),
        esc(title),
        esc(desc)
    ));
    let body = &svg[body_start..];
    let end = body.rfind("</svg>").unwrap_or(body.len());
    out.push_str(&body[..end]);
    for hs in hotspots {
        out.push_str(&format!(
            "<a href=\"{}\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"transparent\" class=\"hot\"><title>{}</title></rect></a>\n",
            esc(&hs.href),
            hs.x,
            hs.y,
            hs.w.max(1),
            hs.h.max(1),
            esc(&hs.title)
        ));
    }
    out.push_str("</svg>\n");
    out
}

fn svg_size(svg: &str) -> (u32, u32) {
    let grab = |attr: &str| -> u32 {
        svg.find(&format!("{attr}=\""))
            .and_then(|i| svg[i + attr.len() + 2..].split('"').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (grab("width"), grab("height"))
}

/// One bar: label, value (for drawing), value as displayed, link.
#[derive(Clone)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub value_text: String,
    pub href: String,
}

impl Bar {
    /// The link over a bar's whole row (its label, bar and value), if it has one.
    fn hotspot(&self, y: i32, width: u32, row: u32) -> Option<Hotspot> {
        (!self.href.is_empty()).then(|| Hotspot {
            x: 0,
            y,
            w: width as i32,
            h: row as i32,
            href: self.href.clone(),
            title: format!("{}：{}", self.label, self.value_text),
        })
    }
}

/// Horizontal bars with the label above each bar, so long Chinese names stay readable
/// at phone width without a label column.
pub fn bars(id: &str, fit: Fit, title: &str, desc: &str, bars: &[Bar], color: RGBColor) -> String {
    let width: u32 = match fit {
        Fit::Wide | Fit::Paper => 440,
        Fit::Phone => PHONE_WIDTH,
    };
    let row: u32 = 40;
    let top: u32 = 8;
    let height = top + row * bars.len().max(1) as u32 + 8;
    let max = bars.iter().map(|b| b.value).fold(0.0_f64, f64::max);
    let value_room = bars
        .iter()
        .map(|b| text_width(&b.value_text, 13.0))
        .fold(0.0, f64::max)
        + 10.0;
    let bar_max = (width as f64 - 8.0 - value_room).max(40.0);
    let mut svg = String::new();
    let mut hotspots = Vec::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        let _ = root.fill(&WHITE);
        for (i, b) in bars.iter().enumerate() {
            let y = (top + row * i as u32) as i32;
            let _ = root.draw(&Text::new(
                crate::text::for_pages(&b.label).into_owned(),
                (4, y + 2),
                style(14.0, INK).pos(Pos::new(HPos::Left, VPos::Top)),
            ));
            let w = if max > 0.0 {
                (b.value / max * bar_max).round() as i32
            } else {
                0
            };
            let by = y + 22;
            let _ = root.draw(&Rectangle::new(
                [(4, by), (4 + w.max(1), by + 12)],
                color.filled(),
            ));
            let _ = root.draw(&Text::new(
                crate::text::for_pages(&b.value_text).into_owned(),
                (4 + w.max(1) + 6, by + 6),
                style(13.0, INK).pos(Pos::new(HPos::Left, VPos::Center)),
            ));
            hotspots.extend(b.hotspot(y, width, row));
        }
        let _ = root.present();
    }
    finish(svg, id, fit, title, desc, &hotspots)
}

/// Bars that grow right for increases and left for decreases from a middle line, the
/// label above each bar as in [`bars`]: the largest moves of funds between two versions.
/// `value` is signed; blue is more, vermillion less (Okabe–Ito, told apart without hue
/// too, by the side the bar is on).
pub fn moves(id: &str, fit: Fit, title: &str, desc: &str, bars: &[Bar]) -> String {
    let width: u32 = match fit {
        Fit::Wide | Fit::Paper => 560,
        Fit::Phone => PHONE_WIDTH,
    };
    let row: u32 = 40;
    let top: u32 = 8;
    let height = top + row * bars.len().max(1) as u32 + 8;
    let max = bars.iter().map(|b| b.value.abs()).fold(0.0_f64, f64::max);
    let value_room = bars
        .iter()
        .map(|b| text_width(&b.value_text, 13.0))
        .fold(0.0, f64::max)
        + 10.0;
    let mid = width as f64 / 2.0;
    let bar_max = (mid - 8.0 - value_room).max(30.0);
    let mut svg = String::new();
    let mut hotspots = Vec::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        let _ = root.fill(&WHITE);
        let m = mid.round() as i32;
        let _ = root.draw(&PathElement::new(
            vec![(m, top as i32), (m, (height - 8) as i32)],
            GREY.stroke_width(1),
        ));
        for (i, b) in bars.iter().enumerate() {
            let y = (top + row * i as u32) as i32;
            let _ = root.draw(&Text::new(
                crate::text::for_pages(&b.label).into_owned(),
                (4, y + 2),
                style(14.0, INK).pos(Pos::new(HPos::Left, VPos::Top)),
            ));
            let w = if max > 0.0 {
                ((b.value.abs() / max * bar_max).round() as i32).max(1)
            } else {
                1
            };
            let by = y + 22;
            let text = crate::text::for_pages(&b.value_text).into_owned();
            if b.value >= 0.0 {
                let _ = root.draw(&Rectangle::new([(m, by), (m + w, by + 12)], BLUE.filled()));
                let _ = root.draw(&Text::new(
                    text,
                    (m + w + 6, by + 6),
                    style(13.0, INK).pos(Pos::new(HPos::Left, VPos::Center)),
                ));
            } else {
                let _ = root.draw(&Rectangle::new(
                    [(m - w, by), (m, by + 12)],
                    VERMILLION.filled(),
                ));
                let _ = root.draw(&Text::new(
                    text,
                    (m - w - 6, by + 6),
                    style(13.0, INK).pos(Pos::new(HPos::Right, VPos::Center)),
                ));
            }
            hotspots.extend(b.hotspot(y, width, row));
        }
        let _ = root.present();
    }
    finish(svg, id, fit, title, desc, &hotspots)
}

/// One stacked bar of parts (label, value, value text, colour).
pub struct Stack {
    pub label: String,
    pub parts: Vec<(String, f64, String, RGBColor)>,
}

/// Horizontal 100% stacked bars with a legend under each.
pub fn stacks(id: &str, fit: Fit, title: &str, desc: &str, stacks: &[Stack]) -> String {
    let width: u32 = match fit {
        Fit::Wide | Fit::Paper => 640,
        Fit::Phone => PHONE_WIDTH,
    };
    // Legend items flow into as many lines as the width needs.
    let item_width =
        |name: &str, text: &str| 16.0 + text_width(&format!("{name} {text}"), 12.0) + 14.0;
    let legend_lines = |s: &Stack| -> u32 {
        let (mut lines, mut lx) = (1, 4.0);
        for (name, _, text, _) in &s.parts {
            let w = item_width(name, text);
            if lx + w > width as f64 && lx > 4.0 {
                lines += 1;
                lx = 4.0;
            }
            lx += w;
        }
        lines
    };
    let blocks: Vec<u32> = stacks
        .iter()
        .map(|s| 50 + 18 * legend_lines(s) + 14)
        .collect();
    let height = 8 + blocks.iter().sum::<u32>().max(86);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        let _ = root.fill(&WHITE);
        for (i, s) in stacks.iter().enumerate() {
            let y = 8 + blocks[..i].iter().sum::<u32>() as i32;
            let _ = root.draw(&Text::new(
                crate::text::for_pages(&s.label).into_owned(),
                (4, y),
                style(13.0, INK).pos(Pos::new(HPos::Left, VPos::Top)),
            ));
            let sum: f64 = s.parts.iter().map(|p| p.1).sum();
            let mut x: f64 = 4.0;
            let span = (width - 8) as f64;
            for (_, v, _, c) in &s.parts {
                let w = if sum > 0.0 { v / sum * span } else { 0.0 };
                if w > 0.0 {
                    let _ = root.draw(&Rectangle::new(
                        [(x.round() as i32, y + 20), ((x + w).round() as i32, y + 40)],
                        c.filled(),
                    ));
                }
                x += w;
            }
            if sum <= 0.0 {
                let _ = root.draw(&Rectangle::new(
                    [(4, y + 20), (width as i32 - 4, y + 40)],
                    RULE.filled(),
                ));
            }
            // Legend: swatch, name, amount.
            let mut lx = 4.0;
            let mut ly = y + 50;
            for (name, _, text, c) in &s.parts {
                let item = format!("{name} {text}");
                let wdt = item_width(name, text);
                if lx + wdt > width as f64 && lx > 4.0 {
                    lx = 4.0;
                    ly += 18;
                }
                let _ = root.draw(&Rectangle::new(
                    [(lx as i32, ly + 2), (lx as i32 + 11, ly + 13)],
                    c.filled(),
                ));
                let _ = root.draw(&Text::new(
                    crate::text::for_pages(&item).into_owned(),
                    (lx as i32 + 16, ly),
                    style(12.0, INK).pos(Pos::new(HPos::Left, VPos::Top)),
                ));
                lx += wdt;
            }
        }
        let _ = root.present();
    }
    finish(svg, id, fit, title, desc, &[])
}

/// Sequential blue ramp (light → dark) for shares 0..=1.
fn ramp(v: f64) -> RGBColor {
    let v = v.clamp(0.0, 1.0);
    let lerp = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * v).round() as u8;
    RGBColor(lerp(0xF3, 0x08), lerp(0xF7, 0x45), lerp(0xFB, 0x94))
}

/// A heat map: rows × columns of shares (0..=1, or None when the row has no projects).
#[derive(Clone)]
pub struct Heat {
    /// Column headings, each on up to two lines.
    pub columns: Vec<(String, String)>,
    pub rows: Vec<(String, String, Vec<Option<f64>>)>,
}

pub fn heatmap(id: &str, fit: Fit, title: &str, desc: &str, heat: &Heat) -> String {
    // Wide: labels in a column left of the cells. Phone: each label on its own line above
    // its row of cells, so the cells fit the screen and no label scrolls away.
    let phone = fit == Fit::Phone;
    let cols = heat.columns.len().max(1) as u32;
    let (label_w, cell_w, cell_h, label_h) = if phone {
        (4, (PHONE_WIDTH - 8) / cols, 26, 20)
    } else {
        let label_w = heat
            .rows
            .iter()
            .map(|r| text_width(&r.0, 12.0))
            .fold(60.0, f64::max)
            .min(300.0)
            .ceil() as u32
            + 12;
        (label_w, 52, 28, 0)
    };
    // Column headings in lines that fit a cell: a phone cell holds three characters, so
    // a longer first line (服务对象) is split in two.
    let fits = ((cell_w.saturating_sub(2)) / 12).max(1) as usize;
    let heads: Vec<Vec<String>> = heat
        .columns
        .iter()
        .map(|(a, b)| {
            let mut lines = Vec::new();
            for part in [a, b].into_iter().filter(|p| !p.is_empty()) {
                let chars: Vec<char> = part.chars().collect();
                if chars.len() <= fits {
                    lines.push(part.clone());
                } else {
                    let half = chars.len().div_ceil(2);
                    lines.push(chars[..half].iter().collect());
                    lines.push(chars[half..].iter().collect());
                }
            }
            lines
        })
        .collect();
    let head_lines = heads.iter().map(Vec::len).max().unwrap_or(1).max(2) as u32;
    let head_h: u32 = 10 + 15 * head_lines;
    let row_h = cell_h + label_h;
    let width = label_w + cell_w * cols + 4;
    let height = head_h + row_h * heat.rows.len().max(1) as u32 + 8;
    let mut svg = String::new();
    let mut hotspots = Vec::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        let _ = root.fill(&WHITE);
        for (j, lines) in heads.iter().enumerate() {
            let x = (label_w + cell_w * j as u32 + cell_w / 2) as i32;
            for (k, line) in lines.iter().enumerate() {
                let _ = root.draw(&Text::new(
                    crate::text::for_pages(line).into_owned(),
                    (x, 6 + 15 * k as i32),
                    style(12.0, INK).pos(Pos::new(HPos::Center, VPos::Top)),
                ));
            }
        }
        for (i, (label, href, cells)) in heat.rows.iter().enumerate() {
            let y = (head_h + row_h * i as u32) as i32;
            let cy = y + label_h as i32;
            let label_text = crate::text::for_pages(label).into_owned();
            let _ = if phone {
                root.draw(&Text::new(
                    label_text,
                    (4, y + 3),
                    style(13.0, INK).pos(Pos::new(HPos::Left, VPos::Top)),
                ))
            } else {
                root.draw(&Text::new(
                    label_text,
                    (label_w as i32 - 8, y + cell_h as i32 / 2),
                    style(12.0, INK).pos(Pos::new(HPos::Right, VPos::Center)),
                ))
            };
            for (j, v) in cells.iter().enumerate() {
                let x = (label_w + cell_w * j as u32) as i32;
                let (fill, text) = match v {
                    Some(v) => (ramp(*v), format!("{}", (v * 100.0).round() as i64)),
                    None => (RULE, "—".to_string()),
                };
                let _ = root.draw(&Rectangle::new(
                    [
                        (x + 1, cy + 1),
                        (x + cell_w as i32 - 1, cy + cell_h as i32 - 1),
                    ],
                    fill.filled(),
                ));
                let dark = v.is_some_and(|v| v > 0.55);
                let _ = root.draw(&Text::new(
                    crate::text::for_pages(&text).into_owned(),
                    (x + cell_w as i32 / 2, cy + cell_h as i32 / 2),
                    style(12.0, if dark { WHITE } else { INK })
                        .pos(Pos::new(HPos::Center, VPos::Center)),
                ));
            }
            if !href.is_empty() {
                hotspots.push(Hotspot {
                    x: 0,
                    y,
                    w: width as i32,
                    h: row_h as i32,
                    href: href.clone(),
                    title: label.clone(),
                });
            }
        }
        let _ = root.present();
    }
    finish(svg, id, fit, title, desc, &hotspots)
}

/// Vertical histogram with counts above bars, and a concentration curve beside it.
pub fn histogram(
    id: &str,
    fit: Fit,
    title: &str,
    desc: &str,
    buckets: &[(String, usize)],
) -> String {
    if fit == Fit::Phone {
        // Seven range labels do not fit under columns 50 px wide: bars, label above each.
        let rows: Vec<Bar> = buckets
            .iter()
            .map(|(label, count)| Bar {
                label: label.clone(),
                value: *count as f64,
                value_text: format!("{count} 个"),
                href: String::new(),
            })
            .collect();
        return bars(id, fit, title, desc, &rows, BLUE);
    }
    let width: u32 = 640;
    let height: u32 = 240;
    let n = buckets.len().max(1) as u32;
    let plot_top = 24;
    let plot_bottom = height as i32 - 48;
    let slot = (width - 16) / n;
    let max = buckets.iter().map(|b| b.1).max().unwrap_or(0).max(1) as f64;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        let _ = root.fill(&WHITE);
        let _ = root.draw(&PathElement::new(
            vec![(8, plot_bottom), (width as i32 - 8, plot_bottom)],
            GREY,
        ));
        for (i, (label, count)) in buckets.iter().enumerate() {
            let x0 = 8 + (slot * i as u32) as i32;
            let h = (*count as f64 / max * (plot_bottom - plot_top) as f64).round() as i32;
            let _ = root.draw(&Rectangle::new(
                [
                    (x0 + 8, plot_bottom - h),
                    (x0 + slot as i32 - 8, plot_bottom),
                ],
                BLUE.filled(),
            ));
            let _ = root.draw(&Text::new(
                count.to_string(),
                (x0 + slot as i32 / 2, plot_bottom - h - 4),
                style(12.0, INK).pos(Pos::new(HPos::Center, VPos::Bottom)),
            ));
            // Bucket labels on two lines: the range, then the unit.
            let (range, unit) = label.split_once(' ').unwrap_or((label.as_str(), ""));
            let _ = root.draw(&Text::new(
                range.to_string(),
                (x0 + slot as i32 / 2, plot_bottom + 6),
                style(11.0, INK).pos(Pos::new(HPos::Center, VPos::Top)),
            ));
            let _ = root.draw(&Text::new(
                unit.to_string(),
                (x0 + slot as i32 / 2, plot_bottom + 22),
                style(11.0, GREY).pos(Pos::new(HPos::Center, VPos::Top)),
            ));
        }
        let _ = root.present();
    }
    finish(svg, id, fit, title, desc, &[])
}

/// Concentration curve: share of money (y) held by the largest x% of projects.
pub fn concentration(id: &str, fit: Fit, title: &str, desc: &str, curve: &[(f64, f64)]) -> String {
    let (width, height): (u32, u32) = match fit {
        Fit::Wide | Fit::Paper => (640, 300),
        Fit::Phone => (PHONE_WIDTH, 300),
    };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        let _ = root.fill(&WHITE);
        let chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(52)
            .build_cartesian_2d(0.0..100.0, 0.0..100.0);
        if let Ok(mut chart) = chart {
            let _ = chart
                .configure_mesh()
                .x_desc("项目（按金额从大到小，累计占比 %）")
                .y_desc("资金累计占比 %")
                .axis_desc_style(style(12.0, INK))
                .label_style(style(12.0, INK))
                .light_line_style(RULE.mix(0.5))
                .x_labels(6)
                .y_labels(6)
                .draw();
            let _ = chart.draw_series(LineSeries::new(
                vec![(0.0, 0.0), (100.0, 100.0)],
                GREY.stroke_width(1),
            ));
            let _ = chart.draw_series(LineSeries::new(
                curve.iter().copied(),
                VERMILLION.stroke_width(3),
            ));
        }
        let _ = root.present();
    }
    finish(svg, id, fit, title, desc, &[])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_chinese_as_one_em() {
        assert_eq!(text_width("财政局", 10.0), 30.0);
        assert!(text_width("abc", 10.0) < 20.0);
    }

    #[test]
    fn charts_are_accessible_escaped_svg() {
        let svg = bars(
            "c1",
            Fit::Wide,
            "各部门资金",
            "说明",
            &[Bar {
                label: "<script>甲</script>".into(),
                value: 2.0,
                value_text: "2.00".into(),
                href: "a.html?x=1&y=2".into(),
            }],
            BLUE,
        );
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.contains("<title id=\"c1-t\">各部门资金</title>"));
        assert!(svg.contains("&lt;script&gt;甲&lt;/script&gt;"));
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("href=\"a.html?x=1&amp;y=2\""));
        assert!(svg.contains("Noto Sans CJK SC"));
        assert_eq!(svg.matches("<svg").count(), 1);
    }
}

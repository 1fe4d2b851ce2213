//! A project's form as the official table lays it out: the head table, the funds and the
//! indicator tree (`form.html`).

use super::*;

/// An indicator tree as the `tree` macro draws it.
#[derive(Serialize)]
pub struct Tree {
    pub(super) rows: Vec<TreeRow>,
    /// Some row has a source line: the table gets a 行 column.
    pub(super) lines: bool,
}

impl Tree {
    fn lines_hidden(&mut self) {
        self.rows.iter_mut().for_each(|r| r.line = 0);
        self.lines = false;
    }
}

/// One row of an indicator tree with the rowspans of its merged cells. Every field is
/// named and flat: Tera looks `r.name` up far faster than `r.level1[0]`, and a page
/// reads these once per row.
#[derive(Serialize)]
pub struct TreeRow {
    /// The 一级指标 cell that starts on this row and the rows it spans (0: none starts here).
    pub(super) l1: String,
    pub(super) l1_rows: usize,
    /// The same for 二级指标.
    pub(super) l2: String,
    pub(super) l2_rows: usize,
    pub(super) name: String,
    pub(super) value: String,
    /// The source line (text exports only; office files are found by `place`).
    pub(super) line: u32,
    pub(super) empty: bool,
    /// The form's own further columns (权重, 评分标准, 备注, 长期指标值…), as written.
    pub(super) details: Vec<Field>,
    /// Findings on this row, so a reader sees them where they apply.
    pub(super) findings: Vec<RowFinding>,
}

/// A labelled value of a form (an indicator's further column, a project's extra row).
#[derive(Serialize)]
pub(super) struct Field {
    pub(super) label: String,
    pub(super) value: String,
}

/// A finding shown on the indicator row it concerns.
#[derive(Serialize)]
pub(super) struct RowFinding {
    pub(super) severity: &'static str,
    pub(super) severity_label: &'static str,
    /// The rule's title.
    pub(super) title: String,
    /// Its number in the page's list of findings.
    pub(super) number: usize,
}

pub(super) fn level1_text(i: &Indicator) -> String {
    if !i.level1.is_empty() {
        i.level1.clone()
    } else {
        i.level1_category
            .map(|c: Level1| format!("{}指标（未写明）", c.label()))
            .unwrap_or_default()
    }
}

pub(super) fn level2_text(i: &Indicator) -> String {
    if !i.level2.is_empty() {
        i.level2.clone()
    } else {
        i.level2_category
            .map(|c| format!("{}指标（未写明）", c.label()))
            .unwrap_or_default()
    }
}

/// An indicator's further columns, labelled as the common forms label them.
pub(super) fn details(i: &Indicator) -> Vec<Field> {
    let mut out = Vec::new();
    let named = [
        ("指标性质", &i.operator),
        ("计量单位", &i.unit),
        ("权重", &i.weight),
        ("评分标准", &i.standard),
        ("备注", &i.note),
    ];
    for (label, v) in named {
        // Sign and unit are already part of the value shown.
        let shown = (label == "指标性质" || label == "计量单位") && i.value.contains(v.as_str());
        if !v.is_empty() && !shown {
            out.push(Field {
                label: label.to_string(),
                value: v.clone(),
            });
        }
    }
    out.extend(i.extra.iter().map(|e| Field {
        label: e.label.clone(),
        value: e.value.clone(),
    }));
    out
}

pub fn tree(indicators: &[Indicator]) -> Tree {
    let mut rows: Vec<TreeRow> = indicators
        .iter()
        .map(|i| TreeRow {
            l1: String::new(),
            l1_rows: 0,
            l2: String::new(),
            l2_rows: 0,
            name: i.name.clone(),
            value: i.value.clone(),
            line: i.line,
            empty: !i.is_set(),
            details: details(i),
            findings: Vec::new(),
        })
        .collect();
    let key1 = |i: &Indicator| (level1_text(i), i.level1_category);
    let key2 = |i: &Indicator| (key1(i), level2_text(i), i.level2_category);
    let mut start = 0;
    while start < indicators.len() {
        let mut end = start + 1;
        while end < indicators.len() && key1(&indicators[end]) == key1(&indicators[start]) {
            end += 1;
        }
        rows[start].l1 = level1_text(&indicators[start]);
        rows[start].l1_rows = end - start;
        let mut s2 = start;
        while s2 < end {
            let mut e2 = s2 + 1;
            while e2 < end && key2(&indicators[e2]) == key2(&indicators[s2]) {
                e2 += 1;
            }
            rows[s2].l2 = level2_text(&indicators[s2]);
            rows[s2].l2_rows = e2 - s2;
            s2 = e2;
        }
        start = end;
    }
    let lines = rows.iter().any(|r| r.line != 0);
    Tree { rows, lines }
}

#[derive(Serialize)]
pub(super) struct FundLine {
    pub(super) label: String,
    /// 0 for the total, 1 for its parts, 2 for the parts of 财政拨款.
    pub(super) indent: u8,
    pub(super) text: String,
    pub(super) raw: String,
    /// The cell was written differently from the figure shown (units, separators).
    pub(super) raw_differs: bool,
    pub(super) unreadable: bool,
    pub(super) extra: bool,
}

pub(super) fn fund_lines(p: &Project) -> Vec<FundLine> {
    let f = &p.funds;
    // (label, indent level) as the official form lays the rows out.
    let label = |k: FundKind| -> (String, u8) {
        if let Some(own) = f.form_label(k) {
            let indent = match k {
                FundKind::Total => 0,
                FundKind::FiscalUpper | FundKind::FiscalOwn => 2,
                FundKind::CarryOver if !f.carry_over_beside_fiscal => 2,
                _ => 1,
            };
            return (own.to_string(), indent);
        }
        match k {
            FundKind::Total => ("年度资金总额".into(), 0),
            FundKind::Fiscal if f.carry_over_beside_fiscal => ("其中：当年财政拨款".into(), 1),
            FundKind::Fiscal => ("其中：财政拨款".into(), 1),
            FundKind::FiscalUpper => ("其中：上级补助".into(), 2),
            FundKind::FiscalOwn => ("本级安排".into(), 2),
            FundKind::CarryOver if f.carry_over_beside_fiscal => ("上年结转资金".into(), 1),
            FundKind::CarryOver => ("结转资金".into(), 2),
            FundKind::Other => ("其他资金".into(), 1),
            other => (other.label().into(), 1),
        }
    };
    let kinds: Vec<FundKind> = if f.rows.is_empty() {
        vec![FundKind::Total, FundKind::Fiscal, FundKind::Other]
    } else {
        f.rows.clone()
    };
    let mut out: Vec<FundLine> = kinds
        .iter()
        .filter_map(|k| f.get(*k).map(|a| (k, a)))
        .map(|(k, a)| {
            let (label, indent) = label(*k);
            FundLine {
                label,
                indent,
                text: amount_text(a),
                raw: a.raw.clone(),
                raw_differs: a.value.is_some_and(|v| v.to_string() != a.raw),
                unreadable: a.is_unreadable(),
                extra: false,
            }
        })
        .collect();
    for e in &f.extra {
        out.push(FundLine {
            label: e.label.clone(),
            indent: 1,
            text: amount_text(&e.amount),
            raw: e.amount.raw.clone(),
            raw_differs: false,
            unreadable: e.amount.is_unreadable(),
            // A row the form repeats, as opposed to one the model has no field for
            // (中期资金总额 beside the year's total).
            extra: e.kind != crate::model::FundKind::Unknown,
        });
    }
    out
}

/// A project's form (`form.html`): the official table and its indicator tree.
#[derive(Serialize)]
pub(super) struct FormView<'a> {
    pub(super) name: &'a str,
    pub(super) department: &'a str,
    pub(super) department_as_written: &'a str,
    pub(super) implementing_unit: &'a str,
    pub(super) extra: Vec<Field>,
    pub(super) funds: Vec<FundLine>,
    pub(super) long_goal: &'a str,
    /// The form has a goal field (its text may be empty).
    pub(super) goal_field: bool,
    pub(super) goal: &'a str,
    pub(super) tree: Tree,
    /// Starts the ids of the project's findings, unique within the printed report.
    pub(super) anchor: String,
}

/// Where a project's findings' ids start: the id of its form in the printed report.
pub(super) fn form_anchor(d: &Department, p: &Project) -> String {
    format!("p-{}-{}-", d.slug, p.slug)
}

/// The form of one project as HTML, rendered once for its page and the printed report:
/// by `form.html` in Tera, or by its compiled form when the theme keeps the template.
pub(super) fn form_html(
    site: &Site,
    (bi, di, pi): (usize, usize, usize),
    f: &BookFindings,
    theme: &Theme,
) -> Result<String> {
    let b = &site.books[bi];
    let d = &b.departments[di];
    let p = &d.projects[pi];
    let mut tree = tree(&p.indicators);
    for (n, x) in f.projects[di][pi].iter().enumerate() {
        if x.line == 0 {
            continue;
        }
        if let Some(row) = tree.rows.iter_mut().find(|r| r.line == x.line) {
            let title = rules::rule(&x.rule).map(|r| r.title).unwrap_or("");
            row.findings.push(RowFinding {
                severity: x.severity.id(),
                severity_label: x.severity.label(),
                title: title.to_string(),
                number: n + 1,
            });
        }
    }
    if office_source(b, p).is_some() {
        // Row numbers of a Word or Excel file are not lines a reader can find (the
        // table is named by its place instead); findings were placed by them above.
        tree.lines_hidden();
    }
    let view = FormView {
        name: &p.name,
        department: &d.name,
        department_as_written: &p.department,
        implementing_unit: &p.implementing_unit,
        extra: p
            .extra
            .iter()
            .map(|e| Field {
                label: e.label.clone(),
                value: e.value.clone(),
            })
            .collect(),
        funds: fund_lines(p),
        long_goal: &p.long_goal,
        goal_field: p.goal.is_some(),
        goal: p.goal.as_deref().unwrap_or_default(),
        tree,
        anchor: form_anchor(d, p),
    };
    let book = FormBook {
        year: b.year,
        unit: b.unit.label(),
    };
    if theme.keeps(compiled::FORM_TEMPLATES) {
        return Ok(compiled::form(&book, &view));
    }
    let mut ctx = tera::Context::new();
    ctx.insert("book", &book);
    ctx.insert("form", &view);
    let path = project_path(b, d, p);
    let out = render(&theme.tera, "form.html", &ctx, &path)?;
    String::from_utf8(out.bytes)
        .map_err(|_| anyhow!("rendering {path}: form.html gave bytes that are not UTF-8"))
}

/// Each project's form HTML of one book, by department and project, rendered once.
pub struct Forms(Vec<Vec<std::sync::OnceLock<String>>>);

impl Forms {
    pub fn new(b: &Book) -> Forms {
        Forms(
            b.departments
                .iter()
                .map(|d| d.projects.iter().map(|_| Default::default()).collect())
                .collect(),
        )
    }

    /// The form of project `(book, department, project)`, rendered if it is not yet.
    pub(super) fn get_or_render(
        &self,
        site: &Site,
        (bi, di, pi): (usize, usize, usize),
        f: &BookFindings,
        theme: &Theme,
    ) -> Result<&str> {
        let slot = &self.0[di][pi];
        if let Some(html) = slot.get() {
            return Ok(html);
        }
        let html = form_html(site, (bi, di, pi), f, theme)?;
        Ok(slot.get_or_init(|| html))
    }

    /// Render every form not rendered yet.
    pub(super) fn fill(
        &self,
        site: &Site,
        bi: usize,
        f: &BookFindings,
        theme: &Theme,
    ) -> Result<()> {
        self.0.par_iter().enumerate().try_for_each(|(di, d)| {
            (0..d.len())
                .try_for_each(|pi| self.get_or_render(site, (bi, di, pi), f, theme).map(|_| ()))
        })
    }

    /// The forms of department `di`, in project order (filled first).
    pub(super) fn department(&self, di: usize) -> impl Iterator<Item = &str> {
        self.0[di]
            .iter()
            .map(|s| s.get().map(String::as_str).unwrap_or_default())
    }
}

/// What `form.html` reads of its book.
#[derive(Serialize)]
pub(super) struct FormBook {
    pub(super) year: Option<u16>,
    pub(super) unit: &'static str,
}

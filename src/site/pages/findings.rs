//! A book's findings page (and a rule's continuation pages) and the data its filters read.

use super::*;

/// URL fragment for a rule id (`coverage.quality` → `coverage-quality`).
pub fn anchor(rule: &str) -> String {
    rule.replace('.', "-")
}

#[derive(Serialize)]
pub(super) struct FindingView {
    pub(super) rule: String,
    pub(super) anchor: String,
    pub(super) title: String,
    pub(super) severity: &'static str,
    pub(super) severity_label: &'static str,
    pub(super) message: String,
    pub(super) department: String,
    pub(super) department_slug: String,
    pub(super) project: String,
    pub(super) project_slug: String,
    pub(super) place: String,
}

pub(super) fn finding_view(f: &Finding) -> FindingView {
    FindingView {
        rule: f.rule.clone(),
        anchor: anchor(&f.rule),
        title: rules::rule(&f.rule)
            .map(|r| r.title)
            .unwrap_or("")
            .to_string(),
        severity: f.severity.id(),
        severity_label: f.severity.label(),
        message: f.message.clone(),
        department: f.department.clone(),
        department_slug: f.department_slug.clone(),
        project: f.project.clone(),
        project_slug: f.project_slug.clone(),
        place: f.place.clone(),
    }
}

#[derive(Serialize)]
pub(super) struct RuleGroup {
    id: String,
    anchor: String,
    title: String,
    severity: &'static str,
    severity_label: &'static str,
    /// All findings of the rule (the list may show only the first of them).
    count: usize,
    items: Vec<FindingView>,
    /// The page with the full list, when this one shows only the first findings.
    more: Option<String>,
}

/// Findings listed in full on the book's findings page per rule; a longer list shows
/// its first [`FINDINGS_INLINE`] there and continues on pages of its own.
pub const FINDINGS_INLINE: usize = 50;

pub const FINDINGS_PAGE: usize = 200;

/// Each rule that fired, in the rules' order, with its findings in the book's order.
pub(super) fn by_rule(f: &BookFindings) -> Vec<(&'static rules::Rule, Vec<&Finding>)> {
    let mut by_id: std::collections::HashMap<&str, Vec<&Finding>> = Default::default();
    for x in f.all() {
        by_id.entry(x.rule.as_str()).or_default().push(x);
    }
    rules::RULES
        .iter()
        .filter_map(|r| by_id.remove(r.id).map(|items| (r, items)))
        .collect()
}

pub(super) fn findings_pages(
    site: &Site,
    bi: usize,
    f: &BookFindings,
    tera: &tera::Tera,
) -> Result<Vec<OutFile>> {
    let b = &site.books[bi];
    let path = format!("{}/findings.html", b.slug);
    let mut groups: Vec<RuleGroup> = Vec::new();
    let mut out = Vec::new();
    let grouped = by_rule(f);
    let ordered: Vec<(&rules::Rule, &[&Finding])> =
        grouped.iter().map(|(r, v)| (*r, v.as_slice())).collect();
    for &(r, items) in &ordered {
        let group = |shown: &[&Finding], more: Option<String>| RuleGroup {
            id: r.id.to_string(),
            anchor: anchor(r.id),
            title: r.title.to_string(),
            // As configured in book.toml: every finding of a rule carries it.
            severity: items[0].severity.id(),
            severity_label: items[0].severity.label(),
            count: items.len(),
            items: shown.iter().map(|x| finding_view(x)).collect(),
            more,
        };
        if items.len() <= FINDINGS_INLINE {
            groups.push(group(items, None));
            continue;
        }
        let stem = format!("findings-{}", anchor(r.id));
        let pages = items.len().div_ceil(FINDINGS_PAGE);
        groups.push(group(&items[..FINDINGS_INLINE], Some(page_file(&stem, 0))));
        for (n, chunk) in items.chunks(FINDINGS_PAGE).enumerate() {
            let p = format!("{}/{}", b.slug, page_file(&stem, n));
            let mut ctx = base(site, &p);
            crumbs(
                &mut ctx,
                &[
                    (&b.title, "index.html"),
                    ("检查发现", "findings.html"),
                    (r.title, ""),
                ],
            );
            let g = group(chunk, None);
            ctx.insert("book", &book_meta(site, b));
            ctx.insert("draft", &(b.stage == Stage::Draft));
            ctx.insert("groups", &[g]);
            ctx.insert("departments", &Vec::<(String, String)>::new());
            ctx.insert("total", &items.len());
            ctx.insert("pager", &pager(&stem, pages, n));
            ctx.insert("page", &(n + 1));
            out.push(render(tera, "findings.html", &ctx, &p)?);
        }
    }
    let depts: Vec<(String, String)> = b
        .departments
        .iter()
        .map(|d| (d.slug.clone(), d.name.clone()))
        .collect();
    out.push(findings_data(b, &ordered, &depts));
    let mut ctx = base(site, &path);
    crumbs(&mut ctx, &[(&b.title, "index.html"), ("检查发现", "")]);
    ctx.insert("book", &book_meta(site, b));
    ctx.insert("draft", &(b.stage == Stage::Draft));
    ctx.insert("groups", &groups);
    ctx.insert("departments", &depts);
    ctx.insert("total", &f.all().count());
    ctx.insert("pager", &Vec::<(String, String, bool)>::new());
    ctx.insert("page", &1);
    out.insert(0, render(tera, "findings.html", &ctx, &path)?);
    Ok(out)
}

/// Every published finding of a book, compact, for the findings page's filters: a filter
/// must show all that match, and the page itself shows only the first of a long rule.
/// Loaded only when a filter is used; a script file, so it works from `file://`.
pub(super) fn findings_data(
    b: &Book,
    ordered: &[(&rules::Rule, &[&Finding])],
    depts: &[(String, String)],
) -> OutFile {
    let dept_index: std::collections::HashMap<&str, usize> = depts
        .iter()
        .enumerate()
        .map(|(i, d)| (d.0.as_str(), i))
        .collect();
    // Shown as page text: without the characters pages never carry.
    let t = |s: &str| crate::text::for_pages(s).into_owned();
    let mut items = Vec::new();
    for (ri, (_, found)) in ordered.iter().enumerate() {
        for x in found.iter() {
            let di = dept_index
                .get(x.department_slug.as_str())
                .map_or(-1, |&i| i as i64);
            items.push(serde_json::json!([
                ri,
                di,
                t(&x.project),
                x.project_slug,
                t(&x.message),
                t(&x.place)
            ]));
        }
    }
    // As configured in book.toml: every finding of a rule carries its severity.
    let rules: Vec<serde_json::Value> = ordered
        .iter()
        .map(|(r, found)| {
            let sev = found[0].severity;
            serde_json::json!([anchor(r.id), r.title, sev.id(), sev.label()])
        })
        .collect();
    let depts: Vec<(&str, String)> = depts
        .iter()
        .map(|(slug, name)| (slug.as_str(), crate::text::for_pages(name).into_owned()))
        .collect();
    let data = serde_json::json!({ "rules": rules, "depts": depts, "items": items });
    OutFile {
        path: format!("{}/data/findings.js", b.slug),
        bytes: format!("jixiaoFindings({});\n", crate::site::json_for_script(&data)).into_bytes(),
    }
}

//! The rules page: every check, its basis and whether the public site shows it.

use super::*;

#[derive(Serialize)]
pub(super) struct RuleView {
    id: String,
    anchor: String,
    title: &'static str,
    severity_label: &'static str,
    severity: &'static str,
    basis: &'static str,
    explain: &'static str,
    /// Published on this site; otherwise only reviewers see its findings.
    public: bool,
}

pub(super) fn rules_page(site: &Site, tera: &tera::Tera) -> Result<OutFile> {
    let mut ctx = base(site, "rules.html");
    let list: Vec<RuleView> = rules::RULES
        .iter()
        .map(|r| RuleView {
            id: r.id.to_string(),
            anchor: anchor(r.id),
            title: r.title,
            severity_label: site.config.check.severity(r).label(),
            severity: site.config.check.severity(r).id(),
            basis: r.basis,
            explain: r.explain,
            public: site.config.check.public(r),
        })
        .collect();
    crumbs(&mut ctx, &[("检查规则", "")]);
    ctx.insert("rules", &list);
    render(tera, "rules.html", &ctx, "rules.html")
}

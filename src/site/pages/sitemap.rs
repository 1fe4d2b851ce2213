//! sitemap.xml (a sitemap index above 50,000 URLs).

use super::*;

/// Sitemap protocol limit of URLs per file.
pub const SITEMAP_URLS: usize = 50_000;

/// The pages of one book the sitemap lists.
pub fn book_urls(b: &Book, changes: bool) -> Vec<String> {
    let mut urls = vec![
        book_path(b),
        format!("{}/findings.html", b.slug),
        format!("{}/print.html", b.slug),
    ];
    if changes {
        urls.push(format!("{}/changes.html", b.slug));
    }
    for d in &b.departments {
        urls.push(dept_path(b, d));
        urls.extend(d.projects.iter().map(|p| project_path(b, d, p)));
    }
    urls
}

/// `sitemap.xml`; above [`SITEMAP_URLS`] it becomes an index of `sitemap-N.xml` files.
pub fn sitemap(site: &Site) -> Vec<OutFile> {
    let mut urls = vec![
        "index.html".to_string(),
        "search.html".into(),
        "guide.html".into(),
        "rules.html".into(),
    ];
    urls.extend(site.pages.iter().map(|(s, _, _)| format!("{s}.html")));
    for s in &site.summaries {
        urls.extend(s.urls.iter().cloned());
    }
    let base = &site.config.base_url;
    let urlset = |urls: &[String]| {
        let mut s = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
        );
        for u in urls {
            s.push_str("  <url><loc>");
            s.push_str(&crate::site::escape_xml(&format!("{base}{u}")));
            s.push_str("</loc></url>\n");
        }
        s.push_str("</urlset>\n");
        s
    };
    if urls.len() <= SITEMAP_URLS {
        return vec![OutFile {
            path: "sitemap.xml".into(),
            bytes: urlset(&urls).into_bytes(),
        }];
    }
    let mut out = Vec::new();
    let mut index = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (i, chunk) in urls.chunks(SITEMAP_URLS).enumerate() {
        let name = format!("sitemap-{}.xml", i + 1);
        index.push_str(&format!(
            "  <sitemap><loc>{}</loc></sitemap>\n",
            crate::site::escape_xml(&format!("{base}{name}"))
        ));
        out.push(OutFile {
            path: name,
            bytes: urlset(chunk).into_bytes(),
        });
    }
    index.push_str("</sitemapindex>\n");
    out.insert(
        0,
        OutFile {
            path: "sitemap.xml".into(),
            bytes: index.into_bytes(),
        },
    );
    out
}

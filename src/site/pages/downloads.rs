//! A book's open-data downloads.

use super::*;

/// Open-data downloads of one book under `<book>/data/`.
pub fn downloads(b: &Book, f: &BookFindings) -> Vec<OutFile> {
    let dir = format!("{}/data", b.slug);
    let projects = crate::opendata::projects_by_department(b);
    let indicators = crate::opendata::indicators_by_department(b);
    let mut files = vec![
        OutFile {
            path: format!("{dir}/projects.csv"),
            bytes: projects.whole(),
        },
        OutFile {
            path: format!("{dir}/indicators.csv"),
            bytes: indicators.whole(),
        },
        OutFile {
            path: format!("{dir}/departments.csv"),
            bytes: crate::opendata::departments_csv(b).into_bytes(),
        },
        OutFile {
            path: format!("{dir}/findings.csv"),
            bytes: crate::opendata::findings_csv(f).into_bytes(),
        },
        OutFile {
            path: format!("{dir}/{}.json", b.slug),
            bytes: crate::opendata::book_json_with_findings(b, f).into_bytes(),
        },
        OutFile {
            path: format!("{dir}/datapackage.json"),
            bytes: crate::opendata::datapackage_json(b).into_bytes(),
        },
    ];
    // Each department's own projects and indicators, for a reader who follows one bureau.
    for (di, d) in b.departments.iter().enumerate() {
        if d.projects.is_empty() {
            continue;
        }
        files.push(OutFile {
            path: format!("{dir}/{}/projects.csv", d.slug),
            bytes: projects.department(di),
        });
        files.push(OutFile {
            path: format!("{dir}/{}/indicators.csv", d.slug),
            bytes: indicators.department(di),
        });
    }
    files
}

//! A book's open-data downloads.

use super::*;

/// Open-data downloads of one book under `<book>/data/`.
pub fn downloads(b: &Book, f: &BookFindings) -> Vec<OutFile> {
    let dir = format!("{}/data", b.slug);
    // Each department's own projects and indicators, for a reader who follows one bureau.
    let per_department = b
        .departments
        .iter()
        .filter(|d| !d.projects.is_empty())
        .flat_map(|d| {
            let one = std::slice::from_ref(d);
            [
                OutFile {
                    path: format!("{}/{}/projects.csv", dir, d.slug),
                    bytes: crate::opendata::projects_csv_of(b, one).into_bytes(),
                },
                OutFile {
                    path: format!("{}/{}/indicators.csv", dir, d.slug),
                    bytes: crate::opendata::indicators_csv_of(b, one).into_bytes(),
                },
            ]
        });
    let mut files = vec![
        OutFile {
            path: format!("{dir}/projects.csv"),
            bytes: crate::opendata::projects_csv(b).into_bytes(),
        },
        OutFile {
            path: format!("{dir}/indicators.csv"),
            bytes: crate::opendata::indicators_csv(b).into_bytes(),
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
    files.extend(per_department);
    files
}

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use jixiao::import::{ImportOptions, SourceInput};
use jixiao::model::Stage;
use std::path::PathBuf;
use std::process::ExitCode;

// Rendering allocates many short strings on every core; mimalloc handles that better
// than the system allocator (measured in BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "jixiao",
    version,
    about = "绩效目标表 → 公开网站：导入、检查、生成"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a new site: book.toml, an empty content/ and themes/.
    Init {
        /// Folder to create the site in (default: the current folder).
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Build the static site from book.toml, content/ and the theme.
    Build {
        /// Site folder (holds book.toml).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Output folder (default: <root>/public).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Absolute URL the site is served from (overrides book.toml and JIXIAO_BASE_URL).
        #[arg(long)]
        base_url: Option<String>,
        /// Print wall time per build phase.
        #[arg(long)]
        timings: bool,
        /// Also print each book's annual report to <book>/print.pdf, its contents numbered
        /// (needs Chromium: on PATH, or JIXIAO_CHROMIUM).
        #[arg(long)]
        pdf: bool,
    },
    /// Check every book against the rules; exit 1 when a finding reaches the failing severity.
    Check {
        /// Site folder (holds book.toml).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long, value_enum, default_value = "text")]
        format: jixiao::check::report::Format,
        /// Fail on warnings too (default: only on errors).
        #[arg(long)]
        strict: bool,
        /// Lowest severity listed: error, warning or info (default: all).
        #[arg(long, value_parser = parse_severity, default_value = "info")]
        show: jixiao::check::Severity,
    },
    /// Compare two versions of a book: projects added, dropped, renamed, split or merged,
    /// funds moved, targets weakened or strengthened, findings new or resolved.
    Diff(DiffArgs),
    /// Build, serve on 127.0.0.1, and rebuild what each saved change affects; the open
    /// page reloads itself (or shows the error while the last good site stays).
    Serve {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long, default_value_t = 8000)]
        port: u16,
        /// Output folder (default: <root>/public).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Write a synthetic site (book.toml + content/) shaped like the real documents, for
    /// benchmarks and scale tests. Same seed, same bytes.
    Generate {
        /// Folder to write the site into.
        #[arg(long)]
        out: PathBuf,
        /// Number of projects in all.
        #[arg(long, default_value_t = 1000)]
        projects: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Projects per book (one county's book).
        #[arg(long, default_value_t = 500)]
        book_size: usize,
    },
    /// Import source documents (Word, Excel, HTML, PDF with a text layer, text exports, a
    /// budget system's flat export, or jixiao's own CSV downloads) as one book.
    Import {
        /// Files or folders to import, in document order (a folder's files in path order).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Folder name of the book under content/ (lowercase ASCII, digits, '-').
        #[arg(long)]
        book: String,
        /// Site folder (holds book.toml); default: the nearest one at or above the current
        /// folder, as git finds its repository.
        #[arg(long)]
        root: Option<PathBuf>,
        /// Content folder (default: <root>/content).
        #[arg(long)]
        content: Option<PathBuf>,
        #[arg(long)]
        title: Option<String>,
        #[arg(long)]
        region: Option<String>,
        #[arg(long)]
        issuer: Option<String>,
        #[arg(long)]
        year: Option<u16>,
        /// draft (草案) or final.
        #[arg(long, value_parser = parse_stage)]
        stage: Option<Stage>,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum DiffFormat {
    /// For a terminal.
    Text,
    /// For a pull-request comment.
    Markdown,
    Json,
}

fn parse_stage(s: &str) -> Result<Stage, String> {
    match s {
        "draft" | "草案" => Ok(Stage::Draft),
        "final" | "正式" => Ok(Stage::Final),
        _ => Err("expected draft or final".into()),
    }
}

fn parse_severity(s: &str) -> Result<jixiao::check::Severity, String> {
    use jixiao::check::Severity;
    match s {
        "error" => Ok(Severity::Error),
        "warning" => Ok(Severity::Warning),
        "info" => Ok(Severity::Info),
        _ => Err("expected error, warning or info".into()),
    }
}

/// mimalloc returns freed memory to the OS a while after it is freed (10 ms in v2, 1 s in
/// v3), and the kernel zeroes it again when it is reused: for a command that runs a second
/// or a minute and frees as it goes (books streamed through a build), that was a quarter
/// of its time (`perf`: clear_page_erms). Commands keep it; `serve`, which runs for hours,
/// does not.
fn keep_freed_memory() {
    // `mi_option_purge_delay` in mimalloc.h (v2 and v3); libmimalloc-sys names no constant.
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // SAFETY: reading and setting an allocator option; no memory is touched. The check
    // against the documented defaults makes sure the number is that option, and leaves a
    // delay set through MIMALLOC_PURGE_DELAY alone.
    unsafe {
        if matches!(libmimalloc_sys::mi_option_get(PURGE_DELAY), 10 | 1000) {
            libmimalloc_sys::mi_option_set(PURGE_DELAY, -1);
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if !matches!(cli.command, Command::Serve { .. }) {
        keep_freed_memory();
    }
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Build {
            root,
            out,
            base_url,
            timings,
            pdf,
        } => {
            let out = out.unwrap_or_else(|| root.join("public"));
            let opts = jixiao::site::BuildOptions {
                root,
                out: out.clone(),
                base_url,
                progress: true,
                pdf,
            };
            let stats = jixiao::site::build(&opts)?;
            match &stats.rebuilt {
                Some(r) if r.books == 0 && r.written == 0 && stats.pages == 0 => eprintln!(
                    "{} is up to date: no input changed since the last build",
                    out.display()
                ),
                Some(r) => eprintln!(
                    "rebuilt {} of {} books: {} pages rendered, {} files written, {} removed ({:.1} MB) in {}",
                    r.books,
                    r.of,
                    stats.pages,
                    r.written,
                    r.removed,
                    stats.bytes as f64 / 1e6,
                    out.display()
                ),
                None => eprintln!(
                    "built {} pages ({} files, {:.1} MB; search index {:.0} KB) into {}",
                    stats.pages,
                    stats.files,
                    stats.bytes as f64 / 1e6,
                    stats.search_bytes as f64 / 1e3,
                    out.display()
                ),
            }
            if timings {
                eprintln!("{}", stats.timings.report());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Check {
            root,
            format,
            strict,
            show,
        } => {
            use jixiao::check::report;
            let site = jixiao::site::load(&root)?;
            // Reviewers see every finding, the published and the reviewer-only.
            use rayon::prelude::*;
            let findings: Vec<_> = site
                .books
                .par_iter()
                .map(|b| jixiao::check::check_book(b, &site.config.check))
                .collect();
            let checked: Vec<report::Checked<'_>> = site
                .books
                .iter()
                .zip(&findings)
                .map(|(book, findings)| report::Checked { book, findings })
                .collect();
            let shown = match format {
                report::Format::Text => report::text(&checked, show),
                report::Format::Json => report::json(&checked, show),
                report::Format::Github => report::github(&checked, show, &root),
            };
            emit(&shown);
            Ok(ExitCode::from(report::exit_code(&checked, strict)))
        }
        Command::Diff(args) => diff(args),
        Command::Serve { root, port, out } => {
            let out = out.unwrap_or_else(|| root.join("public"));
            jixiao::serve::serve(&root, &out, port)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Generate {
            out,
            projects,
            seed,
            book_size,
        } => {
            if out.join("content").exists() {
                anyhow::bail!(
                    "{}: already has a content/ folder; generate into a new folder",
                    out.display()
                );
            }
            let opts = jixiao::synth::Options {
                projects,
                seed,
                book_size,
            };
            let books = jixiao::synth::write_site(&opts, &out)?;
            eprintln!(
                "generated {projects} projects in {} books into {}",
                books.len(),
                out.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Init { dir } => {
            jixiao::site_init::init(&dir)?;
            eprintln!(
                "created a new site in {}: edit book.toml, then `jixiao import FILE --book NAME`",
                dir.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Import {
            files,
            book,
            root,
            content,
            title,
            region,
            issuer,
            year,
            stage,
        } => {
            let (inputs, found) = read_inputs(&files)?;
            let opts = ImportOptions {
                book,
                title,
                region,
                issuer,
                year,
                stage,
            };
            let imported = jixiao::import::import_found(&inputs, &found, &opts)?;
            let content = match (content, root) {
                (Some(c), _) => c,
                (None, Some(r)) => r.join("content"),
                (None, None) => site_above(&std::env::current_dir()?)?.join("content"),
            };
            let dir = jixiao::content::write_book(
                &imported.book,
                &imported.report.to_markdown(),
                &content,
            )?;
            eprintln!("{}", imported.report.summary());
            eprintln!(
                "  written to {} (report: {})",
                dir.display(),
                dir.join(jixiao::content::IMPORT_REPORT).display()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The nearest folder at or above `from` that holds a `book.toml`: import writes into
/// that site's content/, wherever in the site it runs, and never makes a stray content/.
fn site_above(from: &std::path::Path) -> anyhow::Result<PathBuf> {
    from.ancestors()
        .find(|d| d.join("book.toml").is_file())
        .map(|d| d.to_path_buf())
        .ok_or_else(|| {
            anyhow::anyhow!(
                "no book.toml in {} or any folder above it, so there is no site to import into\n  = help: run `jixiao init DIR` to make a site, then import inside it, or pass --root DIR (or --content DIR)",
                from.display()
            )
        })
}

/// The named files, and the files found under the named folders (sorted by path, hidden
/// files and symbolic links left out). Source names are the path below the folder.
fn read_inputs(paths: &[PathBuf]) -> anyhow::Result<(Vec<SourceInput>, Vec<SourceInput>)> {
    let read = |p: &std::path::Path, name: String| -> anyhow::Result<SourceInput> {
        let bytes = std::fs::read(p).map_err(|e| {
            anyhow::anyhow!(
                "{}: cannot read: {e}\n  = help: check the file name and path",
                p.display()
            )
        })?;
        Ok(SourceInput { name, bytes })
    };
    let mut named = Vec::new();
    let mut found = Vec::new();
    for p in paths {
        if p.is_dir() {
            let walk = walkdir::WalkDir::new(p)
                .follow_links(false)
                .sort_by_file_name()
                .into_iter()
                .filter_entry(|e| {
                    e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.')
                });
            for entry in walk {
                let entry =
                    entry.with_context(|| format!("{}: cannot list the folder", p.display()))?;
                if !entry.file_type().is_file() {
                    continue;
                }
                let rel = entry.path().strip_prefix(p).unwrap_or(entry.path());
                let name = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().to_string())
                    .collect::<Vec<_>>()
                    .join("/");
                found.push(read(entry.path(), name)?);
            }
        } else {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            named.push(read(p, name)?);
        }
    }
    Ok((named, found))
}

#[derive(clap::Args)]
struct DiffArgs {
    /// The old version: a book of the site (its folder name under content/) or a book
    /// folder. With --git: the book to compare (default: every book of the site).
    old: Option<String>,
    /// The new version, as OLD.
    new: Option<String>,
    /// Site folder (holds book.toml; its [check] settings judge both sides).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Compare the books as they are now with the same books in this git revision
    /// (a branch such as main, a tag or a commit): what a pull request changes.
    #[arg(long, value_name = "REV")]
    git: Option<String>,
    #[arg(long, value_enum, default_value = "text")]
    format: DiffFormat,
    /// Exit 1 when the comparison shows this (may be given more than once).
    #[arg(long, value_enum)]
    fail_on: Vec<jixiao::diff::FailOn>,
    /// Address of the preview site, for links in the Markdown (default:
    /// JIXIAO_BASE_URL, else base_url in book.toml when it is an http(s) address).
    #[arg(long)]
    base_url: Option<String>,
    /// Compare only the findings the public site shows (default: every finding, as
    /// reviewers see them).
    #[arg(long)]
    published: bool,
    /// Print wall time per phase (load, check, compare, output) on stderr.
    #[arg(long)]
    timings: bool,
}

/// `jixiao diff`: pair the books, compare each pair in parallel, print, and exit 1 when
/// a `--fail-on` condition holds.
fn diff(a: DiffArgs) -> Result<ExitCode> {
    use jixiao::diff::side;
    use rayon::prelude::*;
    let toml = a.root.join("book.toml");
    let config = if toml.is_file() {
        jixiao::config::load(&toml)?
    } else {
        jixiao::config::parse(&toml, "")?
    };
    let mut timings = jixiao::site::Timings::default();
    let t = std::time::Instant::now();
    let temp = side::TempDir::new()?;
    // (old, new) of each pair; a book only on one side is listed as added or dropped.
    let mut pairs = Vec::new();
    let mut only_old = Vec::new();
    let mut only_new = Vec::new();
    match (&a.git, a.old.as_deref(), a.new.as_deref()) {
        (Some(rev), None, None) => {
            let then = side::books_at(&a.root, rev)?;
            let now: Vec<String> = jixiao::content::book_dirs(&a.root.join("content"))?
                .iter()
                .filter_map(|d| d.file_name().map(|n| n.to_string_lossy().to_string()))
                .collect();
            for b in &now {
                if then.contains(b) {
                    pairs.push((b.clone(), b.clone()));
                } else {
                    only_new.push(b.clone());
                }
            }
            only_old.extend(then.iter().filter(|b| !now.contains(b)).cloned());
        }
        (Some(_), Some(book), None) => pairs.push((book.to_string(), book.to_string())),
        (Some(_), Some(_), Some(_)) => anyhow::bail!(
            "with --git, name one book (or none, for every book)\n  = help: jixiao diff --git main BOOK compares BOOK with itself on main; jixiao diff OLD NEW compares two books"
        ),
        (None, Some(old), Some(new)) => pairs.push((old.to_string(), new.to_string())),
        (None, _, _) => anyhow::bail!(
            "name the two versions to compare: jixiao diff OLD NEW (books of the site or book folders), or jixiao diff --git REV for what changed since a git revision"
        ),
        // clap fills OLD before NEW; kept as an error rather than a panic.
        (Some(_), None, Some(_)) => {
            anyhow::bail!("name the book to compare: jixiao diff --git REV BOOK")
        }
    }
    // A book of the site is named `content/<book>`, wherever the site is.
    let label = |dir: &std::path::Path| match dir.strip_prefix(a.root.join("content")) {
        Ok(rel) => format!("content/{}", rel.display()),
        Err(_) => dir.display().to_string(),
    };
    let in_site = |dir: &std::path::Path| dir.starts_with(a.root.join("content"));
    let loaded: Vec<(side::Loaded, side::Loaded, bool)> = pairs
        .par_iter()
        .map(|(o, n)| -> Result<_> {
            let new_dir = side::book_dir(&a.root, n)?;
            let (old, new) = rayon::join(
                || match &a.git {
                    Some(rev) => side::load_at(&a.root, rev, o, &temp.0),
                    None => {
                        let dir = side::book_dir(&a.root, o)?;
                        side::load_dir(&dir, label(&dir))
                    }
                },
                || side::load_dir(&new_dir, label(&new_dir)),
            );
            Ok((old?, new?, in_site(&new_dir)))
        })
        .collect::<Result<_>>()?;
    let t = timings.add("load", t);
    let checked: Vec<_> = loaded
        .par_iter()
        .map(|(o, n, _)| {
            let check = |b: &jixiao::model::Book| {
                let f = jixiao::check::check_book(b, &config.check);
                if a.published { f.published() } else { f }
            };
            rayon::join(|| check(&o.book), || check(&n.book))
        })
        .collect();
    let t = timings.add("check", t);
    let diffs: Vec<jixiao::diff::BookDiff> = loaded
        .par_iter()
        .zip(&checked)
        .map(|((o, n, _), (of, nf))| jixiao::diff::diff_books(&o.book, of, &n.book, nf))
        .collect();
    let t = timings.add("compare", t);
    let base = match a.format {
        DiffFormat::Markdown => jixiao::site::base_url(&config, a.base_url.as_deref())
            .ok()
            .filter(|u| u.starts_with("http://") || u.starts_with("https://")),
        _ => None,
    };
    let mut out = String::new();
    match a.format {
        DiffFormat::Json => {
            let books: Vec<serde_json::Value> = loaded
                .iter()
                .zip(&diffs)
                .map(|((o, n, _), d)| {
                    serde_json::json!({"old_source": o.label, "new_source": n.label, "diff": d})
                })
                .collect();
            let v = serde_json::json!({
                "books": books,
                "books_added": only_new,
                "books_dropped": only_old,
            });
            out = serde_json::to_string_pretty(&v)?;
            out.push('\n');
        }
        DiffFormat::Text | DiffFormat::Markdown => {
            for ((o, n, published), d) in loaded.iter().zip(&diffs) {
                // Links only to pages the preview has: the new side's book of this site.
                let base = base.as_deref().filter(|_| *published);
                if !out.is_empty() {
                    out.push('\n');
                }
                out.push_str(&match a.format {
                    DiffFormat::Text => jixiao::diff::text::render(d, &o.label, &n.label),
                    _ => jixiao::diff::markdown::render(d, &o.label, &n.label, base),
                });
            }
            for (list, what) in [(&only_new, "新增的册"), (&only_old, "删除的册")] {
                if !list.is_empty() {
                    let names: Vec<String> = list
                        .iter()
                        .map(|b| jixiao::text::for_terminal(b).into_owned())
                        .collect();
                    out.push_str(&format!("\n{what}：{}\n", names.join("、")));
                }
            }
            if loaded.is_empty() && only_new.is_empty() && only_old.is_empty() {
                out.push_str("没有可比较的册。\n");
            }
        }
    }
    emit(&out);
    timings.add("output", t);
    if a.timings {
        eprintln!("{}", timings.report());
    }
    let fails = a.fail_on.iter().any(|on| {
        diffs.iter().any(|d| d.fails(*on))
            || (*on == jixiao::diff::FailOn::Dropped && !only_old.is_empty())
    });
    Ok(if fails {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Print to stdout; a reader that went away (`| head`) is not an error.
fn emit(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|_| out.flush());
}

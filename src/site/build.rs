//! `jixiao build`: scan → load → analyse → render → write, for the whole site or, with the
//! build cache of the last build ([`super::cache`]), only for the books whose files
//! changed. Either way the output is byte-identical to a clean build.

use super::cache::{self, BookInput, Changes, Previous, Recorder, State};
use super::pages::book_search_docs;
use super::search::{self, IndexBuilder, Tokenized};
use super::summary::{self, BookSummary};
use super::theme::Theme;
use super::*;
use std::collections::HashMap;
use std::sync::Mutex;

/// Files for the build cache, by path inside it.
type CacheFiles = Vec<(String, Vec<u8>)>;
/// Cache files to replace (`None`: to remove).
type CacheEdits = Vec<(String, Option<Vec<u8>>)>;
/// A document's tokens with their weights.
type Tokens = Vec<(String, u32)>;

/// What an incremental build did.
#[derive(Debug, Default, Clone)]
pub struct Rebuilt {
    /// Books loaded and rendered again, of all.
    pub books: usize,
    pub of: usize,
    /// Output files written (changed or new) and removed.
    pub written: usize,
    pub removed: usize,
}

/// Build the site into `opts.out`.
pub fn build(opts: &BuildOptions) -> Result<BuildStats> {
    let mut timings = Timings::default();
    let t = Instant::now();
    // Before anything is built: a missing browser is the user's to fix, not a half build.
    let chromium = opts.pdf.then(pdf::Chromium::find).transpose()?;
    recover_output(&opts.out)?;
    cache::recover(&opts.out)?;
    let config = crate::config::load(&opts.root.join("book.toml"))?;
    let base = base_url(&config, opts.base_url.as_deref())?;
    let inputs = cache::scan(&opts.root, config.theme.as_deref(), &base, opts.pdf)?;
    // A printed build re-reads its staged pages: it is always a full one.
    let prev = if opts.pdf {
        cache::remove(&opts.out);
        None
    } else {
        Previous::read(&opts.out)
    };
    let t = timings.add("scan", t);
    match prev {
        Some(prev) => incremental(opts, &inputs, prev, timings, t),
        None => full(opts, &inputs, chromium.as_ref(), timings, t),
    }
}

fn state(inputs: &Inputs, summaries: &[BookSummary]) -> State {
    State::new(
        inputs.frame,
        inputs.scanned,
        inputs
            .books
            .iter()
            .zip(summaries)
            .map(|(i, s)| cache::BookState {
                fingerprint: i.fingerprint,
                newest: i.newest,
                summary: s.clone(),
            })
            .collect(),
    )
}

use cache::Inputs;

/// Thread time summed over the books rendered in parallel, per step.
#[derive(Default)]
struct Steps(Mutex<[Duration; 4]>);

impl Steps {
    fn add(&self, step: usize, since: Instant) -> Instant {
        if let Ok(mut s) = self.0.lock() {
            s[step] += since.elapsed();
        }
        Instant::now()
    }

    fn report(self, timings: &mut Timings) {
        let s = self.0.into_inner().unwrap_or_default();
        for (name, d) in ["  load", "  analyse", "  render+write", "  downloads"]
            .into_iter()
            .zip(s)
        {
            timings.phases.push((name, d));
        }
    }
}

/// One book done: what the site-wide pages and the search index need of it.
struct BookDone {
    summary: BookSummary,
    /// Its search documents and tokens ([`search::encode_docs`]): compact until the
    /// index is made, and kept in the cache.
    docs: Vec<u8>,
    pages: usize,
}

/// Load, check and render the books in `dirs`, a few at a time in parallel, each dropped
/// once its pages, downloads and search documents are made: memory holds a few books,
/// not the site. Content errors of every book are collected and reported together.
fn render_books(
    frame: &Site,
    dirs: &[PathBuf],
    theme: &Theme,
    sink: &dyn Sink,
    print: Option<(&pdf::Chromium, &DirSink)>,
    progress: bool,
    steps: &Steps,
) -> Result<Vec<BookDone>> {
    let done = std::sync::atomic::AtomicUsize::new(0);
    let show = progress && dirs.len() >= 20 && std::io::IsTerminal::is_terminal(&std::io::stderr());
    let results: Vec<Result<BookDone, Vec<crate::content::ContentError>>> = dirs
        .par_iter()
        .map(|dir| -> Result<_> {
            let t = Instant::now();
            let mut errors = Vec::new();
            let book = crate::content::load_book(dir, &mut errors);
            let (Some(book), true) = (book, errors.is_empty()) else {
                return Ok(Err(errors));
            };
            let t = steps.add(0, t);
            let findings = [analyse_book(&book, &frame.config)];
            // Its previous version is loaded and checked again here, also when it is a
            // book of this build: books stream through one at a time.
            let changes = match frame.config.previous(&book.slug) {
                Some(p) => {
                    let dir = frame.root.join("content").join(p);
                    let previous = crate::content::load_book(&dir, &mut errors);
                    let Some(previous) = previous else {
                        return Ok(Err(errors));
                    };
                    let pf = analyse_book(&previous, &frame.config);
                    Some(super::compare_with_previous(
                        &book,
                        &findings[0],
                        &previous,
                        &pf,
                    ))
                }
                None => None,
            };
            let t = steps.add(1, t);
            let site = Site {
                root: frame.root.clone(),
                config: frame.config.clone(),
                books: vec![book],
                pages: Vec::new(),
                pdf: frame.pdf,
                summaries: Vec::new(),
                changes: vec![changes],
            };
            let (pages, _) = pages::render_jobs(
                &site,
                &findings,
                theme,
                &pages::book_jobs(&site, 0),
                sink,
                false,
            )?;
            let t = steps.add(2, t);
            let b = &site.books[0];
            for file in pages::downloads(b, &findings[0]) {
                sink.put(file)?;
            }
            let docs = search::encode_docs(&book_search_docs(b));
            let summary = summary::summarise(&site, b, &findings[0]);
            steps.add(3, t);
            if let Some((chromium, staged)) = print {
                print_reports(&site, &findings, theme, staged, chromium)?;
            }
            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            if show && n.is_multiple_of((dirs.len() / 10).max(1)) {
                eprintln!("  rendered {n}/{} books", dirs.len());
            }
            Ok(Ok(BookDone {
                summary,
                docs,
                pages,
            }))
        })
        .collect::<Result<_>>()?;
    let mut out = Vec::with_capacity(results.len());
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok(b) => out.push(b),
            Err(e) => errors.extend(e),
        }
    }
    if !errors.is_empty() {
        return Err(crate::content::LoadErrors(errors).into());
    }
    Ok(out)
}

/// The theme's static files: first, as the printed report needs its style sheet.
fn put_statics(statics: &[(String, Vec<u8>)], sink: &dyn Sink) -> Result<()> {
    for (name, bytes) in statics {
        sink.put(OutFile {
            path: format!("static/{name}"),
            bytes: bytes.clone(),
        })?;
    }
    Ok(())
}

/// The site-wide pages (home, search, guide, rules, 404, Markdown pages) and the
/// sitemap, from the books' summaries. Returns the number of pages.
fn render_frame(frame: &Site, theme: &Theme, sink: &dyn Sink) -> Result<usize> {
    let (pages, _) = pages::render_jobs(frame, &[], theme, &pages::site_jobs(frame), sink, false)?;
    for file in pages::sitemap(frame) {
        sink.put(file)?;
    }
    Ok(pages)
}

/// book.toml, the site pages and the theme: all but the books. When a site page has
/// errors, the books in `dirs` are read too, so every content error is listed at once.
fn load_frame(opts: &BuildOptions, dirs: &[PathBuf]) -> Result<(Site, Theme)> {
    let mut frame = match load_books_in(&opts.root, Some(&[])) {
        Ok(f) => f,
        // Loaded with the books, it lists the books' errors as well as the pages'.
        Err(e) if e.is::<crate::content::LoadErrors>() => {
            return Err(load_books_in(&opts.root, Some(dirs)).err().unwrap_or(e));
        }
        Err(e) => return Err(e),
    };
    frame.pdf = opts.pdf;
    frame.config.base_url = base_url(&frame.config, opts.base_url.as_deref())?;
    let theme = theme::load(&opts.root, frame.config.theme.as_deref())?;
    Ok((frame, theme))
}

/// Render every book into a fresh folder, swap it in, and keep a new cache.
fn full(
    opts: &BuildOptions,
    inputs: &Inputs,
    chromium: Option<&pdf::Chromium>,
    mut timings: Timings,
    t: Instant,
) -> Result<BuildStats> {
    let dirs: Vec<PathBuf> = inputs.books.iter().map(|b| b.dir.clone()).collect();
    let (mut frame, theme) = load_frame(opts, &dirs)?;
    let t = timings.add("frame", t);
    let sink = DirSink::begin(&opts.out)?;
    let recorder = Recorder {
        inner: &sink,
        hashes: Default::default(),
    };
    let steps = Steps::default();
    let result = (|| -> Result<(usize, u64, CacheFiles)> {
        put_statics(&theme.statics, &recorder)?;
        let done = render_books(
            &frame,
            &dirs,
            &theme,
            &recorder,
            chromium.map(|c| (c, &sink)),
            opts.progress,
            &steps,
        )?;
        let t = timings.add("books", t);
        frame.summaries = done.iter().map(|d| d.summary.clone()).collect();
        let mut pages = render_frame(&frame, &theme, &recorder)?;
        pages += done.iter().map(|d| d.pages).sum::<usize>();
        let t = timings.add("site pages", t);
        let (files, shards) = whole_index(&frame, done.iter().map(|d| Ok(&d.docs)))?;
        let search_bytes = put_search(&recorder, files)?;
        let mut keep: CacheFiles = done
            .into_iter()
            .map(|d| (format!("search/b-{}", d.summary.slug), d.docs))
            .collect();
        keep.extend(shard_files(shards));
        timings.add("search index", t);
        Ok((pages, search_bytes, keep))
    })();
    let (pages, search_bytes, keep) = match result {
        Ok(r) => r,
        Err(e) => {
            sink.abort();
            return Err(e);
        }
    };
    let t = Instant::now();
    let files = sink.files();
    let bytes = sink.bytes();
    let outputs = recorder.hashes.into_inner().unwrap_or_default();
    // The old cache describes the old site: gone before the new site is swapped in.
    cache::remove(&opts.out);
    sink.commit()?;
    if !opts.pdf {
        cache::write_fresh(&opts.out, &state(inputs, &frame.summaries), &outputs, keep)?;
    }
    timings.add("swap in", t);
    steps.report(&mut timings);
    Ok(BuildStats {
        pages,
        files,
        bytes,
        search_bytes,
        timings,
        rebuilt: None,
    })
}

/// The search index over every book, from each book's encoded documents in book order,
/// read one book at a time: the search files and the shards the cache keeps.
fn whole_index<B: AsRef<[u8]>>(
    site: &Site,
    books: impl Iterator<Item = Result<B>>,
) -> Result<search::IndexFiles> {
    let mut ix = IndexBuilder::default();
    for bytes in books {
        ix.add_encoded(bytes?.as_ref())
            .ok_or_else(|| anyhow::anyhow!("search documents did not read back"))?;
    }
    ix.set_books(pages::search_books(site));
    Ok(ix.files_and_shards(true))
}

fn shard_files(shards: Vec<Vec<u8>>) -> impl Iterator<Item = (String, Vec<u8>)> {
    shards
        .into_iter()
        .enumerate()
        .map(|(i, b)| (format!("search/s-{i}"), b))
}

fn put_search(sink: &dyn Sink, files: Vec<(String, String)>) -> Result<u64> {
    let bytes = files.iter().map(|f| f.1.len() as u64).sum();
    files.into_par_iter().try_for_each(|(path, s)| {
        sink.put(OutFile {
            path,
            bytes: s.into_bytes(),
        })
    })?;
    Ok(bytes)
}

/// Load and render only the books that changed since the build `prev` describes (all of
/// them if the frame changed), and write only the files whose bytes changed.
fn incremental(
    opts: &BuildOptions,
    inputs: &Inputs,
    prev: Previous,
    mut timings: Timings,
    t: Instant,
) -> Result<BuildStats> {
    let frame_same = prev.state.frame == inputs.frame;
    let changed = |b: &BookInput| !frame_same || !prev.unchanged(b);
    // A book's 变化 page and marks change with its previous version too.
    let config = crate::config::load(&opts.root.join("book.toml"))?;
    let dirty: Vec<&BookInput> = inputs
        .books
        .iter()
        .filter(|b| {
            changed(b)
                || config
                    .previous(&b.slug)
                    .and_then(|p| inputs.books.iter().find(|x| x.slug == p))
                    .is_some_and(changed)
        })
        .collect();
    let removed = prev
        .state
        .books
        .iter()
        .filter(|s| !inputs.books.iter().any(|b| b.slug == s.summary.slug))
        .count();
    let mut stats = BuildStats {
        rebuilt: Some(Rebuilt {
            books: dirty.len(),
            of: inputs.books.len(),
            ..Rebuilt::default()
        }),
        ..BuildStats::default()
    };
    if frame_same && dirty.is_empty() && removed == 0 {
        stats.timings = timings;
        return Ok(stats);
    }

    let dirs: Vec<PathBuf> = dirty.iter().map(|b| b.dir.clone()).collect();
    let (mut frame, theme) = load_frame(opts, &dirs)?;
    let t = timings.add("frame", t);
    let sink = Changes::begin(&opts.out, &prev)?;
    let steps = Steps::default();
    let result = (|| -> Result<(usize, u64, CacheEdits)> {
        put_statics(&theme.statics, &sink)?;
        let done = render_books(&frame, &dirs, &theme, &sink, None, opts.progress, &steps)?;
        let t = timings.add("books", t);
        let mut summaries = Vec::with_capacity(inputs.books.len());
        let mut fresh = Vec::with_capacity(done.len());
        let mut done = done.into_iter().peekable();
        let mut pages = 0;
        for (at, b) in inputs.books.iter().enumerate() {
            if let Some(d) = done.next_if(|d| d.summary.slug == b.slug) {
                summaries.push(d.summary);
                pages += d.pages;
                fresh.push((at, d.docs));
            } else {
                match prev.book(&b.slug) {
                    Some(s) => summaries.push(s.summary.clone()),
                    None => bail!("{} is not in the build cache", b.slug),
                }
            }
        }
        frame.summaries = summaries;
        pages += render_frame(&frame, &theme, &sink)?;
        let t = timings.add("site pages", t);
        let (search_bytes, keep) = update_index(&frame, fresh, &prev, &sink)?;
        timings.add("search index", t);
        Ok((pages, search_bytes, keep))
    })();
    let (pages, search_bytes, mut keep) = match result {
        Ok(r) => r,
        Err(e) => {
            sink.abort();
            return Err(e);
        }
    };
    let t = Instant::now();
    for s in &prev.state.books {
        if !frame.summaries.iter().any(|x| x.slug == s.summary.slug) {
            keep.push((format!("search/b-{}", s.summary.slug), None));
        }
    }
    let kept: Vec<String> = inputs
        .books
        .iter()
        .filter(|b| !dirty.iter().any(|d| d.slug == b.slug))
        .map(|b| format!("{}/", b.slug))
        .collect();
    let written = sink.written();
    stats.bytes = sink.bytes();
    let (_, deleted) = sink.commit(&kept, keep, &state(inputs, &frame.summaries))?;
    timings.add("swap in", t);
    steps.report(&mut timings);
    stats.pages = pages;
    stats.files = written;
    stats.search_bytes = search_bytes;
    stats.timings = timings;
    if let Some(r) = stats.rebuilt.as_mut() {
        r.written = written;
        r.removed = deleted;
    }
    Ok(stats)
}

/// The search index after an incremental build's changes. When every book kept its
/// number of documents (ids stay put), only the shards of tokens the changed documents
/// gained or lost and the blocks of changed documents are made again, from the cache's
/// whole postings; otherwise the index is made again from every book's cached documents.
/// Returns the bytes of the search files made and the cache files to replace.
fn update_index(
    site: &Site,
    fresh: Vec<(usize, Vec<u8>)>,
    prev: &Previous,
    sink: &Changes,
) -> Result<(u64, CacheEdits)> {
    let cache_err = |what: &str| {
        anyhow::anyhow!(
            "the build cache in {} is damaged ({what})\n  = help: delete that folder; the next build is a full one",
            prev.dir.display()
        )
    };
    let read_docs = |slug: &str| -> Result<Vec<Tokenized>> {
        prev.read_file(&format!("search/b-{slug}"))
            .and_then(|b| search::decode_docs(&b))
            .ok_or_else(|| cache_err(&format!("search/b-{slug}")))
    };
    let same_shape = prev.state.books.len() == site.summaries.len()
        && prev
            .state
            .books
            .iter()
            .zip(&site.summaries)
            .all(|(p, s)| p.summary.slug == s.slug && p.summary.docs == s.docs)
        && fresh.len() * 2 <= site.summaries.len().max(1);
    let mut keep: CacheEdits = Vec::new();
    if !same_shape {
        let mut pending = fresh.iter().peekable();
        let books =
            site.summaries
                .iter()
                .enumerate()
                .map(|(i, s)| match pending.next_if(|f| f.0 == i) {
                    Some(f) => Ok(std::borrow::Cow::Borrowed(f.1.as_slice())),
                    None => prev
                        .read_file(&format!("search/b-{}", s.slug))
                        .map(std::borrow::Cow::Owned)
                        .ok_or_else(|| cache_err(&format!("search/b-{}", s.slug))),
                });
        let (files, shards) = whole_index(site, books)?;
        for (at, bytes) in fresh {
            keep.push((format!("search/b-{}", site.summaries[at].slug), Some(bytes)));
        }
        let bytes = put_search(sink, files)?;
        let n = shards.len();
        keep.extend(shard_files(shards).map(|(p, b)| (p, Some(b))));
        let old_n = search::shard_count(prev.state.books.iter().map(|b| b.summary.docs).sum());
        keep.extend((n..old_n as usize).map(|i| (format!("search/s-{i}"), None)));
        return Ok((bytes, keep));
    }

    // Ids stay put: patch.
    let mut decoded = Vec::with_capacity(fresh.len());
    for (at, bytes) in fresh {
        let docs = search::decode_docs(&bytes)
            .ok_or_else(|| anyhow::anyhow!("search documents did not read back"))?;
        keep.push((format!("search/b-{}", site.summaries[at].slug), Some(bytes)));
        decoded.push((at, docs));
    }
    let fresh = decoded;
    let starts: Vec<usize> = site
        .summaries
        .iter()
        .scan(0, |acc, s| {
            let at = *acc;
            *acc += s.docs;
            Some(at)
        })
        .collect();
    let total: usize = site.summaries.iter().map(|s| s.docs).sum();
    let shards = search::shard_count(total);
    let mut changed: Vec<(u32, Tokens, Tokens)> = Vec::new();
    let mut blocks = std::collections::BTreeSet::new();
    let mut touched = std::collections::BTreeSet::new();
    for (at, new) in &fresh {
        let old = read_docs(&site.summaries[*at].slug)?;
        for (k, (o, n)) in old.iter().zip(new).enumerate() {
            let id = starts[*at] + k;
            if o.doc != n.doc {
                blocks.insert(id / search::DOC_BLOCK);
            }
            if o.tokens != n.tokens {
                for (t, _) in o.tokens.iter().chain(&n.tokens) {
                    touched.insert(search::fnv1a(t) % shards);
                }
                changed.push((id as u32, o.tokens.clone(), n.tokens.clone()));
            }
        }
    }
    let patched: Vec<(u32, Vec<u8>, (String, String))> = touched
        .par_iter()
        .map(|&i| -> Result<_> {
            let mut shard = prev
                .read_file(&format!("search/s-{i}"))
                .and_then(|b| search::decode_shard(&b))
                .ok_or_else(|| cache_err(&format!("search/s-{i}")))?;
            for (id, old, new) in &changed {
                search::repost(&mut shard, (i, shards), *id, old, new);
            }
            Ok((
                i,
                search::encode_shard(&shard),
                search::shard_file(i, &shard),
            ))
        })
        .collect::<Result<_>>()?;
    let mut files: Vec<(String, String)> = Vec::new();
    for (i, bytes, file) in patched {
        keep.push((format!("search/s-{i}"), Some(bytes)));
        files.push(file);
    }
    // Blocks: their documents, from the books just rendered or the cache.
    let mut clean_docs: HashMap<usize, Vec<Tokenized>> = HashMap::new();
    for b in blocks {
        let ids = b * search::DOC_BLOCK..((b + 1) * search::DOC_BLOCK).min(total);
        let mut docs: Vec<search::Doc> = Vec::new();
        for id in ids {
            let at = starts.partition_point(|s| *s <= id) - 1;
            let k = id - starts[at];
            let doc = match fresh.iter().find(|f| f.0 == at) {
                Some(f) => f.1[k].doc.clone(),
                None => {
                    let docs = match clean_docs.entry(at) {
                        std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                        std::collections::hash_map::Entry::Vacant(e) => {
                            e.insert(read_docs(&site.summaries[at].slug)?)
                        }
                    };
                    docs[k].doc.clone()
                }
            };
            docs.push(doc);
        }
        let refs: Vec<&search::Doc> = docs.iter().collect();
        files.push(search::block_file(b, &refs));
    }
    let ranges: Vec<search::BookRange> = site
        .summaries
        .iter()
        .zip(&starts)
        .filter(|(s, _)| s.docs > 0)
        .map(|(s, start)| search::BookRange {
            slug: s.slug.clone(),
            title: s.search_title.clone(),
            start: *start,
            end: start + s.docs,
        })
        .collect();
    files.push(search::manifest_file(total, &ranges));
    for (at, new) in &fresh {
        let docs: Vec<search::Doc> = new.iter().map(|t| t.doc.clone()).collect();
        files.extend(search::dept_file(
            &site.summaries[*at].slug,
            search::dept_entries(&docs, starts[*at]),
        ));
    }
    let bytes = put_search(sink, files)?;
    // Every other search file stays as the last build wrote it.
    for i in 0..shards {
        sink.keep(&format!("search/t{i}.js"));
    }
    for b in 0..total.div_ceil(search::DOC_BLOCK) {
        sink.keep(&format!("search/d{b}.js"));
    }
    for s in &site.summaries {
        sink.keep(&format!("search/depts-{}.js", s.slug));
    }
    Ok((bytes, keep))
}

/// Print every book's report to `<book>/print.pdf` in the staged site, and number its
/// contents from that print: printed, numbered, printed again until the numbers hold
/// (the second print, as the numbers take no extra room).
fn print_reports(
    site: &Site,
    findings: &[BookFindings],
    theme: &Theme,
    sink: &DirSink,
    chromium: &pdf::Chromium,
) -> Result<()> {
    site.books
        .par_iter()
        .enumerate()
        .try_for_each(|(bi, b)| -> Result<()> {
            let html = sink.staged(&format!("{}/print.html", b.slug))?;
            let work = sink.staged(&format!("{}/.print-pass.pdf", b.slug))?;
            let mut known: Option<pdf::PdfInfo> = None;
            for _ in 0..4 {
                chromium.print(&html, &work)?;
                let bytes = std::fs::read(&work)
                    .with_context(|| format!("reading {}", work.display()))?;
                std::fs::remove_file(&work).ok();
                let printed = pdf::read(&bytes)
                    .with_context(|| format!("{}: the printed report", b.slug))?;
                if known.as_ref() == Some(&printed.info) {
                    return sink.put(OutFile {
                        path: format!("{}/print.pdf", b.slug),
                        bytes: printed.into_bytes()?,
                    });
                }
                let page =
                    pages::print_page_numbered(site, bi, &findings[bi], theme, &printed.info)?;
                sink.replace(page)?;
                known = Some(printed.info);
            }
            bail!(
                "{}: the report's page numbers changed with every print; print.html's contents may be laid out differently once numbered",
                b.slug
            )
        })
}

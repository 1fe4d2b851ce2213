//! Client-side search that works for Chinese without spaces.
//!
//! One tokenizer for index and query (the same algorithm runs in `search.js`): text is
//! NFKC-folded and lower-cased; runs of Han characters give overlapping bigrams (a
//! single Han character gives itself); runs of ASCII letters and digits give words.
//! The index is split into shards by a hash of the token, and documents into blocks, so
//! a query loads a manifest and a few small files rather than the corpus. Shards are
//! JavaScript files that register themselves, so search also works from `file://`.

use serde::Serialize;
use std::collections::BTreeMap;

/// Documents per document block.
pub const DOC_BLOCK: usize = 25;

pub fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    tokens_into(text, &mut out);
    out
}

/// [`tokens`], appended to `out`.
pub fn tokens_into(text: &str, out: &mut Vec<String>) {
    let folded = crate::text::nfkc(text);
    // Most table text has no letter that lowercasing changes: copy only text that has.
    let changes = |c: char| {
        let mut lower = c.to_lowercase();
        lower.next() != Some(c) || lower.next().is_some()
    };
    let folded = if folded.chars().any(changes) {
        std::borrow::Cow::Owned(folded.to_lowercase())
    } else {
        folded
    };
    let mut han: Vec<char> = Vec::new();
    let mut word = String::new();
    let flush_han = |han: &mut Vec<char>, out: &mut Vec<String>| {
        match han.len() {
            0 => {}
            1 => out.push(han[0].to_string()),
            _ => {
                for w in han.windows(2) {
                    out.push(w.iter().collect());
                }
            }
        }
        han.clear();
    };
    for c in folded.chars() {
        if crate::text::is_han(c) {
            if !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
            han.push(c);
        } else if c.is_ascii_alphanumeric() {
            flush_han(&mut han, out);
            word.push(c);
        } else {
            flush_han(&mut han, out);
            if !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
        }
    }
    flush_han(&mut han, out);
    if !word.is_empty() {
        out.push(word);
    }
}

/// FNV-1a over the UTF-8 bytes: cheap, and easy to reproduce exactly in JavaScript.
pub fn fnv1a(s: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in s.as_bytes() {
        h ^= *b as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// A searchable thing: title, link (relative to the site root), kind, context line, and
/// a short text a result quotes around the match (at most [`SNIPPET_CHARS`]).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Doc {
    pub title: String,
    pub url: String,
    pub kind: String,
    pub sub: String,
    pub text: String,
}

/// A result's snippet is cut from this much text: enough for a line or two around the
/// match, little enough that the blocks a query loads stay a few kilobytes each.
pub const SNIPPET_CHARS: usize = 160;

/// `parts` joined by `sep`, cut at [`SNIPPET_CHARS`] characters (with … when cut).
pub fn snippet_text<'a>(parts: impl IntoIterator<Item = &'a str>, sep: &str) -> String {
    let mut out = String::new();
    let mut n = 0;
    for p in parts.into_iter().map(str::trim).filter(|p| !p.is_empty()) {
        let piece = if out.is_empty() {
            p.to_string()
        } else {
            format!("{sep}{p}")
        };
        for c in piece.chars() {
            if n == SNIPPET_CHARS {
                out.push('…');
                return out;
            }
            out.push(c);
            n += 1;
        }
    }
    out
}

/// A document with its tokens and their weights (summed), ready to merge.
pub struct Tokenized {
    pub doc: Doc,
    pub tokens: Vec<(String, u32)>,
}

/// Tokenize a document's weighted fields (pure: runs in parallel over documents).
pub fn tokenize(doc: Doc, fields: &[(&str, u32)]) -> Tokenized {
    let mut all: Vec<(String, u32)> = Vec::new();
    let mut buf = Vec::new();
    for (text, weight) in fields {
        buf.clear();
        tokens_into(text, &mut buf);
        all.extend(buf.drain(..).map(|t| (t, *weight)));
    }
    all.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut tokens: Vec<(String, u32)> = Vec::with_capacity(all.len());
    for (t, w) in all {
        match tokens.last_mut() {
            Some(last) if last.0 == t => last.1 += w,
            _ => tokens.push((t, w)),
        }
    }
    Tokenized { doc, tokens }
}

/// The whole index in memory: documents, each document's tokens, postings, and which
/// tokens live in which shard. `serve` keeps it to update only the shards an edit touches.
#[derive(Default)]
pub struct IndexBuilder {
    docs: Vec<Doc>,
    /// Each document's tokens, kept only for [`IndexBuilder::replace`] (serve): a build
    /// does not need a second copy of every token.
    keep_tokens: bool,
    doc_tokens: Vec<Vec<(String, u32)>>,
    /// token → postings `[doc id, score]`, sorted by doc id.
    postings: std::collections::HashMap<String, Vec<[u32; 2]>>,
    /// (slug, title) of each book, so a query can be limited to one book: a book's
    /// documents are consecutive, so the manifest gives each book its range of ids.
    books: Vec<(String, String)>,
}

/// Postings kept per token: the best-scoring documents. A token found in thousands of
/// projects (`养护`, `经费`) would otherwise make one query download a list that grows
/// with the site; beyond this many hits a reader refines the query anyway.
pub const POSTINGS_CAP: usize = 1000;

fn capped(posts: &[[u32; 2]]) -> std::borrow::Cow<'_, [[u32; 2]]> {
    if posts.len() <= POSTINGS_CAP {
        return std::borrow::Cow::Borrowed(posts);
    }
    let mut best = posts.to_vec();
    best.sort_unstable_by(|a, b| b[1].cmp(&a[1]).then(a[0].cmp(&b[0])));
    best.truncate(POSTINGS_CAP);
    best.sort_unstable_by_key(|p| p[0]);
    std::borrow::Cow::Owned(best)
}

/// The search files (path, text) and, when kept, each shard's postings for the cache.
pub type IndexFiles = (Vec<(String, String)>, Vec<Vec<u8>>);

/// Documents per shard, on average: the shard count depends only on the number of
/// documents, so editing a text never reshuffles the index.
const DOCS_PER_SHARD: usize = 12;

impl IndexBuilder {
    /// Add a document with weighted fields.
    pub fn add(&mut self, doc: Doc, fields: &[(&str, u32)]) {
        self.add_tokenized(tokenize(doc, fields));
    }

    /// Add a document tokenized beforehand.
    pub fn add_tokenized(&mut self, t: Tokenized) {
        let id = self.docs.len() as u32;
        self.docs.push(t.doc);
        if self.keep_tokens {
            for (token, w) in &t.tokens {
                self.postings
                    .entry(token.clone())
                    .or_default()
                    .push([id, *w]);
            }
            self.doc_tokens.push(t.tokens);
        } else {
            for (token, w) in t.tokens {
                self.postings.entry(token).or_default().push([id, w]);
            }
        }
    }

    /// Add a book's documents as [`encode_docs`] wrote them. Their tokens go straight
    /// into the postings, and one already there costs no allocation: decoding every
    /// book's tokens into strings first held all of them at once (the peak memory of a
    /// 100k-project build). `None` when the bytes do not read back (the index may then
    /// hold part of them).
    pub fn add_encoded(&mut self, bytes: &[u8]) -> Option<()> {
        if self.keep_tokens {
            for t in decode_docs(bytes)? {
                self.add_tokenized(t);
            }
            return Some(());
        }
        let mut r = Reader(bytes);
        for _ in 0..r.u32()? {
            let id = self.docs.len() as u32;
            self.docs.push(r.doc()?);
            for _ in 0..r.u32()? {
                let (token, w) = (r.str()?, r.u32()?);
                match self.postings.get_mut(token) {
                    Some(posts) => posts.push([id, w]),
                    None => {
                        self.postings.insert(token.to_string(), vec![[id, w]]);
                    }
                }
            }
        }
        r.0.is_empty().then_some(())
    }

    /// An index that can later [`replace`](IndexBuilder::replace) documents.
    pub fn for_updates() -> Self {
        IndexBuilder {
            keep_tokens: true,
            ..IndexBuilder::default()
        }
    }

    /// Name the books whose documents were added (see [`IndexBuilder::book_ranges`]).
    pub fn set_books(&mut self, books: Vec<(String, String)>) {
        self.books = books;
    }

    /// Each named book's range of documents (a book's documents are consecutive).
    fn book_ranges(&self) -> Vec<BookRange> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < self.docs.len() {
            let slug = book_of(&self.docs[i]);
            let mut j = i + 1;
            while j < self.docs.len() && book_of(&self.docs[j]) == slug {
                j += 1;
            }
            if let Some((slug, title)) = slug.and_then(|s| self.books.iter().find(|b| b.0 == s)) {
                out.push(BookRange {
                    slug: slug.clone(),
                    title: title.clone(),
                    start: i,
                    end: j,
                });
            }
            i = j;
        }
        out
    }

    /// `search/manifest.js` (see [`manifest_file`]).
    pub fn manifest_file(&self) -> (String, String) {
        manifest_file(self.docs.len(), &self.book_ranges())
    }

    /// `search/depts-<book>.js` of every named book (see [`dept_file`]).
    pub fn dept_files(&self) -> Vec<(String, String)> {
        let mut per_book: BTreeMap<&str, Vec<serde_json::Value>> = BTreeMap::new();
        for r in self.book_ranges().iter() {
            per_book
                .entry(
                    self.books
                        .iter()
                        .find(|b| b.0 == r.slug)
                        .map_or("", |b| &b.0),
                )
                .or_default()
                .extend(dept_entries(&self.docs[r.start..r.end], r.start));
        }
        per_book
            .into_iter()
            .filter_map(|(book, depts)| dept_file(book, depts))
            .collect()
    }

    pub fn doc_count(&self) -> usize {
        self.docs.len()
    }

    fn shards(&self) -> u32 {
        shard_count(self.docs.len())
    }

    fn block_file(&self, i: usize) -> (String, String) {
        let docs: Vec<&Doc> = self
            .docs
            .iter()
            .skip(i * DOC_BLOCK)
            .take(DOC_BLOCK)
            .collect();
        block_file(i, &docs)
    }

    /// Replace the documents from `start` on with `new` (the same number of them), and
    /// return only the files whose contents changed: the shards of every token that
    /// was added or removed and the document blocks of changed documents.
    pub fn replace(&mut self, start: usize, new: Vec<Tokenized>) -> Vec<(String, String)> {
        assert!(self.keep_tokens, "replace needs IndexBuilder::for_updates");
        let shards = self.shards();
        let mut touched_shards = std::collections::BTreeSet::new();
        let mut touched_blocks = std::collections::BTreeSet::new();
        for (k, t) in new.into_iter().enumerate() {
            let id = start + k;
            if self.docs[id] != t.doc {
                touched_blocks.insert(id / DOC_BLOCK);
                self.docs[id] = t.doc;
            }
            if self.doc_tokens[id] == t.tokens {
                continue;
            }
            let old = std::mem::replace(&mut self.doc_tokens[id], t.tokens);
            for (token, _) in &old {
                touched_shards.insert(fnv1a(token) % shards);
                if let Some(p) = self.postings.get_mut(token) {
                    p.retain(|x| x[0] != id as u32);
                    if p.is_empty() {
                        self.postings.remove(token);
                    }
                }
            }
            for (token, w) in &self.doc_tokens[id] {
                touched_shards.insert(fnv1a(token) % shards);
                let p = self.postings.entry(token.clone()).or_default();
                let at = p.partition_point(|x| x[0] < id as u32);
                p.insert(at, [id as u32, *w]);
            }
        }
        let mut by_shard: BTreeMap<u32, BTreeMap<&str, &[[u32; 2]]>> = touched_shards
            .iter()
            .map(|s| (*s, BTreeMap::new()))
            .collect();
        // One pass over the tokens; fine for the few shards an edit touches.
        for (token, posts) in &self.postings {
            if let Some(m) = by_shard.get_mut(&(fnv1a(token) % shards)) {
                m.insert(token, posts);
            }
        }
        let mut files: Vec<(String, String)> =
            by_shard.iter().map(|(i, m)| shard_file(*i, m)).collect();
        files.extend(touched_blocks.into_iter().map(|b| self.block_file(b)));
        files
    }
}

/// The book a document belongs to: the first segment of its URL.
fn book_of(d: &Doc) -> Option<&str> {
    d.url.split_once('/').map(|(s, _)| s)
}

/// A book's documents in the index: ids `start..end`, and its title for the book filter.
#[derive(Debug, Clone, PartialEq)]
pub struct BookRange {
    pub slug: String,
    pub title: String,
    pub start: usize,
    pub end: usize,
}

/// Shards for `docs` documents: depends only on the number of documents, so editing a
/// text never reshuffles the index.
pub fn shard_count(docs: usize) -> u32 {
    docs.div_ceil(DOCS_PER_SHARD).clamp(1, 8192) as u32
}

/// `search/manifest.js`: shard and block sizes, and each book's range of documents.
pub fn manifest_file(docs: usize, books: &[BookRange]) -> (String, String) {
    let books: Vec<serde_json::Value> = books
        .iter()
        .map(|r| serde_json::json!([r.slug, r.title, r.start, r.end]))
        .collect();
    (
        "search/manifest.js".to_string(),
        format!(
            "jixiaoSearch.manifest({});\n",
            crate::site::json_for_script(&serde_json::json!({
                "shards": shard_count(docs),
                "block": DOC_BLOCK,
                "docs": docs,
                "books": books
            }))
        ),
    )
}

/// `[department slug, name, first id, end id]` of the departments of a book's `docs`
/// (a department's document and its projects' follow each other), the first with id
/// `start`.
pub fn dept_entries(docs: &[Doc], start: usize) -> Vec<serde_json::Value> {
    fn dept_of(d: &Doc) -> Option<&str> {
        let mut it = d.url.splitn(3, '/');
        match (it.next(), it.next(), it.next()) {
            (Some(_), Some(d), Some(_)) => Some(d),
            _ => None,
        }
    }
    let mut depts = Vec::new();
    let mut i = 0;
    while i < docs.len() {
        let key = dept_of(&docs[i]);
        let mut j = i + 1;
        while j < docs.len() && dept_of(&docs[j]) == key {
            j += 1;
        }
        if let Some(dept) = key {
            let name = docs[i..j]
                .iter()
                .find(|d| d.kind == "部门")
                .map(|d| crate::text::for_pages(&d.title).into_owned())
                .unwrap_or_else(|| dept.to_string());
            depts.push(serde_json::json!([dept, name, start + i, start + j]));
        }
        i = j;
    }
    depts
}

/// `search/depts-<book>.js`: the book's departments ([`dept_entries`]), loaded only when
/// a search is limited to that book, so the manifest stays small.
pub fn dept_file(book: &str, depts: Vec<serde_json::Value>) -> Option<(String, String)> {
    if depts.is_empty() {
        return None;
    }
    Some((
        format!("search/depts-{book}.js"),
        format!(
            "jixiaoSearch.depts({},{});\n",
            crate::site::json_for_script(&book),
            crate::site::json_for_script(&depts)
        ),
    ))
}

/// `search/t<i>.js`: the postings of shard `i`'s tokens, each capped at [`POSTINGS_CAP`].
pub fn shard_file<T: AsRef<str> + Ord, P: AsRef<[[u32; 2]]>>(
    i: u32,
    tokens: &BTreeMap<T, P>,
) -> (String, String) {
    let tokens: BTreeMap<&str, std::borrow::Cow<'_, [[u32; 2]]>> = tokens
        .iter()
        .map(|(t, p)| (t.as_ref(), capped(p.as_ref())))
        .collect();
    (
        format!("search/t{i}.js"),
        format!(
            "jixiaoSearch.shard({i},{});\n",
            crate::site::json_for_script(&tokens)
        ),
    )
}

/// `search/d<i>.js`: the documents of block `i`.
pub fn block_file(i: usize, docs: &[&Doc]) -> (String, String) {
    use crate::text::for_pages;
    let rows: Vec<[std::borrow::Cow<'_, str>; 5]> = docs
        .iter()
        .map(|d| {
            [
                for_pages(&d.title),
                for_pages(&d.url),
                for_pages(&d.kind),
                for_pages(&d.sub),
                for_pages(&d.text),
            ]
        })
        .collect();
    (
        format!("search/d{i}.js"),
        format!(
            "jixiaoSearch.docs({i},{});\n",
            crate::site::json_for_script(&rows)
        ),
    )
}

impl IndexBuilder {
    /// Write the index as files `(path relative to site root, contents)`.
    pub fn files(&self) -> Vec<(String, String)> {
        self.files_and_shards(false).0
    }

    /// [`IndexBuilder::files`], and with `keep` each shard's whole postings (uncapped,
    /// [`encode_shard`]) for the build cache to update later.
    pub fn files_and_shards(&self, keep: bool) -> IndexFiles {
        use rayon::prelude::*;
        let shards = self.shards();
        // BTreeMaps per shard: token order, hence bytes, do not depend on hashing.
        let mut by_shard: Vec<BTreeMap<&str, &[[u32; 2]]>> = vec![BTreeMap::new(); shards as usize];
        for (token, posts) in &self.postings {
            by_shard[(fnv1a(token) % shards) as usize].insert(token, posts);
        }
        let mut files = vec![self.manifest_file()];
        files.extend(self.dept_files());
        files.par_extend(
            by_shard
                .par_iter()
                .enumerate()
                .map(|(i, shard)| shard_file(i as u32, shard)),
        );
        files.par_extend(
            (0..self.docs.len().div_ceil(DOC_BLOCK))
                .into_par_iter()
                .map(|i| self.block_file(i)),
        );
        let kept = if keep {
            by_shard.par_iter().map(encode_shard).collect()
        } else {
            Vec::new()
        };
        (files, kept)
    }
}

// The build cache's binary forms: little-endian lengths and numbers, strings as UTF-8.
// Read back only by the same build of jixiao (the cache is keyed by the executable), so
// no versioning beyond that; a short or malformed file decodes to None.

fn put_u32(out: &mut Vec<u8>, n: u32) {
    out.extend_from_slice(&n.to_le_bytes());
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_u32(out, s.len() as u32);
    out.extend_from_slice(s.as_bytes());
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn u32(&mut self) -> Option<u32> {
        let (head, rest) = self.0.split_first_chunk::<4>()?;
        self.0 = rest;
        Some(u32::from_le_bytes(*head))
    }

    fn str(&mut self) -> Option<&'a str> {
        let n = self.u32()? as usize;
        if self.0.len() < n {
            return None;
        }
        let (s, rest) = self.0.split_at(n);
        self.0 = rest;
        std::str::from_utf8(s).ok()
    }

    fn doc(&mut self) -> Option<Doc> {
        let mut field = || self.str().map(str::to_string);
        Some(Doc {
            title: field()?,
            url: field()?,
            kind: field()?,
            sub: field()?,
            text: field()?,
        })
    }
}

/// One shard's tokens with all their postings.
pub fn encode_shard<T: AsRef<str>, P: AsRef<[[u32; 2]]>>(tokens: &BTreeMap<T, P>) -> Vec<u8> {
    let mut out = Vec::new();
    put_u32(&mut out, tokens.len() as u32);
    for (t, posts) in tokens {
        put_str(&mut out, t.as_ref());
        put_u32(&mut out, posts.as_ref().len() as u32);
        for p in posts.as_ref() {
            put_u32(&mut out, p[0]);
            put_u32(&mut out, p[1]);
        }
    }
    out
}

pub type ShardPostings = BTreeMap<String, Vec<[u32; 2]>>;

pub fn decode_shard(bytes: &[u8]) -> Option<ShardPostings> {
    let mut r = Reader(bytes);
    let mut out = BTreeMap::new();
    for _ in 0..r.u32()? {
        let t = r.str()?.to_string();
        let n = r.u32()? as usize;
        let mut posts = Vec::with_capacity(n.min(r.0.len() / 8));
        for _ in 0..n {
            posts.push([r.u32()?, r.u32()?]);
        }
        out.insert(t, posts);
    }
    r.0.is_empty().then_some(out)
}

/// A book's documents with their tokens.
pub fn encode_docs(docs: &[Tokenized]) -> Vec<u8> {
    let mut out = Vec::new();
    put_u32(&mut out, docs.len() as u32);
    for t in docs {
        let d = &t.doc;
        for s in [&d.title, &d.url, &d.kind, &d.sub, &d.text] {
            put_str(&mut out, s);
        }
        put_u32(&mut out, t.tokens.len() as u32);
        for (token, w) in &t.tokens {
            put_str(&mut out, token);
            put_u32(&mut out, *w);
        }
    }
    out
}

pub fn decode_docs(bytes: &[u8]) -> Option<Vec<Tokenized>> {
    let mut r = Reader(bytes);
    let n = r.u32()? as usize;
    let mut out = Vec::with_capacity(n.min(bytes.len()));
    for _ in 0..n {
        let doc = r.doc()?;
        let k = r.u32()? as usize;
        let mut tokens = Vec::with_capacity(k.min(r.0.len()));
        for _ in 0..k {
            tokens.push((r.str()?.to_string(), r.u32()?));
        }
        out.push(Tokenized { doc, tokens });
    }
    r.0.is_empty().then_some(out)
}

/// Move document `id`'s postings in shard `i` (of `shards`) from its `old` tokens to its
/// `new` ones; tokens of other shards are left alone.
pub fn repost(
    shard: &mut ShardPostings,
    (i, shards): (u32, u32),
    id: u32,
    old: &[(String, u32)],
    new: &[(String, u32)],
) {
    let here = |t: &str| fnv1a(t) % shards == i;
    for (token, _) in old.iter().filter(|t| here(&t.0)) {
        if let Some(p) = shard.get_mut(token) {
            p.retain(|x| x[0] != id);
            if p.is_empty() {
                shard.remove(token);
            }
        }
    }
    for (token, w) in new.iter().filter(|t| here(&t.0)) {
        let p = shard.entry(token.clone()).or_default();
        let at = p.partition_point(|x| x[0] < id);
        p.insert(at, [id, *w]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_bigrams_and_latin_words() {
        assert_eq!(tokens("体检费"), vec!["体检", "检费"]);
        assert_eq!(tokens("费"), vec!["费"]);
        assert_eq!(tokens("博思V1.0维护"), vec!["博思", "v1", "0", "维护"]);
        assert_eq!(tokens("ＡＢＣ１２３"), vec!["abc123"]);
        assert_eq!(tokens("（草案）"), vec!["草案"]);
    }

    #[test]
    fn shards_are_script_files_safe_from_markup() {
        let mut b = IndexBuilder::default();
        b.add(
            Doc {
                title: "</script><b>x".into(),
                url: "a.html".into(),
                kind: "项目".into(),
                sub: String::new(),
                text: String::new(),
            },
            &[("体检费", 1)],
        );
        let files = b.files();
        assert!(files.iter().all(|(_, c)| !c.contains("</script")));
        assert!(files.iter().any(|(p, _)| p == "search/manifest.js"));
    }

    #[test]
    fn the_manifest_gives_each_book_its_range_of_documents() {
        let mut b = IndexBuilder::default();
        for url in [
            "a/1/index.html",
            "a/1/x.html",
            "b/2/index.html",
            "guide.html",
            "b/2/y.html",
        ] {
            b.add(
                Doc {
                    title: url.into(),
                    url: url.into(),
                    kind: "项目".into(),
                    sub: String::new(),
                    text: String::new(),
                },
                &[("体检费", 1)],
            );
        }
        b.set_books(vec![
            ("a".into(), "甲册".into()),
            ("b".into(), "乙册".into()),
        ]);
        let manifest = &b.files()[0].1;
        assert!(
            manifest.contains(r#""books":[["a","甲册",0,2],["b","乙册",2,3],["b","乙册",4,5]]"#),
            "{manifest}"
        );
        // Each book's departments, with their ranges, in a file of their own.
        let depts = b.dept_files();
        assert_eq!(
            depts,
            vec![
                (
                    "search/depts-a.js".to_string(),
                    "jixiaoSearch.depts(\"a\",[[\"1\",\"1\",0,2]]);\n".to_string()
                ),
                (
                    "search/depts-b.js".to_string(),
                    "jixiaoSearch.depts(\"b\",[[\"2\",\"2\",2,3],[\"2\",\"2\",4,5]]);\n"
                        .to_string()
                ),
            ]
        );
    }

    #[test]
    fn snippet_text_is_cut_at_its_limit_and_says_so() {
        let short = snippet_text(["低保对象", " ", "≥500人"], "；");
        assert_eq!(short, "低保对象；≥500人");
        let long: Vec<String> = (0..100).map(|i| format!("指标{i}")).collect();
        let cut = snippet_text(long.iter().map(String::as_str), " ");
        assert_eq!(cut.chars().count(), SNIPPET_CHARS + 1);
        assert!(cut.ends_with('…') && cut.starts_with("指标0 指标1"));
    }
}

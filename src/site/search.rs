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
use unicode_normalization::UnicodeNormalization;

/// Documents per document block.
pub const DOC_BLOCK: usize = 100;

pub fn tokens(text: &str) -> Vec<String> {
    let folded: String = text.nfkc().collect::<String>().to_lowercase();
    let mut out = Vec::new();
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
            flush_han(&mut han, &mut out);
            word.push(c);
        } else {
            flush_han(&mut han, &mut out);
            if !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
        }
    }
    flush_han(&mut han, &mut out);
    if !word.is_empty() {
        out.push(word);
    }
    out
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

/// A searchable thing: title, link (relative to the site root), kind, context line.
#[derive(Debug, Clone, Serialize)]
pub struct Doc {
    pub title: String,
    pub url: String,
    pub kind: String,
    pub sub: String,
}

#[derive(Default)]
pub struct IndexBuilder {
    docs: Vec<Doc>,
    /// token → (doc id → score); BTreeMaps keep the output deterministic.
    postings: BTreeMap<String, BTreeMap<u32, u32>>,
}

impl IndexBuilder {
    /// Add a document with weighted fields.
    pub fn add(&mut self, doc: Doc, fields: &[(&str, u32)]) {
        let id = self.docs.len() as u32;
        self.docs.push(doc);
        for (text, weight) in fields {
            for t in tokens(text) {
                *self.postings.entry(t).or_default().entry(id).or_default() += weight;
            }
        }
    }

    /// Write the index as files `(path relative to site root, contents)`.
    pub fn files(&self) -> Vec<(String, String)> {
        let total_bytes: usize = self
            .postings
            .iter()
            .map(|(t, p)| t.len() + p.len() * 8)
            .sum();
        // Aim for shards of about 12 KB of postings, so a query loads tens of KB.
        let shards = (total_bytes / 12_000).clamp(1, 8192) as u32;
        let mut by_shard: Vec<BTreeMap<&str, Vec<[u32; 2]>>> =
            vec![BTreeMap::new(); shards as usize];
        for (token, posts) in &self.postings {
            let s = (fnv1a(token) % shards) as usize;
            by_shard[s].insert(token, posts.iter().map(|(d, w)| [*d, *w]).collect());
        }
        let mut files = Vec::new();
        files.push((
            "search/manifest.js".to_string(),
            format!(
                "jixiaoSearch.manifest({});\n",
                crate::site::json_for_script(&serde_json::json!({"shards": shards, "block": DOC_BLOCK, "docs": self.docs.len()}))
            ),
        ));
        for (i, shard) in by_shard.iter().enumerate() {
            files.push((
                format!("search/t{i}.js"),
                format!(
                    "jixiaoSearch.shard({i},{});\n",
                    crate::site::json_for_script(shard)
                ),
            ));
        }
        for (i, block) in self.docs.chunks(DOC_BLOCK).enumerate() {
            let rows: Vec<[&str; 4]> = block
                .iter()
                .map(|d| {
                    [
                        d.title.as_str(),
                        d.url.as_str(),
                        d.kind.as_str(),
                        d.sub.as_str(),
                    ]
                })
                .collect();
            files.push((
                format!("search/d{i}.js"),
                format!(
                    "jixiaoSearch.docs({i},{});\n",
                    crate::site::json_for_script(&rows)
                ),
            ));
        }
        files
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
            },
            &[("体检费", 1)],
        );
        let files = b.files();
        assert!(files.iter().all(|(_, c)| !c.contains("</script")));
        assert!(files.iter().any(|(p, _)| p == "search/manifest.js"));
    }
}

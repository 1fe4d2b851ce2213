//! Markdown in and out. Imported prose is written as Markdown that renders back to the
//! same text; rendering never lets raw HTML from content through.

use pulldown_cmark::{Event, Options, Parser, html};

/// Escape text so Markdown shows it literally (ASCII punctuation that has meaning).
pub fn escape_inline(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '#' | '&' | '$'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Escape a paragraph line: inline escapes plus the block markers a line may start with
/// (`1. `, `- `, `+ `, `= `).
pub fn escape_line(s: &str) -> String {
    let mut e = escape_inline(s);
    let starts_list = {
        let digits: String = e.chars().take_while(|c| c.is_ascii_digit()).collect();
        let rest = &e[digits.len()..];
        (!digits.is_empty() && (rest.starts_with('.') || rest.starts_with(')')))
            || e.starts_with('-')
            || e.starts_with('+')
            || e.starts_with('=')
    };
    if starts_list && let Some(pos) = e.find(|c: char| !c.is_ascii_digit()) {
        e.insert(pos, '\\');
    }
    e
}

/// Render Markdown to HTML. Raw HTML in the source is shown as text, never emitted,
/// because content comes from untrusted documents.
pub fn render(md: &str) -> String {
    let md = crate::text::for_pages(md);
    let md = md.as_ref();
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    let parser = Parser::new_ext(md, opts).map(|ev| match ev {
        Event::Html(t) | Event::InlineHtml(t) => Event::Text(t),
        Event::Start(pulldown_cmark::Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let safe = if is_safe_url(&dest_url) {
                dest_url
            } else {
                "#".into()
            };
            Event::Start(pulldown_cmark::Tag::Link {
                link_type,
                dest_url: safe,
                title,
                id,
            })
        }
        Event::Start(pulldown_cmark::Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let safe = if is_safe_url(&dest_url) {
                dest_url
            } else {
                "#".into()
            };
            Event::Start(pulldown_cmark::Tag::Image {
                link_type,
                dest_url: safe,
                title,
                id,
            })
        }
        other => other,
    });
    let mut out = String::new();
    html::push_html(&mut out, cjk_strong(parser));
    out
}

/// CommonMark's flanking rules leave `**（括号）**` unemphasised when full-width
/// punctuation sits inside the delimiters next to a Han character. Text events that still
/// hold a `**…**` pair after parsing get it turned into strong emphasis here. It streams:
/// only one run of text is held at a time, so a 10 MB table costs no more than its parse.
fn cjk_strong<'a>(events: impl Iterator<Item = Event<'a>>) -> impl Iterator<Item = Event<'a>> {
    CjkStrong {
        inner: events.peekable(),
        queue: std::collections::VecDeque::new(),
    }
}

struct CjkStrong<'a, I: Iterator<Item = Event<'a>>> {
    inner: std::iter::Peekable<I>,
    /// Events made from the last run of text, not yet handed out.
    queue: std::collections::VecDeque<Event<'a>>,
}

impl<'a, I: Iterator<Item = Event<'a>>> Iterator for CjkStrong<'a, I> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        loop {
            if let Some(e) = self.queue.pop_front() {
                return Some(e);
            }
            let t = match self.inner.next()? {
                Event::Text(t) => t,
                other => return Some(other),
            };
            // The parser splits text at delimiters it did not use: join the run.
            if !matches!(self.inner.peek(), Some(Event::Text(_))) && !t.contains("**") {
                return Some(Event::Text(t));
            }
            let mut text = t.into_string();
            while let Some(Event::Text(_)) = self.inner.peek() {
                if let Some(Event::Text(more)) = self.inner.next() {
                    text.push_str(&more);
                }
            }
            split_strong(&text, &mut self.queue);
        }
    }
}

/// One run of text as events, with the `**…**` pairs CommonMark left as strong emphasis.
fn split_strong<'a>(text: &str, out: &mut std::collections::VecDeque<Event<'a>>) {
    use pulldown_cmark::{CowStr, Tag, TagEnd};
    // Only the case CommonMark gets wrong: full-width punctuation at an edge.
    let fw =
        |c: char| ('\u{3000}'..='\u{303F}').contains(&c) || ('\u{FF00}'..='\u{FFEF}').contains(&c);
    let mut rest = text;
    while let Some(start) = rest.find("**") {
        let Some(len) = rest[start + 2..].find("**").filter(|&l| {
            let inner = &rest[start + 2..start + 2 + l];
            l > 0 && (inner.chars().next().is_some_and(fw) || inner.chars().last().is_some_and(fw))
        }) else {
            break;
        };
        if start > 0 {
            out.push_back(Event::Text(CowStr::from(rest[..start].to_string())));
        }
        out.push_back(Event::Start(Tag::Strong));
        out.push_back(Event::Text(CowStr::from(
            rest[start + 2..start + 2 + len].to_string(),
        )));
        out.push_back(Event::End(TagEnd::Strong));
        rest = &rest[start + 2 + len + 2..];
    }
    if !rest.is_empty() {
        out.push_back(Event::Text(CowStr::from(rest.to_string())));
    }
}

/// Links from content may be relative, http(s) or mailto; nothing that runs script.
pub fn is_safe_url(url: &str) -> bool {
    let lower: String = url
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    match lower.split_once(':') {
        None => true,
        Some((scheme, _))
            if scheme.contains('/') || scheme.contains('?') || scheme.contains('#') =>
        {
            true
        }
        Some((scheme, _)) => matches!(scheme, "http" | "https" | "mailto"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaped_text_renders_literally() {
        let src = "1. 生活补助：50元*181天=9050；<p>标签</p> [链接] _x_";
        let html = render(&escape_line(src));
        assert!(
            html.contains("1. 生活补助：50元*181天=9050；&lt;p&gt;标签&lt;/p&gt; [链接] _x_"),
            "{html}"
        );
    }

    #[test]
    fn bold_next_to_full_width_punctuation() {
        assert_eq!(
            render("本站**（示例）**公开"),
            "<p>本站<strong>（示例）</strong>公开</p>\n"
        );
        assert_eq!(
            render("**加粗**和*强调*"),
            "<p><strong>加粗</strong>和<em>强调</em></p>\n"
        );
        assert_eq!(render("`**不变**`"), "<p><code>**不变**</code></p>\n");
        assert_eq!(
            render(&escape_line("原文a**b**c")),
            "<p>原文a**b**c</p>\n",
            "escaped text stays literal"
        );
    }

    #[test]
    fn raw_html_never_passes() {
        let html = render("<script>alert(1)</script>\n\n文字<img src=x onerror=alert(1)>");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
    }

    #[test]
    fn script_links_are_neutralised() {
        let html = render("[点我](javascript:alert(1)) [好](https://example.org/a)");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(html.contains("https://example.org/a"));
        assert!(!is_safe_url(" JavaScript:alert(1)"));
        assert!(!is_safe_url("java\tscript:alert(1)"));
        assert!(is_safe_url("../a/b.html"));
    }
}

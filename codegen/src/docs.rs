//! Converts the model's HTML documentation to the Markdown rustdoc renders.
//!
//! botocore documentation uses a small tag set (`p`, `code`, `a`, `ul`/`ol`/`li`, `b`,
//! `i`, `note`, `important`, `pre`, `br`, ...); a hand-written converter covers it without
//! pulling an HTML parser into the build. Text is escaped so rustdoc's lints
//! (broken links, bare URLs, unclosed HTML) stay quiet.

/// Markdown for an HTML fragment; empty when there is no text.
pub fn html_to_markdown(html: &str) -> String {
    let mut c = Converter::default();
    let mut rest = html;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('<') {
            if let Some(end) = after.find('>') {
                c.tag(&after[..end]);
                rest = &after[end + 1..];
                continue;
            }
            c.text("<");
            rest = after;
            continue;
        }
        let end = rest.find('<').unwrap_or(rest.len());
        c.text(&rest[..end]);
        rest = &rest[end..];
    }
    c.finish()
}

#[derive(Default)]
struct Converter {
    out: String,
    /// Current paragraph's inline text.
    line: String,
    /// Open list kinds: `None` for bullets, `Some(n)` for numbered.
    lists: Vec<Option<usize>>,
    /// Link target and the text collected for it.
    link: Option<(String, String)>,
    in_code: bool,
    in_pre: bool,
    /// The marker of a list item whose text has not started yet.
    marker: Option<String>,
    /// Text that starts the next paragraph (`**Note:** `).
    prefix: Option<&'static str>,
}

impl Converter {
    fn tag(&mut self, raw: &str) {
        let raw = raw.trim().trim_end_matches('/').trim();
        let closing = raw.starts_with('/');
        let body = raw.trim_start_matches('/');
        let name = body
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match (name.as_str(), closing) {
            (
                "p" | "div" | "note" | "important" | "dl" | "dd" | "dt" | "h1" | "h2" | "h3" | "h4",
                false,
            ) => {
                self.block();
                match name.as_str() {
                    "note" => self.prefix = Some("**Note:** "),
                    "important" => self.prefix = Some("**Important:** "),
                    _ => {}
                }
            }
            (
                "p" | "div" | "note" | "important" | "dl" | "dd" | "dt" | "h1" | "h2" | "h3" | "h4",
                true,
            ) => self.block(),
            ("br", _) => self.block(),
            ("ul", false) => {
                self.block();
                self.lists.push(None);
            }
            ("ol", false) => {
                self.block();
                self.lists.push(Some(0));
            }
            ("ul" | "ol", true) => {
                self.block();
                self.lists.pop();
                if self.lists.is_empty() {
                    self.out.push('\n');
                }
            }
            ("li", false) => {
                self.block();
                let depth = self.lists.len().saturating_sub(1);
                let marker = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        *n += 1;
                        format!("{n}. ")
                    }
                    _ => "- ".to_string(),
                };
                self.marker = Some(format!("{}{marker}", "   ".repeat(depth)));
            }
            ("li", true) => self.block(),
            ("code" | "tt", false) if !self.in_pre => {
                self.inline("`");
                self.in_code = true;
            }
            ("code" | "tt", true) if !self.in_pre => {
                self.in_code = false;
                if self.current().ends_with('`') {
                    // An empty code span: drop it rather than emit "``".
                    self.pop_char();
                } else {
                    self.inline("`");
                }
            }
            ("pre", false) => {
                self.block();
                self.out.push_str("```text\n");
                self.in_pre = true;
            }
            ("pre", true) => {
                self.flush_pre();
                self.out.push_str("```\n\n");
                self.in_pre = false;
            }
            ("b" | "strong", _) if !self.in_code && !self.in_pre => self.inline("**"),
            ("i" | "em" | "cite", _) if !self.in_code && !self.in_pre => self.inline("*"),
            ("a", false) => {
                let href = attr(body, "href").unwrap_or_default();
                self.link = Some((href, String::new()));
            }
            ("a", true) => {
                if let Some((href, text)) = self.link.take() {
                    let text = text.trim().to_string();
                    let link = if href.starts_with("http://") || href.starts_with("https://") {
                        if text.is_empty() || text == href {
                            format!("<{href}>")
                        } else {
                            format!("[{text}]({href})")
                        }
                    } else {
                        text
                    };
                    self.inline(&link);
                }
            }
            _ => {}
        }
    }

    fn current(&self) -> &str {
        match &self.link {
            Some((_, t)) => t,
            None => &self.line,
        }
    }

    fn pop_char(&mut self) {
        match &mut self.link {
            Some((_, t)) => {
                t.pop();
            }
            None => {
                self.line.pop();
            }
        }
    }

    fn inline(&mut self, s: &str) {
        match &mut self.link {
            Some((_, t)) => t.push_str(s),
            None => self.line.push_str(s),
        }
    }

    fn text(&mut self, raw: &str) {
        let decoded = decode_entities(raw);
        if self.in_pre {
            self.line.push_str(&decoded);
            return;
        }
        let mut s = String::with_capacity(decoded.len());
        // No space at the start of a paragraph, after a space, or just inside an opening backtick.
        let mut last_space = self.current().is_empty()
            || self.current().ends_with(' ')
            || (self.in_code && self.current().ends_with('`'));
        for ch in decoded.chars() {
            if ch.is_whitespace() {
                if !last_space {
                    s.push(' ');
                }
                last_space = true;
                continue;
            }
            last_space = false;
            if self.in_code {
                if ch == '`' {
                    s.push('\'');
                } else {
                    s.push(ch);
                }
            } else {
                match ch {
                    '[' | ']' | '*' | '_' | '`' | '<' | '>' | '#' | '|' | '\\' => {
                        s.push('\\');
                        s.push(ch);
                    }
                    _ => s.push(ch),
                }
            }
        }
        if !self.in_code && self.link.is_none() {
            s = wrap_bare_urls(&s);
        }
        self.inline(&s);
    }

    fn flush_pre(&mut self) {
        let text = std::mem::take(&mut self.line);
        for l in text.trim_matches('\n').lines() {
            self.out.push_str(l.trim_end());
            self.out.push('\n');
        }
    }

    /// Ends the current paragraph or list item.
    fn block(&mut self) {
        if self.in_pre {
            return;
        }
        let line = std::mem::take(&mut self.line);
        let text = line.trim();
        if text.is_empty() {
            return;
        }
        let text = match self.prefix.take() {
            Some(p) => format!("{p}{text}"),
            None => text.to_string(),
        };
        if let Some(marker) = self.marker.take() {
            self.out.push_str(&marker);
            self.out.push_str(&text);
            self.out.push('\n');
        } else if !self.lists.is_empty() && self.out.ends_with('\n') && !self.out.ends_with("\n\n")
        {
            // A second paragraph inside a list item continues the item.
            self.out.pop();
            self.out.push(' ');
            self.out.push_str(&text);
            self.out.push('\n');
        } else {
            if !self.out.is_empty() && !self.out.ends_with("\n\n") {
                self.out.push('\n');
            }
            self.out.push_str(&text);
            self.out.push_str("\n\n");
        }
    }

    fn finish(mut self) -> String {
        if self.in_pre {
            self.flush_pre();
            self.out.push_str("```\n");
        }
        if let Some((_, t)) = self.link.take() {
            self.line.push_str(&t);
        }
        self.block();
        let mut s = self.out.trim().to_string();
        while s.contains("\n\n\n") {
            s = s.replace("\n\n\n", "\n\n");
        }
        s
    }
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let i = tag.find(&format!("{name}="))?;
    let rest = &tag[i + name.len() + 1..];
    let (quote, rest) = match rest.chars().next()? {
        q @ ('"' | '\'') => (q, &rest[1..]),
        _ => (' ', rest),
    };
    let end = rest.find(quote).unwrap_or(rest.len());
    Some(decode_entities(&rest[..end]))
}

fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let ent = &rest[1..e];
            let ch = match ent {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ => ent
                    .strip_prefix("#x")
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| ent.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            ch.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Wraps `http(s)://` runs of already-escaped text in `<...>` so rustdoc links them.
fn wrap_bare_urls(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    loop {
        let i = match (rest.find("https://"), rest.find("http://")) {
            (Some(a), Some(b)) => a.min(b),
            (Some(a), None) | (None, Some(a)) => a,
            (None, None) => break,
        };
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let end = tail
            .find(|c: char| c.is_whitespace() || c == '\\' || c == ')' || c == '"')
            .unwrap_or(tail.len());
        let url = tail[..end].trim_end_matches(['.', ',', ';', ':']);
        out.push('<');
        out.push_str(url);
        out.push('>');
        rest = &tail[url.len()..];
    }
    out.push_str(rest);
    out
}

/// The indefinite article for `word` in generated prose: "an" before a vowel sound.
///
/// English picks by sound, not letter: `an UpdateJob` but `a UniqueId`, `an SMS` (an
/// acronym reads by letter names) but `a KMSKey`, `an hour` but `a Host`. The word may be
/// wrapped in backticks.
pub fn article(word: &str) -> &'static str {
    let w = word.trim_start_matches(['`', '*', '[', '(']);
    let lower = w.to_ascii_lowercase();
    let mut chars = w.chars();
    let (Some(first), second) = (chars.next(), chars.next()) else {
        return "a";
    };
    // Two capitals (or a capital and a digit) open an acronym, read letter by letter
    // ("an S3 bucket", "an HTTP header", "a URL"); letters whose names start with a vowel sound.
    if first.is_ascii_uppercase()
        && second.is_some_and(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    {
        return if "AEFHILMNORSX".contains(first) {
            "an"
        } else {
            "a"
        };
    }
    // "u" sounding like "you", "o" like "w", and a silent "h".
    const YOU: &[&str] = &[
        "uni", "use", "usa", "usi", "usu", "uti", "ura", "ure", "uri", "uro", "ubiq", "eu", "ewe",
    ];
    const WON: &[&str] = &["one", "once"];
    const SILENT_H: &[&str] = &["hour", "honest", "honor", "honour", "heir"];
    if YOU.iter().chain(WON).any(|p| lower.starts_with(p)) {
        return "a";
    }
    if SILENT_H.iter().any(|p| lower.starts_with(p)) {
        return "an";
    }
    if "aeiou".contains(lower.chars().next().unwrap_or('x')) {
        "an"
    } else {
        "a"
    }
}

/// `word` with its article, capitalized when `capital` (sentence start): "An `UpdateJob`".
pub fn with_article(word: &str, capital: bool) -> String {
    let a = article(word);
    match (capital, a) {
        (true, "an") => format!("An {word}"),
        (true, _) => format!("A {word}"),
        (false, a) => format!("{a} {word}"),
    }
}

#[cfg(test)]
mod tests {
    use super::html_to_markdown as md;
    use super::{article, with_article};

    #[test]
    fn paragraphs_code_and_links() {
        assert_eq!(
            md("<p>Returns a <code>JobId</code>.</p> <p>Second.</p>"),
            "Returns a `JobId`.\n\nSecond."
        );
        assert_eq!(
            md(r#"<p>See <a href="https://example.com/x">the guide</a>.</p>"#),
            "See [the guide](https://example.com/x)."
        );
        assert_eq!(
            md("<p>Go to https://aws.amazon.com/x.</p>"),
            "Go to <https://aws.amazon.com/x>."
        );
    }

    #[test]
    fn lists_and_notes() {
        let got = md("<p>Kinds:</p> <ul> <li> <p>One</p> </li> <li> <p>Two <b>bold</b></p> </li> </ul> <note> <p>Careful.</p> </note>");
        assert_eq!(got, "Kinds:\n\n- One\n- Two **bold**\n\n**Note:** Careful.");
    }

    #[test]
    fn escapes_what_rustdoc_would_misread() {
        assert_eq!(
            md("<p>Use [brackets] and a_b &lt;tag&gt; &amp; more</p>"),
            "Use \\[brackets\\] and a\\_b \\<tag\\> & more"
        );
        assert_eq!(md("plain text, no tags"), "plain text, no tags");
        assert_eq!(md(""), "");
        assert_eq!(md("<p>unclosed <b>bold"), "unclosed **bold");
    }

    #[test]
    fn articles_follow_the_sound() {
        let cases = [
            ("`InvalidJobStateException`", "an"),
            ("`UpdateJobInput`", "an"),
            ("`UnsupportedAddressException`", "an"),
            ("`ListJobsInput`", "a"),
            ("`Ec2RequestFailedException`", "an"),
            ("`UniqueId`", "a"),
            ("`UserData`", "a"),
            ("`S3Resource`", "an"),
            ("`SMSConfig`", "an"),
            ("`KMSKey`", "a"),
            ("`URLConfig`", "a"),
            ("`HTTPHeader`", "an"),
            ("`OneTimeToken`", "a"),
            ("`HourlyRate`", "an"),
            ("`Host`", "a"),
            ("`EuropeRegion`", "a"),
            ("", "a"),
        ];
        for (word, want) in cases {
            assert_eq!(article(word), want, "{word}");
        }
        assert_eq!(with_article("`AddressType`", true), "An `AddressType`");
        assert_eq!(with_article("`JobType`", false), "a `JobType`");
    }
}

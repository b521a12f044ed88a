//! `<service> help`, `<service> <command> help`, `--help`: the pages AWS CLI v1 prints
//! (NAME, DESCRIPTION, SYNOPSIS, OPTIONS, GLOBAL OPTIONS, EXAMPLES, OUTPUT), built from
//! the command table. The table's docs are the Markdown codegen made from the model's
//! HTML (for rustdoc too, so one converter); [`inline`] and `Page::docs` turn it into plain text
//! wrapped to the width. Not groff: no bold/underline overstrikes, no hyphenation.

use crate::format::text_width;
use crate::service;
use awsrt::internal::cli::{Command as Operation, Kind, Member, Struct};

/// The body indent of a section, as `man` lays it out.
const BODY: usize = 7;
/// One level of nesting under an option.
const STEP: usize = 3;
/// The narrowest width pages are laid out for (a tiny `COLUMNS` would leave no room).
const MIN_WIDTH: usize = 40;

/// The global options in AWS CLI v1's order: name, whether it takes a value, its type and
/// its description.
pub const GLOBALS: &[(&str, bool, &str, &str)] = &[
    ("debug", false, "boolean", "Turn on debug logging."),
    (
        "endpoint-url",
        true,
        "string",
        "Override command's default URL with the given URL.",
    ),
    (
        "no-verify-ssl",
        false,
        "boolean",
        "Refused by this client: TLS certificates are always verified (use an http:// --endpoint-url for a local test server).",
    ),
    (
        "no-paginate",
        false,
        "boolean",
        "Disable automatic pagination. If automatic pagination is disabled, only one call is made, for the first page of results.",
    ),
    (
        "output",
        true,
        "string",
        "The formatting style for command output: json, text or table.",
    ),
    (
        "query",
        true,
        "string",
        "A JMESPath query to use in filtering the response data.",
    ),
    (
        "profile",
        true,
        "string",
        "Use a specific profile from your credential file.",
    ),
    (
        "region",
        true,
        "string",
        "The region to use. Overrides config/env settings.",
    ),
    (
        "version",
        true,
        "string",
        "Display the version of this tool.",
    ),
    (
        "color",
        true,
        "string",
        "Turn on/off color output: on, off or auto.",
    ),
    (
        "no-sign-request",
        false,
        "boolean",
        "Do not sign requests. Credentials will not be loaded if this argument is provided.",
    ),
    (
        "ca-bundle",
        true,
        "string",
        "The CA certificate bundle to use when verifying SSL certificates. Overrides config/env settings.",
    ),
    (
        "cli-read-timeout",
        true,
        "int",
        "The maximum socket read time in seconds. If the value is set to 0, the socket read will be blocking and not timeout. The default value is 60 seconds.",
    ),
    (
        "cli-connect-timeout",
        true,
        "int",
        "The maximum socket connect time in seconds. If the value is set to 0, the socket connect will be blocking and not timeout. The default value is 60 seconds.",
    ),
    (
        "v2-debug",
        false,
        "boolean",
        "Refused by this client: it has no AWS CLI v2 migration warnings.",
    ),
];

/// The choices of the global options that have them (`--output`, `--color`).
pub fn global_choices(name: &str) -> &'static [&'static str] {
    match name {
        "output" => &["json", "text", "table"],
        "color" => &["on", "off", "auto"],
        _ => &[],
    }
}

/// The width pages are wrapped to: `COLUMNS` when set to a number, else the terminal's
/// (TIOCGWINSZ, as table output asks) when stdout is one, else 80.
pub fn width() -> usize {
    use std::io::IsTerminal;
    let w = match std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
    {
        Some(c) => c,
        None if std::io::stdout().is_terminal() => crate::format::terminal_width(),
        None => 80,
    };
    w.max(MIN_WIDTH)
}

/// A page being written, wrapped to `width`.
struct Page {
    out: String,
    width: usize,
}

impl Page {
    fn heading(&mut self, title: &str) {
        if !self.out.is_empty() && !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
        self.out.push_str(title);
        self.out.push('\n');
    }

    fn blank(&mut self) {
        if !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
    }

    /// One line, as is when it fits, else split with `\` continuations so a command
    /// line stays valid shell and nothing is cut off: at the last space that fits (the
    /// rest keeps the line's own indent), else inside the word (the rest at column 0 of
    /// the block, as a word cannot be indented).
    fn verbatim(&mut self, indent: usize, line: &str) {
        let room = self.width.saturating_sub(indent).max(4);
        let line = line.trim_end();
        if line.is_empty() {
            // No trailing blanks on an empty line.
            self.out.push('\n');
            return;
        }
        let lead: String = line.chars().take_while(|c| *c == ' ').collect();
        let mut rest: Vec<char> = line.chars().collect();
        loop {
            self.out.push_str(&" ".repeat(indent));
            if text_width(&rest.iter().collect::<String>()) <= room {
                self.out.extend(rest.iter());
                self.out.push('\n');
                return;
            }
            // The characters that fit in room - 1 columns, leaving one for the `\`.
            let mut used = 0;
            let mut n = 0;
            for c in &rest {
                let w = text_width(&c.to_string());
                if used + w > room - 1 {
                    break;
                }
                used += w;
                n += 1;
            }
            let n = n.max(1);
            let body = rest.iter().take_while(|c| **c == ' ').count();
            let space = rest[..n]
                .iter()
                .rposition(|c| *c == ' ')
                .filter(|&p| p > body);
            let (cut, next_lead) = match space {
                // The space stays before the `\`: the words stay apart.
                Some(p) => (p + 1, lead.as_str()),
                None => (n, ""),
            };
            self.out.extend(rest[..cut].iter());
            self.out.push_str("\\\n");
            let tail: Vec<char> = rest[cut..].to_vec();
            rest = next_lead.chars().chain(tail).collect();
            if rest.iter().all(|c| *c == ' ') {
                return;
            }
        }
    }

    /// Words filled into lines: the first starting with `first` at `indent`, the others
    /// at `indent + first` columns.
    fn fill(&mut self, indent: usize, first: &str, text: &str) {
        self.fill_hanging(indent, first, indent + text_width(first), text);
    }

    /// [`Page::fill`] with the other lines at `hang` columns.
    fn fill_hanging(&mut self, indent: usize, first: &str, hang: usize, text: &str) {
        let room = self.width.saturating_sub(hang).max(1);
        let mut line = String::new();
        let mut line_width = 0;
        let mut lead = format!("{}{first}", " ".repeat(indent));
        let flush = |out: &mut String, line: &mut String, lead: &mut String| {
            out.push_str(lead);
            out.push_str(line);
            out.push('\n');
            line.clear();
            *lead = " ".repeat(hang);
        };
        for word in text.split_whitespace() {
            let mut word: Vec<char> = word.chars().collect();
            loop {
                let w = text_width(&word.iter().collect::<String>());
                let sep = usize::from(line_width > 0);
                if line_width + sep + w <= room {
                    if sep == 1 {
                        line.push(' ');
                    }
                    line.extend(word.iter());
                    line_width += sep + w;
                    break;
                }
                if line_width > 0 {
                    flush(&mut self.out, &mut line, &mut lead);
                    line_width = 0;
                    continue;
                }
                // A word wider than the line (a long URL): broken at the width.
                let mut used = 0;
                let mut n = 0;
                for c in &word {
                    let cw = text_width(&c.to_string());
                    if used + cw > room {
                        break;
                    }
                    used += cw;
                    n += 1;
                }
                let n = n.max(1);
                line.extend(word[..n].iter());
                flush(&mut self.out, &mut line, &mut lead);
                word.drain(..n);
                if word.is_empty() {
                    break;
                }
            }
        }
        if line_width > 0 || !line.is_empty() {
            flush(&mut self.out, &mut line, &mut lead);
        }
    }

    /// Markdown docs as wrapped plain text at `indent`, paragraphs apart.
    fn docs(&mut self, indent: usize, markdown: &str) {
        let mut pre = false;
        let mut para = String::new();
        let end_para = |page: &mut Page, para: &mut String| {
            if !para.trim().is_empty() {
                page.fill(indent, "", &inline(para));
                page.blank();
            }
            para.clear();
        };
        for line in markdown.lines() {
            if pre {
                if line.trim_start().starts_with("```") {
                    pre = false;
                    self.blank();
                } else {
                    self.verbatim(indent + STEP, line);
                }
                continue;
            }
            if line.trim_start().starts_with("```") {
                end_para(self, &mut para);
                self.blank();
                pre = true;
                continue;
            }
            if line.trim().is_empty() {
                end_para(self, &mut para);
                // A list ends at a blank line.
                self.blank();
                continue;
            }
            if let Some((depth, marker, text)) = list_item(line) {
                end_para(self, &mut para);
                self.fill(indent + depth * STEP, &marker, &inline(text));
                continue;
            }
            if !para.is_empty() {
                para.push(' ');
            }
            para.push_str(line);
        }
        end_para(self, &mut para);
        self.blank();
    }
}

/// A Markdown list line: its depth (three spaces a level), the marker to print and the
/// text.
fn list_item(line: &str) -> Option<(usize, String, &str)> {
    let text = line.trim_start_matches(' ');
    let depth = (line.len() - text.len()) / 3;
    if let Some(rest) = text.strip_prefix("- ") {
        return Some((depth, "o ".to_string(), rest));
    }
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 {
        if let Some(rest) = text[digits..].strip_prefix(". ") {
            return Some((depth, format!("{}. ", &text[..digits]), rest));
        }
    }
    None
}

/// A Markdown paragraph's text without markup: escapes undone, emphasis and code marks
/// dropped, links as their text.
pub fn inline(md: &str) -> String {
    let chars: Vec<char> = md.chars().collect();
    let mut out = String::with_capacity(md.len());
    let mut i = 0;
    let mut code = false;
    // Open `[` of links: their `](url)` tails are dropped.
    let mut links = 0usize;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        if code {
            // Code spans hold text literally, up to the closing backtick.
            if c == '`' {
                code = false;
            } else {
                out.push(c);
            }
            continue;
        }
        match c {
            '\\' if i < chars.len() => {
                out.push(chars[i]);
                i += 1;
            }
            '`' => code = true,
            '*' => {}
            '[' => links += 1,
            ']' if links > 0 => {
                links -= 1;
                if chars.get(i) == Some(&'(') {
                    while i < chars.len() && chars[i] != ')' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            '<' => {
                // An autolink `<https://...>`: its URL as text.
                let rest: String = chars[i..].iter().collect();
                match rest.find('>') {
                    Some(end) if rest.starts_with("http") => {
                        out.push_str(&rest[..end]);
                        i += rest[..end].chars().count() + 1;
                    }
                    _ => out.push('<'),
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// The type AWS CLI v1 prints for a value: `string`, `structure`, ...
pub fn type_name(kind: &Kind) -> &'static str {
    match kind {
        Kind::String | Kind::Enum(_) => "string",
        Kind::Boolean => "boolean",
        Kind::Integer => "integer",
        Kind::Long => "long",
        Kind::Float => "float",
        Kind::Double => "double",
        Kind::Timestamp => "timestamp",
        Kind::Blob => "blob",
        Kind::Document => "document",
        Kind::Structure(_) => "structure",
        Kind::List(_) => "list",
        Kind::Map(_) => "map",
        // `Kind` is non-exhaustive; a kind added later still gets a page.
        _ => "value",
    }
}

/// The members a command documents: those of its input, less a paginated operation's
/// token and page-size members, which the AWS CLI hides behind `--starting-token` and
/// `--page-size` (still accepted).
pub fn documented(op: &Operation) -> impl Iterator<Item = &'static Member> + '_ {
    op.input
        .members
        .iter()
        .filter(move |m| match &op.paginator {
            Some(p) => m.field.name != p.input_token && Some(m.field.name) != p.limit_key,
            None => true,
        })
}

/// The options after a command's own, before the global ones, as the AWS CLI orders them.
pub fn extra_options(op: &Operation) -> Vec<&'static str> {
    let mut v = vec!["cli-input-json"];
    if op.paginator.is_some() {
        v.extend(["starting-token", "page-size", "max-items"]);
    }
    v.push("generate-cli-skeleton");
    v
}

/// The service page: description and every command.
pub fn service_help() -> String {
    let table = service().table;
    let mut page = Page {
        out: String::new(),
        width: width(),
    };
    page.heading("NAME");
    page.fill(BODY, "", &format!("{} -", table.command));
    page.heading("DESCRIPTION");
    page.docs(BODY, table.docs);
    page.heading("AVAILABLE COMMANDS");
    for op in table.operations {
        page.fill(BODY, "o ", op.command);
        page.blank();
    }
    // `completion` is this client's own; `help` is not listed, as in the AWS CLI.
    page.fill(BODY, "o ", "completion");
    page.out
}

/// The `completion` command's page.
pub fn completion_help() -> String {
    let cmd = service().table.command;
    let mut page = Page {
        out: String::new(),
        width: width(),
    };
    page.heading("NAME");
    page.fill(BODY, "", "completion -");
    page.heading("DESCRIPTION");
    page.fill(
        BODY,
        "",
        &format!("Prints a script that completes {cmd}'s commands, their options and the values of options with a fixed set of choices, for bash, zsh or fish. Install it with one of:"),
    );
    page.blank();
    for line in [
        format!("{cmd} completion bash > ~/.local/share/bash-completion/completions/{cmd}"),
        format!("{cmd} completion zsh > \"${{fpath[1]}}/_{cmd}\""),
        format!("{cmd} completion fish > ~/.config/fish/completions/{cmd}.fish"),
    ] {
        page.verbatim(BODY + STEP, &line);
    }
    page.heading("SYNOPSIS");
    page.verbatim(BODY + 5, "completion");
    page.verbatim(BODY + 3, "bash | zsh | fish");
    page.out
}

/// One option's synopsis entry: `--flag <value>`, `--flag | --no-flag` for booleans, in
/// `[...]` when optional.
fn synopsis_entry(m: &Member) -> String {
    let s = match m.kind {
        Kind::Boolean => format!("--{0} | --no-{0}", m.flag),
        _ => format!("--{} <value>", m.flag),
    };
    if m.required {
        s
    } else {
        format!("[{s}]")
    }
}

/// One command's page.
pub fn command_help(op: &Operation) -> String {
    let mut page = Page {
        out: String::new(),
        width: width(),
    };
    page.heading("NAME");
    page.fill(BODY, "", &format!("{} -", op.command));
    page.heading("DESCRIPTION");
    page.docs(BODY, op.docs);
    if op.paginator.is_some() {
        page.fill(
            BODY,
            "",
            &format!(
                "{} is a paginated operation. Multiple API calls may be issued in order to retrieve the entire data set of results. You can disable pagination by providing the --no-paginate argument.{}",
                op.command,
                match op.paginator.as_ref().and_then(|p| p.result_key) {
                    Some(key) => format!(" When using --output text and the --query argument on a paginated response, the --query argument must extract data from the results of the following query expressions: {key}"),
                    None => String::new(),
                }
            ),
        );
        page.blank();
    }
    page.heading("SYNOPSIS");
    page.verbatim(BODY + 5, op.command);
    for m in documented(op) {
        // Not shell: a long `--x | --no-x` wraps, one column in.
        page.fill_hanging(BODY + STEP, "", BODY + STEP + 1, &synopsis_entry(m));
    }
    for o in extra_options(op) {
        page.verbatim(BODY + STEP, &format!("[--{o} <value>]"));
    }
    for (name, value, _, _) in GLOBALS {
        let entry = if *value {
            format!("[--{name} <value>]")
        } else {
            format!("[--{name}]")
        };
        page.verbatim(BODY + STEP, &entry);
    }
    page.heading("OPTIONS");
    for m in documented(op) {
        let head = match m.kind {
            Kind::Boolean => format!("--{0} | --no-{0} (boolean)", m.flag),
            _ => format!("--{} ({})", m.flag, type_name(&m.kind)),
        };
        page.fill_hanging(BODY, "", BODY + 2, &head);
        page.docs(BODY + STEP, m.docs);
        if let Kind::Enum(values) = m.kind {
            page.fill(BODY + STEP, "", "Possible values:");
            page.blank();
            for v in values {
                page.fill(BODY + STEP, "o ", v);
            }
            page.blank();
        }
        nested(&mut page, BODY + STEP, &m.kind, &mut Vec::new());
        syntax(&mut page, &m.kind);
    }
    for o in extra_options(op) {
        let (ty, text) = match o {
            "cli-input-json" => ("string", "Performs service operation based on the JSON string provided. The JSON string follows the format provided by --generate-cli-skeleton. If other arguments are provided on the command line, the CLI values will override the JSON-provided values."),
            "starting-token" => ("string", "A token to specify where to start paginating. This is the NextToken from a previously truncated response."),
            "page-size" => ("integer", "The size of each page to get in the AWS service call. This does not affect the number of items returned in the command's output."),
            "max-items" => ("integer", "The total number of items to return in the command's output. If the total number of items available is more than the value specified, a NextToken is provided in the command's output. To resume pagination, provide the NextToken value in the starting-token argument of a subsequent command."),
            _ => ("string", "Prints a JSON skeleton to standard output without sending an API request. If provided with no value or the value input, prints a sample input JSON that can be used as an argument for --cli-input-json. If provided with the value output, it validates the command inputs and returns a sample output JSON for that command."),
        };
        page.fill(BODY, "", &format!("--{o} ({ty})"));
        page.fill(BODY + STEP, "", text);
        page.blank();
    }
    page.heading("GLOBAL OPTIONS");
    for (name, _, ty, text) in GLOBALS {
        page.fill(BODY, "", &format!("--{name} ({ty})"));
        page.fill(BODY + STEP, "", text);
        page.blank();
        let choices = global_choices(name);
        if !choices.is_empty() {
            for c in choices {
                page.fill(BODY + STEP, "o ", c);
            }
            page.blank();
        }
    }
    if !op.examples.is_empty() {
        page.heading("EXAMPLES");
        for ex in op.examples {
            if !ex.title.is_empty() {
                page.docs(BODY, ex.title);
            }
            if !ex.description.is_empty() {
                page.docs(BODY, ex.description);
            }
            let command = format!("{} {}", service().table.command, ex.command);
            for line in command.lines() {
                page.verbatim(BODY + STEP, line);
            }
            page.blank();
            if !ex.output.is_empty() {
                page.fill(BODY, "", "Output:");
                page.blank();
                for line in ex.output.lines() {
                    page.verbatim(BODY + STEP, line);
                }
                page.blank();
            }
        }
    }
    page.heading("OUTPUT");
    if op.output.members.is_empty() {
        page.fill(BODY, "", "None");
    }
    for m in op.output.members {
        member(&mut page, BODY, m, &mut Vec::new());
    }
    if !op.errors.is_empty() {
        page.heading("ERRORS");
        page.fill(BODY, "", &op.errors.join(", "));
    }
    page.out
}

/// A nested member: `Name -> (type)`, its docs and what is inside it.
fn member(page: &mut Page, indent: usize, m: &Member, seen: &mut Vec<&'static str>) {
    page.fill(
        indent,
        "",
        &format!("{} -> ({})", m.field.name, type_name(&m.kind)),
    );
    page.docs(indent + STEP, m.docs);
    nested(page, indent + STEP, &m.kind, seen);
}

/// What is inside a value, as `awscli/clidocs.py` `_doc_member` walks it: a structure's
/// members, a list's item as `(type)`, a map's `key` and `value`. A structure already
/// twice on the path is marked recursive, not followed.
fn nested(page: &mut Page, indent: usize, kind: &Kind, seen: &mut Vec<&'static str>) {
    match kind {
        Kind::Structure(s) => structure(page, indent, s, seen),
        Kind::List(item) => {
            page.fill(indent, "", &format!("({})", type_name(item)));
            page.blank();
            nested(page, indent + STEP, item, seen);
        }
        Kind::Map(value) => {
            // The table keeps no key shape: map keys are strings.
            page.fill(indent, "", "key -> (string)");
            page.blank();
            page.fill(indent, "", &format!("value -> ({})", type_name(value)));
            page.blank();
            nested(page, indent + STEP, value, seen);
        }
        _ => {}
    }
}

fn structure(page: &mut Page, indent: usize, s: &'static Struct, seen: &mut Vec<&'static str>) {
    if seen.iter().filter(|n| **n == s.name).count() > 1 {
        page.fill(indent, "", "( ... recursive ... )");
        page.blank();
        return;
    }
    seen.push(s.name);
    for m in s.members {
        member(page, indent, m, seen);
    }
    seen.pop();
}

/// A scalar in the AWS CLI's sense (`SCALAR_TYPES`): everything but structures, lists,
/// maps and documents.
fn scalar(kind: &Kind) -> bool {
    !matches!(
        kind,
        Kind::Structure(_) | Kind::List(_) | Kind::Map(_) | Kind::Document
    )
}

/// A document, or lists and maps of documents (`is_document_type_container`).
fn document_container(kind: &Kind) -> bool {
    match kind {
        Kind::Document => true,
        Kind::List(k) | Kind::Map(k) => document_container(k),
        _ => false,
    }
}

/// An option's syntax blocks, as `doc_option_example` writes them: `Shorthand Syntax:`
/// for structures, maps and lists of those; `Syntax:` for lists of scalars; else
/// `JSON Syntax:` for what is no scalar.
fn syntax(page: &mut Page, kind: &Kind) {
    let block = |page: &mut Page, title: &str, text: &str| {
        page.fill(BODY + STEP, "", title);
        page.blank();
        for line in text.lines() {
            page.verbatim(BODY + 2 * STEP, line);
        }
        page.blank();
    };
    let complex = |k: &Kind| matches!(k, Kind::Structure(_) | Kind::Map(_));
    let shorthand_ok = !document_container(kind)
        && (complex(kind) || matches!(kind, Kind::List(item) if !scalar(item)));
    if shorthand_ok {
        // A structure of one string `Value` gets no example at all (`_DONT_DOC`).
        if let Kind::Structure(s) = kind {
            if let [m] = s.members {
                if m.field.name == "Value" && matches!(m.kind, Kind::String) {
                    return;
                }
            }
        }
        let mut stack = Vec::new();
        let text = match kind {
            Kind::List(item) => shorthand(item, &mut stack).map(|t| format!("{t} ...")),
            k => shorthand(k, &mut stack),
        };
        // Too deep for shorthand: JSON only.
        if let Some(text) = text.filter(|t| !t.is_empty()) {
            block(page, "Shorthand Syntax:", &text);
        }
    }
    match kind {
        Kind::List(item) if scalar(item) => {
            let one = match item {
                Kind::String | Kind::Enum(_) => "\"string\"",
                Kind::Boolean => "true|false",
                k => type_name(k),
            };
            let mut text = format!("{one} {one} ...");
            if let Kind::Enum(values) = item {
                text.push_str("\n\nWhere valid values are:\n");
                for v in *values {
                    text.push_str(&format!("    {v}\n"));
                }
            }
            block(page, "Syntax:", &text);
        }
        k if !scalar(k) => block(page, "JSON Syntax:", &json_syntax(k, &mut Vec::new())),
        _ => {}
    }
}

/// A stack entry for what is no structure (only structure names can recur).
const NOT_A_STRUCTURE: &str = "";

/// `ParamShorthandDocGen._shorthand_docs`: `None` when nested deeper than the AWS CLI
/// documents (`TooComplexError`).
fn shorthand(kind: &Kind, stack: &mut Vec<&'static str>) -> Option<String> {
    if stack.len() > 3 {
        return None;
    }
    let name = |k: &Kind| match k {
        Kind::Structure(s) => s.name,
        _ => NOT_A_STRUCTURE,
    };
    match kind {
        Kind::Structure(s) => {
            let mut parts = Vec::new();
            for m in s.members.iter().filter(|m| !document_container(&m.kind)) {
                let shape = name(&m.kind);
                if shape != NOT_A_STRUCTURE && stack.contains(&shape) {
                    parts.push(format!("{}=( ... recursive ... )", m.field.name));
                    continue;
                }
                stack.push(shape);
                let v = shorthand(&m.kind, stack);
                stack.pop();
                parts.push(format!("{}={}", m.field.name, v?));
            }
            let inner = parts.join(",");
            Some(if stack.is_empty() {
                inner
            } else {
                format!("{{{inner}}}")
            })
        }
        Kind::List(item) => {
            stack.push(name(item));
            let e = shorthand(item, stack);
            stack.pop();
            let e = e?;
            Some(if !scalar(item) || stack.len() > 1 {
                format!("[{e},{e}]")
            } else {
                format!("{e},{e}")
            })
        }
        Kind::Map(value) => {
            stack.push(name(value));
            let v = shorthand(value, stack);
            stack.pop();
            let v = v?;
            let start = format!("KeyName1={v},KeyName2={v}");
            Some(if stack.is_empty() {
                start
            } else {
                format!("{{{start}}}")
            })
        }
        Kind::Document => Some(if stack.is_empty() { "" } else { "{}" }.into()),
        Kind::Enum(_) => Some("string".into()),
        k => Some(type_name(k).into()),
    }
}

/// The `JSON Syntax:` of a value: placeholders for scalars, enum values as `"A"|"B"`.
fn json_syntax(kind: &Kind, seen: &mut Vec<&'static str>) -> String {
    let pad = |s: String| s.replace('\n', "\n  ");
    match kind {
        Kind::String => "\"string\"".into(),
        Kind::Enum(values) => values
            .iter()
            .map(|v| format!("\"{v}\""))
            .collect::<Vec<_>>()
            .join("|"),
        Kind::Boolean => "true|false".into(),
        Kind::Document => "{...}".into(),
        Kind::Blob => "blob".into(),
        Kind::Structure(s) => {
            if seen.iter().filter(|n| **n == s.name).count() > 1 {
                return "{ ... recursive ... }".into();
            }
            seen.push(s.name);
            let members: Vec<String> = s
                .members
                .iter()
                .map(|m| format!("\"{}\": {}", m.field.name, json_syntax(&m.kind, seen)))
                .collect();
            seen.pop();
            format!("{{\n  {}\n}}", pad(members.join(",\n")))
        }
        Kind::List(item) => match item {
            Kind::Structure(_) | Kind::List(_) | Kind::Map(_) => {
                format!("[\n  {}\n  ...\n]", pad(json_syntax(item, seen)))
            }
            _ => format!("[{}, ...]", json_syntax(item, seen)),
        },
        Kind::Map(value) => format!("{{\"string\": {}\n  ...}}", pad(json_syntax(value, seen))),
        other => type_name(other).into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(width: usize) -> Page {
        Page {
            out: String::new(),
            width,
        }
    }

    #[test]
    fn markdown_becomes_plain_text() {
        assert_eq!(
            inline(
                r"The **Note:** `KmsKeyARN` \[x\] see [CreateKey](https://x.test/a) or <https://y.test/b> a\_b \*"
            ),
            "The Note: KmsKeyARN [x] see CreateKey or https://y.test/b a_b *"
        );
        // Code spans are literal.
        assert_eq!(inline(r"`a\_b*`"), r"a\_b*");
    }

    #[test]
    fn docs_wrap_lists_and_paragraphs() {
        let mut p = page(30);
        p.docs(
            2,
            "First paragraph with several words to wrap around.\n\n- one item that is long enough to wrap\n   - nested\n\n```text\nverbatim\n```\n\nLast.",
        );
        assert_eq!(
            p.out,
            "  First paragraph with several\n  words to wrap around.\n\n  o one item that is long\n    enough to wrap\n     o nested\n\n     verbatim\n\n  Last.\n\n"
        );
        for line in p.out.lines() {
            assert!(text_width(line) <= 30, "{line:?}");
        }
    }

    #[test]
    fn maps_document_as_the_aws_cli_does() {
        static VALUE: Kind = Kind::Integer;
        let map = Kind::Map(&VALUE);
        assert_eq!(
            shorthand(&map, &mut Vec::new()).as_deref(),
            Some("KeyName1=integer,KeyName2=integer")
        );
        let mut p = page(80);
        nested(&mut p, 0, &map, &mut Vec::new());
        assert_eq!(p.out, "key -> (string)\n\nvalue -> (integer)\n\n");
        // A list of maps: the item's shorthand then `...` (the AWS CLI documents the
        // item at the top), then JSON.
        let mut p = page(80);
        static MAP: Kind = Kind::Map(&VALUE);
        syntax(&mut p, &Kind::List(&MAP));
        assert!(
            p.out.contains("KeyName1=integer,KeyName2=integer ...\n"),
            "{}",
            p.out
        );
        assert!(p.out.contains("JSON Syntax:"), "{}", p.out);
        // A list of enums: space-separated values and the valid ones.
        let mut p = page(80);
        static ENUM: Kind = Kind::Enum(&["A", "B"]);
        syntax(&mut p, &Kind::List(&ENUM));
        assert!(p.out.contains("\"string\" \"string\" ...\n\n             Where valid values are:\n                 A\n"), "{}", p.out);
    }

    #[test]
    fn long_words_and_lines_are_split_at_the_width() {
        let mut p = page(12);
        p.fill(2, "", "https://example.test/long/path x");
        p.verbatim(2, "snowball --flag abcdefghij");
        for line in p.out.lines() {
            assert!(text_width(line) <= 12, "{line:?} in {:?}", p.out);
        }
        assert!(p.out.contains("  snowball \\\n"), "{}", p.out);
    }
}

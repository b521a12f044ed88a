//! `--output text` and `--output table` as the AWS CLI v1 prints them (`awscli/text.py`,
//! `awscli/table.py`, `awscli/formatter.py`), byte for byte: Python's `str()` of each
//! value, keys sorted as Python sorts them, tables sized to the terminal with East Asian
//! wide characters counted twice, and colorama's codes when colour is on.

use serde_json::{Map, Value};

use crate::pyjson;
use crate::wide::WIDE;

/// Python's `str()` of a parsed value: `True`, `None`, floats as `repr`, containers as
/// their `repr`.
pub fn py_str(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => py_repr(other),
    }
}

/// Python's `repr()` of a parsed value (strings quoted as Python quotes them).
fn py_repr(v: &Value) -> String {
    match v {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Number(n) => pyjson::number(n),
        Value::String(s) => str_repr(s),
        Value::Array(a) => {
            let items: Vec<String> = a.iter().map(py_repr).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Object(m) => {
            let items: Vec<String> = m
                .iter()
                .map(|(k, v)| format!("{}: {}", str_repr(k), py_repr(v)))
                .collect();
            format!("{{{}}}", items.join(", "))
        }
    }
}

/// `repr(str)`: single quotes unless the text has a `'` and no `"`; backslash escapes for
/// the quote, `\`, and non-printable characters.
fn str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::new();
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            // Latin-1 controls, the no-break space and the soft hyphen are not printable.
            c if (0x80..=0xa0).contains(&(c as u32)) || c == '\u{ad}' => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

fn is_scalar(v: &Value) -> bool {
    !matches!(v, Value::Array(_) | Value::Object(_))
}

// ---------------------------------------------------------------------------------------
// text (awscli/text.py)

/// `format_text(data, stream)`.
pub fn text(v: &Value, out: &mut String) {
    text_item(v, out, None, None);
}

fn text_item(item: &Value, out: &mut String, identifier: Option<&str>, keys: Option<&[String]>) {
    match item {
        Value::Object(m) => text_dict(keys, m, identifier, out),
        Value::Array(a) => text_list(a, identifier, out),
        other => {
            out.push_str(&py_str(other));
            out.push('\n');
        }
    }
}

fn text_list(items: &[Value], identifier: Option<&str>, out: &mut String) {
    if items.is_empty() {
        return;
    }
    if items.iter().any(Value::is_object) {
        let keys = all_scalar_keys(items);
        for el in items {
            text_item(el, out, identifier, Some(&keys));
        }
    } else if items.iter().any(Value::is_array) {
        let (scalars, rest): (Vec<&Value>, Vec<&Value>) = items.iter().partition(|v| is_scalar(v));
        if !scalars.is_empty() {
            scalar_list(&scalars, identifier, out);
        }
        for el in rest {
            text_item(el, out, identifier, None);
        }
    } else {
        scalar_list(&items.iter().collect::<Vec<_>>(), identifier, out);
    }
}

fn scalar_list(items: &[&Value], identifier: Option<&str>, out: &mut String) {
    match identifier {
        Some(id) => {
            for item in items {
                out.push_str(&id.to_uppercase());
                out.push('\t');
                out.push_str(&py_str(item));
                out.push('\n');
            }
        }
        None => {
            let row: Vec<String> = items.iter().map(|v| py_str(v)).collect();
            out.push_str(&row.join("\t"));
            out.push('\n');
        }
    }
}

fn text_dict(
    keys: Option<&[String]>,
    item: &Map<String, Value>,
    identifier: Option<&str>,
    out: &mut String,
) {
    let mut scalars: Vec<String> = Vec::new();
    let mut rest: Vec<(&str, &Value)> = Vec::new();
    match keys {
        None => {
            let mut sorted: Vec<(&String, &Value)> = item.iter().collect();
            sorted.sort_by(|a, b| a.0.cmp(b.0));
            for (k, v) in sorted {
                if is_scalar(v) {
                    scalars.push(py_str(v));
                } else {
                    rest.push((k, v));
                }
            }
        }
        Some(keys) => {
            for k in keys {
                scalars.push(item.get(k).map(py_str).unwrap_or_default());
            }
            let mut remaining: Vec<&String> = item.keys().filter(|k| !keys.contains(k)).collect();
            remaining.sort();
            for k in remaining {
                if let Some(v) = item.get(k) {
                    rest.push((k, v));
                }
            }
        }
    }
    if !scalars.is_empty() {
        if let Some(id) = identifier {
            scalars.insert(0, id.to_uppercase());
        }
        out.push_str(&scalars.join("\t"));
        out.push('\n');
    }
    for (k, v) in rest {
        text_item(v, out, Some(k), None);
    }
}

/// The sorted keys with a scalar value in any of the list's objects.
fn all_scalar_keys(items: &[Value]) -> Vec<String> {
    let mut keys: Vec<String> = items
        .iter()
        .filter_map(Value::as_object)
        .flat_map(|m| {
            m.iter()
                .filter(|(_, v)| is_scalar(v))
                .map(|(k, _)| k.clone())
        })
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

// ---------------------------------------------------------------------------------------
// table (awscli/table.py, formatter.py TableFormatter)

/// The width `get_text_length` gives: East Asian wide, full-width and ambiguous
/// characters count two columns.
pub fn text_width(s: &str) -> usize {
    s.chars()
        .map(|c| {
            let c = c as u32;
            let wide = WIDE
                .binary_search_by(|&(lo, hi)| {
                    if hi < c {
                        std::cmp::Ordering::Less
                    } else if lo > c {
                        std::cmp::Ordering::Greater
                    } else {
                        std::cmp::Ordering::Equal
                    }
                })
                .is_ok();
            if wide {
                2
            } else {
                1
            }
        })
        .sum()
}

#[derive(Default)]
struct Section {
    /// `None` for the untitled sections of nested lists (Python measures it as `"None"`).
    title: Option<String>,
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
    indent: usize,
    num_cols: Option<usize>,
    max_widths: Vec<usize>,
}

impl Section {
    fn update_widths(&mut self, row: &[String]) {
        if self.max_widths.is_empty() {
            self.max_widths = row.iter().map(|s| text_width(s)).collect();
        } else {
            for (i, el) in row.iter().enumerate() {
                let w = text_width(el);
                match self.max_widths.get_mut(i) {
                    Some(m) => *m = (*m).max(w),
                    // Python would raise IndexError; `add_row` already refuses such rows.
                    None => self.max_widths.push(w),
                }
            }
        }
    }
    fn add_header(&mut self, headers: Vec<String>) {
        self.update_widths(&headers);
        if self.num_cols.is_none() {
            self.num_cols = Some(headers.len());
        }
        self.headers = headers;
    }
    fn add_row(&mut self, row: Vec<String>) -> Result<(), String> {
        let n = *self.num_cols.get_or_insert(row.len());
        if row.len() != n {
            return Err(format!(
                "Row should have {n} elements, instead it has {}",
                row.len()
            ));
        }
        self.update_widths(&row);
        self.rows.push(row);
        Ok(())
    }
    /// `calculate_column_widths(padding, max_width)`: scaled so they sum to `max_width`.
    fn column_widths(&self, padding: usize, max_width: Option<usize>) -> Vec<usize> {
        let unscaled: Vec<usize> = self.max_widths.iter().map(|w| w + padding).collect();
        let Some(max_width) = max_width else {
            return unscaled;
        };
        if unscaled.is_empty() {
            return unscaled;
        }
        let total: usize = unscaled.iter().sum();
        let scale = max_width as f64 / total as f64;
        // Python's round() rounds half to even.
        let mut scaled: Vec<i64> = unscaled
            .iter()
            .map(|&w| (scale * w as f64).round_ties_even() as i64)
            .collect();
        let mut off_by: i64 = scaled.iter().sum::<i64>() - max_width as i64;
        let n = scaled.len();
        while off_by != 0 {
            for j in 0..n {
                let i = if off_by < 0 { n - 1 - j } else { j };
                if off_by > 0 {
                    scaled[i] -= 1;
                    off_by -= 1;
                } else {
                    scaled[i] += 1;
                    off_by += 1;
                }
                if off_by == 0 {
                    break;
                }
            }
        }
        scaled.into_iter().map(|w| w.max(0) as usize).collect()
    }
    fn total_width(&self, padding: usize, outer: usize) -> usize {
        let total: usize = self
            .column_widths(0, None)
            .iter()
            .map(|w| w + padding)
            .sum::<usize>()
            + 2
            + 2 * outer;
        let title = self.title.as_deref().map_or(4, text_width);
        (title + 2 + 2 * outer).max(total)
    }
}

/// The styling of `Styler` (plain) or `ColorizedStyler` (colorama codes, and colorama's
/// `autoreset`, which appends a reset after every write to stdout).
struct Out {
    buf: String,
    color: bool,
}

const RESET: &str = "\x1b[0m";

impl Out {
    fn write(&mut self, s: &str) {
        self.buf.push_str(s);
        if self.color {
            self.buf.push_str(RESET);
        }
    }
    fn row_element(&self, s: &str) -> String {
        if self.color {
            format!("\x1b[1m\x1b[34m{s}{RESET}")
        } else {
            s.to_string()
        }
    }
    fn indent_char(&self) -> String {
        if self.color {
            format!("\x1b[2m\x1b[33m|{RESET}")
        } else {
            "|".into()
        }
    }
    /// `IndentedStream.write`.
    fn indented(&mut self, indent: usize, text: &str) {
        let bar = self.indent_char().repeat(indent);
        self.write(&bar);
        match text.strip_suffix('\n') {
            Some(line) => {
                self.write(line);
                self.write(&bar);
                self.write("\n");
            }
            None => self.write(text),
        }
    }
}

fn center_text(text: &str, length: usize, text_len: usize) -> String {
    let char_start = (length / 2) as i64 - (text_len / 2) as i64 - 1;
    let mut out = String::from("|");
    out.push_str(&" ".repeat(char_start.max(0) as usize));
    out.push_str(text);
    let so_far = 1 + char_start + text_len as i64;
    let right = length as i64 - 1 - so_far;
    out.push_str(&" ".repeat(right.max(0) as usize));
    out.push('|');
    out
}

/// A header cell: `center_text` with a left edge only on the first.
fn center_cell(text: &str, length: usize, text_len: usize, first: bool) -> String {
    let left = if first { "|" } else { "" };
    let char_start = (length / 2) as i64 - (text_len / 2) as i64 - 1;
    let mut out = String::from(left);
    out.push_str(&" ".repeat(char_start.max(0) as usize));
    out.push_str(text);
    let so_far = left.len() as i64 + char_start + text_len as i64;
    let right = length as i64 - 1 - so_far;
    out.push_str(&" ".repeat(right.max(0) as usize));
    out.push('|');
    out
}

fn align_left(text: &str, length: usize, text_len: usize, first: bool) -> String {
    let left = if first { "|" } else { "" };
    let computed = text_len + 2 + left.len() + 1;
    let padding = if length >= computed { 2 } else { 0 };
    let mut out = String::from(left);
    out.push_str(&" ".repeat(padding));
    out.push_str(text);
    let so_far = left.len() + padding + text_len;
    out.push_str(&" ".repeat(length.saturating_sub(so_far + 1)));
    out.push('|');
    out
}

/// `MultiTable` and `TableFormatter._build_table`.
struct Table {
    sections: Vec<Section>,
}

impl Table {
    fn current(&mut self) -> Result<&mut Section, String> {
        // Python raises AttributeError on a row before any section; the formatter always
        // opens one first.
        self.sections
            .last_mut()
            .ok_or_else(|| "'NoneType' object has no attribute 'add_row'".to_string())
    }
    fn new_section(&mut self, title: Option<&str>, indent: usize) {
        self.sections.push(Section {
            title: title.map(String::from),
            indent,
            ..Section::default()
        });
    }
    fn build(
        &mut self,
        title: Option<&str>,
        current: &Value,
        indent: usize,
    ) -> Result<bool, String> {
        if !truthy(current) {
            return Ok(false);
        }
        if title.is_some() {
            self.new_section(title, indent);
        }
        if let Value::Array(items) = current {
            if items.first().is_some_and(Value::is_object) {
                self.sub_table_from_list(items, indent, title)?;
            } else {
                for item in items {
                    match item {
                        Value::Array(a) if a.iter().all(is_scalar) => {
                            self.current()?.add_row(a.iter().map(py_str).collect())?
                        }
                        // Iterating a dict gives its keys, all scalars.
                        Value::Object(m) => self.current()?.add_row(m.keys().cloned().collect())?,
                        Value::Array(_) => {
                            self.build(None, item, 0)?;
                        }
                        scalar => self.current()?.add_row(vec![py_str(scalar)])?,
                    }
                }
            }
        }
        if let Value::Object(m) = current {
            self.sub_table_from_dict(m, indent)?;
        }
        Ok(true)
    }
    fn sub_table_from_dict(
        &mut self,
        current: &Map<String, Value>,
        indent: usize,
    ) -> Result<(), String> {
        let (headers, more) = group_scalar_keys(current);
        if headers.len() == 1 {
            let v = current.get(&headers[0]).map(py_str).unwrap_or_default();
            self.current()?.add_row(vec![headers[0].clone(), v])?;
        } else if !headers.is_empty() {
            let row = headers
                .iter()
                .map(|k| current.get(k).map(py_str).unwrap_or_default())
                .collect();
            self.current()?.add_header(headers);
            self.current()?.add_row(row)?;
        }
        for k in more {
            if let Some(v) = current.get(&k) {
                self.build(Some(&k), v, indent + 1)?;
            }
        }
        Ok(())
    }
    fn sub_table_from_list(
        &mut self,
        items: &[Value],
        indent: usize,
        title: Option<&str>,
    ) -> Result<(), String> {
        let mut headers: Vec<String> = Vec::new();
        let mut more: Vec<String> = Vec::new();
        for item in items {
            let Value::Object(m) = item else {
                // Python fails on `item[element]` for a non-dict element.
                return Err("list indices must be integers or slices, not str".into());
            };
            let (h, r) = group_scalar_keys(m);
            headers.extend(h);
            more.extend(r);
        }
        headers.sort();
        headers.dedup();
        more.sort();
        more.dedup();
        self.current()?.add_header(headers.clone());
        let mut first = true;
        for item in items {
            let Value::Object(m) = item else { continue };
            if !first && !more.is_empty() {
                self.new_section(title, indent);
                self.current()?.add_header(headers.clone());
            }
            first = false;
            let row = headers
                .iter()
                .map(|h| m.get(h).map(py_str).unwrap_or_default())
                .collect();
            self.current()?.add_row(row)?;
            for k in &more {
                if let Some(v) = m.get(k) {
                    self.build(Some(k), v, indent + 1)?;
                }
            }
        }
        Ok(())
    }

    fn render(mut self, width: usize, color: bool) -> String {
        let mut out = Out {
            buf: String::new(),
            color,
        };
        let mut max_width = self.max_width();
        if max_width > width {
            // convert_to_vertical_table: one-row sections with headers become key/value rows.
            for s in &mut self.sections {
                if s.rows.len() == 1 && !s.headers.is_empty() {
                    let mut n = Section {
                        title: std::mem::take(&mut s.title),
                        indent: s.indent,
                        ..Section::default()
                    };
                    for (h, e) in s.headers.iter().zip(&s.rows[0]) {
                        // Two columns every time: cannot fail.
                        let _ = n.add_row(vec![h.clone(), e.clone()]);
                    }
                    *s = n;
                }
            }
            max_width = self.max_width();
        }
        out.write(&format!("{}\n", "-".repeat(max_width)));
        for s in &self.sections {
            render_section(s, max_width, &mut out);
        }
        out.buf
    }

    fn max_width(&self) -> usize {
        self.sections
            .iter()
            .map(|s| s.total_width(4, s.indent))
            .max()
            .unwrap_or(0)
    }
}

fn render_section(s: &Section, max_width: usize, out: &mut Out) {
    let max_width = max_width.saturating_sub(s.indent * 2);
    let indent = s.indent;
    if let Some(title) = s.title.as_deref().filter(|t| !t.is_empty()) {
        let line = center_text(title, max_width, text_width(title));
        out.indented(indent, &format!("{line}\n"));
        if s.headers.is_empty() && s.rows.is_empty() {
            out.indented(
                indent,
                &format!("+{}+\n", "-".repeat(max_width.saturating_sub(2))),
            );
        }
    }
    if !s.headers.is_empty() {
        let widths = s.column_widths(4, Some(max_width));
        let mut line = String::new();
        for (i, (w, h)) in widths.iter().zip(&s.headers).enumerate() {
            line.push_str(&center_cell(h, *w, text_width(h), i == 0));
        }
        out.indented(indent, &line_break(&widths));
        out.indented(indent, &format!("{line}\n"));
    }
    if s.rows.is_empty() {
        return;
    }
    let widths = s.column_widths(4, Some(max_width));
    if widths.is_empty() {
        return;
    }
    out.indented(indent, &line_break(&widths));
    for row in &s.rows {
        let mut line = String::new();
        for (i, (w, e)) in widths.iter().zip(row).enumerate() {
            let styled = out.row_element(e);
            line.push_str(&align_left(&styled, *w, text_width(e), i == 0));
        }
        out.indented(indent, &format!("{line}\n"));
    }
    out.indented(indent, &line_break(&widths));
}

fn line_break(widths: &[usize]) -> String {
    let mut s = String::new();
    for (i, w) in widths.iter().enumerate() {
        if i == 0 {
            s.push_str(&format!("+{}+", "-".repeat(w.saturating_sub(2))));
        } else {
            s.push_str(&format!("{}+", "-".repeat(w.saturating_sub(1))));
        }
    }
    s.push('\n');
    s
}

/// Python truthiness: empty containers and strings, zero, `False` and `None` are false.
fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(m) => !m.is_empty(),
    }
}

fn group_scalar_keys(m: &Map<String, Value>) -> (Vec<String>, Vec<String>) {
    let mut headers = Vec::new();
    let mut more = Vec::new();
    for (k, v) in m {
        if is_scalar(v) {
            headers.push(k.clone());
        } else {
            more.push(k.clone());
        }
    }
    headers.sort();
    more.sort();
    (headers, more)
}

/// `TableFormatter`: the table of `response` titled with the operation name, for a
/// terminal `width` columns wide; `None` when the AWS CLI prints nothing (a false-y
/// response). An error for the shapes Python's formatter fails on.
pub fn table(
    title: &str,
    response: &Value,
    width: usize,
    color: bool,
) -> Result<Option<String>, String> {
    let mut t = Table {
        sections: Vec::new(),
    };
    if !t.build(Some(title), response, 0)? {
        return Ok(None);
    }
    Ok(Some(t.render(width, color)))
}

/// The width of the terminal on stdout, as `determine_terminal_width` finds it
/// (`TIOCGWINSZ`), else 80.
pub fn terminal_width() -> usize {
    #[cfg(unix)]
    {
        let mut ws = libc::winsize {
            ws_row: 0,
            ws_col: 0,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        // SAFETY: TIOCGWINSZ writes one `winsize` through the pointer, which outlives the call.
        let rc = unsafe { libc::ioctl(1, libc::TIOCGWINSZ, &mut ws as *mut libc::winsize) };
        if rc == 0 {
            return usize::from(ws.ws_col);
        }
    }
    80
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn text_prints_like_awscli() {
        let mut out = String::new();
        text(
            &json!({"B": [{"x": 1, "y": [1, 2]}, {"x": true}], "A": "s", "C": null}),
            &mut out,
        );
        assert_eq!(out, "s\tNone\nB\t1\nY\t1\nY\t2\nB\tTrue\n");
    }

    #[test]
    fn reprs_match_python() {
        assert_eq!(
            py_str(&json!({"a": ["it's", 1.5, null]})),
            "{'a': [\"it's\", 1.5, None]}"
        );
        // What Python prints for `str(["a\xa0b\tc"])`.
        assert_eq!(py_str(&json!(["a\u{a0}b\tc"])), r"['a\xa0b\tc']");
    }

    #[test]
    fn wide_characters_count_twice() {
        assert_eq!(text_width("aé漢"), 5);
    }
}

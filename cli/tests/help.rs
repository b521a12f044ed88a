//! `help` against the AWS CLI: for every operation of `snowball` and `importexport`, our
//! page and `aws <service> <command> help` (its reST, captured in one Python process by
//! `help/oracle.py`, without groff or a pager) must agree on what a user reads them for:
//! the synopsis entries in order (so the required/optional split), each option's type,
//! choices and nested members, the global options, the output members and the service's
//! command list. The AWS CLI takes examples from its own `awscli/examples/*.rst`, not the
//! model: ours come from the model's `examples-1.json`, so their presence is checked
//! against the model. And our pages keep no HTML and no line wider than the width
//! (`COLUMNS` 80 and 120).

mod common;

use std::path::PathBuf;
use std::process::Command;

use awsrt::internal::cli::ServiceTable;
use serde_json::{json, Value};

/// A page: its sections by title, each with its lines.
fn sections(text: &str) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for line in text.lines() {
        if !line.is_empty() && !line.starts_with(' ') {
            out.push((line.to_string(), Vec::new()));
        } else if let Some((_, lines)) = out.last_mut() {
            lines.push(line.to_string());
        }
    }
    out
}

fn section<'a>(s: &'a [(String, Vec<String>)], title: &str) -> &'a [String] {
    s.iter()
        .find(|(t, _)| t == title)
        .map_or(&[][..], |(_, l)| l.as_slice())
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// `--flag (type)` or `--flag | --no-flag (type)`: the flag and the type.
fn option_head(line: &str) -> Option<(String, String)> {
    let rest = line.strip_prefix("--")?;
    let (head, ty) = rest.rsplit_once(" (")?;
    let ty = ty.strip_suffix(')')?;
    let flag = head.split(" | ").next()?;
    if flag.contains(' ') || ty.contains(' ') {
        return None;
    }
    Some((flag.to_string(), ty.to_string()))
}

/// `Name -> (type)` or `(type)`.
fn member_label(line: &str) -> Option<String> {
    let t = line.trim();
    let ty = match t.split_once(" -> ") {
        Some((name, ty)) if !name.contains(' ') => ty,
        Some(_) => return None,
        None => t,
    };
    let inner = ty.strip_prefix('(')?.strip_suffix(')')?;
    (!inner.is_empty() && inner.chars().all(|c| c.is_ascii_alphanumeric())).then(|| t.to_string())
}

/// The options of an OPTIONS or GLOBAL OPTIONS section as the oracle describes them.
/// The lines with those wrapped at `indent` (continued at `hang`) joined again.
fn unwrap(lines: &[String], indent: usize, hang: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut open = false;
    for line in lines {
        let i = indent_of(line);
        if open && i == hang {
            let last = out.last_mut().expect("an open line");
            last.push(' ');
            last.push_str(line.trim());
            continue;
        }
        let t = line.trim();
        open = i == indent && (t.starts_with("[--") || t.starts_with("--"));
        out.push(line.clone());
    }
    out
}

/// `bare`: choices are `o value` lines without a "Possible values:" (global options).
fn options(lines: &[String], bare: bool) -> Vec<Value> {
    let lines = unwrap(lines, 7, 9);
    let mut opts: Vec<Value> = Vec::new();
    let mut in_values = false;
    let mut i = 0;
    while i < lines.len() {
        let line = &lines[i];
        i += 1;
        let indent = indent_of(line);
        let t = line.trim();
        if indent == 7 {
            if let Some((flag, ty)) = option_head(t) {
                opts.push(
                    json!({"flag": flag, "type": ty, "choices": [], "members": [], "syntax": []}),
                );
                in_values = false;
                continue;
            }
        }
        let Some(opt) = opts.last_mut() else {
            continue;
        };
        if t == "Possible values:" {
            in_values = true;
            continue;
        }
        if indent == 10 && t.starts_with("o ") && (in_values || bare) {
            opt["choices"]
                .as_array_mut()
                .expect("array")
                .push(json!(&t[2..]));
            continue;
        }
        if !t.is_empty() {
            in_values = false;
        }
        if indent == 10 && matches!(t, "Shorthand Syntax:" | "Syntax:" | "JSON Syntax:") {
            // The block: the lines indented deeper, dedented.
            let mut body = Vec::new();
            while i < lines.len() && (lines[i].trim().is_empty() || indent_of(&lines[i]) > 10) {
                body.push(lines[i].trim_end());
                i += 1;
            }
            let cut = body
                .iter()
                .filter(|l| !l.is_empty())
                .map(|l| indent_of(l))
                .min()
                .unwrap_or(0);
            let text: Vec<&str> = body.iter().map(|l| l.get(cut..).unwrap_or("")).collect();
            opt["syntax"].as_array_mut().expect("array").push(json!([
                t.trim_end_matches(':'),
                text.join("\n").trim_matches('\n')
            ]));
            continue;
        }
        if indent >= 10 {
            if let Some(label) = member_label(line) {
                opt["members"]
                    .as_array_mut()
                    .expect("array")
                    .push(json!([(indent - 10) / 3, label]));
            }
        }
    }
    opts
}

fn run(bin: &PathBuf, args: &[&str], columns: usize) -> String {
    let out = Command::new(bin)
        .args(args)
        .env("COLUMNS", columns.to_string())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .expect("running the CLI");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 help")
}

/// What no page may hold: HTML tags or entities, Markdown marks, lines over the width.
fn hygiene(what: &str, text: &str, width: usize, problems: &mut Vec<String>) {
    for line in text.lines() {
        let n = line.chars().count();
        if n > width {
            problems.push(format!("{what}: line of {n} > {width}: {line:?}"));
        }
        if line.ends_with(' ') {
            problems.push(format!("{what}: trailing blank: {line:?}"));
        }
        let scrubbed = line.replace("<value>", "");
        let mut rest = scrubbed.as_str();
        while let Some(i) = rest.find('<') {
            let after = &rest[i + 1..];
            let name: String = after
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            if !name.is_empty()
                && after.contains('>')
                && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            {
                problems.push(format!("{what}: HTML tag left: {line:?}"));
                break;
            }
            rest = after;
        }
        for entity in ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&nbsp;", "&#"] {
            if line.contains(entity) {
                problems.push(format!("{what}: entity {entity} left: {line:?}"));
            }
        }
        for mark in ["**", "](http", "\\_", "\\[", "\\*", "```"] {
            if line.contains(mark) {
                problems.push(format!("{what}: Markdown {mark:?} left: {line:?}"));
            }
        }
    }
}

fn check_service(bin: PathBuf, service: &str, table: &ServiceTable, oracle: &Value) {
    let mut problems = Vec::new();
    let mut notes = Vec::new();
    // The service page: the same commands (ours adds `completion`).
    let page = run(&bin, &["help"], 80);
    hygiene(&format!("{service} help"), &page, 80, &mut problems);
    let ours: Vec<String> = section(&sections(&page), "AVAILABLE COMMANDS")
        .iter()
        .filter_map(|l| l.trim().strip_prefix("o ").map(String::from))
        // Ours adds its own `completion`.
        .filter(|c| c != "completion")
        .collect();
    let want: Vec<String> = oracle["commands"]
        .as_array()
        .expect("commands")
        .iter()
        .map(|c| c.as_str().unwrap_or_default().to_string())
        .collect();
    if ours != want {
        problems.push(format!("{service} help: commands {ours:?}, aws {want:?}"));
    }
    let ops = oracle["operations"].as_object().expect("operations");
    // Syntax blocks compared: some, or the oracle's parse found none.
    let mut blocks = 0;
    let mut ours_ops: Vec<&str> = table.operations.iter().map(|o| o.command).collect();
    ours_ops.sort_unstable();
    let mut aws_ops: Vec<&str> = ops.keys().map(String::as_str).collect();
    aws_ops.sort_unstable();
    assert_eq!(ours_ops, aws_ops, "{service}: the same operations");
    for op in table.operations {
        let want = &ops[op.command];
        let what = format!("{service} {}", op.command);
        let page = run(&bin, &[op.command, "help"], 80);
        hygiene(&what, &page, 80, &mut problems);
        let wide = run(&bin, &[op.command, "--help"], 120);
        hygiene(&format!("{what} (120)"), &wide, 120, &mut problems);
        // Read on a page too wide to wrap anything; the wrapped ones are checked above.
        let s = sections(&run(&bin, &[op.command, "help"], 1000));
        let synopsis: Vec<String> = unwrap(section(&s, "SYNOPSIS"), 10, 11)
            .iter()
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty())
            .skip(1)
            .collect();
        if json!(synopsis) != want["synopsis"] {
            problems.push(format!(
                "{what}: synopsis\n  ours {synopsis:?}\n  aws  {}",
                want["synopsis"]
            ));
        }
        for (title, key, bare) in [
            ("OPTIONS", "options", false),
            ("GLOBAL OPTIONS", "globals", true),
        ] {
            let ours = options(section(&s, title), bare);
            let theirs = want[key].as_array().expect("options");
            if ours.len() != theirs.len() {
                problems.push(format!(
                    "{what}: {title}: {} options, aws {}: {:?} / {:?}",
                    ours.len(),
                    theirs.len(),
                    ours.iter().map(|o| &o["flag"]).collect::<Vec<_>>(),
                    theirs.iter().map(|o| &o["flag"]).collect::<Vec<_>>()
                ));
                continue;
            }
            for (o, t) in ours.iter().zip(theirs) {
                blocks += t["syntax"].as_array().map_or(0, Vec::len);
                for field in ["flag", "type", "choices", "members", "syntax"] {
                    if o[field] != t[field] {
                        problems.push(format!(
                            "{what}: {title} --{}: {field}\n  ours {}\n  aws  {}",
                            t["flag"].as_str().unwrap_or_default(),
                            o[field],
                            t[field]
                        ));
                    }
                }
            }
        }
        let output: Vec<Value> = section(&s, "OUTPUT")
            .iter()
            .filter_map(|l| member_label(l).map(|m| json!([(indent_of(l) - 7) / 3, m])))
            .collect();
        if json!(output) != want["output"] {
            problems.push(format!(
                "{what}: output\n  ours {output:?}\n  aws  {}",
                want["output"]
            ));
        }
        // Examples: one command per model example, each of this operation.
        let prefix = format!("{service} {}", op.command);
        let examples: Vec<&str> = section(&s, "EXAMPLES")
            .iter()
            .map(|l| l.trim())
            .filter(|l| l.starts_with(&format!("{service} ")))
            .collect();
        if examples.len() != op.examples.len()
            || examples
                .iter()
                .any(|e| *e != prefix && !e.starts_with(&format!("{prefix} ")))
        {
            problems.push(format!(
                "{what}: examples {examples:?}, model has {}",
                op.examples.len()
            ));
        }
        let aws_examples = want["examples"].as_array().map_or(0, Vec::len);
        if aws_examples > 0 && op.examples.is_empty() {
            notes.push(format!(
                "{what}: aws shows {aws_examples} example(s) from awscli/examples; the model has none"
            ));
        }
    }
    assert!(blocks > 0, "{service}: no syntax block compared");
    for n in &notes {
        eprintln!("note: {n}");
    }
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn help_matches_aws_help() {
    let aws = common::aws_cli();
    let python = aws.with_file_name("python");
    let script = common::root().join("cli/tests/help/oracle.py");
    let out = Command::new(python)
        .arg(script)
        .args(["snowball", "importexport"])
        .output()
        .expect("python");
    let oracle: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "the help oracle: {e}: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    check_service(
        PathBuf::from(env!("CARGO_BIN_EXE_snowball")),
        "snowball",
        &snowball::cli::SERVICE,
        &oracle["snowball"],
    );
    check_service(
        PathBuf::from(env!("CARGO_BIN_EXE_importexport")),
        "importexport",
        &importexport::cli::SERVICE,
        &oracle["importexport"],
    );
}

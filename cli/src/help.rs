//! `<service> help`, `<service> <command> help`, `--help`: the model's documentation.

use crate::service;
use awsrt::internal::cli::{Command as Operation, Kind};

fn indent(text: &str, by: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        if line.is_empty() {
            out.push('\n');
        } else {
            out.push_str(by);
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// The service page: description and every command.
pub fn service_help() -> String {
    let mut out = format!(
        "{}\n\nDESCRIPTION\n{}\nAVAILABLE COMMANDS\n",
        service().table.command,
        indent(service().table.docs, "  ")
    );
    for op in service().table.operations {
        out.push_str(&format!("  o {}\n", op.command));
    }
    out.push_str("  o help\n");
    out
}

fn type_name(kind: &Kind) -> String {
    match kind {
        Kind::String => "string".into(),
        Kind::Enum(_) => "string".into(),
        Kind::Boolean => "boolean".into(),
        Kind::Integer => "integer".into(),
        Kind::Long => "long".into(),
        Kind::Float => "float".into(),
        Kind::Double => "double".into(),
        Kind::Timestamp => "timestamp".into(),
        Kind::Blob => "blob".into(),
        Kind::Structure(_) => "structure".into(),
        Kind::List(_) => "list".into(),
        Kind::Map(_) => "map".into(),
        _ => "value".into(),
    }
}

/// One command's page: description, synopsis, and each flag with its documentation.
pub fn command_help(op: &Operation) -> String {
    let mut out = format!(
        "{}\n\nDESCRIPTION\n{}\nSYNOPSIS\n  {}\n",
        op.command,
        indent(op.docs, "  "),
        op.command
    );
    for m in op.input.members {
        let flag = match m.kind {
            Kind::Boolean => format!("--{} | --no-{}", m.flag, m.flag),
            _ => format!("--{} <value>", m.flag),
        };
        if m.required {
            out.push_str(&format!("    {flag}\n"));
        } else {
            out.push_str(&format!("    [{flag}]\n"));
        }
    }
    out.push_str("    [--cli-input-json <value>]\n");
    if op.paginator.is_some() {
        out.push_str("    [--starting-token <value>]\n    [--page-size <value>]\n    [--max-items <value>]\n");
    }
    out.push_str("\nOPTIONS\n");
    for m in op.input.members {
        out.push_str(&format!("  --{} ({})\n", m.flag, type_name(&m.kind)));
        out.push_str(&indent(m.docs, "    "));
        if let Kind::Enum(values) = m.kind {
            out.push_str("\n    Possible values:\n");
            for v in values {
                out.push_str(&format!("    o {v}\n"));
            }
        }
        out.push('\n');
    }
    out.push_str("  --cli-input-json (string) Reads arguments from the JSON string provided. The JSON string follows the format of the input, with wire member names.\n");
    if op.paginator.is_some() {
        out.push_str("\n  --starting-token (string) A token to specify where to start paginating: the NextToken of a previously truncated response.\n\n  --page-size (integer) The size of each page to get in the service call. This does not affect the number of items returned in the output.\n\n  --max-items (integer) The total number of items to return in the output; a NextToken is printed when more are available.\n");
    }
    if !op.errors.is_empty() {
        out.push_str(&format!("\nERRORS\n  {}\n", op.errors.join(", ")));
    }
    out
}

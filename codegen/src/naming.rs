//! Every Rust identifier the generator emits is decided here, once.
//!
//! heck alone loses information on botocore names (`V3_5C` -> `V35c`, `ReadIOs` ->
//! `read_i_os`) and yields invalid identifiers for values like `1.0`, so words are split
//! by hand and then cased.

/// Splits a model name into words: on `_`, `-`, `.`, spaces and other punctuation, at a
/// lower-to-upper change, and before the last capital of an acronym that starts a word
/// (`KMSRequest` -> `KMS`, `Request`). A plural `s` stays with its acronym (`IOs`, `ARNs`).
pub fn words(name: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for part in name.split(|c: char| !c.is_ascii_alphanumeric()) {
        if part.is_empty() {
            continue;
        }
        let chars: Vec<char> = part.chars().collect();
        let mut cur = String::new();
        for (i, &c) in chars.iter().enumerate() {
            let prev = if i > 0 { Some(chars[i - 1]) } else { None };
            let next = chars.get(i + 1).copied();
            let boundary = match prev {
                None => false,
                Some(p) => {
                    (p.is_ascii_lowercase() && c.is_ascii_uppercase())
                        || (p.is_ascii_uppercase()
                            && c.is_ascii_uppercase()
                            && next.is_some_and(|n| n.is_ascii_lowercase())
                            && !is_plural_tail(&chars, i + 1))
                        || (p.is_ascii_digit()
                            && c.is_ascii_uppercase()
                            && next.is_some_and(|n| n.is_ascii_lowercase()))
                }
            };
            if boundary && !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            cur.push(c);
        }
        if !cur.is_empty() {
            out.push(cur);
        }
    }
    out
}

/// True when `chars[i]` is a lone lowercase `s` ending the part or followed by a capital:
/// the plural of an acronym.
fn is_plural_tail(chars: &[char], i: usize) -> bool {
    chars.get(i) == Some(&'s') && chars.get(i + 1).is_none_or(|c| !c.is_ascii_lowercase())
}

/// `snake_case` for fields, functions and modules, made a valid identifier.
pub fn snake(name: &str) -> String {
    let s = words(name)
        .iter()
        .map(|w| w.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join("_");
    valid_ident(s, "m_")
}

/// `UpperCamelCase` for types and variants, made a valid identifier. Two words that would
/// run digits together (`V3_5C`) keep an underscore between them (`V3_5c`).
pub fn camel(name: &str) -> String {
    let mut s = String::new();
    for w in words(name) {
        if s.ends_with(|c: char| c.is_ascii_digit()) && w.starts_with(|c: char| c.is_ascii_digit())
        {
            s.push('_');
        }
        let mut cs = w.chars();
        if let Some(f) = cs.next() {
            s.push(f.to_ascii_uppercase());
            s.extend(cs.map(|c| c.to_ascii_lowercase()));
        }
    }
    valid_ident(s, "V")
}

/// The Rust name of a shape's type in `types/`: `UpperCamelCase`, and a name the
/// generated code uses from the prelude (`Option`, `Result`, ...) gets `Value` appended,
/// since the type would shadow the prelude's in its own module (glue's and rds's
/// `Option`, codepipeline's `Result`).
pub fn type_name(shape: &str) -> String {
    let name = camel(shape);
    if PRELUDE.contains(&name.as_str()) {
        format!("{name}Value")
    } else {
        name
    }
}

/// Prelude names (types, traits, variants) generated code may name without a path.
const PRELUDE: &[&str] = &[
    "AsMut",
    "AsRef",
    "Box",
    "Clone",
    "Copy",
    "Default",
    "Drop",
    "Eq",
    "Err",
    "Extend",
    "Fn",
    "FnMut",
    "FnOnce",
    "From",
    "Into",
    "IntoIterator",
    "Iterator",
    "None",
    "Ok",
    "Option",
    "Ord",
    "PartialEq",
    "PartialOrd",
    "Result",
    "Send",
    "Sized",
    "Some",
    "String",
    "Sync",
    "ToOwned",
    "ToString",
    "TryFrom",
    "TryInto",
    "Unpin",
    "Vec",
];

/// The call builder's setter for an optional input member with Rust field `field`: the
/// field name, or `set_<field>` when the call builder has a method of that name already
/// (stepfunctions' and swf's member `input` meets the `input()` accessor).
pub fn call_setter(field: &str) -> String {
    match bare(field) {
        f @ ("input" | "send" | "into_paginator" | "new") => format!("set_{f}"),
        _ => field.to_string(),
    }
}

/// `SCREAMING_SNAKE_CASE` for constants.
pub fn screaming(name: &str) -> String {
    snake(name).trim_start_matches("r#").to_ascii_uppercase()
}

fn valid_ident(s: String, digit_prefix: &str) -> String {
    if s.is_empty() {
        return format!("{digit_prefix}empty");
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        return format!("{digit_prefix}{s}");
    }
    if matches!(s.as_str(), "self" | "Self" | "super" | "crate" | "_") {
        return format!("{s}_");
    }
    if is_keyword(&s) {
        return format!("r#{s}");
    }
    s
}

fn is_keyword(s: &str) -> bool {
    matches!(
        s,
        "as" | "break"
            | "const"
            | "continue"
            | "else"
            | "enum"
            | "extern"
            | "false"
            | "fn"
            | "for"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "pub"
            | "ref"
            | "return"
            | "static"
            | "struct"
            | "trait"
            | "true"
            | "type"
            | "unsafe"
            | "use"
            | "where"
            | "while"
            | "async"
            | "await"
            | "dyn"
            | "abstract"
            | "become"
            | "box"
            | "do"
            | "final"
            | "macro"
            | "override"
            | "priv"
            | "typeof"
            | "unsized"
            | "virtual"
            | "yield"
            | "try"
            | "gen"
    )
}

/// An identifier without its raw prefix, for building other names from it.
pub fn bare(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_real_models() {
        let cases = [
            ("JobId", "job_id", "JobId"),
            (
                "KMSRequestFailedException",
                "kms_request_failed_exception",
                "KmsRequestFailedException",
            ),
            ("ReadIOs", "read_ios", "ReadIos"),
            ("V3_5C", "v3_5c", "V3_5c"),
            ("RACK_5U_C", "rack_5u_c", "Rack5uC"),
            ("SNC1_HDD", "snc1_hdd", "Snc1Hdd"),
            ("EDGE_CG", "edge_cg", "EdgeCg"),
            ("GSTIN", "gstin", "Gstin"),
            ("IL99", "il99", "Il99"),
            ("InTransitToAWS", "in_transit_to_aws", "InTransitToAws"),
            (
                "WithAWSSortingFacility",
                "with_aws_sorting_facility",
                "WithAwsSortingFacility",
            ),
            ("S3StorageLimit", "s3_storage_limit", "S3StorageLimit"),
            ("Ec2AmiResources", "ec2_ami_resources", "Ec2AmiResources"),
            ("KmsKeyARN", "kms_key_arn", "KmsKeyArn"),
            ("ResourceARNs", "resource_arns", "ResourceArns"),
            ("type", "r#type", "Type"),
            ("Self", "self_", "Self_"),
            ("1.0", "m_1_0", "V1_0"),
            ("2x", "m_2x", "V2x"),
            ("T50", "t50", "T50"),
            ("NoPreference", "no_preference", "NoPreference"),
            ("jobIds", "job_ids", "JobIds"),
            ("IsTruncated", "is_truncated", "IsTruncated"),
            (
                "APICallRateForCustomerExceededFault",
                "api_call_rate_for_customer_exceeded_fault",
                "ApiCallRateForCustomerExceededFault",
            ),
        ];
        for (model, snake_want, camel_want) in cases {
            assert_eq!(snake(model), snake_want, "snake({model})");
            assert_eq!(camel(model), camel_want, "camel({model})");
        }
    }

    #[test]
    fn type_and_setter_names_avoid_what_generated_code_uses() {
        assert_eq!(type_name("Option"), "OptionValue");
        assert_eq!(type_name("RESULT"), "ResultValue");
        assert_eq!(type_name("OptionGroup"), "OptionGroup");
        assert_eq!(call_setter("input"), "set_input");
        assert_eq!(call_setter("input_path"), "input_path");
        assert_eq!(call_setter("r#type"), "r#type");
    }

    #[test]
    fn screaming_names() {
        assert_eq!(screaming("ListJobs"), "LIST_JOBS");
        assert_eq!(screaming("type"), "TYPE");
    }
}

//! The rules-engine standard library (`isSet`, `not`, `getAttr`, `booleanEquals`,
//! `stringEquals`, `substring`, `uriEncode`, `parseURL`, `isValidHostLabel`) and the AWS
//! functions (`aws.partition`, `aws.parseArn`, `aws.isVirtualHostableS3Bucket`).

use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::OnceLock;

use crate::codec::json::Value;

use super::{invalid, EndpointError, Partitions};

/// Calls `name` with evaluated `args`. `Value::Null` is the rules engine's "none".
pub(super) fn call(
    name: &str,
    args: &[Value],
    partitions: &Partitions,
) -> Result<Value, EndpointError> {
    let arg = |i: usize| args.get(i).unwrap_or(&Value::Null);
    let want = |n: usize| {
        if args.len() == n {
            Ok(())
        } else {
            Err(invalid(format!(
                "{name} takes {n} argument(s), got {}",
                args.len()
            )))
        }
    };
    let s = |i: usize| arg(i).as_str();
    Ok(match name {
        "isSet" => {
            want(1)?;
            Value::Bool(!matches!(arg(0), Value::Null))
        }
        "not" => {
            want(1)?;
            match arg(0) {
                Value::Bool(b) => Value::Bool(!b),
                _ => Value::Null,
            }
        }
        "booleanEquals" => {
            want(2)?;
            match (arg(0), arg(1)) {
                (Value::Bool(a), Value::Bool(b)) => Value::Bool(a == b),
                _ => Value::Null,
            }
        }
        "stringEquals" => {
            want(2)?;
            match (s(0), s(1)) {
                (Some(a), Some(b)) => Value::Bool(a == b),
                _ => Value::Null,
            }
        }
        "getAttr" => {
            want(2)?;
            let path = s(1).ok_or_else(|| invalid("getAttr path must be a string"))?;
            get_attr(arg(0), path)?
        }
        "substring" => {
            want(4)?;
            // Indexes are whole numbers; a negative, fractional or huge one gives none.
            let index = |i: usize| arg(i).as_i64().and_then(|n| usize::try_from(n).ok());
            match (s(0), index(1), index(2), arg(3).as_bool()) {
                (Some(input), Some(start), Some(stop), Some(rev)) => {
                    substring(input, start, stop, rev).map_or(Value::Null, Value::String)
                }
                _ => Value::Null,
            }
        }
        "uriEncode" => {
            want(1)?;
            s(0).map_or(Value::Null, |v| Value::String(uri_encode(v)))
        }
        "parseURL" => {
            want(1)?;
            s(0).and_then(parse_url).unwrap_or(Value::Null)
        }
        "isValidHostLabel" => {
            want(2)?;
            match (s(0), arg(1).as_bool()) {
                (Some(v), Some(sub)) => Value::Bool(is_valid_host_label(v, sub)),
                _ => Value::Null,
            }
        }
        "aws.partition" => {
            want(1)?;
            s(0).and_then(|r| partitions.lookup(r))
                .unwrap_or(Value::Null)
        }
        "aws.parseArn" => {
            want(1)?;
            s(0).and_then(parse_arn).unwrap_or(Value::Null)
        }
        "aws.isVirtualHostableS3Bucket" => {
            want(2)?;
            match (s(0), arg(1).as_bool()) {
                (Some(v), Some(sub)) => Value::Bool(is_virtual_hostable_s3_bucket(v, sub)),
                _ => Value::Null,
            }
        }
        other => return Err(invalid(format!("unknown function {other}"))),
    })
}

/// `getAttr`: `a.b[0].c` over objects and arrays; missing parts give none.
pub(super) fn get_attr(v: &Value, path: &str) -> Result<Value, EndpointError> {
    let mut cur = v.clone();
    for part in path.split('.') {
        let (key, indexes) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            cur = cur.get(key).cloned().unwrap_or(Value::Null);
        }
        let mut rest = indexes;
        while let Some(r) = rest.strip_prefix('[') {
            let end = r
                .find(']')
                .ok_or_else(|| invalid(format!("bad getAttr path {path:?}")))?;
            let idx: usize = r[..end]
                .parse()
                .map_err(|_| invalid(format!("bad index in getAttr path {path:?}")))?;
            cur = cur
                .as_array()
                .and_then(|a| a.get(idx))
                .cloned()
                .unwrap_or(Value::Null);
            rest = &r[end + 1..];
        }
    }
    Ok(cur)
}

fn substring(input: &str, start: usize, stop: usize, reverse: bool) -> Option<String> {
    if !input.is_ascii() || start >= stop || stop > input.len() {
        return None;
    }
    let (a, b) = if reverse {
        (input.len() - stop, input.len() - start)
    } else {
        (start, stop)
    };
    Some(input[a..b].to_string())
}

/// Percent-encodes everything but the RFC 3986 unreserved characters (SigV4's rule).
pub(crate) fn uri_encode(s: &str) -> String {
    let mut out = Vec::with_capacity(s.len());
    crate::sigv4::encode_component(&mut out, s.as_bytes());
    // Percent-encoding writes ASCII only.
    String::from_utf8(out).unwrap_or_default()
}

fn parse_url(url: &str) -> Option<Value> {
    let (scheme, rest) = url.split_once("://")?;
    if !matches!(scheme, "http" | "https") || url.contains('?') || url.contains('#') {
        return None;
    }
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    if authority.is_empty() {
        return None;
    }
    let host = if let Some(v6) = authority.strip_prefix('[') {
        let end = v6.find(']')?;
        let h = &v6[..end];
        h.parse::<Ipv6Addr>().ok()?;
        return Some(url_object(scheme, authority, path, true));
    } else {
        authority.rsplit_once(':').map_or(authority, |(h, _)| h)
    };
    let is_ip = host.parse::<Ipv4Addr>().is_ok();
    Some(url_object(scheme, authority, path, is_ip))
}

fn url_object(scheme: &str, authority: &str, path: &str, is_ip: bool) -> Value {
    let mut normalized = String::new();
    if !path.starts_with('/') {
        normalized.push('/');
    }
    normalized.push_str(path);
    if !normalized.ends_with('/') {
        normalized.push('/');
    }
    let s = |v: &str| Value::String(v.to_string());
    Value::Object(vec![
        ("scheme".into(), s(scheme)),
        ("authority".into(), s(authority)),
        ("path".into(), s(path)),
        ("normalizedPath".into(), Value::String(normalized)),
        ("isIp".into(), Value::Bool(is_ip)),
    ])
}

fn is_valid_host_label(v: &str, allow_subdomains: bool) -> bool {
    let label = |l: &str| {
        !l.is_empty()
            && l.len() < 64
            && l.starts_with(|c: char| c.is_ascii_alphanumeric())
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    if allow_subdomains {
        v.split('.').all(label)
    } else {
        label(v)
    }
}

fn parse_arn(arn: &str) -> Option<Value> {
    let mut parts = arn.splitn(6, ':');
    if parts.next()? != "arn" {
        return None;
    }
    let partition = parts.next()?;
    let service = parts.next()?;
    let region = parts.next()?;
    let account = parts.next()?;
    let resource = parts.next()?;
    if partition.is_empty() || service.is_empty() || resource.is_empty() {
        return None;
    }
    let s = |v: &str| Value::String(v.to_string());
    let ids = resource.split([':', '/']).map(s).collect();
    Some(Value::Object(vec![
        ("partition".into(), s(partition)),
        ("service".into(), s(service)),
        ("region".into(), s(region)),
        ("accountId".into(), s(account)),
        ("resourceId".into(), Value::Array(ids)),
    ]))
}

fn is_virtual_hostable_s3_bucket(v: &str, allow_subdomains: bool) -> bool {
    static RES: OnceLock<Option<(regex_lite::Regex, regex_lite::Regex, regex_lite::Regex)>> =
        OnceLock::new();
    let Some((segment, ipv4, dots_dashes)) = RES.get_or_init(|| {
        Some((
            regex_lite::Regex::new(r"^[a-z\d][a-z\d\-.]{1,61}[a-z\d]$").ok()?,
            regex_lite::Regex::new(r"^(\d+\.){3}\d+$").ok()?,
            regex_lite::Regex::new(r"^.*((\.-)|(-\.)).*$").ok()?,
        ))
    }) else {
        return false;
    };
    let ok = |l: &str| segment.is_match(l) && !ipv4.is_match(l) && !dots_dashes.is_match(l);
    if !is_valid_host_label(v, allow_subdomains) {
        return false;
    }
    if allow_subdomains {
        v.split('.').all(ok)
    } else {
        ok(v)
    }
}

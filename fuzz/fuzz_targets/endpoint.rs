//! The endpoint resolver: the Snowball rule set with fuzzed parameters (byte 0 even), or
//! a fuzzed rule set or partitions file (byte 0 odd).
//!
//! Parameters: byte 0 bits 1 and 2 are UseFIPS and UseDualStack; the UTF-8 rest is the
//! region, then after a NUL the endpoint URL (absent when there is no NUL).
#![no_main]

use std::collections::BTreeMap;
use std::sync::OnceLock;

use awsrt::internal::json::Value;
use awsrt::internal::endpoint::{Partitions, RuleSet};
use libfuzzer_sys::fuzz_target;

const SNOWBALL_RULES: &str = include_str!("../../generated/snowball/src/endpoint-rule-set.json");

fn snowball_rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| RuleSet::parse(SNOWBALL_RULES).expect("the embedded rule set parses"))
}

fn resolve(rules: &RuleSet, flags: u8, text: &str) {
    let (region, endpoint) = match text.split_once('\0') {
        Some((r, e)) => (r, Some(e)),
        None => (text, None),
    };
    let mut params = BTreeMap::new();
    params.insert("Region".to_string(), Value::String(region.into()));
    params.insert("UseFIPS".to_string(), Value::Bool(flags & 2 != 0));
    params.insert("UseDualStack".to_string(), Value::Bool(flags & 4 != 0));
    if let Some(e) = endpoint {
        params.insert("Endpoint".to_string(), Value::String(e.into()));
    }
    match rules.resolve(&params, Partitions::embedded()) {
        Ok(ep) => drop(format!("{ep:?}")),
        Err(e) => drop(e.to_string()),
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    if flags & 1 == 0 {
        resolve(snowball_rules(), flags, text);
        return;
    }
    // A whole rule set (or partitions file); resolve with a fixed region when it parses.
    if let Ok(rules) = RuleSet::parse(text) {
        resolve(&rules, flags, "us-east-1");
        resolve(&rules, flags, "us-gov-west-1\0https://example.com");
    }
    if let Ok(p) = Partitions::parse(text) {
        drop(p.dns_suffix("us-east-1"));
        drop(p.dns_suffix("cn-north-1"));
    }
});

//! `aws.partition`: botocore's `partitions.json`, committed inside this crate
//! (`runtime/partitions.json`) so the packaged crate carries it.
//!
//! The file is embedded once in the runtime with `include_str!` rather than copied into
//! every generated crate: it is shared by all services, changes only with the botocore
//! release that `cargo xtask update-model` pins, and one copy keeps generated crates small.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::codec::json::{parse_document, Value};

/// The partitions.json this runtime was built with.
pub const PARTITIONS_JSON: &str = include_str!("../../partitions.json");

/// One partition: its outputs, region pattern and known regions.
#[derive(Debug)]
struct Partition {
    id: String,
    regex: Option<regex_lite::Regex>,
    /// By name, a repeated key keeping its last value (as serde_json's map did).
    outputs: BTreeMap<String, Value>,
    regions: BTreeMap<String, Value>,
}

/// Parsed partition data.
#[derive(Debug)]
pub struct Partitions {
    list: Vec<Partition>,
}

impl Partitions {
    /// Parses a partitions.json document.
    pub fn parse(text: &str) -> Result<Partitions, String> {
        let doc = parse_document(text.as_bytes()).map_err(|e| format!("partitions.json: {e}"))?;
        let arr = doc
            .get("partitions")
            .and_then(Value::as_array)
            .ok_or("partitions.json: no `partitions` array")?;
        let mut list = Vec::new();
        for p in arr {
            let id = p
                .get("id")
                .and_then(Value::as_str)
                .ok_or("partitions.json: partition without `id`")?
                .to_string();
            let regex = match p.get("regionRegex").and_then(Value::as_str) {
                Some(r) => Some(
                    regex_lite::Regex::new(r)
                        .map_err(|e| format!("partitions.json: {id}: bad regionRegex: {e}"))?,
                ),
                None => None,
            };
            let outputs = p
                .get("outputs")
                .and_then(Value::as_object)
                .ok_or_else(|| format!("partitions.json: {id}: no outputs"))?
                .iter()
                .cloned()
                .collect();
            let regions = p
                .get("regions")
                .and_then(Value::as_object)
                .unwrap_or_default()
                .iter()
                .cloned()
                .collect();
            list.push(Partition {
                id,
                regex,
                outputs,
                regions,
            });
        }
        Ok(Partitions { list })
    }

    /// The embedded partitions, parsed on first use.
    pub fn embedded() -> &'static Partitions {
        static P: OnceLock<Partitions> = OnceLock::new();
        P.get_or_init(|| {
            // The embedded file is checked by this crate's tests; an unparsable one
            // degrades to no partitions (every lookup then fails) rather than a panic.
            Partitions::parse(PARTITIONS_JSON).unwrap_or(Partitions { list: Vec::new() })
        })
    }

    /// The `aws.partition` result for `region`: an exact region match, else the first
    /// `regionRegex` match, else the `aws` partition. The object holds `name`,
    /// `dnsSuffix`, `dualStackDnsSuffix`, `supportsFIPS`, `supportsDualStack`,
    /// `implicitGlobalRegion`.
    pub fn lookup(&self, region: &str) -> Option<Value> {
        let build = |p: &Partition, overrides: Option<&Value>| {
            let mut out = p.outputs.clone();
            out.entry("name".to_string())
                .or_insert_with(|| Value::String(p.id.clone()));
            if let Some(Value::Object(o)) = overrides {
                for (k, v) in o {
                    if out.contains_key(k) {
                        out.insert(k.clone(), v.clone());
                    }
                }
            }
            Value::Object(out.into_iter().collect())
        };
        if let Some(p) = self.list.iter().find(|p| p.regions.contains_key(region)) {
            return Some(build(p, p.regions.get(region)));
        }
        if let Some(p) = self
            .list
            .iter()
            .find(|p| p.regex.as_ref().is_some_and(|r| r.is_match(region)))
        {
            return Some(build(p, None));
        }
        self.list
            .iter()
            .find(|p| p.id == "aws")
            .map(|p| build(p, None))
    }

    /// The DNS suffix of `region`'s partition (`amazonaws.com`, `amazonaws.com.cn`, ...).
    pub fn dns_suffix(&self, region: &str) -> String {
        self.lookup(region)
            .and_then(|v| {
                v.get("dnsSuffix")
                    .and_then(Value::as_str)
                    .map(str::to_string)
            })
            .unwrap_or_else(|| "amazonaws.com".to_string())
    }
}

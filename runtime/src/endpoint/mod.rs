//! Endpoint resolution from a service's `endpoint-rule-set-1.json`: a general Smithy
//! rules-engine interpreter (conditions, `assign`, trees, templates, the standard
//! library and the `aws.*` functions) plus botocore's partition data.
//!
//! The rule set is interpreted rather than compiled to Rust: one interpreter serves
//! every service, the generated crates only embed their JSON, and botocore's endpoint
//! test files run against exactly the code clients use.

mod functions;
mod partitions;

use std::collections::BTreeMap;
use std::fmt;

// The runtime's own JSON reader, not serde_json: one parser for the wire and for the
// runtime's needs. Objects are member lists in document order; where a key could repeat,
// the last one wins (`Value::get`), as with serde_json and Python's json module.
use crate::codec::json::{parse_document, Value};

pub(crate) use functions::uri_encode;
pub use partitions::{Partitions, PARTITIONS_JSON};

/// A resolved endpoint: URL, properties (e.g. `authSchemes`) and headers.
#[derive(Clone, Debug, PartialEq)]
pub struct Endpoint {
    /// The endpoint URL.
    pub url: String,
    /// Rule-set properties, e.g. `authSchemes`, by name (objects inside them keep the
    /// rule set's member order).
    pub properties: BTreeMap<String, Value>,
    /// Headers the rule set adds to requests.
    pub headers: BTreeMap<String, Vec<String>>,
}

impl Endpoint {
    /// The first `sigv4` auth scheme's `signingName`, when the rule set gives one.
    pub fn signing_name(&self) -> Option<&str> {
        self.sigv4_scheme()?.get("signingName")?.as_str()
    }

    /// The first `sigv4` auth scheme's `signingRegion`, when the rule set gives one.
    pub fn signing_region(&self) -> Option<&str> {
        self.sigv4_scheme()?.get("signingRegion")?.as_str()
    }

    fn sigv4_scheme(&self) -> Option<&Value> {
        self.properties
            .get("authSchemes")?
            .as_array()?
            .iter()
            .find(|s| s.get("name").and_then(Value::as_str) == Some("sigv4"))
    }
}

/// Why no endpoint was resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EndpointError {
    /// The rule set ended in an `error` rule; the message is the rule set's.
    Rule(String),
    /// The parameters or the rule set are unusable (missing required parameter, wrong
    /// type, malformed rule).
    Invalid(String),
}

impl fmt::Display for EndpointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EndpointError::Rule(m) => f.write_str(m),
            EndpointError::Invalid(m) => write!(f, "endpoint rules: {m}"),
        }
    }
}

impl std::error::Error for EndpointError {}

/// A region that cannot be used: it goes into host names (`snowball.{region}.amazonaws.com`,
/// `sts.{region}...`, `portal.sso.{region}...`), so anything but one DNS label could send
/// signed requests and tokens to another host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidRegion {
    /// The rejected value (shown escaped and shortened in messages).
    pub region: String,
    /// Where it came from: `AWS_REGION`, `--region`, `region in profile ...`.
    pub source: String,
}

impl fmt::Display for InvalidRegion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Shortened: the value may be anything a user or an attacker put in a variable.
        let shown: String = self.region.chars().take(80).collect();
        let more = if shown.len() < self.region.len() {
            "..."
        } else {
            ""
        };
        write!(
            f,
            "invalid region {shown:?}{more} (from {}): a region must be a host label of \
             at most 63 letters, digits and hyphens, not starting or ending with a hyphen \
             and not all digits",
            self.source
        )
    }
}

impl std::error::Error for InvalidRegion {}

/// Checks that `region` is a single host label, as botocore's `validate_region_name`
/// (`^(?![0-9]+$)(?!-)[a-zA-Z0-9-]{,63}(?<!-)$`), except that the empty string is
/// rejected too (botocore treats an empty region as unset before it gets here).
/// `source` names the setting for the error.
pub fn validate_region(region: &str, source: &str) -> Result<(), InvalidRegion> {
    let b = region.as_bytes();
    let ok = !b.is_empty()
        && b.len() <= 63
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
        && !b.iter().all(u8::is_ascii_digit)
        && b.first() != Some(&b'-')
        && b.last() != Some(&b'-');
    if ok {
        Ok(())
    } else {
        Err(InvalidRegion {
            region: region.to_string(),
            source: source.to_string(),
        })
    }
}

/// A declared rule-set parameter.
#[derive(Clone, Debug)]
pub struct Parameter {
    /// The parameter name (`Region`).
    pub name: String,
    /// `String`, `Boolean` or `StringArray`.
    pub ty: String,
    /// The built-in that fills it (`AWS::Region`, `SDK::Endpoint`, ...).
    pub built_in: Option<String>,
    /// Whether a value (or default) is required.
    pub required: bool,
    /// The default value.
    pub default: Option<Value>,
}

/// A parsed endpoint rule set.
#[derive(Clone, Debug)]
pub struct RuleSet {
    parameters: Vec<Parameter>,
    rules: Vec<Value>,
}

type Scope = BTreeMap<String, Value>;

impl RuleSet {
    /// Parses an `endpoint-rule-set-1.json` document.
    pub fn parse(text: &str) -> Result<RuleSet, String> {
        let doc = parse_document(text.as_bytes()).map_err(|e| format!("endpoint rule set: {e}"))?;
        let Value::Object(members) = doc else {
            return Err("endpoint rule set: not a JSON object".into());
        };
        // Taken apart rather than cloned: the rules are most of the document. A repeated
        // top-level key keeps its last value, as `Value::get` would.
        let (mut params, mut rules) = (None, None);
        for (k, v) in members {
            match k.as_str() {
                "parameters" => params = Some(v),
                "rules" => rules = Some(v),
                _ => {}
            }
        }
        let Some(Value::Object(params)) = params else {
            return Err("endpoint rule set: no `parameters` object".into());
        };
        let Some(Value::Array(rules)) = rules else {
            return Err("endpoint rule set: no `rules` array".into());
        };
        // By name, a repeated name keeping its last definition: the order and the
        // outcome serde_json's map gave.
        let by_name: BTreeMap<String, Value> = params.into_iter().collect();
        let parameters = by_name
            .into_iter()
            .map(|(name, p)| Parameter {
                ty: p
                    .get("type")
                    .and_then(Value::as_str)
                    .unwrap_or("String")
                    .to_string(),
                built_in: p.get("builtIn").and_then(Value::as_str).map(str::to_string),
                required: p.get("required").and_then(Value::as_bool).unwrap_or(false),
                default: p.get("default").cloned(),
                name,
            })
            .collect();
        Ok(RuleSet { parameters, rules })
    }

    /// The declared parameters.
    pub fn parameters(&self) -> &[Parameter] {
        &self.parameters
    }

    /// The parameter filled by `built_in` (`AWS::Region`), if the rule set declares one.
    pub fn parameter_for_built_in(&self, built_in: &str) -> Option<&str> {
        self.parameters
            .iter()
            .find(|p| p.built_in.as_deref() == Some(built_in))
            .map(|p| p.name.as_str())
    }

    /// Resolves an endpoint for `params` (parameter name to value; `null` = unset).
    pub fn resolve(
        &self,
        params: &BTreeMap<String, Value>,
        partitions: &Partitions,
    ) -> Result<Endpoint, EndpointError> {
        let mut scope = Scope::new();
        for p in &self.parameters {
            let value = match params.get(&p.name) {
                Some(Value::Null) | None => p.default.clone(),
                Some(v) => Some(v.clone()),
            };
            match value {
                Some(v) => {
                    let ok = match p.ty.as_str() {
                        "Boolean" | "boolean" => matches!(v, Value::Bool(_)),
                        "String" | "string" => matches!(v, Value::String(_)),
                        "StringArray" | "stringArray" => matches!(v, Value::Array(_)),
                        _ => true,
                    };
                    if !ok {
                        return Err(EndpointError::Invalid(format!(
                            "parameter {} must be a {}",
                            p.name, p.ty
                        )));
                    }
                    scope.insert(p.name.clone(), v);
                }
                None if p.required => {
                    return Err(EndpointError::Invalid(format!(
                        "missing required parameter {}",
                        p.name
                    )))
                }
                None => {}
            }
        }
        let ctx = Ctx { partitions };
        match ctx.rules(&self.rules, &scope)? {
            Some(e) => Ok(e),
            None => Err(EndpointError::Invalid(
                "no rule matched the parameters".into(),
            )),
        }
    }
}

struct Ctx<'a> {
    partitions: &'a Partitions,
}

fn invalid(m: impl Into<String>) -> EndpointError {
    EndpointError::Invalid(m.into())
}

impl Ctx<'_> {
    /// Tries `rules` in order; `None` when none of their conditions held.
    fn rules(&self, rules: &[Value], scope: &Scope) -> Result<Option<Endpoint>, EndpointError> {
        for rule in rules {
            if let Some(e) = self.rule(rule, scope)? {
                return Ok(Some(e));
            }
        }
        Ok(None)
    }

    fn rule(&self, rule: &Value, scope: &Scope) -> Result<Option<Endpoint>, EndpointError> {
        let mut scope = scope.clone();
        let conditions = rule
            .get("conditions")
            .and_then(Value::as_array)
            .unwrap_or_default();
        for cond in conditions {
            let v = self.expr(cond, &scope)?;
            if matches!(v, Value::Null | Value::Bool(false)) {
                return Ok(None);
            }
            if let Some(name) = cond.get("assign").and_then(Value::as_str) {
                scope.insert(name.to_string(), v);
            }
        }
        match rule.get("type").and_then(Value::as_str) {
            Some("endpoint") => {
                let ep = rule
                    .get("endpoint")
                    .ok_or_else(|| invalid("endpoint rule without `endpoint`"))?;
                self.endpoint(ep, &scope).map(Some)
            }
            Some("error") => {
                let e = rule
                    .get("error")
                    .ok_or_else(|| invalid("error rule without `error`"))?;
                match self.expr(e, &scope)? {
                    Value::String(s) => Err(EndpointError::Rule(s)),
                    other => Err(EndpointError::Rule(other.to_string())),
                }
            }
            Some("tree") => {
                let rules = rule
                    .get("rules")
                    .and_then(Value::as_array)
                    .ok_or_else(|| invalid("tree rule without `rules`"))?;
                // A tree whose conditions matched must resolve: falling out of it is an
                // error, as the Smithy rules-engine specification says.
                match self.rules(rules, &scope)? {
                    Some(e) => Ok(Some(e)),
                    None => Err(invalid("a rule tree matched but none of its rules did")),
                }
            }
            other => Err(invalid(format!("unknown rule type {other:?}"))),
        }
    }

    fn endpoint(&self, ep: &Value, scope: &Scope) -> Result<Endpoint, EndpointError> {
        let url = match self.expr(ep.get("url").unwrap_or(&Value::Null), scope)? {
            Value::String(s) => s,
            other => return Err(invalid(format!("endpoint url is not a string: {other}"))),
        };
        let mut properties = BTreeMap::new();
        if let Some(Value::Object(props)) = ep.get("properties") {
            for (k, v) in props {
                properties.insert(k.clone(), self.literal(v, scope)?);
            }
        }
        let mut headers = BTreeMap::new();
        if let Some(Value::Object(h)) = ep.get("headers") {
            for (k, vals) in h {
                let mut out = Vec::new();
                for v in vals.as_array().unwrap_or_default() {
                    match self.expr(v, scope)? {
                        Value::String(s) => out.push(s),
                        other => out.push(other.to_string()),
                    }
                }
                headers.insert(k.clone(), out);
            }
        }
        Ok(Endpoint {
            url,
            properties,
            headers,
        })
    }

    /// A property value: objects and arrays are walked, strings are templates.
    fn literal(&self, v: &Value, scope: &Scope) -> Result<Value, EndpointError> {
        match v {
            Value::Object(o) if o.iter().any(|(k, _)| k == "fn" || k == "ref") => {
                self.expr(v, scope)
            }
            Value::Object(o) => {
                let mut out: Vec<(String, Value)> = Vec::with_capacity(o.len());
                for (k, v) in o {
                    // A repeated key keeps one member, the last, as serde_json's map did.
                    let v = self.literal(v, scope)?;
                    match out.iter_mut().find(|m| m.0 == *k) {
                        Some(slot) => slot.1 = v,
                        None => out.push((k.clone(), v)),
                    }
                }
                Ok(Value::Object(out))
            }
            Value::Array(a) => a
                .iter()
                .map(|v| self.literal(v, scope))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array),
            Value::String(s) => self.template(s, scope).map(Value::String),
            other => Ok(other.clone()),
        }
    }

    fn expr(&self, e: &Value, scope: &Scope) -> Result<Value, EndpointError> {
        match e {
            Value::Object(_) => {
                // A non-string `ref` or `fn` is an error: treating the object as a
                // literal would send it straight back here (found by fuzzing).
                if let Some(r) = e.get("ref") {
                    let r = r
                        .as_str()
                        .ok_or_else(|| invalid(format!("`ref` is not a string: {r}")))?;
                    return Ok(scope.get(r).cloned().unwrap_or(Value::Null));
                }
                if let Some(name) = e.get("fn") {
                    let name = name
                        .as_str()
                        .ok_or_else(|| invalid(format!("`fn` is not a string: {name}")))?;
                    let argv = e.get("argv").and_then(Value::as_array).unwrap_or_default();
                    let args = argv
                        .iter()
                        .map(|a| self.expr(a, scope))
                        .collect::<Result<Vec<_>, _>>()?;
                    return functions::call(name, &args, self.partitions);
                }
                self.literal(e, scope)
            }
            Value::String(s) => self.template(s, scope).map(Value::String),
            Value::Array(a) => a
                .iter()
                .map(|v| self.expr(v, scope))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array),
            other => Ok(other.clone()),
        }
    }

    /// Expands `{Name}` and `{Name#path}`; `{{` and `}}` are literal braces.
    fn template(&self, s: &str, scope: &Scope) -> Result<String, EndpointError> {
        if !s.contains(['{', '}']) {
            return Ok(s.to_string());
        }
        let mut out = String::with_capacity(s.len());
        let mut rest = s;
        while let Some(i) = rest.find(['{', '}']) {
            out.push_str(&rest[..i]);
            let tail = &rest[i..];
            if tail.starts_with("{{") || tail.starts_with("}}") {
                out.push_str(&tail[..1]);
                rest = &tail[2..];
                continue;
            }
            if let Some(after) = tail.strip_prefix('}') {
                out.push('}');
                rest = after;
                continue;
            }
            let Some(end) = tail.find('}') else {
                return Err(invalid(format!("unclosed template in {s:?}")));
            };
            let inner = &tail[1..end];
            let value = match inner.split_once('#') {
                Some((name, path)) => {
                    functions::get_attr(scope.get(name).unwrap_or(&Value::Null), path)?
                }
                None => scope.get(inner).cloned().unwrap_or(Value::Null),
            };
            match value {
                Value::String(v) => out.push_str(&v),
                Value::Bool(b) => out.push_str(if b { "true" } else { "false" }),
                Value::Number { .. } => out.push_str(&value.to_string()),
                other => {
                    return Err(invalid(format!(
                        "template {{{inner}}} is not a string: {other}"
                    )))
                }
            }
            rest = &tail[end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::validate_region;

    #[test]
    fn regions_are_host_labels_as_botocore_checks_them() {
        for ok in [
            "us-east-1",
            "eu-isoe-west-1",
            "abcd",
            "a",
            "A1-b",
            &"a".repeat(63),
        ] {
            assert!(validate_region(ok, "test").is_ok(), "{ok:?}");
        }
        let long = "a".repeat(64);
        for bad in [
            "",
            "evil.example/",
            "evil.example",
            "us-east-1.evil.example",
            "us-east-1/",
            "us-east-1#",
            "us-east-1?x",
            "user@host",
            "-us-east-1",
            "us-east-1-",
            "12345",
            "us east 1",
            "us-east-1\n",
            "ús-east-1",
            long.as_str(),
        ] {
            let e = validate_region(bad, "AWS_REGION").expect_err(bad);
            assert!(e.to_string().contains("(from AWS_REGION)"), "{e}");
        }
    }
}

//! Endpoint rules (botocore's `tests/functional/endpoint-rules/<service>/endpoint-tests-1.json`
//! run against the committed rule sets) and configured endpoint URLs (botocore's
//! `tests/functional/configured_endpoint_urls/profile-tests.json`), through the
//! runtime's rules engine and, for the latter, a client's own endpoint resolution.

use std::collections::BTreeMap;
use std::path::Path;

use awsrt::internal::endpoint::{Partitions, RuleSet};
use awsrt::internal::json::Value as RtValue;
use awsrt::internal::shared_config::SharedConfig;
use awsrt::internal::{
    Decode, DecodeError, Encode, Operation, OperationError, Reader, ServiceMeta, Writer,
};
use awsrt::{Client, Config, Env, Protocol, TestTransport};
use serde_json::Value;

use super::Report;

/// The services whose rule sets are committed, with their botocore test directory.
const SERVICES: &[(&str, &str)] = &[
    (
        "snowball",
        "models/snowball/2016-06-30/endpoint-rule-set-1.json",
    ),
    (
        "importexport",
        "models/importexport/2010-06-01/endpoint-rule-set-1.json",
    ),
];

/// Every suite: each committed service's endpoint tests, every botocore service's
/// endpoint tests against its own rule set, and the configured-URL tests.
pub fn run(botocore: &Path, root: &Path) -> Vec<Report> {
    let mut reports = Vec::new();
    reports.push(all_services(botocore));
    for (service, ruleset) in SERVICES {
        let tests = botocore
            .join("tests/functional/endpoint-rules")
            .join(service)
            .join("endpoint-tests-1.json");
        reports.push(run_rules(
            &format!("endpoints/{service}"),
            &root.join(ruleset),
            &tests,
        ));
    }
    reports.push(configured_urls(&botocore.join(
        "tests/functional/configured_endpoint_urls/profile-tests.json",
    )));
    reports.push(service_id_names(botocore));
    reports
}

/// botocore's `test_endpoint_rulesets.py` provider cases: every
/// `tests/functional/endpoint-rules/<service>/endpoint-tests-1.json` against
/// `botocore/data/<service>/<newest version>/endpoint-rule-set-1.json`. botocore's runner
/// skips none of these (its end-to-end `operationInputs` cases need each service's client
/// and are a different test); a service without cases or without a rule set fails, as
/// botocore's `test_all_endpoint_tests_exist` does. One report for all services; each rule
/// set is parsed once.
pub fn all_services(botocore: &Path) -> Report {
    let mut report = Report::new("endpoints/every botocore service");
    let tests_dir = botocore.join("tests/functional/endpoint-rules");
    let mut services: Vec<String> = match std::fs::read_dir(&tests_dir) {
        Ok(d) => d
            .flatten()
            .filter(|e| e.path().is_dir())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect(),
        Err(e) => {
            report.check("load", Err(format!("{}: {e}", tests_dir.display())));
            return report;
        }
    };
    services.sort();
    for service in &services {
        let tests = tests_dir.join(service).join("endpoint-tests-1.json");
        let sub = match newest_rule_set(botocore, service) {
            Some(ruleset) => run_rules(service, &ruleset, &tests),
            None => {
                let mut r = Report::new(service.as_str());
                r.check(
                    "load",
                    Err("no endpoint-rule-set-1.json in botocore/data".into()),
                );
                r
            }
        };
        report.passed += sub.passed;
        report.skipped += sub.skipped;
        report
            .failed
            .extend(sub.failed.into_iter().map(|f| format!("{service} {f}")));
    }
    report.suite = format!("{} ({} services)", report.suite, services.len());
    report
}

/// `botocore/data/<service>/<version>/endpoint-rule-set-1.json` of the newest API
/// version that has one (versions are dates, so the greatest name is the newest), as
/// botocore's loader picks it.
fn newest_rule_set(botocore: &Path, service: &str) -> Option<std::path::PathBuf> {
    let dir = botocore.join("botocore/data").join(service);
    let mut versions: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|e| e.path().join("endpoint-rule-set-1.json"))
        .filter(|p| p.is_file())
        .collect();
    versions.sort();
    versions.pop()
}

/// A test file's value as the rules engine takes it (the runtime has its own JSON type).
fn to_runtime(v: &Value) -> Result<RtValue, String> {
    awsrt::internal::json::decode_value(v.to_string().as_bytes()).map_err(|e| e.to_string())
}

/// A resolved value as serde_json's, whose object equality ignores member order as the
/// test files' comparison does.
fn from_runtime(v: &RtValue) -> Result<Value, String> {
    serde_json::from_str(&v.to_string()).map_err(|e| e.to_string())
}

fn read_json(path: &Path) -> Result<Value, String> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Runs one rule set against one endpoint-tests file.
pub fn run_rules(suite: &str, ruleset: &Path, tests: &Path) -> Report {
    let mut report = Report::new(suite);
    let rules = std::fs::read_to_string(ruleset)
        .map_err(|e| format!("reading {}: {e}", ruleset.display()))
        .and_then(|t| RuleSet::parse(&t));
    let (rules, doc) = match (rules, read_json(tests)) {
        (Ok(r), Ok(d)) => (r, d),
        (Err(e), _) | (_, Err(e)) => {
            report.check("load", Err(e));
            return report;
        }
    };
    let cases = doc
        .get("testCases")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if cases.is_empty() {
        report.check("load", Err(format!("{}: no testCases", tests.display())));
    }
    let partitions = Partitions::embedded();
    for (i, case) in cases.iter().enumerate() {
        let id = format!(
            "#{i} {}",
            case.get("documentation")
                .and_then(Value::as_str)
                .unwrap_or("")
        );
        let params: Result<BTreeMap<String, RtValue>, String> = case
            .get("params")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(|(k, v)| Ok((k.clone(), to_runtime(v)?)))
            .collect();
        let params = match params {
            Ok(p) => p,
            Err(e) => {
                report.check(id, Err(format!("params: {e}")));
                continue;
            }
        };
        let got = rules.resolve(&params, partitions);
        let expect = case.get("expect").cloned().unwrap_or(Value::Null);
        report.check(id, compare(&got, &expect));
    }
    report
}

fn compare(
    got: &Result<awsrt::internal::endpoint::Endpoint, awsrt::internal::endpoint::EndpointError>,
    expect: &Value,
) -> Result<(), String> {
    if let Some(err) = expect.get("error").and_then(Value::as_str) {
        return match got {
            Err(awsrt::internal::endpoint::EndpointError::Rule(m)) if m == err => Ok(()),
            other => Err(format!("expected error {err:?}, got {other:?}")),
        };
    }
    let ep = expect
        .get("endpoint")
        .ok_or("test case has neither endpoint nor error")?;
    let got = got
        .as_ref()
        .map_err(|e| format!("expected an endpoint, got error {e}"))?;
    let url = ep.get("url").and_then(Value::as_str).unwrap_or_default();
    if got.url != url {
        return Err(format!("url {:?} != expected {url:?}", got.url));
    }
    let want_props = ep
        .get("properties")
        .cloned()
        .unwrap_or(Value::Object(Default::default()));
    let got_props = got
        .properties
        .iter()
        .map(|(k, v)| Ok((k.clone(), from_runtime(v)?)))
        .collect::<Result<serde_json::Map<_, _>, String>>()?;
    if Value::Object(got_props) != want_props {
        return Err(format!(
            "properties {:?} != expected {want_props}",
            got.properties
        ));
    }
    let want_headers: BTreeMap<String, Vec<String>> = ep
        .get("headers")
        .and_then(|h| serde_json::from_value(h.clone()).ok())
        .unwrap_or_default();
    if got.headers != want_headers {
        return Err(format!(
            "headers {:?} != expected {want_headers:?}",
            got.headers
        ));
    }
    Ok(())
}

fn ini_section(header: &str, props: &serde_json::Map<String, Value>) -> String {
    let mut s = format!("[{header}]\n");
    for (k, v) in props {
        match v {
            Value::Object(sub) => {
                s.push_str(&format!("{k} =\n"));
                for (sk, sv) in sub {
                    s.push_str(&format!("  {sk}={}\n", sv.as_str().unwrap_or_default()));
                }
            }
            other => s.push_str(&format!("{k}={}\n", other.as_str().unwrap_or_default())),
        }
    }
    s + "\n"
}

/// A regional rule set for a stand-in service: the configured endpoint when set, else
/// `https://<prefix>.{Region}.{dnsSuffix}`, else the missing-region error. The cases
/// check which configured URL the client hands to its rules, and the default without one.
macro_rules! regional_rules {
    ($prefix:literal) => {
        concat!(
            r#"{"version":"1.0","parameters":{
 "Region":{"builtIn":"AWS::Region","required":false,"type":"String"},
 "UseFIPS":{"builtIn":"AWS::UseFIPS","required":true,"default":false,"type":"Boolean"},
 "Endpoint":{"builtIn":"SDK::Endpoint","required":false,"type":"String"}},
 "rules":[
  {"conditions":[{"fn":"isSet","argv":[{"ref":"Endpoint"}]}],"type":"endpoint","endpoint":{"url":{"ref":"Endpoint"}}},
  {"conditions":[{"fn":"aws.partition","argv":[{"ref":"Region"}],"assign":"P"}],"type":"endpoint",
   "endpoint":{"url":"https://"#,
            $prefix,
            r#".{Region}.{P#dnsSuffix}"}},
  {"conditions":[],"type":"error","error":"Invalid Configuration: Missing Region"}]}"#
        )
    };
}

/// Defines an empty operation of a stand-in service (the test file's `s3` and
/// `dynamodb`): enough for the client to resolve its endpoint and send one request.
macro_rules! probe {
    ($op:ident, $service_id:literal, $prefix:literal) => {
        #[derive(Default)]
        struct $op;

        impl Encode for $op {
            fn encode<W: Writer>(&self, w: &mut W) {
                w.begin_struct();
                w.end_struct();
            }
        }

        impl Operation for $op {
            type Output = Nothing;
            type Error = Nothing;
            const NAME: &'static str = "Probe";
            const SERVICE: &'static ServiceMeta = &ServiceMeta {
                service_id: $service_id,
                endpoint_prefix: $prefix,
                signing_name: $prefix,
                target_prefix: "Probe",
                api_version: "2020-01-01",
                protocols: &[Protocol::AwsJson1_1],
                crate_id: "xtask-probe/0.0.0",
                endpoint_rule_set: regional_rules!($prefix),
                query_compatible: false,
            };
        }
    };
}

probe!(S3Probe, "S3", "s3");
probe!(DynamoDbProbe, "DynamoDB", "dynamodb");

/// The probes' output and error: nothing is read from the canned response.
#[derive(Debug)]
struct Nothing;

impl Decode for Nothing {
    fn decode<R: Reader>(r: &mut R) -> Result<Self, DecodeError> {
        r.skip()?;
        Ok(Nothing)
    }
}

impl OperationError for Nothing {
    fn decode<R: Reader>(_: &str, _: &mut R) -> Result<Self, DecodeError> {
        Ok(Nothing)
    }
}

/// Sends one probe through a client built from `config` and returns the URL of the
/// request it sent, as `scheme://authority` (botocore's `_normalize_endpoint`).
fn sent_to<O: Operation + Default>(config: Config) -> Result<String, String> {
    let transport = TestTransport::new();
    transport.push_response(200, &[], "{}");
    let client = Client::new(config.transport(transport.clone()));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .map_err(|e| e.to_string())?;
    if let Err(e) = rt.block_on(client.call(&O::default())) {
        if transport.requests().is_empty() {
            return Err(format!("no request was sent: {e}"));
        }
    }
    let req = transport
        .requests()
        .into_iter()
        .next()
        .ok_or("no request was sent")?;
    let uri = req.uri();
    Ok(format!(
        "{}://{}",
        uri.scheme_str().unwrap_or_default(),
        uri.authority().map(|a| a.as_str()).unwrap_or_default()
    ))
}

/// botocore's configured endpoint URL tests, through the client's own resolution: the
/// config file is written as botocore's test writes it (`AWS_CONFIG_FILE`), the case's
/// environment and client settings go into a [`Config`], and the URL the client sent its
/// request to is compared.
pub fn configured_urls(path: &Path) -> Report {
    let mut report = Report::new("configured-endpoint-urls");
    let doc = match read_json(path) {
        Ok(d) => d,
        Err(e) => {
            report.check("load", Err(e));
            return report;
        }
    };
    let suite = &doc["testSuites"][0];
    let dir = std::env::temp_dir().join(format!("xtask-configured-urls-{}", std::process::id()));
    if let Err(e) = std::fs::create_dir_all(&dir) {
        report.check("temp dir", Err(format!("{}: {e}", dir.display())));
        return report;
    }
    let empty = serde_json::Map::new();
    for (i, case) in suite["endpointUrlTests"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let name = case["name"].as_str().unwrap_or("?").to_string();
        let result = (|| -> Result<(), String> {
            let profile_name = case["profile"].as_str().ok_or("no profile")?;
            let profile = suite["profiles"][profile_name]
                .as_object()
                .ok_or("unknown profile")?;
            let mut text = ini_section(&format!("profile {profile_name}"), profile);
            if let Some(services) = profile.get("services").and_then(Value::as_str) {
                let sec = suite["services"][services].as_object().unwrap_or(&empty);
                text += &ini_section(&format!("services {services}"), sec);
            }
            let config_file = dir.join(format!("config-{i}"));
            std::fs::write(&config_file, text)
                .map_err(|e| format!("{}: {e}", config_file.display()))?;
            let env_name = case["environment"].as_str().unwrap_or("default");
            let mut vars: Vec<(String, String)> = suite["environments"][env_name]
                .as_object()
                .unwrap_or(&empty)
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                .collect();
            vars.push((
                "AWS_CONFIG_FILE".into(),
                config_file.to_string_lossy().into_owned(),
            ));
            // No credentials file and no instance metadata: nothing beyond loopback.
            vars.push((
                "AWS_SHARED_CREDENTIALS_FILE".into(),
                dir.join("no-credentials").to_string_lossy().into_owned(),
            ));
            vars.push(("AWS_EC2_METADATA_DISABLED".into(), "true".into()));
            let mut config = Config::with_env(Env::from_vars(vars)).profile(profile_name);
            let client_name = case["client_config"].as_str().unwrap_or("default");
            let client = suite["client_configs"][client_name]
                .as_object()
                .unwrap_or(&empty);
            if let Some(u) = client.get("endpoint_url").and_then(Value::as_str) {
                config = config.endpoint_url(u);
            }
            if let Some(b) = client
                .get("ignore_configured_endpoint_urls")
                .and_then(Value::as_bool)
            {
                config = config.ignore_configured_endpoint_urls(b);
            }
            let got = match case["service"].as_str() {
                Some("s3") => sent_to::<S3Probe>(config)?,
                Some("dynamodb") => sent_to::<DynamoDbProbe>(config)?,
                other => return Err(format!("no stand-in for service {other:?}")),
            };
            let want = case["output"]["endpointUrl"].as_str().unwrap_or_default();
            if got == want {
                Ok(())
            } else {
                Err(format!("got {got:?}, expected {want:?}"))
            }
        })();
        report.check(name, result);
    }
    let _ = std::fs::remove_dir_all(&dir);
    report
}

/// botocore's `test_expected_service_env_var_name_is_respected` and
/// `test_expected_service_config_section_name_is_respected`, for every service of the
/// sdist: `AWS_ENDPOINT_URL_<SERVICE ID>` and a `[services]` section keyed by the
/// service id must each reach the endpoint. Resolved by the shared-config loader and
/// `configured_endpoint_url`, the functions a client's endpoint resolution calls with its
/// service id (a client's service is a compile-time constant, so the 400-odd ids cannot
/// each get one here).
pub fn service_id_names(botocore: &Path) -> Report {
    let mut report = Report::new("configured-endpoint-urls: every service id");
    let data = botocore.join("botocore/data");
    let mut services: Vec<String> = std::fs::read_dir(&data)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    services.sort();
    let dir = std::env::temp_dir().join(format!("xtask-service-ids-{}", std::process::id()));
    if let Err(e) = std::fs::create_dir_all(&dir) {
        report.check("temp dir", Err(format!("{}: {e}", dir.display())));
        return report;
    }
    let config = dir.join("config");
    for service in &services {
        let Some(id) = newest_service_id(&data.join(service)) else {
            report.check(service, Err("no service-2.json with a serviceId".into()));
            continue;
        };
        let profile = "[profile default]\naws_access_key_id=123\naws_secret_access_key=456\nregion=fake-region-10\n";
        let env_var = format!("AWS_ENDPOINT_URL_{}", id.replace(' ', "_").to_uppercase());
        let section = format!(
            "[profile default]\nservices=my-services\naws_access_key_id=123\naws_secret_access_key=456\nregion=fake-region-10\n\n[services my-services]\n{} = \n  endpoint_url = https://endpoint-override\n\n",
            id.replace(' ', "_").to_lowercase()
        );
        for (kind, text, vars) in [
            (
                "env var",
                profile.to_string(),
                vec![(env_var, "https://endpoint-override".to_string())],
            ),
            ("config section", section, vec![]),
        ] {
            let result = (|| -> Result<(), String> {
                std::fs::write(&config, text).map_err(|e| e.to_string())?;
                let mut vars = vars;
                vars.push((
                    "AWS_CONFIG_FILE".into(),
                    config.to_string_lossy().into_owned(),
                ));
                vars.push((
                    "AWS_SHARED_CREDENTIALS_FILE".into(),
                    dir.join("none").to_string_lossy().into_owned(),
                ));
                let cfg = SharedConfig::load(&Env::from_vars(vars), Some("default"))
                    .map_err(|e| e.to_string())?;
                match cfg.configured_endpoint_url(&id)? {
                    Some(u) if u == "https://endpoint-override" => Ok(()),
                    other => Err(format!("got {other:?}")),
                }
            })();
            report.check(format!("{service} ({id}) {kind}"), result);
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    report
}

/// The `serviceId` of a service's newest `service-2.json` (botocore's loader's choice),
/// read from the metadata at the top of the file.
fn newest_service_id(service_dir: &Path) -> Option<String> {
    let mut versions: Vec<std::path::PathBuf> = std::fs::read_dir(service_dir)
        .ok()?
        .flatten()
        .map(|e| e.path().join("service-2.json"))
        .filter(|p| p.is_file())
        .collect();
    versions.sort();
    let text = std::fs::read_to_string(versions.pop()?).ok()?;
    let metadata: Value = {
        // The metadata object opens the file; parse just it, not the whole model.
        let start = text.find("\"metadata\"")?;
        let open = start + text[start..].find('{')?;
        let mut depth = 0usize;
        let mut end = None;
        let mut in_string = false;
        let mut escaped = false;
        for (i, c) in text[open..].char_indices() {
            match (in_string, escaped, c) {
                (true, true, _) => escaped = false,
                (true, false, '\\') => escaped = true,
                (true, false, '"') => in_string = false,
                (false, _, '"') => in_string = true,
                (false, _, '{') => depth += 1,
                (false, _, '}') => {
                    depth -= 1;
                    if depth == 0 {
                        end = Some(open + i + 1);
                        break;
                    }
                }
                _ => {}
            }
        }
        serde_json::from_str(&text[open..end?]).ok()?
    };
    metadata["serviceId"].as_str().map(str::to_string)
}

//! The cross-SDK profile parser and file location suites (smithy-rs test data in
//! `../shared/vectors/aws-config-smithy-rs/`), plus `[services]` sections and settings.

use std::collections::BTreeMap;
use std::path::Path;

use awsrt::internal::shared_config::{
    Env, FileKind, FileLocations, Platform, ProfileSet, RetryMode, SharedConfig,
};
use serde_json::Value;

fn vectors(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/vectors/aws-config-smithy-rs")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

fn props(s: &awsrt::internal::shared_config::Section) -> Value {
    Value::Object(
        s.properties()
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect(),
    )
}

#[test]
fn profile_parser_suite() {
    let doc = vectors("profile-parser-tests.json");
    let tests = doc["tests"].as_array().unwrap();
    let mut failed = Vec::new();
    for t in tests {
        let name = t["name"].as_str().unwrap();
        let config = t["input"]["configFile"].as_str();
        let creds = t["input"]["credentialsFile"].as_str();
        let got = ProfileSet::parse(
            config.map(|c| (Path::new("/home/u/.aws/config"), c)),
            creds.map(|c| (Path::new("/home/u/.aws/credentials"), c)),
        );
        let out = &t["output"];
        let ok = match (&got, out.get("errorContaining")) {
            (Err(e), Some(want)) => {
                let msg = e.to_string();
                // Errors name the file and line.
                msg.contains(want.as_str().unwrap()) && msg.contains(".aws/") && e.line >= 1
            }
            (Ok(set), None) => {
                let profiles: serde_json::Map<String, Value> = set
                    .profiles
                    .iter()
                    .map(|(k, v)| (k.clone(), props(v)))
                    .collect();
                let mut same = Value::Object(profiles) == out["config"]["profiles"];
                if let Some(want) = out["config"].get("sso_sessions") {
                    let sessions: serde_json::Map<String, Value> = set
                        .sso_sessions
                        .iter()
                        .map(|(k, v)| (k.clone(), props(v)))
                        .collect();
                    same &= Value::Object(sessions) == *want;
                }
                same
            }
            _ => false,
        };
        if !ok {
            failed.push(format!("{name}: got {got:?}, want {out}"));
        }
    }
    println!(
        "profile parser: {} passed, {} failed",
        tests.len() - failed.len(),
        failed.len()
    );
    assert!(failed.is_empty(), "{failed:#?}");
    assert_eq!(tests.len(), 65);
}

#[test]
fn file_location_suite() {
    let doc = vectors("file-location-tests.json");
    let tests = doc["tests"].as_array().unwrap();
    for t in tests {
        let env: BTreeMap<String, String> =
            serde_json::from_value(t["environment"].clone()).unwrap();
        let platform = match t["platform"].as_str() {
            Some("windows") => Platform::Windows,
            _ => Platform::Unix,
        };
        let loc = FileLocations::resolve(&|k| env.get(k).cloned(), platform);
        let name = t["name"].as_str().unwrap();
        assert_eq!(
            loc.config.unwrap().to_str().unwrap(),
            t["configLocation"].as_str().unwrap(),
            "{name}"
        );
        assert_eq!(
            loc.credentials.unwrap().to_str().unwrap(),
            t["credentialsLocation"].as_str().unwrap(),
            "{name}"
        );
        if let Some(p) = t["profile"].as_str() {
            assert_eq!(loc.profile, p, "{name}");
        }
    }
    assert_eq!(tests.len(), 9);
}

fn temp_dir(tag: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("awsrt-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn settings_from_files_and_env() {
    let dir = temp_dir("settings");
    let config = dir.join("config");
    std::fs::write(
        &config,
        "[profile dev]\nregion = eu-west-1\nuse_fips_endpoint = true\nservices = local\n\
         max_attempts = 7\nretry_mode = adaptive\nendpoint_url = https://global.example\n\
         [services local]\nsnowball =\n  endpoint_url = http://127.0.0.1:9000\n",
    )
    .unwrap();
    let base = [
        ("AWS_CONFIG_FILE", config.to_str().unwrap().to_string()),
        (
            "AWS_SHARED_CREDENTIALS_FILE",
            dir.join("none").to_str().unwrap().to_string(),
        ),
        ("AWS_PROFILE", "dev".to_string()),
    ];
    let cfg = SharedConfig::load(&Env::from_vars(base.clone()), None).unwrap();
    assert_eq!(cfg.region().unwrap().as_deref(), Some("eu-west-1"));
    assert_eq!(cfg.use_fips().unwrap(), Some(true));
    assert_eq!(cfg.use_dualstack().unwrap(), None);
    assert_eq!(cfg.max_attempts().unwrap(), Some(7));
    assert_eq!(cfg.retry_mode().unwrap(), Some(RetryMode::Adaptive));
    assert_eq!(
        cfg.configured_endpoint_url("Snowball").unwrap().as_deref(),
        Some("http://127.0.0.1:9000")
    );
    assert_eq!(
        cfg.configured_endpoint_url("Import Export")
            .unwrap()
            .as_deref(),
        Some("https://global.example")
    );

    // Environment beats the profile; AWS_REGION beats AWS_DEFAULT_REGION.
    let mut vars = base.to_vec();
    vars.push(("AWS_DEFAULT_REGION", "us-east-2".into()));
    vars.push(("AWS_REGION", "ap-south-1".into()));
    vars.push(("AWS_MAX_ATTEMPTS", "2".into()));
    vars.push(("AWS_RETRY_MODE", "standard".into()));
    vars.push(("AWS_ENDPOINT_URL_SNOWBALL", "http://127.0.0.1:1".into()));
    let cfg = SharedConfig::load(&Env::from_vars(vars.clone()), None).unwrap();
    assert_eq!(cfg.region().unwrap().as_deref(), Some("ap-south-1"));
    assert_eq!(cfg.max_attempts().unwrap(), Some(2));
    assert_eq!(cfg.retry_mode().unwrap(), Some(RetryMode::Standard));
    assert_eq!(
        cfg.configured_endpoint_url("Snowball").unwrap().as_deref(),
        Some("http://127.0.0.1:1")
    );
    vars.push(("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true".into()));
    let cfg = SharedConfig::load(&Env::from_vars(vars.clone()), None).unwrap();
    assert_eq!(cfg.configured_endpoint_url("Snowball").unwrap(), None);

    // Bad values are errors that name their source.
    vars.push(("AWS_MAX_ATTEMPTS", "zero".into()));
    let mut bad: BTreeMap<&str, String> = vars.into_iter().collect();
    bad.insert("AWS_MAX_ATTEMPTS", "zero".into());
    bad.insert("AWS_USE_DUALSTACK_ENDPOINT", "yes".into());
    let cfg = SharedConfig::load(&Env::from_vars(bad), None).unwrap();
    assert!(cfg.max_attempts().unwrap_err().contains("AWS_MAX_ATTEMPTS"));
    assert!(cfg
        .use_dualstack()
        .unwrap_err()
        .contains("AWS_USE_DUALSTACK_ENDPOINT"));
}

#[test]
fn syntax_errors_name_file_and_line() {
    let dir = temp_dir("syntax");
    let config = dir.join("config");
    std::fs::write(&config, "[profile a]\nregion = x\n[profile b\n").unwrap();
    let env = Env::from_vars([("AWS_CONFIG_FILE", config.to_str().unwrap())]);
    let err = SharedConfig::load(&env, None).unwrap_err();
    assert_eq!(err.line, 3);
    assert_eq!(err.path, config);
    assert!(err
        .to_string()
        .contains(&format!("{}:3:", config.display())));
    let mut set = ProfileSet::default();
    let err = set
        .add_file(Path::new("creds"), "[a]\nkey\n", FileKind::Credentials)
        .unwrap_err();
    assert_eq!(
        (err.line, err.message.as_str()),
        (2, "Expected an '=' sign defining a property")
    );
}

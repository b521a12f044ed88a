//! The cross-SDK assume-role suite (`assume-role-tests.json`): which chain of providers
//! a profile selects, or which error.

use std::path::Path;

use awsrt::internal::credentials::profile::{resolve_chain, BaseProvider};
use awsrt::internal::shared_config::{ProfileSet, Section};
use serde_json::{json, Map, Value};

fn section(v: &Value) -> Section {
    Section::from_properties(
        v.as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string())),
    )
}

fn opt(m: &mut Map<String, Value>, k: &str, v: &Option<String>) {
    if let Some(v) = v {
        m.insert(k.into(), json!(v));
    }
}

fn base_json(b: &BaseProvider) -> Value {
    let mut m = Map::new();
    match b {
        BaseProvider::AccessKey {
            access_key_id,
            secret_access_key,
            account_id,
            ..
        } => {
            m.insert("access_key_id".into(), json!(access_key_id));
            m.insert("secret_access_key".into(), json!(secret_access_key));
            opt(&mut m, "account_id", account_id);
            json!({ "AccessKey": m })
        }
        BaseProvider::NamedSource(s) => json!({ "NamedSource": s }),
        BaseProvider::WebIdentityToken {
            role_arn,
            web_identity_token_file,
            role_session_name,
        } => {
            m.insert("role_arn".into(), json!(role_arn));
            m.insert(
                "web_identity_token_file".into(),
                json!(web_identity_token_file),
            );
            opt(&mut m, "role_session_name", role_session_name);
            json!({ "WebIdentityToken": m })
        }
        BaseProvider::Sso {
            sso_session,
            sso_account_id,
            sso_role_name,
            sso_region,
            sso_start_url,
        } => {
            opt(&mut m, "sso_session", sso_session);
            opt(&mut m, "sso_account_id", sso_account_id);
            opt(&mut m, "sso_role_name", sso_role_name);
            opt(&mut m, "sso_region", sso_region);
            opt(&mut m, "sso_start_url", sso_start_url);
            json!({ "Sso": m })
        }
        BaseProvider::CredentialProcess(c) => json!({ "CredentialProcess": c }),
    }
}

#[test]
fn assume_role_suite() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/vectors/aws-config-smithy-rs/assume-role-tests.json");
    let cases: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let mut failed = Vec::new();
    for case in &cases {
        let input = &case["input"];
        let mut set = ProfileSet::default();
        for (name, p) in input["profiles"].as_object().unwrap() {
            set.profiles.insert(name.clone(), section(p));
        }
        if let Some(s) = input.get("sso_sessions").and_then(Value::as_object) {
            for (name, p) in s {
                set.sso_sessions.insert(name.clone(), section(p));
            }
        }
        let got = resolve_chain(&set, input["selected_profile"].as_str().unwrap());
        let out = &case["output"];
        let ok = match (&got, out.get("Error")) {
            (Err(e), Some(want)) => e.0.contains(want.as_str().unwrap()),
            (Ok(chain), None) => {
                let mut links = vec![base_json(&chain.base)];
                for r in &chain.roles {
                    let mut m = Map::new();
                    m.insert("role_arn".into(), json!(r.role_arn));
                    opt(&mut m, "role_session_name", &r.session_name);
                    opt(&mut m, "external_id", &r.external_id);
                    links.push(json!({ "AssumeRole": m }));
                }
                Value::Array(links) == out["ProfileChain"]
            }
            _ => false,
        };
        if !ok {
            failed.push(format!("{}: got {got:?}, want {out}", case["docs"]));
        }
    }
    println!(
        "assume-role: {} passed, {} failed",
        cases.len() - failed.len(),
        failed.len()
    );
    assert!(failed.is_empty(), "{failed:#?}");
    assert_eq!(cases.len(), 28);
}

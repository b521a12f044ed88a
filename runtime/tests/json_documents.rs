//! The JSON documents the runtime reads for itself (endpoint rule sets, partitions.json,
//! credential documents) go through its own reader: a malformed one is an error that
//! names the document and the line and column, never a panic, and never quotes a secret.

use std::path::Path;

use awsrt::internal::credentials::{ProcessProvider, ProvideCredentials};
use awsrt::internal::endpoint::{Partitions, RuleSet, PARTITIONS_JSON};

#[test]
fn malformed_rule_sets_name_the_place() {
    for (text, want) in [
        (
            "{\"version\": \"1.0\",\n  \"parameters\": {}\n  \"rules\": []}",
            "endpoint rule set: expected ',' or '}' at line 3 column 3",
        ),
        (
            "",
            "endpoint rule set: unexpected end of JSON input at line 1 column 1",
        ),
        (
            "{\"parameters\": {\"Région\": {\"type\": \"String\"}, }}",
            "endpoint rule set: expected an object key at line 1 column 47",
        ),
        ("[]", "endpoint rule set: not a JSON object"),
        (
            r#"{"parameters": [], "rules": []}"#,
            "endpoint rule set: no `parameters` object",
        ),
        (
            r#"{"parameters": {}, "rules": {}}"#,
            "endpoint rule set: no `rules` array",
        ),
    ] {
        assert_eq!(RuleSet::parse(text).err().as_deref(), Some(want), "{text}");
    }
}

#[test]
fn every_prefix_of_a_rule_set_or_partitions_is_an_error_not_a_panic() {
    let rules = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../models/snowball/2016-06-30/endpoint-rule-set-1.json"),
    )
    .unwrap();
    assert!(RuleSet::parse(&rules).is_ok());
    // Cut at character boundaries; the last cut that parses is the whole document
    // (trailing whitespace aside).
    let whole = rules.trim_end().len();
    for (cut, _) in rules.char_indices().filter(|(i, _)| *i < whole) {
        let e = RuleSet::parse(&rules[..cut]).err().unwrap_or_default();
        assert!(e.starts_with("endpoint rule set: "), "cut {cut}: {e:?}");
    }
    let whole = PARTITIONS_JSON.trim_end().len();
    for (cut, _) in PARTITIONS_JSON.char_indices().filter(|(i, _)| *i < whole) {
        let e = Partitions::parse(&PARTITIONS_JSON[..cut]).err();
        let e = e.unwrap_or_default();
        assert!(e.starts_with("partitions.json: "), "cut {cut}: {e:?}");
    }
    assert_eq!(
        Partitions::parse(r#"{"partitions": [{"id": 7}]}"#)
            .err()
            .as_deref(),
        Some("partitions.json: partition without `id`")
    );
    assert_eq!(
        Partitions::parse("{\"partitions\":\n [tru]}")
            .err()
            .as_deref(),
        Some("partitions.json: invalid literal at line 2 column 3")
    );
}

#[tokio::test]
async fn malformed_credential_process_output_names_the_place_not_the_secret() {
    // A missing comma on the second line, after the secret key.
    let err = ProcessProvider::new(
        r#"sh -c 'printf "{\"Version\": 1, \"AccessKeyId\": \"PKEY\",\n \"SecretAccessKey\": \"hunter2\" \"SessionToken\": \"t\"}"'"#,
    )
    .provide()
    .await
    .unwrap_err();
    let m = err.message();
    assert!(
        m.contains("its output is not valid JSON: expected ',' or '}' at line 2 column 31"),
        "{m}"
    );
    assert!(!m.contains("hunter2"), "{m}");
    // A repeated key reads as botocore (Python's json.loads) reads it: the last one.
    let c = ProcessProvider::new(
        r#"sh -c 'echo "{\"Version\": 1, \"AccessKeyId\": \"FIRST\", \"AccessKeyId\": \"LAST\", \"SecretAccessKey\": \"s\"}"'"#,
    )
    .provide()
    .await
    .unwrap();
    assert_eq!(c.access_key_id(), "LAST");
}

//! The rules engine on the committed Snowball and Import/Export rule sets, and the
//! partition data (botocore's full endpoint test files run in `cargo xtask conformance`).

use std::collections::BTreeMap;
use std::path::Path;

use awsrt::internal::endpoint::{EndpointError, Partitions, RuleSet};
use awsrt::internal::json::{decode_value, Value};
// serde_json only writes the test documents; the runtime reads them with its own reader.
use serde_json::json;

fn rules(model: &str) -> RuleSet {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../models")
        .join(model)
        .join("endpoint-rule-set-1.json");
    RuleSet::parse(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn params(v: serde_json::Value) -> BTreeMap<String, Value> {
    match decode_value(v.to_string().as_bytes()).unwrap() {
        Value::Object(members) => members.into_iter().collect(),
        other => panic!("parameters must be an object: {other}"),
    }
}

#[test]
fn snowball_table() {
    let r = rules("snowball/2016-06-30");
    let p = Partitions::embedded();
    for (region, fips, ds, url) in [
        (
            "us-east-1",
            false,
            false,
            "https://snowball.us-east-1.amazonaws.com",
        ),
        (
            "us-east-1",
            true,
            false,
            "https://snowball-fips.us-east-1.amazonaws.com",
        ),
        (
            "us-east-1",
            false,
            true,
            "https://snowball.us-east-1.api.aws",
        ),
        (
            "us-east-1",
            true,
            true,
            "https://snowball-fips.us-east-1.api.aws",
        ),
        (
            "cn-north-1",
            false,
            true,
            "https://snowball.cn-north-1.api.amazonwebservices.com.cn",
        ),
        (
            "us-isob-east-1",
            false,
            false,
            "https://snowball.us-isob-east-1.sc2s.sgov.gov",
        ),
        (
            "xx-foo-1",
            false,
            false,
            "https://snowball.xx-foo-1.amazonaws.com",
        ),
    ] {
        let e = r
            .resolve(
                &params(json!({"Region": region, "UseFIPS": fips, "UseDualStack": ds})),
                p,
            )
            .unwrap();
        assert_eq!(e.url, url);
        assert_eq!(e.signing_name(), None);
    }
    let e = r
        .resolve(&params(json!({"Endpoint": "http://127.0.0.1:99/base"})), p)
        .unwrap();
    assert_eq!(e.url, "http://127.0.0.1:99/base");
    assert_eq!(
        r.resolve(
            &params(json!({"Endpoint": "https://x", "UseFIPS": true})),
            p
        ),
        Err(EndpointError::Rule(
            "Invalid Configuration: FIPS and custom endpoint are not supported".into()
        ))
    );
    assert_eq!(
        r.resolve(&params(json!({})), p),
        Err(EndpointError::Rule(
            "Invalid Configuration: Missing Region".into()
        ))
    );
    assert!(matches!(
        r.resolve(&params(json!({"Region": true})), p),
        Err(EndpointError::Invalid(_))
    ));
}

#[test]
fn importexport_auth_scheme_overrides_signing() {
    let r = rules("importexport/2010-06-01");
    let e = r
        .resolve(
            &params(json!({"Region": "aws-global"})),
            Partitions::embedded(),
        )
        .unwrap();
    assert_eq!(e.url, "https://importexport.amazonaws.com");
    assert_eq!(e.signing_name(), Some("IngestionService"));
    assert_eq!(e.signing_region(), Some("us-east-1"));
}

#[test]
fn standard_library_functions() {
    // A rule set exercising the functions Snowball's does not use.
    let doc = json!({"version": "1.0", "parameters": {"Bucket": {"type": "String", "required": true},
      "Arn": {"type": "String", "required": true}, "Url": {"type": "String", "required": true}},
      "rules": [{"conditions": [
        {"fn": "aws.isVirtualHostableS3Bucket", "argv": [{"ref": "Bucket"}, false]},
        {"fn": "aws.parseArn", "argv": [{"ref": "Arn"}], "assign": "arn"},
        {"fn": "parseURL", "argv": [{"ref": "Url"}], "assign": "url"},
        {"fn": "substring", "argv": [{"ref": "Bucket"}, 0, 3, false], "assign": "pre"},
        {"fn": "not", "argv": [{"fn": "isValidHostLabel", "argv": ["a..b", true]}]},
        {"fn": "stringEquals", "argv": [{"fn": "getAttr", "argv": [{"ref": "arn"}, "resourceId[1]"]}, "res"]}],
       "type": "endpoint", "endpoint": {"url": "{url#scheme}://{Bucket}.{arn#region}.example{url#normalizedPath}{pre}/{{x}}",
         "properties": {"ip": {"fn": "getAttr", "argv": [{"ref": "url"}, "isIp"]}}, "headers": {"x-enc": [{"fn": "uriEncode", "argv": ["a b/c"]}]}}},
       {"conditions": [], "type": "error", "error": "no match for {Bucket}"}]});
    let r = RuleSet::parse(&doc.to_string()).unwrap();
    let p = Partitions::embedded();
    let e = r
        .resolve(
            &params(json!({"Bucket": "mybucket", "Arn": "arn:aws:s3:eu-west-1:123:thing/res", "Url": "https://10.0.0.1:8443/p"})),
            p,
        )
        .unwrap();
    assert_eq!(e.url, "https://mybucket.eu-west-1.example/p/myb/{x}");
    assert_eq!(e.properties["ip"], Value::Bool(true));
    assert_eq!(e.headers["x-enc"], vec!["a%20b%2Fc".to_string()]);
    let err = r
        .resolve(
            &params(
                json!({"Bucket": "Bad_Bucket", "Arn": "arn:aws:s3:::x/res", "Url": "https://h"}),
            ),
            p,
        )
        .unwrap_err();
    assert_eq!(err, EndpointError::Rule("no match for Bad_Bucket".into()));
}

#[test]
fn partitions() {
    let p = Partitions::parse(awsrt::internal::endpoint::PARTITIONS_JSON).unwrap();
    let get = |r: &str, k: &str| {
        p.lookup(r)
            .unwrap()
            .get(k)
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let s = |v: &str| Some(v.to_string());
    assert_eq!(get("us-east-1", "name"), s("aws"));
    assert_eq!(get("cn-north-1", "dnsSuffix"), s("amazonaws.com.cn"));
    assert_eq!(get("us-gov-west-9", "name"), s("aws-us-gov"));
    assert_eq!(get("mars-east-1", "name"), s("aws"));
    assert_eq!(get("aws-global", "implicitGlobalRegion"), s("us-east-1"));
}

/// Found by fuzzing: `{"ref": [...]}` (and a non-string `fn`) made `expr` and `literal`
/// call each other forever; now it is an error.
#[test]
fn a_non_string_ref_or_fn_is_an_error_not_a_hang() {
    for bad in [
        json!({"ref": [{"ref": "p"}, "cn"]}),
        json!({"fn": ["isSet"], "argv": []}),
    ] {
        let text = json!({
            "version": "1.0",
            "parameters": {"Region": {"builtIn": "AWS::Region", "required": false, "type": "String"}},
            "rules": [{
                "conditions": [{"fn": "parseURL", "argv": [bad], "assign": "u"}],
                "endpoint": {"url": "https://example.com", "properties": {}, "headers": {}},
                "type": "endpoint"
            }]
        })
        .to_string();
        let rules = RuleSet::parse(&text).expect("parses");
        let err = rules
            .resolve(
                &params(json!({"Region": "us-east-1"})),
                Partitions::embedded(),
            )
            .unwrap_err();
        assert!(err.to_string().contains("not a string"), "{err}");
    }
}

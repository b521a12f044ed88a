//! Constructs found by `cargo xtask generate-all` in real botocore models, each on a tiny
//! model: they lower (and emit) instead of stopping the service's generation.

use std::path::{Path, PathBuf};

use codegen::ir::{self, Service, TypeDef};
use codegen::model::{parse_json, ModelFiles};
use serde_json::{json, Value};

/// A one-operation awsJson 1.0 model with `shapes` and `Op`'s input `OpInput` and output
/// `OpOutput` (which `shapes` defines).
fn model(shapes: Value) -> Value {
    json!({
        "metadata": {
            "apiVersion": "2020-01-01", "endpointPrefix": "tiny", "jsonVersion": "1.0",
            "protocol": "json", "protocols": ["json"],
            "serviceId": "Tiny", "serviceFullName": "Tiny Service", "targetPrefix": "Tiny"
        },
        "operations": {
            "Op": {
                "name": "Op",
                "http": {"method": "POST", "requestUri": "/"},
                "input": {"shape": "OpInput"},
                "output": {"shape": "OpOutput"}
            }
        },
        "shapes": shapes
    })
}

fn files(model: &Value, paginators: Option<Value>) -> ModelFiles {
    let path = Path::new("service-2.json");
    ModelFiles {
        dir: PathBuf::from("."),
        service: parse_json(path, &model.to_string()).unwrap(),
        paginators: paginators
            .map(|p| parse_json(Path::new("paginators-1.json"), &p.to_string()).unwrap())
            .unwrap_or_default(),
        examples: Default::default(),
    }
}

fn lower(model: &Value) -> Service {
    ir::lower(&files(model, None), "tiny").unwrap_or_else(|e| panic!("{e}"))
}

fn enum_values(service: &Service, name: &str) -> Vec<(String, String)> {
    match service.types.get(name) {
        Some(TypeDef::Enum(e)) => e.values.clone(),
        other => panic!("{name} is not an enum: {other:?}"),
    }
}

#[test]
fn an_enum_value_named_unknown_gets_a_variant_beside_the_catch_all() {
    // athena, cloudformation, rds, ssm and 26 more have a value `UNKNOWN` or `Unknown`.
    let m = model(json!({
        "OpInput": {"type": "structure", "members": {"State": {"shape": "State"}}},
        "OpOutput": {"type": "structure", "members": {}},
        "State": {"type": "string", "enum": ["ACTIVE", "UNKNOWN"]}
    }));
    let service = lower(&m);
    assert_eq!(
        enum_values(&service, "State"),
        [
            ("ACTIVE".to_string(), "Active".to_string()),
            ("UNKNOWN".to_string(), "UnknownValue".to_string())
        ]
    );
}

#[test]
fn an_event_stream_operation_is_generated_as_unsupported_and_the_rest_as_usual() {
    // kinesis SubscribeToShard, logs StartLiveTail, healthlake UpdateProfileWithAgent.
    let m = model(json!({
        "OpInput": {"type": "structure", "members": {"Id": {"shape": "String"}}},
        "OpOutput": {"type": "structure", "members": {
            "Events": {"shape": "Stream"},
            "Id": {"shape": "String"}
        }},
        "Stream": {"type": "structure", "eventstream": true, "members": {
            "Record": {"shape": "Record"},
            "Failed": {"shape": "Failed"}
        }},
        "Record": {"type": "structure", "event": true, "members": {"Data": {"shape": "String"}}},
        "Failed": {"type": "structure", "exception": true, "members": {}},
        "String": {"type": "string"}
    }));
    let service = lower(&m);
    let op = &service.operations["op"];
    let why = op.unsupported.as_deref().unwrap_or_default();
    assert!(
        why.contains("event stream") && why.contains("Events"),
        "names the construct and the member: {why}"
    );
    // The stream member is left out; the other members stay.
    let fields: Vec<&str> = op.output.members.iter().map(|m| m.field.as_str()).collect();
    assert_eq!(fields, ["id"]);
    assert!(!service.types.contains_key("Stream"));
    // The emitted operation refuses to run rather than misreading a stream.
    let files = emit(&m, "events");
    let text = &files["src/operation/op.rs"];
    assert!(text.contains("const UNSUPPORTED"), "{text}");
}

/// Generates the crate for `model` in a fresh directory.
fn emit(model: &Value, case: &str) -> std::collections::BTreeMap<String, String> {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("all-services")
        .join(case);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("service-2.json"), model.to_string()).unwrap();
    let spec = codegen::CrateSpec {
        model_dir: dir,
        crate_name: "tiny".into(),
        runtime_path: "../runtime".into(),
        runtime_version: "0.1.0".into(),
        version: "0.1.0".into(),
    };
    codegen::generate(&spec).unwrap_or_else(|e| panic!("{e}"))
}

/// `model` with a paginator for `Op`.
fn lower_paginated(shapes: Value, paginator: Value) -> Result<Service, codegen::Error> {
    let m = model(shapes);
    let p = json!({"pagination": {"Op": paginator}});
    ir::lower(&files(&m, Some(p)), "tiny")
}

#[test]
fn a_result_key_may_be_a_path_and_a_token_a_map() {
    use codegen::ir::{PathStep, Type};
    // elasticache, neptune, redshift: `EngineDefaults.Parameters`, `EngineDefaults.Marker`.
    let service = lower_paginated(
        json!({
            "OpInput": {"type": "structure", "members": {"Marker": {"shape": "String"}}},
            "OpOutput": {"type": "structure", "members": {"EngineDefaults": {"shape": "Defaults"}}},
            "Defaults": {"type": "structure", "members": {
                "Marker": {"shape": "String"}, "Parameters": {"shape": "Names"}
            }},
            "Names": {"type": "list", "member": {"shape": "String"}},
            "String": {"type": "string"}
        }),
        json!({"input_token": "Marker", "output_token": "EngineDefaults.Marker",
               "result_key": "EngineDefaults.Parameters"}),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let p = service.operations["op"].paginator.as_ref().unwrap();
    let field = |n: &str| PathStep::Field {
        name: n.into(),
        required: false,
    };
    assert_eq!(
        p.items,
        Some((
            vec![field("engine_defaults"), field("parameters")],
            Type::String
        ))
    );
    assert_eq!(p.token, Type::String);

    // DynamoDB Scan: the token is a map, the same type in and out.
    let shapes = |out_key: &str| {
        json!({
            "OpInput": {"type": "structure", "members": {"ExclusiveStartKey": {"shape": "Key"}}},
            "OpOutput": {"type": "structure", "members": {
                "LastEvaluatedKey": {"shape": out_key}, "Items": {"shape": "Items"}
            }},
            "Key": {"type": "map", "key": {"shape": "String"}, "value": {"shape": "String"}},
            "Items": {"type": "list", "member": {"shape": "Key"}},
            "String": {"type": "string"}
        })
    };
    let pag = json!({"input_token": "ExclusiveStartKey", "output_token": "LastEvaluatedKey",
                     "result_key": ["Items", "Count"]});
    let service = lower_paginated(shapes("Key"), pag.clone()).unwrap_or_else(|e| panic!("{e}"));
    let p = service.operations["op"].paginator.as_ref().unwrap();
    assert!(
        matches!(p.token, Type::Map { sparse: false, .. }),
        "{:?}",
        p.token
    );
    assert_eq!(p.items, None, "several result keys: the items are pages");
    // An output token of another type than the input token is a clear error.
    let err = lower_paginated(shapes("String"), pag).unwrap_err();
    assert_eq!(err.path, "pagination.Op.output_token", "{err}");
    assert!(err.message.contains("type of the input token"), "{err}");
}

#[test]
fn a_result_key_that_is_a_structure_pages_by_page() {
    // budgets DescribeBudgetPerformanceHistory: `BudgetPerformanceHistory` is a structure.
    let service = lower_paginated(
        json!({
            "OpInput": {"type": "structure", "members": {"NextToken": {"shape": "String"}}},
            "OpOutput": {"type": "structure", "members": {
                "History": {"shape": "History"}, "NextToken": {"shape": "String"}
            }},
            "History": {"type": "structure", "members": {"Name": {"shape": "String"}}},
            "String": {"type": "string"}
        }),
        json!({"input_token": "NextToken", "output_token": "NextToken", "result_key": "History"}),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let p = service.operations["op"].paginator.as_ref().unwrap();
    assert_eq!(p.items, None);
}

#[test]
fn more_results_may_be_a_path() {
    use codegen::ir::PathStep;
    // kinesis DescribeStream: `StreamDescription.HasMoreShards`, token
    // `StreamDescription.Shards[-1].ShardId`.
    let service = lower_paginated(
        json!({
            "OpInput": {"type": "structure", "members": {"Start": {"shape": "String"}}},
            "OpOutput": {"type": "structure", "required": ["StreamDescription"], "members": {
                "StreamDescription": {"shape": "Description"}
            }},
            "Description": {"type": "structure", "required": ["Shards", "HasMoreShards"], "members": {
                "Shards": {"shape": "Shards"}, "HasMoreShards": {"shape": "Boolean"}
            }},
            "Shards": {"type": "list", "member": {"shape": "Shard"}},
            "Shard": {"type": "structure", "required": ["ShardId"], "members": {"ShardId": {"shape": "String"}}},
            "Boolean": {"type": "boolean"},
            "String": {"type": "string"}
        }),
        json!({"input_token": "Start", "output_token": "StreamDescription.Shards[-1].ShardId",
               "more_results": "StreamDescription.HasMoreShards",
               "result_key": "StreamDescription.Shards"}),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let p = service.operations["op"].paginator.as_ref().unwrap();
    let field = |n: &str| PathStep::Field {
        name: n.into(),
        required: true,
    };
    assert_eq!(
        p.more_results,
        Some(vec![field("stream_description"), field("has_more_shards")])
    );
}

#[test]
fn an_error_listed_twice_is_one_variant() {
    // appstream, cloudtrail, glue, rds and more list an error twice on one operation.
    let mut m = model(json!({
        "OpInput": {"type": "structure", "members": {}},
        "OpOutput": {"type": "structure", "members": {}},
        "Denied": {"type": "structure", "exception": true, "members": {}},
        "Busy": {"type": "structure", "exception": true, "members": {}}
    }));
    m["operations"]["Op"]["errors"] =
        json!([{"shape": "Denied"}, {"shape": "Busy"}, {"shape": "Denied"}]);
    let service = lower(&m);
    let variants: Vec<&str> = service.operations["op"]
        .errors
        .iter()
        .map(|e| e.variant.as_str())
        .collect();
    assert_eq!(variants, ["Denied", "Busy"]);
}

#[test]
fn shapes_named_like_prelude_types_get_another_rust_name() {
    // glue and rds have a structure `Option`, codepipeline one named `Result`: a type of
    // that name would shadow the prelude's in its own module.
    let m = model(json!({
        "OpInput": {"type": "structure", "members": {"A": {"shape": "Option"}, "B": {"shape": "Result"}}},
        "OpOutput": {"type": "structure", "members": {}},
        "Option": {"type": "structure", "members": {"Name": {"shape": "String"}}},
        "Result": {"type": "string", "enum": ["OK"]},
        "String": {"type": "string"}
    }));
    let service = lower(&m);
    let names: Vec<&str> = service.types.keys().map(String::as_str).collect();
    assert_eq!(names, ["OptionValue", "ResultValue"]);
}

#[test]
fn a_character_shape_is_a_string_and_request_uri_may_be_absent() {
    let mut m = model(json!({
        "OpInput": {"type": "structure", "members": {"C": {"shape": "Char"}}},
        "OpOutput": {"type": "structure", "members": {}},
        "Char": {"type": "character"}
    }));
    m["operations"]["Op"]["http"] = json!({"method": "POST"});
    let service = lower(&m);
    assert_eq!(
        service.operations["op"].input.members[0].ty,
        codegen::ir::Type::String
    );
}

#[test]
fn the_command_table_describes_only_types_a_command_reaches() {
    // athena: a shape only an exception's member uses became a static nothing read.
    let mut m = model(json!({
        "OpInput": {"type": "structure", "members": {"Filter": {"shape": "Filter"}}},
        "OpOutput": {"type": "structure", "members": {}},
        "Filter": {"type": "structure", "members": {"Kind": {"shape": "Kind"}}},
        "Kind": {"type": "string", "enum": ["A"]},
        "Throttled": {"type": "structure", "exception": true, "members": {"Detail": {"shape": "Detail"}}},
        "Detail": {"type": "structure", "members": {"Reason": {"shape": "Reason"}}},
        "Reason": {"type": "string", "enum": ["BUSY"]}
    }));
    m["operations"]["Op"]["errors"] = json!([{"shape": "Throttled"}]);
    let service = lower(&m);
    let reachable: Vec<String> = service.reachable_types().into_iter().collect();
    assert_eq!(reachable, ["Filter", "Kind"]);
    let cli = &emit(&m, "reachable")["src/cli.rs"];
    assert!(
        cli.contains("static S_FILTER") && !cli.contains("S_DETAIL"),
        "{cli}"
    );
}

#[test]
fn a_union_holding_a_structure_allows_a_large_variant() {
    // acm's CertificateMetadata, b2bi's OutboundEdiOptions: clippy's large_enum_variant.
    let m = model(json!({
        "OpInput": {"type": "structure", "members": {"M": {"shape": "Meta"}}},
        "OpOutput": {"type": "structure", "members": {}},
        "Meta": {"type": "structure", "union": true, "members": {"Big": {"shape": "Big"}}},
        "Big": {"type": "structure", "members": {"A": {"shape": "String"}}},
        "String": {"type": "string"}
    }));
    let text = &emit(&m, "large-union")["src/types/meta.rs"];
    assert!(
        text.contains("#[allow(clippy::large_enum_variant)]"),
        "{text}"
    );
}

#[test]
fn setters_named_like_std_trait_methods_allow_the_lint() {
    // sagemaker's AliasOperations has a member `Add`: `add(self, value) -> Self`.
    let m = model(json!({
        "OpInput": {"type": "structure", "members": {"Add": {"shape": "Ops"}}},
        "OpOutput": {"type": "structure", "members": {}},
        "Ops": {"type": "structure", "members": {"Add": {"shape": "String"}, "Name": {"shape": "String"}}},
        "String": {"type": "string"}
    }));
    let files = emit(&m, "trait-names");
    // The structure's setter; the input's setter and the call builder's in the operation.
    for (file, n) in [("src/types/ops.rs", 1), ("src/operation/op.rs", 2)] {
        let text = &files[file];
        assert_eq!(
            text.matches("clippy::should_implement_trait").count(),
            n,
            "{file}: {text}"
        );
    }
}

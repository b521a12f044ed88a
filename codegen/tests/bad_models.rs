//! A malformed model gives an error naming the file and the JSON path, never a panic.

use std::path::{Path, PathBuf};

use codegen::CrateSpec;
use serde_json::{json, Value};

fn model_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../models/snowball/2016-06-30")
}

fn load(name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(model_dir().join(name)).unwrap()).unwrap()
}

/// Writes a copy of the Snowball model with `service` and `paginators` in a fresh directory
/// and generates from it.
fn generate_with(case: &str, service: &str, paginators: &str) -> codegen::Error {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("bad-models")
        .join(case);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("service-2.json"), service).unwrap();
    std::fs::write(dir.join("paginators-1.json"), paginators).unwrap();
    let spec = CrateSpec {
        model_dir: dir,
        crate_name: "bad".into(),
        runtime_path: "../runtime".into(),
        runtime_version: "0.1.0".into(),
        version: "0.1.0".into(),
    };
    codegen::generate(&spec).expect_err("a bad model must not generate")
}

fn mutate(case: &str, f: impl FnOnce(&mut Value)) -> codegen::Error {
    let mut service = load("service-2.json");
    f(&mut service);
    generate_with(
        case,
        &service.to_string(),
        &load("paginators-1.json").to_string(),
    )
}

fn assert_names(err: &codegen::Error, file: &str, path: &str, message_part: &str) {
    assert_eq!(
        err.file.file_name().and_then(|f| f.to_str()),
        Some(file),
        "{err}"
    );
    assert_eq!(err.path, path, "{err}");
    assert!(err.message.contains(message_part), "{err}");
    let shown = err.to_string();
    assert!(
        shown.contains(file) && shown.contains(path),
        "Display names file and path: {shown}"
    );
}

#[test]
fn bad_json_names_the_file_and_position() {
    let text = std::fs::read_to_string(model_dir().join("service-2.json")).unwrap();
    let err = generate_with("bad-json", &text[..text.len() / 2], "{}");
    assert_eq!(
        err.file.file_name().and_then(|f| f.to_str()),
        Some("service-2.json")
    );
    assert!(
        err.message.contains("invalid JSON") && err.message.contains("line"),
        "{err}"
    );
}

#[test]
fn a_value_of_the_wrong_type_names_its_path() {
    let err = mutate("wrong-type", |m| {
        m["shapes"]["Address"]["required"] = json!("AddressId")
    });
    assert_names(
        &err,
        "service-2.json",
        "shapes.Address.required",
        "expected a sequence",
    );
}

#[test]
fn a_member_referring_to_a_missing_shape() {
    let err = mutate("missing-shape", |m| {
        m["shapes"]["Address"]["members"]["City"]["shape"] = json!("NoSuchShape")
    });
    assert_names(
        &err,
        "service-2.json",
        "shapes.Address.members.City.shape",
        "`NoSuchShape`",
    );
}

#[test]
fn an_unknown_shape_type() {
    let err = mutate("unknown-type", |m| {
        m["shapes"]["Long"]["type"] = json!("bigdecimal")
    });
    assert_names(
        &err,
        "service-2.json",
        "shapes.Long.type",
        "unsupported shape type `bigdecimal`",
    );
}

#[test]
fn an_operation_input_that_does_not_exist() {
    let err = mutate("missing-input", |m| {
        m["operations"]["ListJobs"]["input"]["shape"] = json!("Nope")
    });
    assert_names(
        &err,
        "service-2.json",
        "operations.ListJobs.input.shape",
        "`Nope`",
    );
}

#[test]
fn a_paginator_naming_a_missing_member() {
    let mut pag = load("paginators-1.json");
    pag["pagination"]["ListJobs"]["result_key"] = json!("NoSuchMember");
    let err = generate_with(
        "bad-paginator",
        &load("service-2.json").to_string(),
        &pag.to_string(),
    );
    assert_names(
        &err,
        "paginators-1.json",
        "pagination.ListJobs.result_key",
        "`NoSuchMember`",
    );
}

#[test]
fn a_missing_model_file() {
    let spec = CrateSpec {
        model_dir: Path::new(env!("CARGO_TARGET_TMPDIR")).join("no-such-model"),
        crate_name: "x".into(),
        runtime_path: "../runtime".into(),
        runtime_version: "0.1.0".into(),
        version: "0.1.0".into(),
    };
    let err = codegen::generate(&spec).unwrap_err();
    assert!(
        err.to_string().contains("service-2.json") && err.message.contains("cannot read"),
        "{err}"
    );
}

#[test]
fn names_that_collide_are_errors_not_suffixes() {
    let err = mutate("collision", |m| {
        m["shapes"]["JobState"]["enum"]
            .as_array_mut()
            .unwrap()
            .push(json!("in-progress"));
    });
    assert_names(
        &err,
        "service-2.json",
        "shapes.JobState.enum[13]",
        "collides with value `InProgress`",
    );
}

#[test]
fn a_malformed_examples_file() {
    // `examples-1.json` is optional, but one that is there must parse.
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("bad-models")
        .join("bad-examples");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for f in ["service-2.json", "paginators-1.json"] {
        std::fs::write(dir.join(f), load(f).to_string()).unwrap();
    }
    let examples = json!({"examples": {"CreateJob": [{"title": 5, "input": {}}]}});
    std::fs::write(dir.join("examples-1.json"), examples.to_string()).unwrap();
    let spec = CrateSpec {
        model_dir: dir,
        crate_name: "bad".into(),
        runtime_path: "../runtime".into(),
        runtime_version: "0.1.0".into(),
        version: "0.1.0".into(),
    };
    let err = codegen::generate(&spec).expect_err("a bad examples file must not generate");
    assert_names(
        &err,
        "examples-1.json",
        "examples.CreateJob[0].title",
        "invalid type",
    );
}

#[test]
fn an_operation_context_path_outside_the_supported_forms() {
    for (case, path, message) in [
        (
            "ctx-filter",
            "NextToken | [0]",
            "unsupported operationContextParams path",
        ),
        ("ctx-missing", "Nope", "has no member `Nope`"),
        ("ctx-number", "MaxResults", "not a string or boolean"),
        ("ctx-keys", "keys(NextToken)", "is not a map"),
    ] {
        let err = mutate(case, |m| {
            m["operations"]["ListJobs"]["operationContextParams"] =
                json!({ "Param": { "path": path } });
        });
        assert_names(
            &err,
            "service-2.json",
            "operations.ListJobs.operationContextParams.Param.path",
            message,
        );
    }
}

#[test]
fn a_context_param_on_a_member_that_is_not_a_string_or_boolean() {
    let err = mutate("ctx-member", |m| {
        m["shapes"]["ListJobsRequest"]["members"]["MaxResults"]["contextParam"] =
            json!({ "name": "Limit" });
    });
    assert_names(
        &err,
        "service-2.json",
        "shapes.ListJobsRequest.members.MaxResults.contextParam",
        "`MaxResults` is not a string or boolean",
    );
}

//! The IR is typed: shape kinds, protocols and timestamp formats are enums resolved once
//! at lowering, and an operation the model gives no input has no input shape (`None`).

use std::path::{Path, PathBuf};

use codegen::ir::{self, Protocol, Service, TimestampFormat, Type};
use codegen::model::{parse_json, ModelFiles};
use serde_json::{json, Value};

fn model() -> Value {
    json!({
        "metadata": {
            "apiVersion": "2020-01-01", "endpointPrefix": "tiny", "jsonVersion": "1.0",
            "protocol": "json", "protocols": ["smithy-rpc-v2-cbor", "json", "query", "rest-xml"],
            "serviceId": "Tiny", "serviceFullName": "Tiny Service", "targetPrefix": "Tiny"
        },
        "operations": {
            "Ping": {"name": "Ping", "http": {"method": "POST", "requestUri": "/"}},
            "Put": {
                "name": "Put",
                "http": {"method": "POST", "requestUri": "/"},
                "input": {"shape": "PutInput"}
            }
        },
        "shapes": {
            "PutInput": {"type": "structure", "members": {
                "Plain": {"shape": "Time"},
                "Iso": {"shape": "Time", "timestampFormat": "iso8601"},
                "Epoch": {"shape": "EpochTime"},
                "Http": {"shape": "Time", "timestampFormat": "rfc822"},
                "Color": {"shape": "Color"}
            }},
            "Time": {"type": "timestamp"},
            "EpochTime": {"type": "timestamp", "timestampFormat": "unixTimestamp"},
            "Color": {"type": "string", "enum": ["red", "blue"], "min": 1}
        }
    })
}

fn files(model: &Value) -> ModelFiles {
    let path = Path::new("service-2.json");
    ModelFiles {
        dir: PathBuf::from("."),
        service: parse_json(path, &model.to_string()).unwrap(),
        paginators: Default::default(),
        examples: Default::default(),
    }
}

fn lower(model: &Value) -> Result<Service, codegen::Error> {
    ir::lower(&files(model), "tiny")
}

#[test]
fn protocols_are_enums_in_model_order_without_unsupported_ones() {
    let service = lower(&model()).unwrap();
    assert_eq!(
        service.meta.protocols,
        [
            Protocol::RpcV2Cbor,
            Protocol::AwsJson1_0,
            Protocol::AwsQuery
        ]
    );
    assert_eq!(Protocol::AwsJson1_1.variant(), "AwsJson1_1");

    let mut m = model();
    m["metadata"]["protocols"] = json!(["json"]);
    m["metadata"]["jsonVersion"] = json!("1.1");
    assert_eq!(lower(&m).unwrap().meta.protocols, [Protocol::AwsJson1_1]);
}

#[test]
fn timestamp_formats_are_enums_member_before_shape() {
    let service = lower(&model()).unwrap();
    let input = &service.operations["put"].input;
    let ty = |wire: &str| {
        input
            .members
            .iter()
            .find(|m| m.wire == wire)
            .unwrap()
            .ty
            .clone()
    };
    assert_eq!(ty("Plain"), Type::Timestamp(TimestampFormat::Default));
    assert_eq!(ty("Iso"), Type::Timestamp(TimestampFormat::Iso8601));
    assert_eq!(ty("Epoch"), Type::Timestamp(TimestampFormat::EpochSeconds));
    assert_eq!(ty("Http"), Type::Timestamp(TimestampFormat::HttpDate));
}

#[test]
fn an_unknown_timestamp_format_names_its_path() {
    let mut m = model();
    m["shapes"]["PutInput"]["members"]["Iso"]["timestampFormat"] = json!("julian");
    let e = lower(&m).unwrap_err();
    assert_eq!(e.path, "shapes.PutInput.members.Iso.timestampFormat", "{e}");
    assert!(
        e.message.contains("unknown timestamp format `julian`"),
        "{e}"
    );
}

#[test]
fn no_input_is_none_not_an_empty_shape_name() {
    let service = lower(&model()).unwrap();
    let ping = &service.operations["ping"];
    assert_eq!(ping.input.shape, None);
    assert_eq!(ping.output.shape, None);
    assert_eq!(ping.input.shape_name(), "PingInput");
    assert_eq!(
        service.operations["put"].input.shape.as_deref(),
        Some("PutInput")
    );
}

#[test]
fn enum_strings_are_named_and_keep_string_constraints() {
    let service = lower(&model()).unwrap();
    let color = service.operations["put"]
        .input
        .members
        .iter()
        .find(|m| m.wire == "Color")
        .unwrap();
    assert_eq!(color.ty, Type::Enum("Color".into()));
    assert!(
        color.docs.contains("Constraints: length at least 1."),
        "{}",
        color.docs
    );
}

#[test]
fn an_unsupported_kind_names_the_shape_even_when_unused() {
    let mut m = model();
    m["shapes"]["Unused"] = json!({"type": "bigdecimal"});
    let e = lower(&m).unwrap_err();
    assert_eq!(e.path, "shapes.Unused.type", "{e}");
    assert_eq!(e.message, "unsupported shape type `bigdecimal`", "{e}");
}

#[test]
fn a_non_structure_input_says_what_type_it_found() {
    let mut m = model();
    m["operations"]["Put"]["input"]["shape"] = json!("Color");
    let e = lower(&m).unwrap_err();
    assert_eq!(e.path, "shapes.Color.type", "{e}");
    assert_eq!(e.message, "expected a structure, found `string`", "{e}");
}

#[test]
fn a_missing_target_prefix_is_none() {
    let service = lower(&model()).unwrap();
    assert_eq!(service.meta.target_prefix.as_deref(), Some("Tiny"));
    let mut m = model();
    m["metadata"]
        .as_object_mut()
        .unwrap()
        .remove("targetPrefix");
    assert_eq!(lower(&m).unwrap().meta.target_prefix, None);
}

#[test]
fn example_titles_and_descriptions_are_options() {
    let mut files = files(&model());
    files.examples = parse_json(
        Path::new("examples-1.json"),
        &json!({"examples": {"Ping": [
            {"title": "First", "description": "Pings."},
            {"title": "", "input": {}}
        ]}})
        .to_string(),
    )
    .unwrap();
    let service = ir::lower(&files, "tiny").unwrap();
    let examples = &service.operations["ping"].examples;
    assert_eq!(examples[0].title.as_deref(), Some("First"));
    assert_eq!(examples[0].description.as_deref(), Some("Pings."));
    // An empty title says no more than a missing one.
    assert_eq!(examples[1].title, None);
    assert_eq!(examples[1].description, None);
}

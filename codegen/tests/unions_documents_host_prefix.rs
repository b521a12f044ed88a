//! Union shapes, document shapes and the `endpoint.hostPrefix` trait: lowered into the IR,
//! and malformed uses rejected with a path. What the emitter writes for them is the
//! fixture crate `codegen/fixtures/unions_documents_host_prefix/crate/`, checked by
//! `cargo xtask codegen --check` and compiled and tested by `cargo test`.

use std::path::PathBuf;

use codegen::ir::{self, HostPrefixPart, Type, TypeDef};
use codegen::model::ModelFiles;
use serde_json::{json, Value};

/// The fixture model `codegen/fixtures/unions_documents_host_prefix/model/`, whose
/// generated crate is compiled and driven over a transport by its own tests; here it is
/// lowered, and broken in one place at a time.
fn model() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/unions_documents_host_prefix/model/service-2.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn write_model(case: &str, model: &Value) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("unions-documents")
        .join(case);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("service-2.json"), model.to_string()).unwrap();
    dir
}

fn lower(case: &str, model: &Value) -> Result<ir::Service, codegen::Error> {
    let files = ModelFiles::load(&write_model(case, model))?;
    ir::lower(&files, "tiny")
}

#[test]
fn lowers_unions_documents_and_host_prefixes() {
    let svc = lower("ok", &model()).unwrap();

    let Some(TypeDef::Struct(choice)) = svc.types.get("Choice") else {
        panic!("Choice is a named type: {:?}", svc.types.keys());
    };
    assert!(choice.union);
    let names: Vec<&str> = choice.members.iter().map(|m| m.wire.as_str()).collect();
    assert_eq!(names, ["S", "N", "Secret", "Nested"]);
    assert!(
        choice.members.iter().all(|m| !m.required),
        "union members are never required"
    );
    assert!(choice.members[2].sensitive);
    // Choice -> Wrapper -> Choice recurses: the member is boxed.
    assert_eq!(
        choice.members[3].ty,
        Type::Struct {
            name: "Wrapper".into(),
            boxed: true
        }
    );

    // Documents are a value type, not a named type.
    assert!(!svc.types.contains_key("Doc"));
    let put = &svc.operations["put"];
    let ty = |wire: &str| {
        put.input
            .members
            .iter()
            .find(|m| m.wire == wire)
            .map(|m| m.ty.clone())
    };
    assert_eq!(ty("Doc"), Some(Type::Document));
    assert_eq!(
        ty("Docs"),
        Some(Type::List {
            item: Box::new(Type::Document),
            sparse: false
        })
    );
    assert_eq!(
        ty("Choice"),
        Some(Type::Struct {
            name: "Choice".into(),
            boxed: false
        })
    );

    assert!(put.input.members[0].host_label);
    assert_eq!(
        put.host_prefix,
        Some(vec![
            HostPrefixPart::Literal("foo.".into()),
            HostPrefixPart::Label {
                wire: "Label".into(),
                field: "label".into(),
                required: true,
            },
            HostPrefixPart::Literal(".".into()),
        ])
    );
}

fn lower_err(case: &str, f: impl FnOnce(&mut Value)) -> codegen::Error {
    let mut m = model();
    f(&mut m);
    lower(case, &m).expect_err("a bad model must not lower")
}

#[test]
fn rejects_bad_unions_and_host_prefixes() {
    let e = lower_err("label-not-host-label", |m| {
        m["shapes"]["PutInput"]["members"]["Label"]
            .as_object_mut()
            .unwrap()
            .remove("hostLabel");
    });
    assert_eq!(e.path, "operations.Put.endpoint.hostPrefix", "{e}");
    assert!(e.message.contains("hostLabel"), "{e}");

    let e = lower_err("label-unknown", |m| {
        m["operations"]["Put"]["endpoint"]["hostPrefix"] = json!("{Nope}.");
    });
    assert!(e.message.contains("`{Nope}` is not a member"), "{e}");

    let e = lower_err("label-unclosed", |m| {
        m["operations"]["Put"]["endpoint"]["hostPrefix"] = json!("foo.{Label");
    });
    assert!(e.message.contains("unclosed"), "{e}");

    let e = lower_err("union-unknown-member", |m| {
        m["shapes"]["Choice"]["members"]["Unknown"] = json!({"shape": "String"});
    });
    assert_eq!(e.path, "shapes.Choice.members.Unknown", "{e}");

    let e = lower_err("union-as-input", |m| {
        m["operations"]["Put"]["input"]["shape"] = json!("Choice");
    });
    assert_eq!(e.path, "operations.Put.input.shape", "{e}");

    let e = lower_err("union-empty", |m| {
        m["shapes"]["Choice"]["members"] = json!({});
    });
    assert_eq!(e.path, "shapes.Choice.members", "{e}");
}

/// botocore models carry host labels that are not marked required (its own legacy
/// protocol suite has one); botocore fills them when set, so they must lower.
#[test]
fn an_optional_host_label_lowers() {
    let mut m = model();
    m["shapes"]["PutInput"]["required"] = json!([]);
    let svc = lower("optional-label", &m).unwrap();
    let put = &svc.operations["put"];
    assert!(put.host_prefix.as_ref().unwrap().iter().any(|p| matches!(
        p,
        HostPrefixPart::Label {
            required: false,
            ..
        }
    )));
}

//! Client error correction in the generated code: required members decode through
//! `Reader::required` (zero value for a response, error for a strict reader), and a
//! `ZeroValue` impl is emitted for each named type some required member holds, and only
//! for those.

use std::path::PathBuf;

use codegen::model::ModelFiles;
use codegen::CrateSpec;
use serde_json::{json, Value};

fn model() -> Value {
    json!({
        "metadata": {
            "apiVersion": "2020-01-01", "endpointPrefix": "tiny", "jsonVersion": "1.1",
            "protocol": "json", "serviceId": "Tiny", "serviceFullName": "Tiny Service",
            "targetPrefix": "Tiny"
        },
        "operations": {
            "Get": {
                "name": "Get",
                "http": {"method": "POST", "requestUri": "/"},
                "input": {"shape": "GetInput"},
                "output": {"shape": "GetOutput"}
            }
        },
        "shapes": {
            "GetInput": {"type": "structure", "members": {"Loose": {"shape": "Loose"}}},
            "GetOutput": {"type": "structure",
                "required": ["S", "L", "M", "I", "N", "F", "D", "B", "T", "E", "St", "Bl", "U"],
                "members": {
                    "S": {"shape": "String"},
                    "L": {"shape": "Strings"},
                    "M": {"shape": "StringMap"},
                    "I": {"shape": "Integer"},
                    "N": {"shape": "Long"},
                    "F": {"shape": "Float"},
                    "D": {"shape": "Double"},
                    "B": {"shape": "Boolean"},
                    "T": {"shape": "Timestamp"},
                    "E": {"shape": "Color"},
                    "St": {"shape": "Inner"},
                    "Bl": {"shape": "Blob"},
                    "U": {"shape": "Choice"},
                    "Optional": {"shape": "Loose"}
                }},
            "Inner": {"type": "structure", "required": ["Deep"], "members": {
                "Deep": {"shape": "Shade"},
                "Note": {"shape": "String"}
            }},
            "Loose": {"type": "structure", "members": {"Hue": {"shape": "Hue"}}},
            "Choice": {"type": "structure", "union": true, "members": {
                "A": {"shape": "String"}
            }},
            "Color": {"type": "string", "enum": ["red"]},
            "Shade": {"type": "string", "enum": ["dark"]},
            "Hue": {"type": "string", "enum": ["warm"]},
            "Strings": {"type": "list", "member": {"shape": "Loose"}},
            "StringMap": {"type": "map", "key": {"shape": "String"}, "value": {"shape": "Loose"}},
            "String": {"type": "string"},
            "Integer": {"type": "integer"},
            "Long": {"type": "long"},
            "Float": {"type": "float"},
            "Double": {"type": "double"},
            "Boolean": {"type": "boolean"},
            "Timestamp": {"type": "timestamp"},
            "Blob": {"type": "blob"}
        }
    })
}

fn model_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("error-correction");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("service-2.json"), model().to_string()).unwrap();
    dir
}

#[test]
fn zero_values_are_emitted_for_the_types_required_members_hold() {
    let dir = model_dir();
    let svc = codegen::ir::lower(&ModelFiles::load(&dir).unwrap(), "tiny").unwrap();
    let zero: Vec<String> = svc.zero_value_types().into_iter().collect();
    // Inner's own required member (Shade) is in; types only optional members or list
    // and map items hold (Loose, Hue) are not.
    assert_eq!(zero, ["Choice", "Color", "Inner", "Shade"]);

    let files = codegen::generate(&CrateSpec {
        model_dir: dir,
        crate_name: "tiny".into(),
        runtime_path: "../runtime".into(),
        runtime_version: "0.1.0".into(),
        version: "0.1.0".into(),
    })
    .unwrap();
    let get = &files["src/operation/get.rs"];
    for member in [
        "S", "L", "M", "I", "N", "F", "D", "B", "T", "E", "St", "Bl", "U",
    ] {
        let name = format!("\"GetOutput\", \"{member}\")?");
        assert!(
            get.contains(&name),
            "{member} is not read with required():\n{get}"
        );
    }
    assert!(!get.contains("DecodeError::missing"), "{get}");
    let has_zero = |file: &str| files[file].contains("impl ::awsrt::internal::ZeroValue for");
    for (file, want) in [
        ("src/types/color.rs", true),
        ("src/types/shade.rs", true),
        ("src/types/inner.rs", true),
        ("src/types/choice.rs", true),
        ("src/types/loose.rs", false),
        ("src/types/hue.rs", false),
    ] {
        assert_eq!(has_zero(file), want, "{file}:\n{}", files[file]);
    }
    let inner = &files["src/types/inner.rs"];
    assert!(
        inner.contains("deep: ::awsrt::internal::ZeroValue::zero_value()")
            && inner.contains("note: None"),
        "{inner}"
    );
    assert!(files["src/types/color.rs"]
        .contains("Self::Unknown(crate::primitives::UnknownVariantValue::new(String::new()))"));
    // The CLI sends through `awsrt::internal::cli::run`, which decodes what the user wrote strictly.
    assert!(files["src/cli.rs"].contains("::awsrt::internal::cli::run::<"));
}

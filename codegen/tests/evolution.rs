//! Model evolution: code written against the crate generated from today's model still
//! compiles and behaves the same against a crate generated from a newer model with an
//! added enum value, an added optional member and an added operation.

use std::path::{Path, PathBuf};
use std::process::Command;

use codegen::CrateSpec;
use serde_json::{json, Value};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

/// The newer model: `JobState` gains `Recycled`, `JobListEntry` gains `Priority`, and a
/// `DescribeWidget` operation appears.
fn evolve(dir: &Path) {
    let src = root().join("models/snowball/2016-06-30");
    std::fs::create_dir_all(dir).unwrap();
    for f in ["paginators-1.json", "examples-1.json"] {
        std::fs::copy(src.join(f), dir.join(f)).unwrap();
    }
    let mut m: Value =
        serde_json::from_str(&std::fs::read_to_string(src.join("service-2.json")).unwrap())
            .unwrap();
    m["shapes"]["JobState"]["enum"]
        .as_array_mut()
        .unwrap()
        .push(json!("Recycled"));
    m["shapes"]["JobListEntry"]["members"]["Priority"] =
        json!({"shape": "Integer", "documentation": "<p>New.</p>"});
    m["shapes"]["DescribeWidgetRequest"] = json!({"type": "structure", "required": ["WidgetId"], "members": {"WidgetId": {"shape": "String"}}});
    m["shapes"]["DescribeWidgetResult"] =
        json!({"type": "structure", "members": {"State": {"shape": "JobState"}}});
    m["operations"]["DescribeWidget"] = json!({
        "name": "DescribeWidget",
        "http": {"method": "POST", "requestUri": "/"},
        "input": {"shape": "DescribeWidgetRequest"},
        "output": {"shape": "DescribeWidgetResult"},
        "errors": [{"shape": "InvalidResourceException"}],
        "documentation": "<p>Describes a widget.</p>"
    });
    std::fs::write(
        dir.join("service-2.json"),
        serde_json::to_string_pretty(&m).unwrap(),
    )
    .unwrap();
}

/// A one-binary cargo project running `user.rs` against the crate at `snowball`.
fn user_project(dir: &Path, snowball: &Path) {
    std::fs::create_dir_all(dir.join("src")).unwrap();
    let runtime = root().join("runtime");
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"user\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n[workspace]\n\n[dependencies]\n\
             snowball = {{ package = \"awsrt-snowball\", path = {:?} }}\nawsrt = {{ path = {:?} }}\n\
             tokio = {{ version = \"1\", features = [\"macros\", \"rt\"] }}\n",
            snowball.display().to_string(),
            runtime.display().to_string()
        ),
    )
    .unwrap();
    // The workspace lock keeps dependency versions the same as the main build.
    std::fs::copy(root().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/evolution/user.rs"),
        dir.join("src/main.rs"),
    )
    .unwrap();
}

fn run_user(dir: &Path, target: &Path) -> String {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["run", "--quiet", "--offline"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "user code failed in {}:\n{}\n{}",
        dir.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn code_written_against_the_old_crate_survives_a_model_update() {
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("evolution");
    let model = tmp.join("model");
    evolve(&model);
    let evolved = tmp.join("evolved-snowball");
    let runtime = root().join("runtime");
    let spec = CrateSpec {
        model_dir: model,
        crate_name: "snowball".into(),
        runtime_path: runtime.display().to_string(),
        runtime_version: "0.1.0".into(),
        version: "0.1.0".into(),
    };
    let files = codegen::generate(&spec).expect("the evolved model generates");
    assert!(files.contains_key("src/operation/describe_widget.rs"));
    assert!(files["src/types/job_state.rs"].contains("Recycled"));
    codegen::write(&evolved, &files).unwrap();

    // The original crate, with its runtime path made absolute for the copy.
    let original = tmp.join("original-snowball");
    let orig_files = codegen::generate(&CrateSpec {
        model_dir: root().join("models/snowball/2016-06-30"),
        crate_name: "snowball".into(),
        runtime_path: runtime.display().to_string(),
        runtime_version: "0.1.0".into(),
        version: "0.1.0".into(),
    })
    .unwrap();
    codegen::write(&original, &orig_files).unwrap();

    let target = tmp.join("target");
    user_project(&tmp.join("user-original"), &original);
    user_project(&tmp.join("user-evolved"), &evolved);
    let before = run_user(&tmp.join("user-original"), &target);
    let after = run_user(&tmp.join("user-evolved"), &target);

    // The unknown value is kept as received by the old crate and is a variant of the new
    // one; either way the user's code sees the same string and takes the same arm, and
    // the added member is skipped by the old crate without error.
    let expected = |recycled: &str| {
        format!(
            "input job type: IMPORT\n\
             JID1 Complete complete master=None recycled=false\n  Complete\n\
             JID2 Recycled other master=Some(true) recycled=true\n  {recycled}\n\
             sent: {{\"MaxResults\":10}}\n"
        )
    };
    assert_eq!(
        before,
        expected("Unknown(UnknownVariantValue(\"Recycled\"))")
    );
    assert_eq!(after, expected("Recycled"));
}

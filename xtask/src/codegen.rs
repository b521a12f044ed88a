//! `cargo xtask codegen [--check]`: writes `generated/` from `models/` and each fixture
//! crate from its model under `codegen/fixtures/`, or checks them.

use std::path::{Path, PathBuf};
use std::time::Instant;

use codegen::CrateSpec;

/// The crates generated from the committed models: (model directory, crate name).
pub const CRATES: &[(&str, &str)] = &[
    ("models/snowball/2016-06-30", "snowball"),
    ("models/importexport/2010-06-01", "importexport"),
];

/// Fixture models, one small botocore model per construct the emitter must get right:
/// `codegen/fixtures/NAME/model/` generates the workspace crate `codegen/fixtures/NAME/crate/`,
/// whose library is `NAME` and whose hand-written tests drive it. They are compiled and
/// tested by `cargo test`, and not packaged or versioned like the service crates.
pub const FIXTURES: &[&str] = &[
    "all_services",
    "cbor_union_host_prefix",
    "json_auth_endpoint_params",
    "query_host_prefix_union",
    "unions_documents_host_prefix",
];

/// The version every fixture crate carries: they are never published.
const FIXTURE_VERSION: &str = "0.1.0";

/// The file holding a generated crate's version: `CRATE_VERSION` beside the model's
/// API-version directory (`models/snowball/CRATE_VERSION`). `update-model` bumps it.
pub fn version_file(root: &Path, model: &str) -> PathBuf {
    let dir = root.join(model);
    dir.parent().unwrap_or(&dir).join("CRATE_VERSION")
}

/// The committed version of the crate generated from `model`.
pub fn crate_version(root: &Path, model: &str) -> Result<String, String> {
    let path = version_file(root, model);
    let text =
        std::fs::read_to_string(&path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    let version = text.trim();
    codegen::diff::bump(version, None).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(version.to_string())
}

/// The runtime's version, from `runtime/Cargo.toml`.
pub fn runtime_version(root: &Path) -> Result<String, String> {
    let path = root.join("runtime").join("Cargo.toml");
    let text =
        std::fs::read_to_string(&path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    text.lines()
        .find_map(|l| {
            let v = l.strip_prefix("version")?.trim_start().strip_prefix('=')?;
            Some(v.trim().trim_matches('"').to_string())
        })
        .ok_or_else(|| format!("{}: no version", path.display()))
}

/// Every crate spec (service crates, then fixtures), with its output directory under `root`.
pub fn specs(root: &Path) -> Result<Vec<(CrateSpec, PathBuf)>, String> {
    let runtime = runtime_version(root)?;
    let mut specs = CRATES
        .iter()
        .map(|(model, name)| {
            let spec = CrateSpec {
                model_dir: root.join(model),
                crate_name: name.to_string(),
                runtime_path: "../../runtime".to_string(),
                runtime_version: runtime.clone(),
                version: crate_version(root, model)?,
            };
            Ok((spec, root.join("generated").join(name)))
        })
        .collect::<Result<Vec<_>, String>>()?;
    for name in FIXTURES {
        let dir = root.join("codegen").join("fixtures").join(name);
        let spec = CrateSpec {
            model_dir: dir.join("model"),
            crate_name: name.to_string(),
            runtime_path: "../../../../runtime".to_string(),
            runtime_version: runtime.clone(),
            version: FIXTURE_VERSION.to_string(),
        };
        specs.push((spec, dir.join("crate")));
    }
    Ok(specs)
}

/// Generates every crate; with `check`, fails naming each stale file instead of writing.
pub fn run(root: &Path, check: bool) -> Result<(), String> {
    let start = Instant::now();
    let mut stale_all = Vec::new();
    let mut written = 0;
    for (spec, out) in specs(root)? {
        let files = codegen::generate(&spec).map_err(|e| e.to_string())?;
        if check {
            stale_all.extend(codegen::check(&out, &files));
        } else {
            written += codegen::write(&out, &files).map_err(|e| e.to_string())?;
        }
    }
    if check {
        if stale_all.is_empty() {
            println!(
                "generated/ and codegen/fixtures/ are up to date ({:.0?})",
                start.elapsed()
            );
            return Ok(());
        }
        for s in &stale_all {
            let rel = s.path.strip_prefix(root).unwrap_or(&s.path);
            eprintln!("stale: {} ({})", rel.display(), s.reason);
        }
        return Err(format!(
            "{} generated file(s) are stale; run `cargo xtask codegen`",
            stale_all.len()
        ));
    }
    println!(
        "codegen: {written} file(s) changed in {:.0?}",
        start.elapsed()
    );
    Ok(())
}

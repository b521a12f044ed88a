//! `cargo xtask update-model --botocore VERSION`: a model update as a reviewable change.
//! Downloads that botocore wheel with pip and rewrites `models/` from it, decompressing
//! `.json.gz` files, and records the version in `models/BOTOCORE_VERSION`. Then, for
//! every generated crate, compares the old and new model at the IR level
//! (`codegen::diff`), applies the suggested semver bump to the crate's `CRATE_VERSION`,
//! adds an entry to `CHANGELOG.md` and regenerates `generated/`. A run that changes
//! nothing (same release, same models) writes nothing.

use std::path::Path;
use std::process::Command;

use codegen::diff::{Bump, ModelDiff};

use crate::codegen::{crate_version, version_file, CRATES};

/// The model files we keep, per service directory in the wheel.
const SERVICES: &[&str] = &["snowball/2016-06-30", "importexport/2010-06-01"];
const FILES: &[&str] = &[
    "service-2.json",
    "paginators-1.json",
    "examples-1.json",
    "endpoint-rule-set-1.json",
];

/// The changelog's title, above the newest entry.
const CHANGELOG_TITLE: &str = "# API changelog";

/// Updates `models/` to botocore `version`, with changelog, version bump and codegen.
pub fn run(root: &Path, version: &str) -> Result<(), String> {
    check_version(version)?;
    let models = root.join("models");
    let old_release = std::fs::read_to_string(models.join("BOTOCORE_VERSION"))
        .map(|s| s.trim().to_string())
        .unwrap_or_default();
    // The IR of every crate's current model, before the files change.
    let mut before = Vec::new();
    for (model, name) in CRATES {
        before.push(lower(&root.join(model), name)?);
    }
    fetch(root, version)?;
    std::fs::write(models.join("BOTOCORE_VERSION"), format!("{version}\n"))
        .map_err(|e| e.to_string())?;

    let mut sections = String::new();
    let mut changed = false;
    for ((model, name), old) in CRATES.iter().zip(&before) {
        let new = lower(&root.join(model), name)?;
        let diff = ModelDiff::compare(old, &new);
        let current = crate_version(root, model)?;
        let (kind, next) = codegen::diff::bump(&current, diff.impact())?;
        let report = diff.render(Some(&current));
        println!("{report}");
        sections.push_str(&report);
        sections.push('\n');
        if kind != Bump::None {
            changed = true;
            let file = version_file(root, model);
            std::fs::write(&file, format!("{next}\n"))
                .map_err(|e| format!("writing {}: {e}", file.display()))?;
            println!("{name}: version {current} -> {next} ({kind} bump)");
        }
    }
    if !changed && old_release == version {
        println!("botocore {version}: models unchanged; nothing to do");
        return Ok(());
    }
    let from = if old_release.is_empty() {
        String::new()
    } else {
        format!(" Previous models: botocore {old_release}.")
    };
    let entry = format!(
        "## botocore {version}\n\nWritten by `cargo xtask update-model --botocore {version}`.{from}\n\n{sections}"
    );
    add_changelog_entry(&root.join("CHANGELOG.md"), &entry)?;
    println!("CHANGELOG.md: entry for botocore {version} added");
    if changed {
        crate::codegen::run(root, false)?;
    }
    Ok(())
}

/// Loads and lowers one model directory.
fn lower(dir: &Path, crate_name: &str) -> Result<codegen::ir::Service, String> {
    let files = codegen::model::ModelFiles::load(dir).map_err(|e| e.to_string())?;
    codegen::ir::lower(&files, crate_name).map_err(|e| e.to_string())
}

/// Puts `entry` at the top of the changelog, below its title: newest first.
fn add_changelog_entry(path: &Path, entry: &str) -> Result<(), String> {
    let existing = std::fs::read_to_string(path).unwrap_or_default();
    let rest = existing
        .strip_prefix(CHANGELOG_TITLE)
        .map(|r| r.trim_start_matches('\n'))
        .unwrap_or(&existing);
    let mut text = format!("{CHANGELOG_TITLE}\n\n{}", entry.trim_end());
    if !rest.trim().is_empty() {
        text.push_str("\n\n");
        text.push_str(rest.trim_end());
    }
    text.push('\n');
    std::fs::write(path, text).map_err(|e| format!("writing {}: {e}", path.display()))
}

fn check_version(version: &str) -> Result<(), String> {
    if version.is_empty()
        || !version
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.')
    {
        return Err(format!("invalid botocore version {version:?}"));
    }
    Ok(())
}

/// The botocore `version` wheel, downloaded with pip into `target/botocore-wheel/VERSION/`
/// unless it is there already.
pub fn wheel(root: &Path, version: &str) -> Result<std::path::PathBuf, String> {
    check_version(version)?;
    let dl = root.join("target").join("botocore-wheel").join(version);
    let find = || {
        std::fs::read_dir(&dl).ok().and_then(|d| {
            d.flatten()
                .map(|e| e.path())
                .find(|p| p.extension().is_some_and(|x| x == "whl"))
        })
    };
    if let Some(w) = find() {
        return Ok(w);
    }
    std::fs::create_dir_all(&dl).map_err(|e| format!("creating {}: {e}", dl.display()))?;
    crate::conformance::pip_download(&format!("botocore=={version}"), "--only-binary", &dl)?;
    find().ok_or_else(|| format!("no wheel in {}", dl.display()))
}

/// Downloads botocore `version` and rewrites the model files under `models/`.
fn fetch(root: &Path, version: &str) -> Result<(), String> {
    let wheel = wheel(root, version)?;
    // Python's zipfile and gzip do the unpacking: no zip crate in our build for one command.
    let script = r#"
import gzip, sys, zipfile, os
wheel, out, services, files, runtime = sys.argv[1], sys.argv[2], sys.argv[3].split(','), sys.argv[4].split(','), sys.argv[5]
z = zipfile.ZipFile(wheel)
names = set(z.namelist())
for svc in services:
    d = os.path.join(out, svc)
    os.makedirs(d, exist_ok=True)
    for f in os.listdir(d):
        if f.endswith('.json'):
            os.remove(os.path.join(d, f))
    for f in files:
        base = 'botocore/data/%s/%s' % (svc, f)
        if base in names:
            data = z.read(base)
        elif base + '.gz' in names:
            data = gzip.decompress(z.read(base + '.gz'))
        else:
            continue
        open(os.path.join(d, f), 'wb').write(data)
# Releases before 2022 have no partitions.json (endpoints.json instead): keep ours.
if 'botocore/data/partitions.json' in names:
    data = z.read('botocore/data/partitions.json')
    open(os.path.join(runtime, 'partitions.json'), 'wb').write(data)
"#;
    let models = root.join("models");
    let status = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&wheel)
        .arg(&models)
        .arg(SERVICES.join(","))
        .arg(FILES.join(","))
        // partitions.json lives in the runtime crate, which embeds it.
        .arg(root.join("runtime"))
        .status()
        .map_err(|e| format!("running python3: {e}"))?;
    if !status.success() {
        return Err(format!("unpacking {} failed", wheel.display()));
    }
    Ok(())
}

//! `cargo xtask update-model --botocore VERSION`: the first step of a model update.
//! Downloads that botocore wheel with pip and rewrites `models/` from it, decompressing
//! `.json.gz` files, then records the version in `models/BOTOCORE_VERSION`.

use std::path::Path;
use std::process::Command;

/// The model files we keep, per service directory in the wheel.
const SERVICES: &[&str] = &["snowball/2016-06-30", "importexport/2010-06-01"];
const FILES: &[&str] = &[
    "service-2.json",
    "paginators-1.json",
    "examples-1.json",
    "endpoint-rule-set-1.json",
];

/// Downloads botocore `version` and rewrites `models/`.
pub fn run(root: &Path, version: &str) -> Result<(), String> {
    if version.is_empty()
        || !version
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.')
    {
        return Err(format!("invalid botocore version {version:?}"));
    }
    let dl = root.join("target").join("botocore-wheel").join(version);
    std::fs::create_dir_all(&dl).map_err(|e| format!("creating {}: {e}", dl.display()))?;
    let spec = format!("botocore=={version}");
    let status = Command::new("python3")
        .args([
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--only-binary",
            ":all:",
            &spec,
            "-d",
        ])
        .arg(&dl)
        .status()
        .map_err(|e| format!("running pip: {e}"))?;
    if !status.success() {
        return Err(format!("pip download {spec} failed ({status})"));
    }
    let wheel = std::fs::read_dir(&dl)
        .map_err(|e| e.to_string())?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "whl"))
        .ok_or_else(|| format!("no wheel in {}", dl.display()))?;
    // Python's zipfile and gzip do the unpacking: no zip crate in our build for one command.
    let script = r#"
import gzip, sys, zipfile, os
wheel, out, services, files = sys.argv[1], sys.argv[2], sys.argv[3].split(','), sys.argv[4].split(',')
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
open(os.path.join(out, 'partitions.json'), 'wb').write(z.read('botocore/data/partitions.json'))
"#;
    let models = root.join("models");
    let status = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&wheel)
        .arg(&models)
        .arg(SERVICES.join(","))
        .arg(FILES.join(","))
        .status()
        .map_err(|e| format!("running python3: {e}"))?;
    if !status.success() {
        return Err(format!("unpacking {} failed", wheel.display()));
    }
    std::fs::write(models.join("BOTOCORE_VERSION"), format!("{version}\n"))
        .map_err(|e| e.to_string())?;
    println!("models/ now from botocore {version}; next: cargo xtask codegen");
    Ok(())
}

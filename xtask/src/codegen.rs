//! `cargo xtask codegen [--check]`: writes `generated/` from `models/`, or checks it.

use std::path::Path;
use std::time::Instant;

use codegen::CrateSpec;

/// The crates generated from the committed models: (model directory, crate name).
pub const CRATES: &[(&str, &str)] = &[("models/snowball/2016-06-30", "snowball")];

/// Every crate spec, with paths under `root`.
pub fn specs(root: &Path) -> Vec<(CrateSpec, std::path::PathBuf)> {
    CRATES
        .iter()
        .map(|(model, name)| {
            let spec = CrateSpec {
                model_dir: root.join(model),
                crate_name: name.to_string(),
                runtime_path: "../../runtime".to_string(),
            };
            (spec, root.join("generated").join(name))
        })
        .collect()
}

/// Generates every crate; with `check`, fails naming each stale file instead of writing.
pub fn run(root: &Path, check: bool) -> Result<(), String> {
    let start = Instant::now();
    let mut stale_all = Vec::new();
    let mut written = 0;
    for (spec, out) in specs(root) {
        let files = codegen::generate(&spec).map_err(|e| e.to_string())?;
        if check {
            stale_all.extend(codegen::check(&out, &files));
        } else {
            written += codegen::write(&out, &files).map_err(|e| e.to_string())?;
        }
    }
    if check {
        if stale_all.is_empty() {
            println!("generated/ is up to date ({:.0?})", start.elapsed());
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

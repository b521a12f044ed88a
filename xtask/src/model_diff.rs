//! `cargo xtask model-diff OLD_DIR NEW_DIR`: the API changelog and compatibility report
//! between any two model directories (each with `service-2.json`, optionally
//! `paginators-1.json`), as `update-model` writes it.

use std::path::Path;

use crate::codegen::{crate_version, CRATES};

/// Prints the report. When `NEW_DIR` is the model of a crate we generate, the crate's
/// name and current version give the suggested bump; otherwise the directory names it.
pub fn run(root: &Path, old: &Path, new: &Path) -> Result<(), String> {
    let same = |model: &str| {
        let a = root.join(model).canonicalize().ok();
        a.is_some() && a == new.canonicalize().ok()
    };
    let (name, version) = match CRATES.iter().find(|(model, _)| same(model)) {
        Some((model, name)) => (name.to_string(), Some(crate_version(root, model)?)),
        None => {
            let dir = new.canonicalize().unwrap_or_else(|_| new.to_path_buf());
            let name = dir
                .parent()
                .and_then(|p| p.file_name())
                .map(|n| n.to_string_lossy().replace('-', "_"))
                .unwrap_or_else(|| "service".to_string());
            (name, None)
        }
    };
    let diff = codegen::diff::diff_dirs(old, new, &name).map_err(|e| e.to_string())?;
    print!("{}", diff.render(version.as_deref()));
    Ok(())
}

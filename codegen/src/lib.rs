//! Generates Rust clients from botocore JSON models.
//!
//! The pipeline runs in one direction: [`model`] (a serde mirror of the JSON, errors
//! carry the file and JSON path) -> [`ir`] (resolved shapes, names and operations) ->
//! `emit` (tokens per item kind) -> prettyplease -> write or check.

pub mod diff;
pub mod docs;
mod emit;
pub mod ir;
pub mod model;
pub mod naming;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

pub use emit::HEADER;

/// A problem with a model, or with writing the output: names the file and the JSON path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The file at fault.
    pub file: PathBuf,
    /// The JSON path inside it (`shapes.Foo.members.Bar.shape`), empty for the whole file.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl Error {
    /// An error about `file` at JSON `path`.
    pub fn new(file: &Path, path: &str, message: impl Into<String>) -> Self {
        Error {
            file: file.to_path_buf(),
            path: path.to_string(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}: {}", self.file.display(), self.message)
        } else {
            write!(
                f,
                "{}: at `{}`: {}",
                self.file.display(),
                self.path,
                self.message
            )
        }
    }
}

impl std::error::Error for Error {}

/// The package name of the crate whose library is `crate_name`: `awsrt-NAME`, since the
/// plain service names are taken on crates.io (`snowball` by an unrelated crate). The
/// library keeps the plain name, so code says `snowball::Client`.
pub fn package_name(crate_name: &str) -> String {
    format!("awsrt-{crate_name}")
}

/// One crate to generate: where its model is and what to call it.
#[derive(Debug, Clone)]
pub struct CrateSpec {
    /// The model directory (`models/snowball/2016-06-30`).
    pub model_dir: PathBuf,
    /// The crate's package and library name.
    pub crate_name: String,
    /// The path of the runtime crate, relative to the generated crate's directory.
    pub runtime_path: String,
    /// The runtime crate's version, so the path dependency also names a registry version
    /// (`cargo package` requires one).
    pub runtime_version: String,
    /// The generated crate's version (`0.1.0`), for its `Cargo.toml` and user agent.
    pub version: String,
}

/// Every file of the generated crate, keyed by path relative to the crate directory.
pub fn generate(spec: &CrateSpec) -> Result<BTreeMap<String, String>, Error> {
    let files = model::ModelFiles::load(&spec.model_dir)?;
    let mut service = ir::lower(&files, &spec.crate_name)?;
    // The endpoint rule set is copied verbatim into the crate (`src/endpoint-rule-set.json`)
    // and embedded with `include_str!`; the runtime interprets it.
    let rules_path = spec.model_dir.join("endpoint-rule-set-1.json");
    let rules = match std::fs::read_to_string(&rules_path) {
        Ok(text) => Some(model::parse_json::<serde_json::Value>(&rules_path, &text).map(|_| text)?),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(Error::new(&rules_path, "", format!("cannot read: {e}"))),
    };
    if files.service.metadata.signing_name.is_none() {
        if let Some(name) = rules.as_deref().and_then(rule_set_signing_name) {
            service.meta.signing_name = name;
        }
    }
    emit::crate_files(&service, spec, rules.as_deref())
}

/// The one `signingName` every `authSchemes` entry of a rule set names, if they agree.
///
/// A model without `signingName` signs as its endpoint prefix, except where the
/// endpoint data says otherwise (importexport signs as `IngestionService`); botocore keeps
/// that name even when a custom endpoint URL skips the rules' `authSchemes`.
fn rule_set_signing_name(rules: &str) -> Option<String> {
    fn walk(v: &serde_json::Value, names: &mut std::collections::BTreeSet<String>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, x) in m {
                    match (k.as_str(), x) {
                        ("signingName", serde_json::Value::String(s)) => {
                            names.insert(s.clone());
                        }
                        _ => walk(x, names),
                    }
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, names)),
            _ => {}
        }
    }
    let value: serde_json::Value = serde_json::from_str(rules).ok()?;
    let mut names = std::collections::BTreeSet::new();
    walk(&value, &mut names);
    let mut it = names.into_iter();
    match (it.next(), it.next()) {
        (Some(name), None) => Some(name),
        _ => None,
    }
}

/// A file whose content on disk differs from what the generator would write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stale {
    /// The path of the file.
    pub path: PathBuf,
    /// What differs: missing, different, or not generated any more.
    pub reason: &'static str,
}

/// Compares `files` with the directory `out`: every file that would change, including
/// `.rs` and `Cargo.toml` files under `out` the generator no longer writes.
pub fn check(out: &Path, files: &BTreeMap<String, String>) -> Vec<Stale> {
    let mut stale = Vec::new();
    for (rel, content) in files {
        let path = out.join(rel);
        match std::fs::read_to_string(&path) {
            Ok(existing) if existing == *content => {}
            Ok(_) => stale.push(Stale {
                path,
                reason: "differs",
            }),
            Err(_) => stale.push(Stale {
                path,
                reason: "missing",
            }),
        }
    }
    for path in existing_files(out) {
        let rel = path
            .strip_prefix(out)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        if !files.contains_key(&rel) {
            stale.push(Stale {
                path,
                reason: "no longer generated",
            });
        }
    }
    stale
}

/// Writes `files` under `out`, removing generated files that are no longer produced, and
/// touching only files whose content changes.
pub fn write(out: &Path, files: &BTreeMap<String, String>) -> Result<usize, Error> {
    let io = |p: &Path, e: std::io::Error| Error::new(p, "", format!("cannot write: {e}"));
    let mut changed = 0;
    for stale in check(out, files) {
        let rel = stale
            .path
            .strip_prefix(out)
            .unwrap_or(&stale.path)
            .to_string_lossy()
            .replace('\\', "/");
        match files.get(&rel) {
            Some(content) => {
                if let Some(dir) = stale.path.parent() {
                    std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
                }
                std::fs::write(&stale.path, content).map_err(|e| io(&stale.path, e))?;
            }
            None => std::fs::remove_file(&stale.path).map_err(|e| io(&stale.path, e))?,
        }
        changed += 1;
    }
    Ok(changed)
}

/// Generated files under `dir`: `Cargo.toml` and `.rs` files carrying the header.
fn existing_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs" || x == "toml")
                && std::fs::read_to_string(&p)
                    .is_ok_and(|t| t.contains("@generated by `cargo xtask codegen`"))
            {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

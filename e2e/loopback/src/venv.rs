//! The pinned Python venv of the oracle tests (botocore, awscli, boto3): made by
//! `cargo xtask venv`, the one place that knows its pins and stamp, so a test never
//! installs anything itself.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// The workspace root (this crate is `e2e/loopback`).
fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// The venv's python: `cargo xtask venv` makes the venv, or finds it up to date, and
/// prints this path. Asked once per test process.
pub fn python() -> PathBuf {
    static PYTHON: OnceLock<PathBuf> = OnceLock::new();
    PYTHON
        .get_or_init(|| {
            let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
            let out = Command::new(cargo)
                .current_dir(root())
                .args(["xtask", "venv"])
                .stderr(Stdio::inherit())
                .output()
                .expect("running `cargo xtask venv`");
            let stdout = String::from_utf8_lossy(&out.stdout);
            let path = stdout.lines().last().unwrap_or("").trim();
            assert!(
                out.status.success() && !path.is_empty(),
                "`cargo xtask venv` failed ({}): {stdout}",
                out.status
            );
            PathBuf::from(path)
        })
        .clone()
}

/// A program of the venv (`aws`, `python`); for `aws`, a non-empty `AWS_CLI` names
/// another one.
pub fn bin(name: &str) -> PathBuf {
    if name == "aws" {
        if let Some(p) = std::env::var_os("AWS_CLI").filter(|p| !p.is_empty()) {
            return PathBuf::from(p);
        }
    }
    python().with_file_name(name)
}

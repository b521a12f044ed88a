//! `cargo xtask conformance`: runs public test vectors against the runtime and reports
//! `N passed, M failed` per suite.

use std::path::{Path, PathBuf};
use std::process::Command;

pub mod cbor;
pub mod endpoints;
pub mod protocol;
pub mod sigv4;

/// The botocore release whose sdist carries the vectors we run.
pub const BOTOCORE_VERSION: &str = "1.44.5";

/// The outcome of one suite.
#[derive(Debug, Default)]
pub struct Report {
    /// Suite name as printed.
    pub suite: String,
    /// Cases that passed.
    pub passed: usize,
    /// One line per failed case: its id and what went wrong.
    pub failed: Vec<String>,
    /// Cases skipped on purpose (botocore's own ignore list), counted and printed.
    pub skipped: usize,
}

impl Report {
    /// An empty report for a suite.
    pub fn new(suite: impl Into<String>) -> Self {
        Report {
            suite: suite.into(),
            ..Report::default()
        }
    }

    /// Records one case.
    pub fn check(&mut self, id: impl std::fmt::Display, result: Result<(), String>) {
        match result {
            Ok(()) => self.passed += 1,
            Err(e) => self.failed.push(format!("{id}: {e}")),
        }
    }
}

/// Prints every failure and one `N passed, M failed` line per suite, then the total;
/// returns (passed, failed) over all suites.
pub fn summarize(reports: &mut [Report]) -> (usize, usize) {
    let (mut passed, mut failed) = (0, 0);
    for r in reports.iter_mut() {
        // A suite that checked nothing (vectors moved, a filter too wide, a harness that
        // printed nothing) must not read as a pass.
        if r.passed == 0 && r.failed.is_empty() {
            r.failed
                .push(format!("(suite): ran zero cases ({} skipped)", r.skipped));
        }
        for f in &r.failed {
            println!("FAIL [{}] {f}", r.suite);
        }
        let skipped = if r.skipped > 0 {
            format!(", {} skipped", r.skipped)
        } else {
            String::new()
        };
        println!(
            "{}: {} passed, {} failed{skipped}",
            r.suite,
            r.passed,
            r.failed.len()
        );
        passed += r.passed;
        failed += r.failed.len();
    }
    println!("conformance: {passed} passed, {failed} failed");
    (passed, failed)
}

/// The project root (the workspace directory).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

/// `../shared/vectors` beside the checkout.
pub fn shared_vectors() -> PathBuf {
    root().join("..").join("shared").join("vectors")
}

/// `pip download --no-deps` of one pinned package into `dir`; `kind` is `--no-binary`
/// (the sdist, for test vectors) or `--only-binary` (the wheel, for models).
pub fn pip_download(spec: &str, kind: &str, dir: &Path) -> Result<(), String> {
    let status = Command::new("python3")
        .args([
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            kind,
            ":all:",
            spec,
            "-d",
        ])
        .arg(dir)
        .status()
        .map_err(|e| format!("running pip: {e}"))?;
    if !status.success() {
        return Err(format!("pip download {spec} failed ({status})"));
    }
    Ok(())
}

/// The unpacked botocore sdist, downloaded with pip on first use and cached under `target/`.
pub fn botocore_sdist() -> Result<PathBuf, String> {
    let cache = root().join("target").join("botocore-sdist");
    let dir = cache.join(format!("botocore-{BOTOCORE_VERSION}"));
    if dir.join("tests").is_dir() {
        return Ok(dir);
    }
    std::fs::create_dir_all(&cache).map_err(|e| format!("creating {}: {e}", cache.display()))?;
    pip_download(
        &format!("botocore=={BOTOCORE_VERSION}"),
        "--no-binary",
        &cache,
    )?;
    let tarball = cache.join(format!("botocore-{BOTOCORE_VERSION}.tar.gz"));
    let status = Command::new("tar")
        .arg("xzf")
        .arg(&tarball)
        .arg("-C")
        .arg(&cache)
        .status()
        .map_err(|e| format!("running tar: {e}"))?;
    if !status.success() || !dir.join("tests").is_dir() {
        return Err(format!("unpacking {} failed", tarball.display()));
    }
    Ok(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_suite_that_ran_nothing_fails() {
        let mut ok = Report::new("ok");
        ok.check("a", Ok(()));
        let mut all_skipped = Report::new("all skipped");
        all_skipped.skipped = 3;
        let mut reports = vec![ok, Report::new("empty"), all_skipped];
        let (passed, failed) = summarize(&mut reports);
        assert_eq!((passed, failed), (1, 2));
        assert!(reports[1].failed[0].contains("ran zero cases"));
    }
}

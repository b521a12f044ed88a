//! Placeholder: being written.
use super::Report;
use std::path::Path;

/// Runs this family of vectors.
pub fn run(_botocore: &Path, _shared: &Path) -> Vec<Report> {
    Vec::new()
}

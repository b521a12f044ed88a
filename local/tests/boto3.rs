//! Scenarios through the pinned boto3 (1.44.5, over botocore 1.44.5: awsJson to
//! Snowball, awsQuery to Import/Export) against a spawned `snowball-local`: one Python
//! process per scenario (`local/tests/boto3/*.py`), not per call. What our own clients
//! cover is in `snowball_jobs.rs` (CBOR and JSON), `importexport_jobs.rs`, `state.rs`,
//! `auth.rs`, and the AWS CLI in `aws_cli.rs`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::Local;

const AKID: &str = "AKIDSCENARIO";
const SECRET: &str = "scenario/Secret+Key";

fn scripts() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/boto3")
}

/// Runs `python SCRIPT URL ARGS` with boto3 from the venv; panics with its output when it
/// fails; returns its stdout.
fn scenario(local: &Local, script: &str, args: &[&str]) -> String {
    let python = common::venv_bin("python");
    let mut cmd = Command::new(python);
    cmd.arg(scripts().join(script)).arg(&local.url).args(args);
    common::python_env(&mut cmd, AKID, SECRET);
    let out = cmd.output().expect("running python");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("No module named 'boto3'"),
        "boto3 is missing from the venv that `cargo xtask venv` made"
    );
    assert!(
        out.status.success(),
        "{script} failed ({}):\n{stdout}\n{stderr}",
        out.status
    );
    stdout
}

#[test]
fn a_job_goes_from_address_to_complete_with_the_refusals_on_the_way() {
    let local = Local::start();
    let out = scenario(&local, "lifecycle.py", &[]);
    assert!(out.contains("lifecycle: ok"), "{out}");
}

#[test]
fn a_cluster_of_five_jobs() {
    let local = Local::start();
    let out = scenario(&local, "cluster.py", &[]);
    assert!(out.contains("cluster: ok, 5 nodes"), "{out}");
}

#[test]
fn the_paginators_see_250_jobs_once_each() {
    let local = Local::start();
    let out = scenario(&local, "pagination.py", &[]);
    assert!(out.contains("pagination: ok, 250 jobs in 3 pages"), "{out}");
}

#[test]
fn every_modeled_error_the_emulator_can_produce() {
    let local = Local::start();
    let model =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../models/snowball/2016-06-30/service-2.json");
    let out = scenario(&local, "errors.py", &[&model.to_string_lossy()]);
    assert!(out.contains("errors: ok"), "{out}");
}

#[test]
fn signatures_are_checked_with_credentials() {
    let local = Local::start_with(&["--credentials", &format!("{AKID}:{SECRET}")]);
    let out = scenario(&local, "signature.py", &[]);
    assert!(out.contains("signature: ok"), "{out}");
}

#[test]
fn jobs_survive_a_restart_with_state() {
    let dir = std::env::temp_dir().join(format!("snowball-local-boto3-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("state dir");
    let path = dir.join("restart.state");
    let _ = std::fs::remove_file(&path);
    let state = path.to_string_lossy().into_owned();
    let local = Local::start_with(&["--state", &state]);
    let ids = scenario(&local, "restart.py", &["create"]);
    // Dropping kills the child (SIGKILL): only what was synced survives.
    drop(local);
    let local = Local::start_with(&["--state", &state]);
    let out = scenario(&local, "restart.py", &["check", ids.trim()]);
    assert!(out.contains("restart: ok"), "{out}");
    drop(local);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn import_export_through_boto3() {
    let local = Local::start();
    let out = scenario(&local, "importexport.py", &[]);
    assert!(out.contains("importexport: ok"), "{out}");
}

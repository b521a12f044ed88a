//! `cargo xtask ci`: everything CI checks, in order, on a fresh machine. Installs what it
//! needs (the botocore sdist for the vectors, a Python venv with pinned botocore).

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use crate::conformance::{self, BOTOCORE_VERSION};

/// Runs one step, printing its name and time; fails naming the step.
fn step(name: &str, f: impl FnOnce() -> Result<(), String>) -> Result<(), String> {
    println!("==> {name}");
    let start = Instant::now();
    let r = f();
    println!(
        "<== {name}: {} in {:.1?}",
        if r.is_ok() { "ok" } else { "FAILED" },
        start.elapsed()
    );
    r.map_err(|e| format!("{name}: {e}"))
}

fn cargo(root: &Path, args: &[&str], env: &[(&str, &str)]) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(root).args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let status = cmd.status().map_err(|e| format!("running cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`cargo {}` failed ({status})", args.join(" ")))
    }
}

/// The AWS CLI v1 release for the `snowball` CLI differential test (`cli/tests`). From
/// 1.46 on, awscli bundles its own botocore (1.43.62 in 1.46.3, with the same Snowball
/// model as botocore 1.44.5) instead of pinning one; 1.45.64, the last with a pin, pins
/// botocore 1.43.64.
const AWSCLI_VERSION: &str = "1.46.3";

/// boto3 for the `snowball-local` scenario suite (`local/tests/boto3.rs`): the release
/// that pairs with botocore 1.44.5 (it requires `botocore>=1.44.5,<1.45.0`), and the
/// s3transfer it needs (`>=0.19.0,<0.20.0`), pinned too.
const BOTO3_VERSION: &str = "1.44.5";
const S3TRANSFER_VERSION: &str = "0.19.3";

/// A venv under `target/` with the pinned botocore, AWS CLI and boto3, for the oracle
/// tests and the `snowball-local` suites; returns its python.
pub fn python_venv(root: &Path) -> Result<std::path::PathBuf, String> {
    let venv = root.join("target").join("venv");
    let python = venv.join("bin").join("python");
    // The stamp names every pinned package, so a venv made for fewer is upgraded.
    let stamp = venv.join(format!(
        "botocore-{BOTOCORE_VERSION}-awscli-{AWSCLI_VERSION}-boto3-{BOTO3_VERSION}-\
         s3transfer-{S3TRANSFER_VERSION}.ok"
    ));
    if stamp.exists() {
        return Ok(python);
    }
    let run = |cmd: &mut Command| -> Result<(), String> {
        let status = cmd.status().map_err(|e| format!("{cmd:?}: {e}"))?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("{cmd:?} failed ({status})"))
        }
    };
    run(Command::new("python3").arg("-m").arg("venv").arg(&venv))?;
    run(Command::new(&python).args([
        "-m",
        "pip",
        "install",
        "--quiet",
        &format!("botocore=={BOTOCORE_VERSION}"),
        &format!("awscli=={AWSCLI_VERSION}"),
        &format!("boto3=={BOTO3_VERSION}"),
        &format!("s3transfer=={S3TRANSFER_VERSION}"),
    ]))?;
    std::fs::write(&stamp, "").map_err(|e| e.to_string())?;
    Ok(python)
}

/// Cargo verifies a generated crate against the runtime it just packaged, served from a
/// local registry and unpacked into `$CARGO_HOME/registry/src` under a directory named
/// `-<hash>` (a registry without a host). It reuses an unpacked crate of the same version
/// from an earlier run, so a generated crate would be checked against a stale runtime:
/// remove it before packaging. Only our own crates in host-less registries are touched.
fn forget_packaged_crates() -> Result<(), String> {
    let rm =
        |p: &Path| std::fs::remove_dir_all(p).map_err(|e| format!("removing {}: {e}", p.display()));
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")));
    let Some(src) = cargo_home.map(|h| h.join("registry").join("src")) else {
        return Ok(());
    };
    for registry in std::fs::read_dir(&src).into_iter().flatten().flatten() {
        if !registry.file_name().to_string_lossy().starts_with('-') {
            continue;
        }
        for krate in std::fs::read_dir(registry.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            let name = krate.file_name().to_string_lossy().into_owned();
            if name.starts_with("awsrt-") {
                rm(&krate.path())?;
            }
        }
    }
    Ok(())
}

/// The services `cargo xtask ci` generates and compiles from botocore, each for a
/// construct: athena (an enum value `UNKNOWN`), codepipeline (a shape named `Result`),
/// dynamodb (a map page token; `contextParam`, `staticContextParams` and every
/// `operationContextParams` path form; the account id built-ins; optional endpoint
/// discovery), kinesis (an event-stream operation; `more_results` as a path; a string
/// `staticContextParams`), cognito-identity (a required page size; `noAuth` operations),
/// acm (a union holding structures), elasticache (awsQuery; a result key that is a
/// path), sts (awsQuery; `noAuth` operations; `auth` listing SigV4a), cloudwatch
/// (RPC v2 CBOR first, then json and query; `awsQueryCompatible`; `requestcompression`),
/// timestream-query (required endpoint discovery).
const ALL_SERVICES_SAMPLE: &[&str] = &[
    "acm",
    "athena",
    "cloudwatch",
    "codepipeline",
    "cognito-identity",
    "dynamodb",
    "elasticache",
    "kinesis",
    "sts",
    "timestream-query",
];

/// Every check, in the order a reviewer would want failures reported.
pub fn run(root: &Path) -> Result<(), String> {
    let start = Instant::now();
    step("cargo fmt --check", || {
        cargo(root, &["fmt", "--all", "--", "--check"], &[])
    })?;
    step("codegen --check", || crate::codegen::run(root, true))?;
    step("clippy -D warnings", || {
        cargo(
            root,
            &[
                "clippy",
                "--workspace",
                "--all-targets",
                // Every feature: the generated crates' `cli` and `serde` code is only
                // checked where a feature turns it on.
                "--all-features",
                "--",
                "-D",
                "warnings",
            ],
            &[],
        )
    })?;
    step("rustdoc -D warnings", || {
        cargo(
            root,
            &["doc", "--workspace", "--no-deps"],
            &[("RUSTDOCFLAGS", "-D warnings")],
        )
    })?;
    // The crates a user depends on package with every file inside them, and each builds
    // from its package alone (the generated ones against the packaged runtime).
    step("cargo package (awsrt and the generated crates)", || {
        forget_packaged_crates()?;
        let mut args = vec!["package", "--allow-dirty", "-p", "awsrt"];
        let packages: Vec<String> = crate::codegen::CRATES
            .iter()
            .map(|(_, name)| codegen::package_name(name))
            .collect();
        for p in &packages {
            args.extend(["-p", p.as_str()]);
        }
        // A target directory of its own, emptied first: cargo treats a registry crate of
        // a given version as unchanged and would reuse an earlier build of the runtime.
        let target = root.join("target").join("package-check");
        if target.exists() {
            std::fs::remove_dir_all(&target)
                .map_err(|e| format!("removing {}: {e}", target.display()))?;
        }
        cargo(
            root,
            &args,
            &[("CARGO_TARGET_DIR", &target.to_string_lossy())],
        )
    })?;
    let python = step("python venv (botocore oracle)", || {
        python_venv(root).map(|_| ())
    })
    .and_then(|_| python_venv(root))?;
    let sdist = conformance::botocore_sdist()?;
    step("cargo test", || {
        cargo(
            root,
            &["test", "--workspace"],
            &[
                ("BOTOCORE_PYTHON", &python.to_string_lossy()),
                ("BOTOCORE_SDIST", &sdist.to_string_lossy()),
            ],
        )
    })?;
    step("conformance", || crate::run_conformance(&[]))?;
    // A sample of real services that each need a construct the two committed models lack,
    // generated and compiled with clippy -D warnings (the full run is
    // `cargo xtask generate-all --botocore VERSION --compile`, figures in README).
    step(
        "generate-all sample (real services, clippy -D warnings)",
        || {
            let mut args = vec![
                "--botocore".to_string(),
                BOTOCORE_VERSION.to_string(),
                "--compile".to_string(),
            ];
            args.extend(ALL_SERVICES_SAMPLE.iter().map(|s| s.to_string()));
            crate::generate_all::run(root, &args)
        },
    )?;
    // Each cargo-fuzz target for 30 s from its committed seeds; any crash fails.
    let label = format!("fuzz ({} targets x 30 s)", crate::fuzz::TARGETS.len());
    step(&label, || {
        let targets: Vec<String> = crate::fuzz::TARGETS.iter().map(|t| t.to_string()).collect();
        crate::fuzz::run(root, &targets, 30, "none").map(|_| ())
    })?;
    println!("ci: all steps passed in {:.0?}", start.elapsed());
    Ok(())
}

//! `cargo xtask fuzz [--seconds N] [--sanitizer none|address] [TARGET...]`: runs each
//! cargo-fuzz target of `fuzz/` for N seconds (default 30) from its committed seeds
//! (`fuzz/seeds/TARGET`, read only) plus a scratch corpus under `target/fuzz-corpus/`,
//! and fails on any crash, panic, hang (10 s per input) or out-of-memory.
//!
//! Installs cargo-fuzz from crates.io when missing. With the default `--sanitizer none`
//! the build needs only stable rustc (the coverage instrumentation flags cargo-fuzz
//! passes are stable); `address` needs `-Zsanitizer`, so it uses the nightly toolchain
//! when rustup has one, else stable with `RUSTC_BOOTSTRAP=1`.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

/// The fuzz targets, in the order they run.
pub const TARGETS: &[&str] = &[
    "decode",
    "shared_config",
    "endpoint",
    "model",
    "query",
    "cli_params",
];

/// What one target's run found.
#[derive(Debug)]
pub struct Outcome {
    pub target: String,
    pub executions: u64,
    pub corpus: u64,
    pub ok: bool,
}

pub fn run_cli(root: &Path, args: &[String]) -> Result<(), String> {
    let usage = "usage: cargo xtask fuzz [--seconds N] [--sanitizer none|address] [TARGET...]";
    let mut seconds = 30u64;
    let mut sanitizer = "none".to_string();
    let mut targets = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--seconds" => {
                seconds = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .filter(|&n| n > 0)
                    .ok_or(usage)?;
            }
            "--sanitizer" => {
                sanitizer = it
                    .next()
                    .filter(|v| matches!(v.as_str(), "none" | "address"))
                    .ok_or(usage)?
                    .clone();
            }
            t if TARGETS.contains(&t) => targets.push(t.to_string()),
            other => return Err(format!("unknown argument {other:?}\n{usage}")),
        }
    }
    if targets.is_empty() {
        targets = TARGETS.iter().map(|t| t.to_string()).collect();
    }
    run(root, &targets, seconds, &sanitizer).map(|_| ())
}

/// Installs cargo-fuzz when `cargo fuzz` is not available.
fn ensure_cargo_fuzz() -> Result<(), String> {
    let found = Command::new("cargo")
        .args(["fuzz", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if found {
        return Ok(());
    }
    println!("fuzz: installing cargo-fuzz from crates.io");
    let status = Command::new("cargo")
        .args(["install", "cargo-fuzz", "--locked"])
        .status()
        .map_err(|e| format!("cargo install cargo-fuzz: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("cargo install cargo-fuzz failed ({status})"))
    }
}

/// `cargo [+nightly] fuzz ...` with the environment the sanitizer needs.
fn cargo_fuzz(root: &Path, sanitizer: &str) -> Command {
    let mut cmd = Command::new("cargo");
    cmd.current_dir(root);
    if sanitizer != "none" {
        let nightly = Command::new("rustup")
            .args(["run", "nightly", "rustc", "--version"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if nightly {
            cmd.arg("+nightly");
        } else {
            cmd.env("RUSTC_BOOTSTRAP", "1");
        }
    }
    // The outer cargo's settings must not leak into the fuzz workspace's build.
    for var in ["CARGO_TARGET_DIR", "RUSTFLAGS", "CARGO_ENCODED_RUSTFLAGS"] {
        cmd.env_remove(var);
    }
    cmd.arg("fuzz");
    cmd
}

/// One target's outcome from libFuzzer's stderr: it passes only when the process
/// succeeded and the final stats line shows at least one execution (a target that never
/// ran, say because the build or the corpus path was wrong, must not read as clean).
fn outcome_from(target: &str, log: &str, success: bool, corpus: u64) -> Outcome {
    let executions = log
        .lines()
        .find_map(|l| l.strip_prefix("stat::number_of_executed_units"))
        .and_then(|v| v.trim().trim_start_matches(':').trim().parse::<u64>().ok())
        .unwrap_or(0);
    Outcome {
        target: target.to_string(),
        executions,
        corpus,
        ok: success && executions > 0,
    }
}

/// Builds every target, then runs each for `seconds`; prints one line per target.
pub fn run(
    root: &Path,
    targets: &[String],
    seconds: u64,
    sanitizer: &str,
) -> Result<Vec<Outcome>, String> {
    ensure_cargo_fuzz()?;
    let start = Instant::now();
    let status = cargo_fuzz(root, sanitizer)
        .args(["build", "--sanitizer", sanitizer])
        .status()
        .map_err(|e| format!("cargo fuzz build: {e}"))?;
    if !status.success() {
        return Err(format!("cargo fuzz build failed ({status})"));
    }
    println!("fuzz: built in {:.0?}", start.elapsed());
    let mut outcomes = Vec::new();
    for target in targets {
        let seeds = root.join("fuzz").join("seeds").join(target);
        let corpus = root.join("target").join("fuzz-corpus").join(target);
        std::fs::create_dir_all(&corpus).map_err(|e| format!("{}: {e}", corpus.display()))?;
        let output = cargo_fuzz(root, sanitizer)
            .args(["run", "--sanitizer", sanitizer, target])
            .arg(&corpus)
            .arg(&seeds)
            .arg("--")
            .arg(format!("-max_total_time={seconds}"))
            .args(["-timeout=10", "-rss_limit_mb=2048", "-print_final_stats=1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .output()
            .map_err(|e| format!("cargo fuzz run {target}: {e}"))?;
        let log = String::from_utf8_lossy(&output.stderr);
        let corpus_size = std::fs::read_dir(&corpus)
            .map(|d| d.count() as u64)
            .unwrap_or(0);
        let outcome = outcome_from(target, &log, output.status.success(), corpus_size);
        println!(
            "fuzz: {target}: {} executions in {seconds} s, corpus {} inputs, {}",
            outcome.executions,
            outcome.corpus,
            if outcome.ok {
                "no crash"
            } else if outcome.executions == 0 {
                "FAILED: zero executions"
            } else {
                "CRASH"
            }
        );
        if !outcome.ok {
            // The last lines name the crash and the artifact that reproduces it.
            let tail: Vec<&str> = log.lines().rev().take(60).collect();
            for line in tail.into_iter().rev() {
                eprintln!("    {line}");
            }
        }
        outcomes.push(outcome);
    }
    let total: u64 = outcomes.iter().map(|o| o.executions).sum();
    let crashed: Vec<&str> = outcomes
        .iter()
        .filter(|o| !o.ok)
        .map(|o| o.target.as_str())
        .collect();
    println!(
        "fuzz: {} targets, {total} executions, {} failed",
        outcomes.len(),
        crashed.len()
    );
    if crashed.is_empty() {
        Ok(outcomes)
    } else {
        Err(format!(
            "fuzz targets failed (crashed, or ran zero executions): {} (reproducers under fuzz/artifacts/)",
            crashed.join(", ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_executions_fail() {
        let ran = "INFO: seed\nstat::number_of_executed_units: 1234\nstat::peak_rss_mb: 40\n";
        let o = outcome_from("decode", ran, true, 5);
        assert_eq!(o.executions, 1234);
        assert!(o.ok);
        assert!(!outcome_from("decode", "stat::number_of_executed_units: 0\n", true, 0).ok);
        assert!(!outcome_from("decode", "no stats at all\n", true, 0).ok);
        assert!(!outcome_from("decode", ran, false, 5).ok);
    }
}

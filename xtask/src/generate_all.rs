//! `cargo xtask generate-all --botocore VERSION [--compile] [--jobs N] [--batch N] [SERVICE...]`:
//! a survey tool, not part of the build. Generates a crate for every botocore service
//! whose protocols we speak into `target/all-services/` (one workspace, its own target
//! dir), optionally compiles them, and prints one line per failing service (service,
//! stage, first error) and a summary. It finds what the generator cannot handle yet
//! before a user does.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use codegen::CrateSpec;

/// The protocols the generated crates speak, as `metadata.protocols` spells them.
const PROTOCOLS: &[&str] = &["json", "smithy-rpc-v2-cbor", "query"];

/// The model files copied per service (its newest API version, as botocore's loader picks).
const FILES: &[&str] = &[
    "service-2.json",
    "paginators-1.json",
    "examples-1.json",
    "endpoint-rule-set-1.json",
];

/// Where a service stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Stage {
    /// Loading the JSON files (`codegen::model`).
    Model,
    /// Lowering to the IR (`codegen::ir`).
    Ir,
    /// Emitting and formatting the crate.
    Emit,
    /// Writing the crate's files.
    Write,
    /// `rustc` errors (type check).
    Rustc,
    /// Warnings and clippy lints under `-D warnings`.
    Clippy,
}

impl Stage {
    fn label(self) -> &'static str {
        match self {
            Stage::Model => "model",
            Stage::Ir => "IR",
            Stage::Emit => "emit",
            Stage::Write => "write",
            Stage::Rustc => "rustc",
            Stage::Clippy => "clippy",
        }
    }
}

/// The command line.
#[derive(Debug)]
struct Args {
    version: String,
    compile: bool,
    jobs: usize,
    batch: usize,
    services: Vec<String>,
}

const USAGE: &str =
    "usage: cargo xtask generate-all --botocore VERSION [--compile] [--jobs N] [--batch N] [SERVICE...]";

fn parse_args(args: &[String]) -> Result<Args, String> {
    let mut out = Args {
        version: String::new(),
        compile: false,
        jobs: 2,
        batch: 8,
        services: Vec::new(),
    };
    let mut it = args.iter();
    let number = |v: Option<&String>, flag: &str| -> Result<usize, String> {
        v.and_then(|v| v.parse::<usize>().ok())
            .filter(|n| *n > 0)
            .ok_or_else(|| format!("{flag} needs a positive number; {USAGE}"))
    };
    while let Some(a) = it.next() {
        match a.as_str() {
            "--botocore" => {
                out.version = it
                    .next()
                    .cloned()
                    .ok_or_else(|| format!("--botocore needs a version; {USAGE}"))?
            }
            "--compile" => out.compile = true,
            "--jobs" => out.jobs = number(it.next(), "--jobs")?,
            "--batch" => out.batch = number(it.next(), "--batch")?,
            s if s.starts_with('-') => return Err(format!("unknown flag {s}; {USAGE}")),
            s => out.services.push(s.to_string()),
        }
    }
    if out.version.is_empty() {
        return Err(USAGE.into());
    }
    Ok(out)
}

/// One service's result.
#[derive(Debug)]
struct Outcome {
    service: String,
    crate_name: String,
    failure: Option<(Stage, String)>,
}

/// Runs the tool.
pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let args = parse_args(args)?;
    let models = unpack(root, &args.version)?;
    let services = select(&models, &args.services)?;
    let out_dir = root.join("target").join("all-services");
    std::fs::create_dir_all(&out_dir)
        .map_err(|e| format!("creating {}: {e}", out_dir.display()))?;
    let runtime_version = crate::codegen::runtime_version(root)?;

    let start = Instant::now();
    let mut outcomes = generate(&models, &services, &out_dir, &runtime_version, args.jobs);
    let gen_time = start.elapsed();
    let generated: Vec<String> = outcomes
        .iter()
        .filter(|o| o.failure.is_none())
        .map(|o| o.crate_name.clone())
        .collect();
    write_workspace(root, &out_dir, &generated)?;

    let mut compile_time = None;
    if args.compile && !generated.is_empty() {
        let start = Instant::now();
        let failures = compile(&out_dir, &generated, args.jobs, args.batch)?;
        for o in &mut outcomes {
            if let Some(f) = failures.get(&o.crate_name) {
                o.failure = Some(f.clone());
            }
        }
        compile_time = Some(start.elapsed());
    }

    let mut failed = 0;
    for o in &outcomes {
        if let Some((stage, msg)) = &o.failure {
            failed += 1;
            println!("FAIL {} [{}]: {msg}", o.service, stage.label());
        }
    }
    let past = |s: Stage| {
        outcomes
            .iter()
            .filter(|o| o.failure.as_ref().is_none_or(|(f, _)| *f > s))
            .count()
    };
    let mut summary = format!(
        "generate-all: botocore {}: {} services; generated {}",
        args.version,
        outcomes.len(),
        past(Stage::Write)
    );
    if let Some(t) = compile_time {
        summary.push_str(&format!(
            ", compiled {}, clippy-clean {}",
            past(Stage::Rustc),
            past(Stage::Clippy)
        ));
        summary.push_str(&format!(
            "; failed {failed}; generation {}, compile {}",
            secs(gen_time),
            secs(t)
        ));
    } else {
        summary.push_str(&format!("; failed {failed}; generation {}", secs(gen_time)));
    }
    println!("{summary}");
    println!("crates in {}", out_dir.display());
    if failed > 0 {
        return Err(format!("{failed} of {} services failed", outcomes.len()));
    }
    Ok(())
}

fn secs(d: Duration) -> String {
    format!("{:.1}s", d.as_secs_f64())
}

/// Unpacks the newest API version of every service in the wheel into
/// `target/botocore-wheel/VERSION/models/SERVICE/`, once.
fn unpack(root: &Path, version: &str) -> Result<PathBuf, String> {
    let wheel = crate::update_model::wheel(root, version)?;
    let out = root
        .join("target")
        .join("botocore-wheel")
        .join(version)
        .join("models");
    let done = out.join(".complete");
    if done.exists() {
        return Ok(out);
    }
    // Python's zipfile and gzip do the unpacking, as in `update-model`.
    let script = r#"
import gzip, sys, zipfile, os
wheel, out, files = sys.argv[1], sys.argv[2], sys.argv[3].split(',')
z = zipfile.ZipFile(wheel)
names = set(z.namelist())
latest = {}
for n in names:
    p = n.split('/')
    if len(p) == 5 and p[:2] == ['botocore', 'data'] and p[4] in ('service-2.json', 'service-2.json.gz'):
        if p[3] > latest.get(p[2], ''):
            latest[p[2]] = p[3]
for svc, ver in sorted(latest.items()):
    d = os.path.join(out, svc)
    os.makedirs(d, exist_ok=True)
    for f in files:
        base = 'botocore/data/%s/%s/%s' % (svc, ver, f)
        if base in names:
            data = z.read(base)
        elif base + '.gz' in names:
            data = gzip.decompress(z.read(base + '.gz'))
        else:
            continue
        open(os.path.join(d, f), 'wb').write(data)
open(os.path.join(out, '.complete'), 'w').write('')
"#;
    let status = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&wheel)
        .arg(&out)
        .arg(FILES.join(","))
        .status()
        .map_err(|e| format!("running python3: {e}"))?;
    if !status.success() || !done.exists() {
        return Err(format!("unpacking {} failed", wheel.display()));
    }
    Ok(out)
}

/// The services (directory names) whose protocols include one we speak, sorted; with
/// `wanted`, only those (each must exist and qualify).
fn select(models: &Path, wanted: &[String]) -> Result<Vec<String>, String> {
    let mut all = Vec::new();
    let entries =
        std::fs::read_dir(models).map_err(|e| format!("reading {}: {e}", models.display()))?;
    for e in entries.flatten() {
        let path = e.path().join("service-2.json");
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let v: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let meta = &v["metadata"];
        let listed: Vec<&str> = match meta["protocols"].as_array() {
            Some(a) => a.iter().filter_map(|p| p.as_str()).collect(),
            None => meta["protocol"].as_str().into_iter().collect(),
        };
        if listed.iter().any(|p| PROTOCOLS.contains(p)) {
            all.push(e.file_name().to_string_lossy().into_owned());
        }
    }
    all.sort();
    if wanted.is_empty() {
        return Ok(all);
    }
    for w in wanted {
        if !all.contains(w) {
            return Err(format!(
                "service `{w}` is not in this botocore release or speaks none of {PROTOCOLS:?}"
            ));
        }
    }
    let mut w = wanted.to_vec();
    w.sort();
    w.dedup();
    Ok(w)
}

/// The library name of a service's crate: the botocore directory name as an identifier.
fn crate_name(service: &str) -> String {
    service.replace('-', "_")
}

/// Generates every service, `jobs` at a time, writing each crate that succeeds.
fn generate(
    models: &Path,
    services: &[String],
    out_dir: &Path,
    runtime_version: &str,
    jobs: usize,
) -> Vec<Outcome> {
    let queue = Mutex::new(services.iter());
    let results = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..jobs {
            s.spawn(|| loop {
                let next = queue.lock().map(|mut q| q.next().cloned());
                let Ok(Some(service)) = next else { break };
                let outcome = generate_one(models, &service, out_dir, runtime_version);
                if let Ok(mut r) = results.lock() {
                    r.push(outcome);
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_default();
    results.sort_by(|a, b| a.service.cmp(&b.service));
    results
}

fn generate_one(models: &Path, service: &str, out_dir: &Path, runtime_version: &str) -> Outcome {
    let crate_name = crate_name(service);
    let spec = CrateSpec {
        model_dir: models.join(service),
        crate_name: crate_name.clone(),
        runtime_path: "../../../runtime".to_string(),
        runtime_version: runtime_version.to_string(),
        version: "0.0.0".to_string(),
    };
    let failure = stages(&spec, &out_dir.join(&crate_name)).err();
    Outcome {
        service: service.to_string(),
        crate_name,
        failure,
    }
}

/// The generator's stages for one crate; a panic is caught and reported as a failure
/// of the stage it happened in (the generator must never panic: this makes it visible).
fn stages(spec: &CrateSpec, out: &Path) -> Result<(), (Stage, String)> {
    let first_line = |e: &dyn std::fmt::Display| {
        let s = e.to_string();
        let line = s.lines().next().unwrap_or("").to_string();
        if line.chars().count() > 400 {
            format!("{}...", line.chars().take(400).collect::<String>())
        } else {
            line
        }
    };
    let guarded = |stage: Stage, f: &dyn Fn() -> Result<(), String>| match std::panic::catch_unwind(
        std::panic::AssertUnwindSafe(f),
    ) {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err((stage, first_line(&e))),
        Err(p) => {
            let msg = p
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            Err((stage, format!("generator panicked: {msg}")))
        }
    };
    // The whole generator once; only when it fails are the model and IR stages re-run
    // on their own, to name the stage the failure belongs to.
    let generated = std::cell::RefCell::new(None);
    if let Err(emit) = guarded(Stage::Emit, &|| {
        codegen::generate(spec)
            .map(|f| *generated.borrow_mut() = Some(f))
            .map_err(|e| e.to_string())
    }) {
        let files = std::cell::RefCell::new(None);
        guarded(Stage::Model, &|| {
            codegen::model::ModelFiles::load(&spec.model_dir)
                .map(|f| *files.borrow_mut() = Some(f))
                .map_err(|e| e.to_string())
        })?;
        guarded(Stage::Ir, &|| match files.borrow().as_ref() {
            Some(f) => codegen::ir::lower(f, &spec.crate_name)
                .map(drop)
                .map_err(|e| e.to_string()),
            None => Err("model not loaded".into()),
        })?;
        return Err(emit);
    }
    guarded(Stage::Write, &|| match generated.borrow().as_ref() {
        Some(f) => codegen::write(out, f).map(drop).map_err(|e| e.to_string()),
        None => Err("nothing generated".into()),
    })
}

/// `target/all-services/Cargo.toml`: a workspace of the generated crates. It starts
/// from the project's lock file so the dependencies are the versions we test with.
fn write_workspace(root: &Path, out_dir: &Path, members: &[String]) -> Result<(), String> {
    let list = members
        .iter()
        .map(|m| format!("    \"{m}\",\n"))
        .collect::<String>();
    let toml = format!(
        "# Written by `cargo xtask generate-all`: every generated service crate, not part of the project's build.\n\
         [workspace]\nresolver = \"2\"\nmembers = [\n{list}]\n\n\
         [profile.dev]\ndebug = false\n"
    );
    let path = out_dir.join("Cargo.toml");
    std::fs::write(&path, toml).map_err(|e| format!("writing {}: {e}", path.display()))?;
    let lock = out_dir.join("Cargo.lock");
    if !lock.exists() {
        std::fs::copy(root.join("Cargo.lock"), &lock)
            .map_err(|e| format!("writing {}: {e}", lock.display()))?;
    }
    Ok(())
}

/// Runs clippy (`--all-features`, `-D warnings`) on the crates, `batch` crates per cargo
/// invocation with `-j jobs`, and returns each failing crate's stage and first error. One
/// clippy run is both passes: an error with no lint name is a rustc error (the crate does
/// not compile), one with a lint name is a warning or clippy lint denied by `-D warnings`.
fn compile(
    out_dir: &Path,
    crates: &[String],
    jobs: usize,
    batch: usize,
) -> Result<BTreeMap<String, (Stage, String)>, String> {
    let mut failures = BTreeMap::new();
    let total = crates.len();
    for (i, chunk) in crates.chunks(batch).enumerate() {
        let start = Instant::now();
        let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        cmd.current_dir(out_dir)
            .args(["clippy", "--quiet", "--keep-going", "--all-features"])
            .args(["--message-format", "json", "-j", &jobs.to_string()])
            .arg("--target-dir")
            .arg(out_dir.join("target"));
        for c in chunk {
            cmd.args(["-p", &codegen::package_name(c)]);
        }
        cmd.args(["--", "-D", "warnings"]);
        let output = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .output()
            .map_err(|e| format!("running cargo clippy: {e}"))?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        let found = diagnostics(&stdout, chunk);
        let built: Vec<String> = stdout
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter(|v| v["reason"] == "compiler-artifact")
            .filter_map(|v| v["target"]["name"].as_str().map(str::to_string))
            .collect();
        let stderr = String::from_utf8_lossy(&output.stderr);
        for c in chunk {
            if let Some(f) = found.get(c) {
                failures.insert(c.clone(), f.clone());
            } else if !built.contains(c) {
                // No diagnostics of its own and no artifact: cargo stopped before it
                // (a dependency failed, or the manifest is bad).
                let why = stderr
                    .lines()
                    .find(|l| l.starts_with("error"))
                    .unwrap_or("not built (no diagnostics)")
                    .to_string();
                failures.insert(c.clone(), (Stage::Rustc, why));
            }
        }
        // Failures as they come: a full run takes long on two cores.
        for c in chunk {
            if let Some((stage, msg)) = failures.get(c) {
                eprintln!("  {c} [{}]: {msg}", stage.label());
            }
        }
        let done = (i * batch + chunk.len()).min(total);
        eprintln!(
            "compile: {done}/{total} ({} in {}; {} failing so far)",
            chunk.join(" "),
            secs(start.elapsed()),
            failures.len()
        );
    }
    Ok(failures)
}

/// The first error per crate in cargo's JSON messages, as (stage, text with location).
fn diagnostics(stdout: &str, crates: &[String]) -> BTreeMap<String, (Stage, String)> {
    let mut out: BTreeMap<String, (Stage, String)> = BTreeMap::new();
    for line in stdout.lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if v["reason"] != "compiler-message" {
            continue;
        }
        let Some(name) = v["target"]["name"].as_str() else {
            continue;
        };
        if !crates.iter().any(|c| c == name) {
            continue;
        }
        let msg = &v["message"];
        let level = msg["level"].as_str().unwrap_or("");
        let text = msg["message"].as_str().unwrap_or("");
        if level != "error" || text.starts_with("aborting due to") {
            continue;
        }
        let code = msg["code"]["code"].as_str();
        let lint = code
            .is_some_and(|c| !(c.starts_with('E') && c[1..].chars().all(|d| d.is_ascii_digit())));
        let stage = if lint { Stage::Clippy } else { Stage::Rustc };
        let at = msg["spans"]
            .as_array()
            .and_then(|s| s.iter().find(|s| s["is_primary"] == true))
            .map(|s| {
                format!(
                    " at {}:{}",
                    s["file_name"].as_str().unwrap_or("?"),
                    s["line_start"]
                )
            })
            .unwrap_or_default();
        let code = code.map(|c| format!("[{c}]")).unwrap_or_default();
        let entry = (stage, format!("error{code}: {text}{at}"));
        // A rustc error outranks a lint: the crate does not compile.
        match out.get(name) {
            Some((Stage::Rustc, _)) => {}
            Some((Stage::Clippy, _)) if stage == Stage::Clippy => {}
            _ => {
                out.insert(name.to_string(), entry);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_is_named_by_the_stage_it_belongs_to() {
        let dir = std::env::temp_dir().join(format!("generate-all-stages-{}", std::process::id()));
        let model = dir.join("model");
        std::fs::create_dir_all(&model).unwrap();
        let spec = CrateSpec {
            model_dir: model.clone(),
            crate_name: "stages".into(),
            runtime_path: "../runtime".into(),
            runtime_version: "0.1.0".into(),
            version: "0.0.0".into(),
        };
        let out = dir.join("out");
        // Not JSON: the model stage.
        std::fs::write(model.join("service-2.json"), "{").unwrap();
        assert_eq!(stages(&spec, &out).unwrap_err().0, Stage::Model);
        // JSON the model reads but cannot lower (an operation's input names no shape).
        let service = r#"{"version":"2.0","metadata":{"apiVersion":"2020-01-01","endpointPrefix":"x","jsonVersion":"1.1","protocol":"json","protocols":["json"],"serviceFullName":"X","serviceId":"X","signatureVersion":"v4","signingName":"x","targetPrefix":"X","uid":"x-2020-01-01"},"operations":{"Op":{"name":"Op","http":{"method":"POST","requestUri":"/"},"input":{"shape":"Missing"}}},"shapes":{}}"#;
        std::fs::write(model.join("service-2.json"), service).unwrap();
        assert_eq!(stages(&spec, &out).unwrap_err().0, Stage::Ir);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn diagnostics_rank_rustc_errors_over_lints() {
        let crates = vec!["a".to_string(), "b".to_string()];
        let msg = |name: &str, code: &str, text: &str| {
            format!(
                r#"{{"reason":"compiler-message","target":{{"name":"{name}"}},"message":{{"level":"error","message":"{text}","code":{code},"spans":[{{"is_primary":true,"file_name":"src/x.rs","line_start":3}}]}}}}"#
            )
        };
        let out = [
            msg(
                "a",
                r#"{"code":"clippy::needless_return"}"#,
                "unneeded return",
            ),
            msg("a", r#"{"code":"E0308"}"#, "mismatched types"),
            msg("b", r#"{"code":"unused_imports"}"#, "unused import"),
            msg("b", "null", "aborting due to 1 previous error"),
        ]
        .join("\n");
        let d = diagnostics(&out, &crates);
        assert_eq!(
            d["a"],
            (
                Stage::Rustc,
                "error[E0308]: mismatched types at src/x.rs:3".into()
            )
        );
        assert_eq!(d["b"].0, Stage::Clippy);
    }

    #[test]
    fn args() {
        let a = parse_args(&[
            "--botocore".into(),
            "1.2.3".into(),
            "--compile".into(),
            "sqs".into(),
        ])
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (a.version.as_str(), a.compile, a.services.len()),
            ("1.2.3", true, 1)
        );
        assert!(parse_args(&["--jobs".into(), "0".into()]).is_err());
        assert!(parse_args(&[]).is_err());
    }
}

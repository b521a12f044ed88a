//! The README's examples against a spawned `snowball-local`, so a README change that
//! breaks them fails CI: `e2e/examples/list_jobs.rs` (and its blocking twin), and every command of the code
//! blocks of "The `snowball` command-line client" and "snowball-local" (the admin
//! endpoint's `curl`s included, sent by the test's own HTTP call), read from
//! README.md itself (placeholder ids swapped for real ones, `--endpoint-url` added).
//!
//! The `snowball` binary and the example belong to other packages, so the test builds
//! them with `cargo build --workspace --bins --examples` (after `cargo test --workspace`
//! it is a no-op: same features, same profile).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::Local;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("local/ is in the workspace")
        .to_path_buf()
}

/// `target/debug` (or wherever this test binary was built), after building what the
/// README runs.
fn built() -> PathBuf {
    static BUILT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BUILT.get_or_init(build).clone()
}

fn build() -> PathBuf {
    let out = Command::new(env!("CARGO"))
        .current_dir(root())
        .args(["build", "--workspace", "--bins", "--examples", "--quiet"])
        .output()
        .expect("running cargo");
    assert!(
        out.status.success(),
        "cargo build: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // target/debug/deps/readme-HASH -> target/debug
    let exe = std::env::current_exe().expect("the test binary");
    exe.parent()
        .and_then(Path::parent)
        .expect("target/debug")
        .to_path_buf()
}

/// The code block of `lang` that follows `heading` in README.md.
fn code_block(readme: &str, heading: &str, lang: &str) -> String {
    let start = readme
        .find(heading)
        .unwrap_or_else(|| panic!("README has no {heading:?}"));
    let rest = &readme[start..];
    let open = format!("```{lang}\n");
    let from = rest.find(&open).expect("a code block") + open.len();
    let len = rest[from..].find("```").expect("its end");
    rest[from..from + len].to_string()
}

/// The block's commands: `\` continuations joined, comments and blank lines dropped.
fn commands(block: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in block.lines() {
        let line = match line.find(" #") {
            Some(i) if !line.trim_start().starts_with('#') => &line[..i],
            _ if line.trim_start().starts_with('#') => "",
            _ => line,
        };
        let (text, more) = match line.trim_end().strip_suffix('\\') {
            Some(t) => (t, true),
            None => (line.trim_end(), false),
        };
        current.push_str(text.trim());
        current.push(' ');
        if !more {
            let c = current.trim().to_string();
            if !c.is_empty() {
                out.push(c);
            }
            current.clear();
        }
    }
    out
}

/// Shell words: spaces split, single quotes group (all the README uses).
fn words(command: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let (mut quoted, mut started) = (false, false);
    for c in command.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                started = true;
            }
            ' ' if !quoted => {
                if started {
                    out.push(std::mem::take(&mut word));
                }
                started = false;
            }
            c => {
                word.push(c);
                started = true;
            }
        }
    }
    if started {
        out.push(word);
    }
    out
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(program: &Path, args: &[String], local: &Local, dir: &Path) -> Run {
    let mut cmd = Command::new(program);
    cmd.args(args).current_dir(dir);
    common::python_env(&mut cmd, "AKIDREADME", "readme-secret");
    cmd.env("AWS_REGION", "us-east-1")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_ENDPOINT_URL", &local.url)
        .env("COLUMNS", "100");
    let out = cmd.output().unwrap_or_else(|e| panic!("{program:?}: {e}"));
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn the_list_jobs_examples_run_against_snowball_local() {
    let bin = built();
    let local = Local::start();
    let dir = std::env::temp_dir();
    let snowball = bin.join("snowball");
    let address = run(
        &snowball,
        &words("create-address --address Name=Jane,Street1=Main,City=Seattle,PostalCode=98101,Country=US --query AddressId --output text"),
        &local,
        &dir,
    );
    assert_eq!(address.code, 0, "{}", address.stderr);
    let mut jobs = Vec::new();
    for _ in 0..3 {
        let args = format!(
            "create-job --job-type EXPORT --address-id {} --query JobId --output text",
            address.stdout.trim()
        );
        let job = run(&snowball, &words(&args), &local, &dir);
        assert_eq!(job.code, 0, "{}", job.stderr);
        jobs.push(job.stdout.trim().to_string());
    }
    local.advance(Some(&jobs[0]));

    // The async example and its blocking twin print the same lines.
    for example in ["list_jobs", "blocking_list_jobs"] {
        let out = run(&bin.join("examples").join(example), &[], &local, &dir);
        assert_eq!(out.code, 0, "{example}: {}{}", out.stdout, out.stderr);
        let lines: Vec<&str> = out.stdout.lines().collect();
        assert_eq!(lines.first(), Some(&"first page: 3 jobs"), "{}", out.stdout);
        for (i, job) in jobs.iter().enumerate() {
            let state = if i == 0 { "PreparingAppliance" } else { "New" };
            assert!(
                lines.contains(&format!("{job} {state}").as_str()),
                "{example}: {job} {state} in {}",
                out.stdout
            );
        }
        let last = lines.last().copied().unwrap_or("");
        assert!(
            last.starts_with("no such job (request id ") && last.len() > 30,
            "{example}: {}",
            out.stdout
        );
    }
}

#[test]
fn the_readme_cli_commands_run_against_snowball_local() {
    let bin = built();
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let local = Local::start();
    let dir = std::env::temp_dir().join(format!("snowball-readme-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a work dir");

    // The ids the README shows, made real.
    let snowball = bin.join("snowball");
    let address = run(
        &snowball,
        &words("create-address --address Name=Jane,Street1=Main,City=Seattle,PostalCode=98101,Country=US --query AddressId --output text"),
        &local,
        &dir,
    );
    let address = address.stdout.trim().to_string();
    let job = run(
        &snowball,
        &words(&format!(
            "create-job --job-type IMPORT --address-id {address} --query JobId --output text"
        )),
        &local,
        &dir,
    );
    let job = job.stdout.trim().to_string();
    assert!(job.starts_with("JID"), "{job}");

    let mut ran = 0;
    let block = code_block(&readme, "## The `snowball` command-line client", "sh");
    let local_block = code_block(&readme, "## snowball-local", "sh");
    let admin_block = code_block(&readme, "**Moving jobs on.**", "sh");
    let port = local.url.rsplit(':').next().expect("a port").to_string();
    for command in commands(&block)
        .into_iter()
        .chain(commands(&local_block))
        .chain(commands(&admin_block))
    {
        let command = command
            .replace("ADID1234ab12-3eec-4eb3-9be6-9374c10eb51b", &address)
            .replace("JID123e4567-e89b-12d3-a456-426655440000", &job)
            .replace("http://127.0.0.1:8080", &local.url)
            .replace("http://127.0.0.1:8600", &local.url)
            .replace("--port 8600", &format!("--port {port}"));
        let mut w = words(&command);
        let (program, redirect) = match w.first().map(String::as_str) {
            Some("snowball") => (snowball.clone(), None),
            Some("importexport") => (bin.join("importexport"), None),
            Some("aws") => (common::venv_bin("aws"), None),
            Some("curl") => {
                // The admin endpoint: `curl -X POST 'URL'`.
                let url = w.last().expect("a URL").replace("JID…", &job);
                let path = url.strip_prefix(&local.url).expect("our URL");
                let (status, body) = local.http("POST", path);
                let body = String::from_utf8_lossy(&body);
                assert_eq!(status, 200, "{command}: {body}");
                assert!(body.starts_with("{\"advanced\":"), "{command}: {body}");
                ran += 1;
                continue;
            }
            // Building, and starting the server, is what this test does itself.
            Some("cargo") => continue,
            other => panic!("README command {other:?} is not one this test knows: {command}"),
        };
        w.remove(0);
        let redirect = match w.iter().position(|a| a == ">") {
            Some(i) => {
                let file = w.get(i + 1).cloned().expect("a file after >");
                w.truncate(i);
                Some(file)
            }
            None => redirect,
        };
        if !w.iter().any(|a| a == "--endpoint-url") && w.first().map(String::as_str) != Some("help")
        {
            w.splice(0..0, ["--endpoint-url".to_string(), local.url.clone()]);
        }
        if w.iter().any(|a| a == "file://job.json") {
            // "fill it in, then:" — the skeleton's members, with real values.
            let skeleton: serde_json::Value = serde_json::from_str(
                &std::fs::read_to_string(dir.join("job.json")).expect("job.json"),
            )
            .expect("the skeleton is JSON");
            for key in ["JobType", "AddressId", "Description"] {
                assert!(skeleton.get(key).is_some(), "{key} in {skeleton}");
            }
            let filled = serde_json::json!({
                "JobType": skeleton["JobType"],
                "AddressId": address,
                "Description": "from the skeleton",
            });
            std::fs::write(dir.join("job.json"), filled.to_string()).expect("job.json");
        }
        let out = run(&program, &w, &local, &dir);
        assert_eq!(
            out.code, 0,
            "README command failed: {command}\n{}{}",
            out.stdout, out.stderr
        );
        if let Some(file) = redirect {
            std::fs::write(dir.join(file), &out.stdout).expect("redirect");
        }
        ran += 1;
    }
    assert!(ran >= 13, "only {ran} README commands ran");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn commands_are_read_from_blocks_as_a_shell_would() {
    let block = "a b \\\n    'c d' # note\n# only a comment\n\nx '{\"k\":1}'\n";
    assert_eq!(commands(block), ["a b 'c d'", "x '{\"k\":1}'"]);
    assert_eq!(words("a 'c d' e"), ["a", "c d", "e"]);
    assert_eq!(words("--query ''"), ["--query", ""]);
}

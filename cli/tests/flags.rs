//! Global flags and flag values that used to be accepted and ignored, or that crashed
//! the process: each is now honoured or refused with a message, and nothing panics or
//! overflows the stack. `snowball` runs against a loopback server that records what it
//! receives.

mod common;

use std::path::PathBuf;

use common::{header, serve, Server};

/// `snowball ARGS` with dummy credentials and empty shared files: exit code (-1 when
/// killed by a signal), stdout, stderr.
async fn snowball(args: &[&str]) -> (i32, String, String) {
    let tmp = std::env::temp_dir().join(format!("snowball-cli-flags-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).expect("tmp dir");
    let empty = tmp.join("empty");
    std::fs::write(&empty, "").expect("empty file");
    let out = tokio::process::Command::new(PathBuf::from(env!("CARGO_BIN_EXE_snowball")))
        .args(args)
        .env_clear()
        .env("HOME", &tmp)
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env(
            "AWS_SECRET_ACCESS_KEY",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        )
        .env("AWS_CONFIG_FILE", &empty)
        .env("AWS_SHARED_CREDENTIALS_FILE", &empty)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .await
        .expect("running snowball");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A server answering every request with an empty `ListJobs` page (awsJson).
async fn server() -> Server {
    serve(
        200,
        "application/x-amz-json-1.1",
        Vec::new(),
        br#"{"JobListEntries":[{"JobId":"JID1"},{"JobId":"JID2"}]}"#.to_vec(),
    )
    .await
}

/// `list-jobs` against `s` over awsJson, with `extra` flags after the defaults (so they win).
async fn list_jobs(s: &Server, extra: &[&str]) -> (i32, String, String) {
    let url = format!("http://127.0.0.1:{}", s.port);
    let mut args = vec![
        "list-jobs",
        "--protocol",
        "json",
        "--endpoint-url",
        &url,
        "--region",
        "us-east-1",
    ];
    args.extend_from_slice(extra);
    snowball(&args).await
}

fn requests(s: &Server) -> usize {
    s.seen.lock().expect("lock").len()
}

#[tokio::test]
async fn a_region_flag_that_is_not_a_host_label_is_refused() {
    let s = server().await;
    let (code, _, err) = list_jobs(&s, &["--region", "evil.example/"]).await;
    assert_eq!(code, 255, "{err}");
    assert!(
        err.contains("invalid region \"evil.example/\" (from --region)"),
        "{err}"
    );
    assert_eq!(requests(&s), 0);
}

#[tokio::test]
async fn no_sign_request_sends_an_unsigned_request() {
    let s = server().await;
    let (code, out, err) = list_jobs(&s, &["--no-sign-request"]).await;
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("JID1"), "{out}");
    let seen = s.seen.lock().expect("lock");
    assert_eq!(seen.len(), 1);
    let headers = &seen[0].0;
    assert_eq!(header(headers, "authorization"), None, "{headers:?}");
    assert_eq!(header(headers, "x-amz-date"), None, "{headers:?}");
}

#[tokio::test]
async fn no_verify_ssl_is_refused_not_ignored() {
    let s = server().await;
    // `--ca-bundle` works now (tls_proxy.rs); verification cannot be turned off.
    for extra in [&["--no-verify-ssl"][..]] {
        let (code, _, err) = list_jobs(&s, extra).await;
        assert_eq!(code, 2, "{extra:?}: {err}");
        assert!(
            err.contains(&format!("argument {}: not supported", extra[0])),
            "{err}"
        );
    }
    assert_eq!(requests(&s), 0);
}

#[tokio::test]
async fn timeouts_out_of_range_are_usage_errors() {
    let s = server().await;
    for flag in ["--cli-read-timeout", "--cli-connect-timeout"] {
        for v in ["NaN", "inf", "1e300", "-1", "x"] {
            let (code, _, err) = list_jobs(&s, &[flag, v]).await;
            assert_eq!(code, 2, "{flag} {v}: {err}");
            assert!(
                err.contains(&format!("argument {flag}: invalid int value: '{v}'")),
                "{err}"
            );
        }
        // 0 is "no timeout", as in the AWS CLI; a large finite value is just long.
        for v in ["0", "60", "1e15"] {
            let (code, _, err) = list_jobs(&s, &[flag, v]).await;
            assert_eq!(code, 0, "{flag} {v}: {err}");
        }
    }
}

#[tokio::test]
async fn max_items_negative_or_huge_is_a_usage_error() {
    let s = server().await;
    for v in [
        "-1",
        "-9223372036854775808",
        "9223372036854775808",
        "99999999999999999999999",
    ] {
        let (code, _, err) = list_jobs(&s, &["--max-items", v]).await;
        assert_eq!(code, 2, "--max-items {v}: {err}");
        assert!(
            err.contains("argument --max-items: expected a whole number"),
            "{err}"
        );
    }
    assert_eq!(requests(&s), 0);
    let (code, out, err) = list_jobs(&s, &["--max-items", "1"]).await;
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("JID1") && !out.contains("JID2"), "{out}");
    let (code, out, err) = list_jobs(&s, &["--max-items", "9223372036854775807"]).await;
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("JID2"), "{out}");
    // Not a number at all: the AWS CLI's message and exit code.
    let (code, _, err) = list_jobs(&s, &["--max-items", "ten"]).await;
    assert_eq!(code, 255, "{err}");
    assert!(
        err.contains("invalid literal for int() with base 10: 'ten'"),
        "{err}"
    );
}

#[tokio::test]
async fn deeply_nested_shorthand_is_an_error_not_a_stack_overflow() {
    let s = server().await;
    let url = format!("http://127.0.0.1:{}", s.port);
    // Within the kernel's 128 KiB limit for one argument.
    let depth = 60_000;
    let deep = format!("SnsTopicARN={}x{}", "[".repeat(depth), "]".repeat(depth));
    let args = [
        "update-job",
        "--job-id",
        "JID1",
        "--notification",
        &deep,
        "--endpoint-url",
        &url,
        "--region",
        "us-east-1",
    ];
    let (code, _, err) = snowball(&args).await;
    assert_eq!(code, 255, "{}", &err[..err.len().min(500)]);
    assert!(
        err.contains("nested more than 128 levels"),
        "{}",
        &err[..err.len().min(500)]
    );
    // The limit matches JSON's: 128 levels still parse.
    let ok = format!("SnsTopicARN={}x{}", "[".repeat(127), "]".repeat(127));
    let (code, _, err) = snowball(&[&args[..4], &[ok.as_str()], &args[5..]].concat()).await;
    assert!(!err.contains("nested more than"), "{err}");
    assert_ne!(code, -1, "{err}");
    assert_eq!(requests(&s), 0, "a nested list is no valid SnsTopicARN");
}

#[tokio::test]
async fn color_takes_the_aws_cli_choices() {
    let s = server().await;
    let (code, _, err) = list_jobs(&s, &["--color", "on"]).await;
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = list_jobs(&s, &["--color", "rainbow"]).await;
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("argument --color: invalid choice: 'rainbow'"),
        "{err}"
    );
}

/// The global options of the oracle's AWS CLI (`awscli/data/cli.json`), so an option a
/// newer AWS CLI adds fails the test below until it is handled.
fn aws_global_options() -> Vec<String> {
    let python = common::aws_cli().with_file_name("python");
    let script = "import awscli, json, os\n\
        p = os.path.join(os.path.dirname(awscli.__file__), 'data', 'cli.json')\n\
        print(json.dumps(sorted(json.load(open(p))['options'])))";
    let out = std::process::Command::new(python)
        .args(["-c", script])
        .output()
        .expect("python");
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "awscli global options: {e}: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// Each global option of AWS CLI v1 does what it says here, or is refused with a
/// message naming it; none is accepted and ignored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_global_option_of_the_aws_cli_is_honoured_or_refused() {
    let options = aws_global_options();
    assert!(options.len() >= 15, "{options:?}");
    let refused = |code: i32, err: &str, flag: &str| {
        assert_eq!(code, 2, "--{flag}: {err}");
        assert!(
            err.contains(&format!("argument --{flag}: not supported")),
            "--{flag}: {err}"
        );
    };
    for option in &options {
        let s = server().await;
        match option.as_str() {
            "debug" => {
                let (code, _, err) = list_jobs(&s, &["--debug"]).await;
                assert_eq!(code, 0, "{err}");
                assert!(err.contains(&format!("127.0.0.1:{}", s.port)), "{err}");
            }
            "endpoint-url" => {
                // `list_jobs` always points --endpoint-url at the server.
                let (code, _, err) = list_jobs(&s, &[]).await;
                assert_eq!((code, requests(&s)), (0, 1), "{err}");
            }
            "no-verify-ssl" | "v2-debug" => {
                let (code, _, err) = list_jobs(&s, &[&format!("--{option}")]).await;
                refused(code, &err, option);
                assert_eq!(requests(&s), 0);
            }
            "no-paginate" => {
                // Every page has the same token: paginating fails on the second page,
                // one call does not.
                let paged = serve(
                    200,
                    "application/x-amz-json-1.1",
                    Vec::new(),
                    br#"{"JobListEntries":[{"JobId":"JID1"}],"NextToken":"t"}"#.to_vec(),
                )
                .await;
                let (code, out, err) = list_jobs(&paged, &["--no-paginate"]).await;
                assert_eq!((code, requests(&paged)), (0, 1), "{err}");
                assert!(out.contains("\"NextToken\": \"t\""), "{out}");
            }
            "output" => {
                let (code, out, err) = list_jobs(&s, &["--output", "text"]).await;
                assert_eq!(code, 0, "{err}");
                assert_eq!(out, "JOBLISTENTRIES\tJID1\nJOBLISTENTRIES\tJID2\n");
            }
            "query" => {
                let (code, out, err) = list_jobs(&s, &["--query", "JobListEntries[1].JobId"]).await;
                assert_eq!(code, 0, "{err}");
                assert_eq!(out, "\"JID2\"\n");
            }
            "profile" => {
                let (code, _, err) = list_jobs(&s, &["--profile", "nosuch"]).await;
                assert_eq!(code, 255, "{err}");
                assert_eq!(err, "\nThe config profile (nosuch) could not be found\n");
                assert_eq!(requests(&s), 0);
            }
            "region" => {
                let (code, _, err) = list_jobs(&s, &["--region", "eu-west-3"]).await;
                assert_eq!(code, 0, "{err}");
                let seen = s.seen.lock().expect("lock");
                let auth = header(&seen[0].0, "authorization").unwrap_or_default();
                assert!(auth.contains("/eu-west-3/snowball/aws4_request"), "{auth}");
            }
            "version" => {
                let (code, out, err) = list_jobs(&s, &["--version"]).await;
                assert_eq!(code, 0, "{err}");
                assert!(
                    out.starts_with("snowball/") && out.contains("aws-cli/"),
                    "{out}"
                );
                assert_eq!(requests(&s), 0);
            }
            "color" => {
                let table = ["--output", "table", "--color"];
                let (code, out, err) = list_jobs(&s, &[&table[..], &["on"]].concat()).await;
                assert_eq!(code, 0, "{err}");
                assert!(out.contains("\x1b[1m\x1b[34mJID1\x1b[0m"), "{out:?}");
                let (code, out, err) = list_jobs(&s, &[&table[..], &["off"]].concat()).await;
                assert_eq!(code, 0, "{err}");
                assert!(out.contains("JID1") && !out.contains('\x1b'), "{out:?}");
            }
            "no-sign-request" => {
                let (code, _, err) = list_jobs(&s, &["--no-sign-request"]).await;
                assert_eq!(code, 0, "{err}");
                let seen = s.seen.lock().expect("lock");
                assert_eq!(header(&seen[0].0, "authorization"), None);
            }
            "ca-bundle" => {
                // Read (and refused when missing) even before a connection needs it.
                let (code, _, err) = list_jobs(&s, &["--ca-bundle", "/nonexistent/ca.pem"]).await;
                assert_eq!(code, 255, "{err}");
                assert!(
                    err.contains("/nonexistent/ca.pem") && err.contains("--ca-bundle"),
                    "{err}"
                );
                assert_eq!(requests(&s), 0);
            }
            "cli-read-timeout" => {
                // A server that accepts and never answers: 1 s per attempt, not 60.
                let silent = loopback::Server::scripted(|_, _| loopback::Answer::silence()).await;
                let url = silent.url();
                let started = std::time::Instant::now();
                let (code, _, err) = snowball(&[
                    "list-jobs",
                    "--protocol",
                    "json",
                    "--endpoint-url",
                    &url,
                    "--region",
                    "us-east-1",
                    "--cli-read-timeout",
                    "1",
                ])
                .await;
                assert_eq!(code, 255, "{err}");
                assert!(
                    started.elapsed() < std::time::Duration::from_secs(30),
                    "{err}"
                );
                assert!(silent.request_count() >= 1, "{err}");
            }
            "cli-connect-timeout" => {
                // No connect can be made to hang on loopback; the value is taken (0: no
                // limit) and bad ones are refused (`timeouts_out_of_range_are_usage_errors`).
                let (code, _, err) = list_jobs(&s, &["--cli-connect-timeout", "0"]).await;
                assert_eq!((code, requests(&s)), (0, 1), "{err}");
                let (code, _, err) = list_jobs(&s, &["--cli-connect-timeout", "-1"]).await;
                assert_eq!(code, 2, "{err}");
            }
            other => {
                panic!("the AWS CLI's global option --{other} is neither honoured nor refused")
            }
        }
    }
}

/// `--paginate` is no AWS CLI option: refused as unknown, as `aws` does.
#[tokio::test]
async fn paginate_is_an_unknown_option() {
    let s = server().await;
    let (code, _, err) = list_jobs(&s, &["--paginate"]).await;
    assert_eq!(code, 255, "{err}");
    assert!(err.contains("Unknown options: --paginate"), "{err}");
    assert_eq!(requests(&s), 0);
}

/// Output to a stdout that cannot be written (its reader has gone) is
/// dropped, as the AWS CLI drops it, rather than a panic.
#[tokio::test]
async fn an_unwritable_stdout_is_no_panic() {
    let s = server().await;
    let url = format!("http://127.0.0.1:{}", s.port);
    let common = [
        "--protocol",
        "json",
        "--endpoint-url",
        &url,
        "--region",
        "us-east-1",
    ];
    for args in [
        &["help"][..],
        &["list-jobs", "help"],
        &["completion", "bash"],
        &["--version"],
        &["create-job", "--generate-cli-skeleton"],
        &["list-jobs"],
        &["list-jobs", "--output", "text"],
        &["list-jobs", "--output", "table"],
    ] {
        // A socket whose other end is closed: writes fail with EPIPE, like a pipe whose
        // reader has gone (`snowball ... | head -1`).
        let (ours, gone) = std::os::unix::net::UnixStream::pair().expect("socket pair");
        drop(gone);
        let closed = std::os::fd::OwnedFd::from(ours);
        let out = tokio::process::Command::new(PathBuf::from(env!("CARGO_BIN_EXE_snowball")))
            .args(args)
            .args(common)
            .env_clear()
            .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
            .env("AWS_SECRET_ACCESS_KEY", "secret")
            .env("AWS_CONFIG_FILE", "/dev/null")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .stdout(std::process::Stdio::from(closed))
            .stderr(std::process::Stdio::piped())
            // Not `output()`, which would pipe stdout again.
            .spawn()
            .expect("running snowball")
            .wait_with_output()
            .await
            .expect("waiting for snowball");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
    }
}

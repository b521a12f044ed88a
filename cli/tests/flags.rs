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

//! `snowball-local --credentials AKID:SECRET`: every request must be SigV4-signed by a
//! known key within 15 minutes. Each refusal (wrong secret, unknown key, no signature,
//! an old date) arrives as AWS's code for the protocol: through our own clients (CBOR,
//! awsJson, awsQuery) as a typed service error, and through the pinned AWS CLI
//! (awsJson to Snowball, awsQuery to Import/Export).

mod common;

use std::process::Command;
use std::time::{Duration, SystemTime};

use awsrt::internal::http::HttpTransport;
use awsrt::internal::sigv4::{parse_authorization, sign, SigningParams};
use awsrt::{BoxFuture, Transport, TransportError};
use bytes::Bytes;
use common::Local;

const AKID: &str = "AKIDLOCAL";
const SECRET: &str = "local/Secret+Key";

fn start() -> Local {
    Local::start_with(&["--credentials", &format!("{AKID}:{SECRET}")])
}

/// A transport that signs every request again as of 20 minutes ago, the way a client
/// with a slow clock would: the server must call the signature expired.
struct SlowClock(HttpTransport);

impl Transport for SlowClock {
    fn send(
        &self,
        mut request: http::Request<Bytes>,
    ) -> BoxFuture<'_, Result<http::Response<Bytes>, TransportError>> {
        let scope = request
            .headers()
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(parse_authorization)
            .map(|a| (a.region.to_string(), a.service.to_string()));
        if let Some((region, service)) = scope {
            let params = SigningParams {
                access_key_id: AKID,
                secret_access_key: SECRET,
                session_token: None,
                region: &region,
                service: &service,
                time: SystemTime::now() - Duration::from_secs(20 * 60),
            };
            sign(&mut request, &params).expect("re-signing");
        }
        self.0.send(request)
    }
}

/// How a client signs, or does not.
#[derive(Clone, Copy, Debug)]
enum Signing {
    Right,
    WithToken,
    WrongSecret,
    UnknownKey,
    Unsigned,
    Stale,
}

/// Builds a client config signed as `signing` says; one macro for both crates, whose
/// `Config` types differ.
macro_rules! signed_config {
    ($krate:ident, $local:expr, $signing:expr) => {{
        use $krate::{Config, Credentials};
        let c = Config::new()
            .region("eu-west-1")
            .endpoint_url($local.url.clone())
            .max_attempts(1);
        let creds =
            |a: &str, s: &str, t: Option<&str>| Credentials::new(a, s, t.map(str::to_string));
        match $signing {
            Signing::Right => c.credentials(creds(AKID, SECRET, None)),
            Signing::WithToken => c.credentials(creds(AKID, SECRET, Some("a-session-token"))),
            Signing::WrongSecret => c.credentials(creds(AKID, "not-the-secret", None)),
            Signing::UnknownKey => c.credentials(creds("AKIDSTRANGER", SECRET, None)),
            Signing::Unsigned => c.anonymous(true),
            Signing::Stale => c
                .credentials(creds(AKID, SECRET, None))
                .transport(SlowClock(HttpTransport::new())),
        }
    }};
}

fn snowball_client(
    local: &Local,
    signing: Signing,
    protocol: snowball::Protocol,
) -> snowball::Client {
    snowball::Client::new(signed_config!(snowball, local, signing).protocol(protocol))
}

fn importexport_client(local: &Local, signing: Signing) -> importexport::Client {
    importexport::Client::new(signed_config!(importexport, local, signing))
}

#[tokio::test]
async fn our_clients_get_each_refusal_as_the_protocols_code() {
    let local = start();
    for protocol in [
        snowball::Protocol::RpcV2Cbor,
        snowball::Protocol::AwsJson1_1,
    ] {
        for signing in [Signing::Right, Signing::WithToken] {
            let client = snowball_client(&local, signing, protocol);
            client
                .list_jobs()
                .send()
                .await
                .unwrap_or_else(|e| panic!("{protocol:?} {signing:?}: {e:?}"));
        }
        let cases = [
            (
                Signing::WrongSecret,
                "InvalidSignatureException",
                "The request signature we calculated does not match",
            ),
            (
                Signing::UnknownKey,
                "UnrecognizedClientException",
                "The security token included in the request is invalid.",
            ),
            (
                Signing::Unsigned,
                "MissingAuthenticationTokenException",
                "Missing Authentication Token",
            ),
            (
                Signing::Stale,
                "InvalidSignatureException",
                "Signature expired: ",
            ),
        ];
        for (signing, code, message) in cases {
            let err = snowball_client(&local, signing, protocol)
                .list_jobs()
                .send()
                .await
                .expect_err("refused");
            let what = format!("{protocol:?} {signing:?}: {err:?}");
            assert_eq!(err.code(), Some(code), "{what}");
            assert!(err.message().unwrap_or("").starts_with(message), "{what}");
        }
    }

    importexport_client(&local, Signing::Right)
        .list_jobs()
        .send()
        .await
        .expect("importexport signed right");
    let cases = [
        (
            Signing::WrongSecret,
            403,
            "SignatureDoesNotMatch",
            "The request signature",
        ),
        (
            Signing::UnknownKey,
            403,
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
        ),
        (
            Signing::Unsigned,
            403,
            "MissingAuthenticationToken",
            "Request is missing Authentication Token",
        ),
        (
            Signing::Stale,
            403,
            "SignatureDoesNotMatch",
            "Signature expired: ",
        ),
    ];
    for (signing, status, code, message) in cases {
        let err = importexport_client(&local, signing)
            .list_jobs()
            .send()
            .await
            .expect_err("refused");
        let what = format!("importexport {signing:?}: {err:?}");
        assert_eq!(err.code(), Some(code), "{what}");
        assert_eq!(err.status(), Some(status), "{what}");
        assert!(err.message().unwrap_or("").starts_with(message), "{what}");
    }
}

/// Runs the pinned AWS CLI; `stale` makes botocore's clock 20 minutes slow.
fn aws(local: &Local, args: &[&str], akid: &str, secret: &str, stale: bool) -> (i32, String) {
    let (code, _, err) = if stale {
        let mut cmd = Command::new(common::venv_bin("python"));
        cmd.args([
            "-c",
            "import datetime, sys, botocore.auth as a\n\
             slow = lambda remove_tzinfo=True: (datetime.datetime.now(datetime.timezone.utc)\n\
                 - datetime.timedelta(minutes=20)).replace(tzinfo=None)\n\
             a.get_current_datetime = slow\n\
             import awscli.clidriver\n\
             sys.exit(awscli.clidriver.main())",
            "--endpoint-url",
            &local.url,
            "--region",
            "us-east-1",
        ])
        .args(args);
        common::python_env(&mut cmd, akid, secret);
        let out = cmd.output().expect("python");
        (
            out.status.code().unwrap_or(-1),
            String::new(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    } else {
        common::aws(local, args, akid, secret)
    };
    (code, err)
}

#[test]
fn the_aws_cli_gets_each_refusal_over_json_and_query() {
    let local = start();
    let (code, err) = aws(&local, &["snowball", "list-jobs"], AKID, SECRET, false);
    assert_eq!(code, 0, "{err}");
    let (code, err) = aws(&local, &["importexport", "list-jobs"], AKID, SECRET, false);
    assert_eq!(code, 0, "{err}");
    let unsigned = ["--no-sign-request"];
    // botocore forces SigV4 on Import/Export even with `--no-sign-request` ("Unable to
    // locate credentials"), so the unsigned awsQuery case is our client's alone.
    let cases: [(&[&str], &str, &str, bool, &str); 7] = [
        (&[], AKID, "wrong", false, "(InvalidSignatureException)"),
        (
            &[],
            "AKIDSTRANGER",
            SECRET,
            false,
            "(UnrecognizedClientException)",
        ),
        (
            &unsigned,
            AKID,
            SECRET,
            false,
            "(MissingAuthenticationTokenException)",
        ),
        (&[], AKID, SECRET, true, "(InvalidSignatureException)"),
        (&[], AKID, "wrong", false, "(SignatureDoesNotMatch)"),
        (&[], "AKIDSTRANGER", SECRET, false, "(InvalidClientTokenId)"),
        (&[], AKID, SECRET, true, "(SignatureDoesNotMatch)"),
    ];
    for (i, (extra, akid, secret, stale, code_text)) in cases.into_iter().enumerate() {
        let service: &[&str] = if i < 4 {
            &["snowball", "list-jobs"]
        } else {
            &["importexport", "list-jobs"]
        };
        let args: Vec<&str> = extra.iter().chain(service).copied().collect();
        let (code, err) = aws(&local, &args, akid, secret, stale);
        assert_ne!(code, 0, "{args:?} {akid} stale={stale}: accepted");
        assert!(
            err.contains(&format!("An error occurred {code_text}")),
            "{args:?} {akid} stale={stale}: {err}"
        );
        if stale {
            assert!(err.contains("Signature expired: "), "{err}");
        }
        // The secret never comes back in an answer.
        assert!(!err.contains(SECRET), "{err}");
    }
}

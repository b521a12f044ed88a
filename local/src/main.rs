//! `snowball-local`: AWS Snowball and AWS Import/Export on one loopback port, for tests
//! and demos without an AWS account. The protocol work (recognising CBOR, awsJson and
//! awsQuery requests, decoding inputs, encoding outputs and errors) is the generated
//! routers'; this binary holds the state behind the generated service traits.
//!
//! Every operation of both models: Snowball's addresses, jobs with their state machine,
//! clusters, unlock codes, manifests, software updates and return labels (URLs served by
//! this binary under `/_local/`), long-term pricing, usage and the reference lists, each
//! region's apart; Import/Export's jobs from a checked manifest with their status. Jobs
//! move on with `POST /_local/advance[?job=ID]` or `--advance-every`; `--state PATH`
//! //! keeps every change (see `journal`). With `--credentials AKID:SECRET` every service
//! request must be SigV4-signed by one of those keys (checked by the runtime's server
//! half); without it, requests are not authenticated.

mod admin;
mod importexport_state;
mod journal;
mod lock;
mod snowball_state;

use std::io::Write as _;
use std::sync::Arc;
use std::time::Duration;

use awsrt::internal::server::{serve_with, Dispatch, Keys};

const USAGE: &str =
    "usage: snowball-local [--port PORT] [--advance-every DURATION] [--state PATH]\n\
\x20      [--credentials AKID:SECRET]...\n\n\
Serves AWS Snowball and AWS Import/Export on http://127.0.0.1:PORT (default 8600;\n\
0 picks a free port). The address is printed on the first line of stdout.\n\n\
--advance-every DURATION  move every job one state on each DURATION (e.g. 10s, 500ms,\n\
                          2m); off by default. POST /_local/advance[?job=ID] does it\n\
                          on demand.\n\
--state PATH              keep every change in PATH (an append-only log, synced before\n\
                          each answer) and replay it at start; in memory without it.\n\
--credentials AKID:SECRET every request must carry a valid SigV4 signature by one of\n\
                          these keys (repeatable), dated within 15 minutes; without\n\
                          it, any signature (or none) is accepted.\n";

/// What the command line asks for. `Debug` shows key ids, never secrets.
#[derive(Debug)]
struct Options {
    port: u16,
    advance_every: Option<Duration>,
    state: Option<std::path::PathBuf>,
    /// `--credentials`: the keys requests must be signed with; `None` checks nothing.
    keys: Option<Keys>,
}

/// The name errors give for this server.
const NAME: &str = "snowball-local";

fn main() {
    let options = match parse_args(std::env::args().skip(1)) {
        Ok(Some(p)) => p,
        Ok(None) => {
            print!("{USAGE}");
            return;
        }
        Err(e) => {
            eprint!("snowball-local: {e}\n\n{USAGE}");
            std::process::exit(2);
        }
    };
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("snowball-local: cannot start the runtime: {e}");
            std::process::exit(1);
        }
    };
    if let Err(e) = rt.block_on(run(options)) {
        eprintln!("snowball-local: {e}");
        std::process::exit(1);
    }
}

/// The options from the arguments; `None` for `--help`.
fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Options>, String> {
    let mut options = Options {
        port: 8600,
        advance_every: None,
        state: None,
        keys: None,
    };
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_string(), Some(v.to_string())),
            _ => (arg, None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or(format!("{name} needs a value"))
        };
        match name.as_str() {
            "-h" | "--help" => return Ok(None),
            "--port" => {
                let v = value()?;
                options.port = v
                    .parse()
                    .map_err(|_| format!("--port {v:?} is not a port number (0 to 65535)"))?;
            }
            "--advance-every" => options.advance_every = Some(parse_duration(&value()?)?),
            "--state" => options.state = Some(value()?.into()),
            "--credentials" => {
                let v = value()?;
                // The secret is never echoed back, even in the error.
                let (id, secret) = v
                    .split_once(':')
                    .filter(|(id, secret)| !id.is_empty() && !secret.is_empty())
                    .ok_or("--credentials needs ACCESS_KEY_ID:SECRET_ACCESS_KEY")?;
                options
                    .keys
                    .get_or_insert_with(Keys::new)
                    .insert(id, secret);
            }
            a => return Err(format!("unknown argument {a:?}")),
        }
    }
    Ok(Some(options))
}

/// `500ms`, `10s`, `2m`: a whole number and a unit; zero is refused (it would spin).
fn parse_duration(text: &str) -> Result<Duration, String> {
    let bad = || format!("--advance-every {text:?} is not a duration such as 500ms, 10s or 2m");
    let split = text.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
    let n: u64 = text[..split].parse().map_err(|_| bad())?;
    let d = match &text[split..] {
        "ms" => Duration::from_millis(n),
        "s" => Duration::from_secs(n),
        "m" => Duration::from_secs(n.checked_mul(60).ok_or_else(bad)?),
        _ => return Err(bad()),
    };
    if d.is_zero() {
        return Err(bad());
    }
    Ok(d)
}

async fn run(options: Options) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", options.port)).await?;
    let addr = listener.local_addr()?;
    let mut sb = snowball_state::Snowball::new(format!("http://{addr}"));
    let mut ie = importexport_state::ImportExport::new(format!("http://{addr}"));
    if let Some(path) = &options.state {
        let invalid = |e: String| std::io::Error::new(std::io::ErrorKind::InvalidData, e);
        let (journal, records) = journal::open(path).map_err(invalid)?;
        for r in &records {
            let corrupt = |e: String| {
                invalid(format!(
                    "the state file {} is corrupt: {e}; it is left untouched",
                    path.display()
                ))
            };
            if !(sb.replay(r).map_err(corrupt)? || ie.replay(r).map_err(corrupt)?) {
                return Err(invalid(format!(
                    "the state file {} has a record of unknown kind {:?}; it is left untouched",
                    path.display(),
                    r.kind
                )));
            }
        }
        let journal = Arc::new(journal);
        sb = sb.with_journal(journal.clone());
        ie = ie.with_journal(journal);
    }
    let router = snowball::server::router(sb).server_name(NAME);
    // The admin endpoints and the clock reach the same store as the router.
    let snowball = router.service().clone();
    let ie_router = importexport::server::router(ie).server_name(NAME);
    let importexport = ie_router.service().clone();
    let services: Vec<Arc<dyn Dispatch>> = vec![Arc::new(router), Arc::new(ie_router)];
    if let Some(every) = options.advance_every {
        let snowball = snowball.clone();
        let importexport = importexport.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            // The first tick is immediate; jobs start New for one whole period.
            tick.tick().await;
            loop {
                tick.tick().await;
                let moved = match snowball.advance(None).await {
                    Ok(_) => importexport.advance(None).await,
                    Err(e) => Err(e),
                };
                if let Err(e) = moved {
                    eprintln!("snowball-local: advancing jobs: {}: {}", e.code, e.message);
                }
            }
        });
    }
    // Tests and scripts read the address from the first line. Both lines go out in one
    // write: a reader that closes the pipe after the first must not fail the second.
    let auth = match &options.keys {
        Some(keys) => format!(
            "requests must be SigV4-signed by one of: {}",
            keys.access_key_ids().join(", ")
        ),
        None => "requests are not authenticated: any signature, or none, is accepted \
                 (--credentials AKID:SECRET checks them)"
            .to_string(),
    };
    let mut out = std::io::stdout().lock();
    out.write_all(format!("snowball-local listening on http://{addr}\n{auth}\n").as_bytes())?;
    out.flush()?;
    drop(out);
    serve_with(
        listener,
        services,
        Some(admin::pre_route(snowball, importexport)),
        options.keys,
    )
    .await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_args;
    use std::time::Duration;

    fn parse(args: &[&str]) -> Result<Option<u16>, String> {
        parse_args(args.iter().map(|s| s.to_string())).map(|o| o.map(|o| o.port))
    }

    #[test]
    fn advance_every_takes_a_duration_and_refuses_others() {
        let every = |v: &str| {
            parse_args(["--advance-every", v].iter().map(|s| s.to_string()))
                .map(|o| o.and_then(|o| o.advance_every))
        };
        assert_eq!(every("10s"), Ok(Some(Duration::from_secs(10))));
        assert_eq!(every("250ms"), Ok(Some(Duration::from_millis(250))));
        assert_eq!(every("2m"), Ok(Some(Duration::from_secs(120))));
        for bad in ["", "0s", "10", "s", "1h", "-1s", "99999999999999999999s"] {
            assert!(every(bad).is_err(), "{bad}");
        }
        let default = parse_args(std::iter::empty()).unwrap().unwrap();
        assert_eq!(
            (default.port, default.advance_every, default.state),
            (8600, None, None)
        );
        assert!(default.keys.is_none());
    }

    #[test]
    fn ports_parse_and_bad_ones_are_refused() {
        assert_eq!(parse(&[]), Ok(Some(8600)));
        assert_eq!(parse(&["--port", "0"]), Ok(Some(0)));
        assert_eq!(parse(&["--port=9000"]), Ok(Some(9000)));
        assert_eq!(parse(&["--help"]), Ok(None));
        assert!(parse(&["--port"]).is_err());
        assert!(parse(&["--port", "65536"]).is_err());
        assert!(parse(&["--port", "-1"]).is_err());
        assert!(parse(&["--verbose"]).is_err());
    }

    #[test]
    fn credentials_repeat_and_the_secret_is_never_shown() {
        let args = [
            "--credentials",
            "AKID1:se:cret",
            "--credentials=AKID2:other",
        ];
        let o = parse_args(args.iter().map(|s| s.to_string()))
            .unwrap()
            .unwrap();
        let keys = o.keys.as_ref().unwrap();
        assert_eq!(keys.access_key_ids(), ["AKID1", "AKID2"]);
        let shown = format!("{o:?}");
        assert!(
            !shown.contains("cret") && !shown.contains("other"),
            "{shown}"
        );
        for bad in ["AKID", ":secret", "AKID:", ""] {
            let e = parse_args(["--credentials", bad].iter().map(|s| s.to_string())).unwrap_err();
            assert!(e.contains("ACCESS_KEY_ID:SECRET_ACCESS_KEY"), "{e}");
        }
    }
}

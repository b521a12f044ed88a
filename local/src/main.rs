//! `snowball-local`: AWS Snowball and AWS Import/Export on one loopback port, for tests
//! and demos without an AWS account. The protocol work (recognising CBOR, awsJson and
//! awsQuery requests, decoding inputs, encoding outputs and errors) is the generated
//! routers'; this binary holds the state behind the generated service traits.
//!
//! First slice: an in-memory store for Snowball's CreateAddress, DescribeAddress,
//! DescribeAddresses, CreateJob, DescribeJob and ListJobs, and Import/Export's CreateJob,
//! ListJobs and GetStatus. Every other operation answers `501 NotImplemented` ("... is
//! not implemented yet in snowball-local"). Requests are not authenticated.

mod importexport_state;
mod snowball_state;

use std::io::Write as _;
use std::sync::Arc;

use awsrt::internal::server::{serve, Dispatch};

const USAGE: &str = "usage: snowball-local [--port PORT]\n\n\
Serves AWS Snowball and AWS Import/Export on http://127.0.0.1:PORT (default 8600;\n\
0 picks a free port). The address is printed on the first line of stdout.\n";

/// The name errors give for this server.
const NAME: &str = "snowball-local";

fn main() {
    let port = match parse_port(std::env::args().skip(1)) {
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
    if let Err(e) = rt.block_on(run(port)) {
        eprintln!("snowball-local: {e}");
        std::process::exit(1);
    }
}

/// The port from the arguments; `None` for `--help`.
fn parse_port(mut args: impl Iterator<Item = String>) -> Result<Option<u16>, String> {
    let mut port = 8600;
    while let Some(arg) = args.next() {
        let value = match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--port" => args.next().ok_or("--port needs a value")?,
            a => match a.strip_prefix("--port=") {
                Some(v) => v.to_string(),
                None => return Err(format!("unknown argument {a:?}")),
            },
        };
        port = value
            .parse()
            .map_err(|_| format!("--port {value:?} is not a port number (0 to 65535)"))?;
    }
    Ok(Some(port))
}

async fn run(port: u16) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    let addr = listener.local_addr()?;
    let services: Vec<Arc<dyn Dispatch>> = vec![
        Arc::new(snowball::server::router(snowball_state::Snowball::default()).server_name(NAME)),
        Arc::new(
            importexport::server::router(importexport_state::ImportExport::default())
                .server_name(NAME),
        ),
    ];
    // Tests and scripts read the address from the first line.
    let mut out = std::io::stdout().lock();
    writeln!(out, "snowball-local listening on http://{addr}")?;
    out.flush()?;
    drop(out);
    serve(listener, services).await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_port;

    fn parse(args: &[&str]) -> Result<Option<u16>, String> {
        parse_port(args.iter().map(|s| s.to_string()))
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
}

//! Benchmark driver: a loopback server with canned `ListJobs` responses, and clients
//! (ours over CBOR and JSON, aws-sdk-snowball over CBOR, and the raw-socket floor) that
//! call it sequentially over one keep-alive connection. `cargo xtask bench` runs it.
//!
//! ```text
//! bench-driver serve ENTRIES                  # prints the port; exits when stdin closes
//! bench-driver calls WHO PORT N               # WHO: ours-cbor ours-json peer raw-cbor raw-json
//!                                             #      ours-blocking-cbor ours-blocking-json
//! bench-driver paired WHO PORT N              # WHO: ours-cbor ours-json peer
//!                                             #      ours-blocking-cbor ours-blocking-json
//! bench-driver decode WHO ITERS               # WHO: ours-cbor ours-json peer; 1000 entries
//! bench-driver body cbor|json ENTRIES         # writes the canned body to stdout
//! ```
//! `calls` and `decode` print one line: `ns_per_op <float>`. `paired` alternates blocks of
//! raw calls (the floor, same protocol) and blocks of client calls on two connections (N
//! client calls in 40 blocks), and prints the medians over the blocks of the mean per call:
//! `ns_per_op` (client), `floor_ns` and `above_ns` (a client block minus the mean of the raw
//! blocks on either side), so that drift in loopback latency hits both alike. The
//! `ours-blocking-*` clients are `snowball::blocking::Client`, called from the plain main
//! thread; the other clients of ours run on a current-thread runtime on that thread.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Instant;

use snowball::operation::list_jobs::ListJobsOutput;
use snowball::types::{JobListEntry, JobState, JobType, SnowballType};

const CBOR_PATH: &str = "/service/AWSIESnowballJobManagementService/operation/ListJobs";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["serve", entries] => serve(parse(entries)),
        ["calls", who, port, n] => calls(who, parse(port), parse(n)),
        ["paired", who, port, n] => paired(who, parse(port), parse(n)),
        ["decode", who, iters] => decode(who, parse(iters)),
        ["body", proto, entries] => {
            let body = canned_body(proto == &"cbor", parse(entries));
            std::io::stdout()
                .write_all(&body)
                .map_err(|e| e.to_string())
        }
        _ => Err("usage: bench-driver serve ENTRIES | calls WHO PORT N | decode WHO ITERS | body cbor|json ENTRIES".into()),
    };
    if let Err(e) = result {
        eprintln!("bench-driver: {e}");
        std::process::exit(1);
    }
}

fn parse<T: std::str::FromStr>(s: &str) -> T {
    s.parse().unwrap_or_else(|_| {
        eprintln!("bench-driver: not a number: {s}");
        std::process::exit(2)
    })
}

/// The `ListJobs` output with `n` entries, every member set, as the service sends it.
fn canned_output(n: usize) -> ListJobsOutput {
    let entries = (0..n)
        .map(|i| {
            JobListEntry::new()
                .job_id(format!("JID123e4567-e89b-12d3-a456-{i:012}"))
                .job_state(JobState::from("InProgress"))
                .is_master(i % 7 == 0)
                .job_type(JobType::from("IMPORT"))
                .snowball_type(SnowballType::from("EDGE"))
                .creation_date(awsrt::DateTime::from_secs(1_700_000_000 + i as i64))
                .description(format!("Nightly backup of rack {i} to S3"))
        })
        .collect();
    ListJobsOutput::new().job_list_entries(entries)
}

fn canned_body(cbor: bool, n: usize) -> Vec<u8> {
    let out = canned_output(n);
    if cbor {
        awsrt::internal::cbor::to_vec(&out)
    } else {
        awsrt::internal::json::to_vec(&out)
    }
}

fn http_response(cbor: bool, body: &[u8]) -> Vec<u8> {
    let (ctype, extra) = if cbor {
        ("application/cbor", "smithy-protocol: rpc-v2-cbor\r\n")
    } else {
        ("application/x-amz-json-1.1", "")
    };
    let mut r = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\n{extra}x-amzn-RequestId: 2b9f3c1e-0000-4000-8000-000000000001\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    r.extend_from_slice(body);
    r
}

/// Reads one HTTP/1.1 request (head and `Content-Length` body); `None` at end of stream.
///
/// This is the one HTTP parser outside the workspace's `loopback` test server, on
/// purpose: the server here is the raw-socket floor every figure is measured against, so
/// it is blocking `std::net`, one thread per connection, nothing recorded and no
/// allocation per request beyond this buffer. `loopback` is a tokio server that records
/// every request into owned strings and wraps each read in an idle timeout; serving the
/// benchmark through it would put that scheduling and allocation into `floor_ns` and every
/// client figure, and break comparison with the figures in BENCHMARKS.md. It also returns
/// the request's raw bytes, which the raw-socket client replays verbatim.
fn read_request(r: &mut BufReader<TcpStream>) -> std::io::Result<Option<(String, Vec<u8>)>> {
    let mut raw = Vec::new();
    let mut line = String::new();
    let mut path = String::new();
    let mut len = 0usize;
    loop {
        line.clear();
        if r.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        raw.extend_from_slice(line.as_bytes());
        if path.is_empty() {
            path = line.split(' ').nth(1).unwrap_or("").to_string();
        } else if let Some((k, v)) = line.split_once(':') {
            if k.eq_ignore_ascii_case("content-length") {
                len = v.trim().parse().unwrap_or(0);
            }
        }
        if line == "\r\n" {
            break;
        }
    }
    let start = raw.len();
    raw.resize(start + len, 0);
    r.read_exact(&mut raw[start..])?;
    Ok(Some((path, raw)))
}

/// Serves canned `ListJobs` responses with `entries` entries: CBOR on the RPC v2 path,
/// awsJson elsewhere. Exits when its standard input closes.
fn serve(entries: usize) -> Result<(), String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    let cbor = http_response(true, &canned_body(true, entries));
    let json = http_response(false, &canned_body(false, entries));
    println!("{port}");
    std::io::stdout().flush().map_err(|e| e.to_string())?;
    std::thread::spawn(|| {
        let mut sink = Vec::new();
        let _ = std::io::stdin().read_to_end(&mut sink);
        std::process::exit(0);
    });
    for conn in listener.incoming() {
        let Ok(conn) = conn else { continue };
        let _ = conn.set_nodelay(true);
        let (cbor, json) = (cbor.clone(), json.clone());
        std::thread::spawn(move || {
            let Ok(mut w) = conn.try_clone() else { return };
            let mut r = BufReader::new(conn);
            while let Ok(Some((path, _))) = read_request(&mut r) {
                let resp = if path == CBOR_PATH { &cbor } else { &json };
                if w.write_all(resp).is_err() {
                    break;
                }
            }
        });
    }
    Ok(())
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

fn ours_config(endpoint: &str, protocol: snowball::Protocol) -> snowball::Config {
    snowball::Config::new()
        .region("us-east-1")
        .endpoint_url(endpoint)
        .credentials(snowball::Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            None,
        ))
        .protocol(protocol)
}

fn ours(endpoint: &str, protocol: snowball::Protocol) -> snowball::Client {
    snowball::Client::new(ours_config(endpoint, protocol))
}

fn peer(endpoint: &str) -> aws_sdk_snowball::Client {
    use aws_sdk_snowball::config::{BehaviorVersion, Credentials, Region};
    let conf = aws_sdk_snowball::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            None,
            None,
            "bench",
        ))
        .endpoint_url(endpoint)
        .build();
    aws_sdk_snowball::Client::from_conf(conf)
}

/// The bytes our client writes for one `ListJobs` call: one call to a listener that
/// records them and answers with an empty list.
fn capture_request(protocol: snowball::Protocol) -> Result<Vec<u8>, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    let cbor = protocol == snowball::Protocol::RpcV2Cbor;
    let server = std::thread::spawn(move || -> std::io::Result<Vec<u8>> {
        let (conn, _) = listener.accept()?;
        let mut w = conn.try_clone()?;
        let mut r = BufReader::new(conn);
        let (_, raw) = read_request(&mut r)?.unwrap_or_default();
        w.write_all(&http_response(cbor, &canned_body(cbor, 0)))?;
        Ok(raw)
    });
    let client = ours(&format!("http://127.0.0.1:{port}"), protocol);
    runtime()
        .block_on(client.list_jobs().send())
        .map_err(|e| format!("capture call: {e}"))?;
    server
        .join()
        .map_err(|_| "capture thread panicked".to_string())?
        .map_err(|e| e.to_string())
}

/// Reads one response (head, then `Content-Length` bytes) and returns the body length.
fn read_response(r: &mut BufReader<TcpStream>, buf: &mut Vec<u8>) -> std::io::Result<usize> {
    let mut len = 0usize;
    loop {
        buf.clear();
        if r.read_until(b'\n', buf)? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        if buf.as_slice() == b"\r\n" {
            break;
        }
        if let Some(v) = buf
            .strip_prefix(b"Content-Length:")
            .or_else(|| buf.strip_prefix(b"content-length:"))
        {
            len = std::str::from_utf8(v)
                .ok()
                .and_then(|s| s.trim().parse().ok())
                .unwrap_or(0);
        }
    }
    buf.resize(len, 0);
    r.read_exact(buf)?;
    Ok(len)
}

/// The raw-socket floor: the bytes our client sends for one call, written to a plain
/// keep-alive connection, and the response read back, with no SDK in between.
struct Raw {
    request: Vec<u8>,
    w: TcpStream,
    r: BufReader<TcpStream>,
    buf: Vec<u8>,
}

impl Raw {
    fn connect(port: u16, protocol: snowball::Protocol) -> Result<Raw, String> {
        let request = capture_request(protocol)?;
        let conn = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
        conn.set_nodelay(true).map_err(|e| e.to_string())?;
        let w = conn.try_clone().map_err(|e| e.to_string())?;
        let r = BufReader::with_capacity(64 * 1024, conn);
        Ok(Raw {
            request,
            w,
            r,
            buf: Vec::new(),
        })
    }

    fn call(&mut self) -> Result<(), String> {
        self.w.write_all(&self.request).map_err(|e| e.to_string())?;
        let len = read_response(&mut self.r, &mut self.buf).map_err(|e| e.to_string())?;
        std::hint::black_box(len);
        Ok(())
    }
}

/// The protocol a client name (`ours-json`, `raw-json`, ...) stands for; CBOR otherwise.
fn protocol_of(who: &str) -> snowball::Protocol {
    if who.ends_with("-json") {
        snowball::Protocol::AwsJson1_1
    } else {
        snowball::Protocol::RpcV2Cbor
    }
}

/// `n` sequential calls after one warm-up call (which opens the connection); prints
/// the mean time per call.
fn calls(who: &str, port: u16, n: u32) -> Result<(), String> {
    let endpoint = format!("http://127.0.0.1:{port}");
    let elapsed = match who {
        "ours-cbor" | "ours-json" => {
            let client = ours(&endpoint, protocol_of(who));
            runtime().block_on(async {
                let mut entries = 0;
                let mut start = Instant::now();
                for i in 0..=n {
                    let out = client.list_jobs().send().await.map_err(|e| e.to_string())?;
                    entries += out.job_list_entries.map_or(0, |v| v.len());
                    if i == 0 {
                        entries = 0;
                        start = Instant::now();
                    }
                }
                std::hint::black_box(entries);
                Ok::<_, String>(start.elapsed())
            })?
        }
        "peer" => {
            let client = peer(&endpoint);
            runtime().block_on(async {
                let mut entries = 0;
                let mut start = Instant::now();
                for i in 0..=n {
                    let out = client
                        .list_jobs()
                        .send()
                        .await
                        .map_err(|e| format!("{e:?}"))?;
                    entries += out.job_list_entries.map_or(0, |v| v.len());
                    if i == 0 {
                        entries = 0;
                        start = Instant::now();
                    }
                }
                std::hint::black_box(entries);
                Ok::<_, String>(start.elapsed())
            })?
        }
        "ours-blocking-cbor" | "ours-blocking-json" => {
            let client = snowball::blocking::Client::new(ours_config(&endpoint, protocol_of(who)));
            let mut entries = 0;
            let mut start = Instant::now();
            for i in 0..=n {
                let out = client.list_jobs().send().map_err(|e| e.to_string())?;
                entries += out.job_list_entries.map_or(0, |v| v.len());
                if i == 0 {
                    entries = 0;
                    start = Instant::now();
                }
            }
            std::hint::black_box(entries);
            start.elapsed()
        }
        "raw-cbor" | "raw-json" => {
            let mut raw = Raw::connect(port, protocol_of(who))?;
            let mut start = Instant::now();
            for i in 0..=n {
                raw.call()?;
                if i == 0 {
                    start = Instant::now();
                }
            }
            start.elapsed()
        }
        _ => return Err(format!("unknown client {who}")),
    };
    println!(
        "ns_per_op {:.1}",
        elapsed.as_nanos() as f64 / f64::from(n.max(1))
    );
    Ok(())
}

/// Blocks of raw calls and blocks of client calls, alternately: `BLOCKS` client blocks of
/// `n / BLOCKS` calls, each between two raw blocks, after one warm-up call of each.
fn paired(who: &str, port: u16, n: u32) -> Result<(), String> {
    const BLOCKS: u32 = 40;
    let per_block = (n / BLOCKS).max(1);
    let endpoint = format!("http://127.0.0.1:{port}");
    let protocol = protocol_of(who);
    let mut conn = Raw::connect(port, protocol)?;
    // Mean nanoseconds per raw call over `calls` calls.
    let mut raw = move |calls: u32| -> Result<f64, String> {
        let start = Instant::now();
        for _ in 0..calls {
            conn.call()?;
        }
        Ok(start.elapsed().as_nanos() as f64 / f64::from(calls))
    };
    let mut floor = vec![raw(1)?];
    let mut client = Vec::new();
    macro_rules! run {
        ($call:expr) => {
            runtime().block_on(async {
                $call.await?;
                floor[0] = raw(per_block)?;
                for _ in 0..BLOCKS {
                    let start = Instant::now();
                    let mut entries = 0;
                    for _ in 0..per_block {
                        let out = $call.await?;
                        entries += out.job_list_entries.map_or(0, |v| v.len());
                    }
                    std::hint::black_box(entries);
                    client.push(start.elapsed().as_nanos() as f64 / f64::from(per_block));
                    floor.push(raw(per_block)?);
                }
                Ok::<_, String>(())
            })?
        };
    }
    match who {
        "ours-cbor" | "ours-json" => {
            let c = ours(&endpoint, protocol);
            run!(async { c.list_jobs().send().await.map_err(|e| e.to_string()) })
        }
        // The same blocks, with no runtime on this thread: the blocking client's own.
        "ours-blocking-cbor" | "ours-blocking-json" => {
            let c = snowball::blocking::Client::new(ours_config(&endpoint, protocol));
            let call = || c.list_jobs().send().map_err(|e| e.to_string());
            call()?;
            floor[0] = raw(per_block)?;
            for _ in 0..BLOCKS {
                let start = Instant::now();
                let mut entries = 0;
                for _ in 0..per_block {
                    entries += call()?.job_list_entries.map_or(0, |v| v.len());
                }
                std::hint::black_box(entries);
                client.push(start.elapsed().as_nanos() as f64 / f64::from(per_block));
                floor.push(raw(per_block)?);
            }
        }
        "peer" => {
            let c = peer(&endpoint);
            run!(async { c.list_jobs().send().await.map_err(|e| format!("{e:?}")) })
        }
        _ => return Err(format!("unknown client {who}")),
    }
    // Each client block against the mean of the raw blocks on either side of it.
    let above: Vec<f64> = client
        .iter()
        .enumerate()
        .map(|(j, c)| c - (floor[j] + floor[j + 1]) / 2.0)
        .collect();
    println!("ns_per_op {:.1}", median(client));
    println!("floor_ns {:.1}", median(floor));
    println!("above_ns {:.1}", median(above));
    Ok(())
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Decodes the 1000-entry response `iters` times; prints the mean time per decode.
fn decode(who: &str, iters: u32) -> Result<(), String> {
    let cbor = who != "ours-json";
    let body = canned_body(cbor, 1000);
    let start;
    match who {
        "ours-cbor" | "ours-json" => {
            let check: ListJobsOutput = if cbor {
                awsrt::internal::cbor::from_slice(&body)
            } else {
                awsrt::internal::json::from_slice(&body)
            }
            .map_err(|e| e.to_string())?;
            if check != canned_output(1000) {
                return Err("decoded output differs from the encoded one".into());
            }
            start = Instant::now();
            for _ in 0..iters {
                let out: ListJobsOutput = if cbor {
                    awsrt::internal::cbor::from_slice(std::hint::black_box(&body))
                } else {
                    awsrt::internal::json::from_slice(std::hint::black_box(&body))
                }
                .map_err(|e| e.to_string())?;
                std::hint::black_box(out);
            }
        }
        "peer" => {
            use aws_sdk_snowball::operation::list_jobs::{ListJobs, ListJobsOutput as PeerOutput};
            use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
            use aws_smithy_runtime_api::client::runtime_plugin::RuntimePlugin;
            use aws_smithy_runtime_api::client::ser_de::{
                DeserializeResponse, SharedResponseDeserializer,
            };
            use aws_smithy_types::body::SdkBody;
            let layer = ListJobs::new()
                .config()
                .ok_or("ListJobs has no config layer")?;
            let de = layer
                .load::<SharedResponseDeserializer>()
                .ok_or("ListJobs has no response deserializer")?;
            let bag = aws_smithy_types::config_bag::ConfigBag::base();
            let response = || {
                let mut r =
                    HttpResponse::new(200.try_into().expect("status"), SdkBody::from(body.clone()));
                r.headers_mut().insert("content-type", "application/cbor");
                r.headers_mut().insert("smithy-protocol", "rpc-v2-cbor");
                r
            };
            let check = de
                .deserialize_nonstreaming_with_config(&response(), &bag)
                .map_err(|e| format!("{e:?}"))?;
            let check = check
                .downcast_ref::<PeerOutput>()
                .ok_or("peer output has another type")?;
            if check.job_list_entries().len() != 1000 {
                return Err("peer decoded a wrong number of entries".into());
            }
            let responses: Vec<HttpResponse> = (0..iters).map(|_| response()).collect();
            start = Instant::now();
            for r in &responses {
                std::hint::black_box(
                    de.deserialize_nonstreaming_with_config(r, &bag)
                        .map_err(|e| format!("{e:?}"))?,
                );
            }
        }
        _ => return Err(format!("unknown decoder {who}")),
    }
    let elapsed = start.elapsed();
    println!(
        "ns_per_op {:.1}",
        elapsed.as_nanos() as f64 / f64::from(iters.max(1))
    );
    Ok(())
}

//! Helpers shared by the differential tests of the service CLIs against the AWS CLI:
//! the oracle `aws` executable, a loopback server with canned responses that records
//! requests, running a CLI with dummy credentials, and a pass/fail tally.

// Each test file uses its own subset.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

use awsrt::internal::cli::Kind;
use serde_json::{json, Map, Value};

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("cli lives inside the workspace")
        .to_path_buf()
}

/// The `aws` executable of the oracle.
pub fn aws_cli() -> PathBuf {
    if let Some(py) = std::env::var_os("BOTOCORE_PYTHON").filter(|p| !p.is_empty()) {
        let aws = Path::new(&py).with_file_name("aws");
        if aws.exists() {
            return aws;
        }
    }
    loopback::venv::bin("aws")
}

/// A request as the server saw it: lower-case headers and the body.
pub type Seen = (Vec<(String, String)>, Vec<u8>);

/// A canned response and the requests the server saw.
pub struct Server {
    pub port: u16,
    pub seen: Arc<Mutex<Vec<Seen>>>,
    /// The loopback server; its tasks stop when this handle is dropped.
    _server: loopback::Server,
}

/// A canned response: status, content type, extra headers and body.
pub type Canned = (u16, &'static str, Vec<(String, String)>, Vec<u8>);

/// What a server answers to a request body.
pub type Responder = Arc<dyn Fn(&[u8]) -> Canned + Send + Sync>;

/// A server answering every request with the same response.
pub async fn serve(
    status: u16,
    content_type: &'static str,
    extra: Vec<(String, String)>,
    body: Vec<u8>,
) -> Server {
    let canned: Canned = (status, content_type, extra, body);
    serve_with(Arc::new(move |_: &[u8]| canned.clone())).await
}

/// A server answering each request with what `respond` makes of its body.
pub async fn serve_with(respond: Responder) -> Server {
    serve_routes(Arc::new(move |r: &Request| respond(&r.body))).await
}

/// A request as a routing server sees it.
pub struct Request {
    /// `GET`, `PUT`, `POST`, ...
    pub method: String,
    /// The request target: path and query.
    pub target: String,
    /// Lower-case names.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// What a routing server answers to a whole request.
pub type Router = Arc<dyn Fn(&Request) -> Canned + Send + Sync>;

/// A server answering each request with what `route` makes of its method, target,
/// headers and body (several fake endpoints behind one port, told apart by path).
pub async fn serve_routes(route: Router) -> Server {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    let server = loopback::Server::start(move |r: &loopback::Recorded| {
        let request = Request {
            method: r.method.clone(),
            target: r.target.clone(),
            headers: r
                .headers
                .iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
                .collect(),
            body: r.body.clone(),
        };
        let (status, content_type, extra, body) = route(&request);
        log.lock()
            .expect("lock")
            .push((request.headers, request.body));
        let reply = loopback::Reply::new(status)
            .header("content-type", content_type)
            .header("x-amzn-requestid", "req-1");
        extra
            .iter()
            .fold(reply, |reply, (k, v)| reply.header(k, v))
            .body(body)
    })
    .await;
    Server {
        port: server.port(),
        seen,
        _server: server,
    }
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub async fn run(
    program: PathBuf,
    args: Vec<String>,
    port: u16,
    extra_env: Vec<(&'static str, &'static str)>,
) -> Run {
    let tmp = std::env::temp_dir().join(format!("snowball-cli-diff-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).expect("tmp dir");
    let empty = tmp.join("empty");
    std::fs::write(&empty, "").expect("empty file");
    let mut cmd = tokio::process::Command::new(program);
    cmd.args(&args)
        .args([
            "--endpoint-url",
            &format!("http://127.0.0.1:{port}"),
            "--region",
            "us-east-1",
        ])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", &tmp)
        .env("LANG", "C.UTF-8")
        .env("PYTHONIOENCODING", "utf-8")
        .env("TZ", "UTC")
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env(
            "AWS_SECRET_ACCESS_KEY",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        )
        .env("AWS_CONFIG_FILE", &empty)
        .env("AWS_SHARED_CREDENTIALS_FILE", &empty)
        .env("AWS_EC2_METADATA_DISABLED", "true");
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    let out = cmd.output().await.expect("running a CLI");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Numbers compared by value (botocore sends integral timestamps as integers).
pub fn normalize(v: Value) -> Value {
    match v {
        Value::Number(n) => json!(n.as_f64().unwrap_or(0.0)),
        Value::Array(a) => Value::Array(a.into_iter().map(normalize).collect()),
        Value::Object(m) => Value::Object(m.into_iter().map(|(k, v)| (k, normalize(v))).collect()),
        v => v,
    }
}

pub fn header<'a>(h: &'a [(String, String)], name: &str) -> Option<&'a str> {
    h.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// Whether `m` is the paginator's token or page size, which the CLI sets itself
/// while paging: the tests never pass them.
pub fn paging(op: &awsrt::internal::cli::Command, m: &awsrt::internal::cli::Member) -> bool {
    op.paginator
        .as_ref()
        .is_some_and(|p| p.input_token == m.field.name || p.limit_key == Some(m.field.name))
}

#[derive(Default)]
pub struct Tally {
    pub passed: usize,
    pub failures: Vec<String>,
}

impl Tally {
    pub fn check(&mut self, ok: bool, what: String) {
        if ok {
            self.passed += 1;
        } else {
            self.failures.push(what);
        }
    }
}

/// The AWS CLI's argument names (without `--`) of every command of `service`, by command.
pub fn aws_arg_tables(aws: &Path, service: &str) -> Map<String, Value> {
    let python = aws.with_file_name("python");
    let script = format!(
        r#"
import json, awscli.clidriver as c
d = c.create_clidriver()
svc = d._get_command_table()['{service}']
out = {{}}
for name, op in svc._get_command_table().items():
    out[name] = sorted(op.arg_table.keys())
print(json.dumps(out))
"#
    );
    let out = Command::new(&python)
        .args(["-c", &script])
        .output()
        .expect("python");
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "awscli arg tables: {e}: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// A small seeded generator (xorshift64*) for random model-valid responses: the seed is
/// printed by each test and `DIFF_SEED` replays it.
pub struct Rng(u64);

impl Rng {
    /// The generator for `DIFF_SEED`, else for a seed from the clock; and the seed.
    pub fn from_env() -> (Rng, u64) {
        let seed = std::env::var("DIFF_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos() as u64)
                    .unwrap_or(1)
            });
        (Rng::new(seed), seed)
    }
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
    /// Text with what the formatters treat specially: wide and ambiguous-width
    /// characters, spaces, quotes, empty strings.
    pub fn text(&mut self, seed: &str) -> String {
        const PARTS: &[&str] = &[
            "a",
            "Zz",
            "é",
            "漢字",
            " ",
            "'",
            "\"",
            "-",
            "0",
            "ü",
            "Ω",
            "x y",
            "ｆｕｌｌ",
            "",
        ];
        let mut s = String::new();
        if self.chance(70) {
            s.push_str(seed);
        }
        for _ in 0..self.below(6) {
            let part = *self.pick(PARTS);
            s.push_str(part);
        }
        s
    }
}

/// `--query` expressions every operation's output is printed through: scalars, lists,
/// lists of lists, objects, nulls and flattening.
pub const QUERIES: &[&str] = &[
    "keys(@)",
    "length(@)",
    "NoSuchMember",
    "[keys(@), keys(@)]",
    "{k: keys(@), n: length(@)}",
    "values(@)[?type(@) == 'array'][]",
    "values(@)[?type(@) == 'object'] | [0]",
    "@",
    "values(@)[?type(@) == 'string']",
    "values(@)",
];

/// An output variant: extra arguments and extra environment.
pub type Variant = (Vec<String>, Vec<(&'static str, &'static str)>);

/// The output variants each response is printed with.
pub fn output_variants(i: usize) -> Vec<Variant> {
    let q1 = QUERIES[i % QUERIES.len()];
    let q2 = QUERIES[(i + 3) % QUERIES.len()];
    let a = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    vec![
        (a(&["--output", "text"]), vec![]),
        (a(&["--output", "table", "--color", "off"]), vec![]),
        (a(&["--output", "table", "--color", "on"]), vec![]),
        (a(&["--output", "json", "--query", q1]), vec![]),
        (a(&["--output", "text", "--query", q1]), vec![]),
        (a(&["--output", "table", "--query", q1]), vec![]),
        (a(&["--output", "text", "--query", q2]), vec![]),
        (a(&["--output", "table", "--query", q2]), vec![]),
        // The format from the environment and from the profile.
        (a(&[]), vec![("AWS_DEFAULT_OUTPUT", "text")]),
        (a(&[]), vec![("AWS_CONFIG_FILE", output_profile("table"))]),
    ]
}

/// A config file whose default profile sets `output`.
pub fn output_profile(format: &str) -> &'static str {
    let dir = std::env::temp_dir().join(format!("snowball-cli-diff-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let path = dir.join(format!("config-output-{format}"));
    std::fs::write(&path, format!("[default]\noutput = {format}\n")).expect("config file");
    Box::leak(path.to_string_lossy().into_owned().into_boxed_str())
}

/// Enum values replaced by the enum's first value, walking `v` with its kind: the AWS CLI
/// fills an input skeleton's enums with `random.choice`.
pub fn pin_enums(kind: &Kind, v: Value) -> Value {
    match (kind, v) {
        (Kind::Enum(values), Value::String(s)) if values.contains(&s.as_str()) => {
            Value::String(values.first().copied().unwrap_or("").into())
        }
        (Kind::Structure(st), Value::Object(m)) => Value::Object(
            m.into_iter()
                .map(|(k, v)| {
                    let v = match st.members.iter().find(|m| m.field.name == k) {
                        Some(member) => pin_enums(&member.kind, v),
                        None => v,
                    };
                    (k, v)
                })
                .collect(),
        ),
        (Kind::List(item), Value::Array(a)) => {
            Value::Array(a.into_iter().map(|v| pin_enums(item, v)).collect())
        }
        (Kind::Map(val), Value::Object(m)) => {
            Value::Object(m.into_iter().map(|(k, v)| (k, pin_enums(val, v))).collect())
        }
        (_, v) => v,
    }
}

/// A file under the test's temporary directory holding `contents`.
pub fn temp_file(name: &str, contents: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("snowball-cli-diff-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("temp file");
    path.to_string_lossy().into_owned()
}

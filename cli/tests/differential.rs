//! Differential test of `snowball` against `aws snowball` (AWS CLI v1, pinned).
//!
//! For each of the model's operations, a command line is built from the generated command
//! table (every top-level member as a flag: scalars as values, booleans as `--flag`,
//! structures and lists as JSON). Each case gets its own loopback server with one canned
//! response; both CLIs run the same command against it with dummy credentials, and:
//!
//! - the decoded request bodies (JSON) and `X-Amz-Target` are equal, and our request
//!   sent over RPC v2 CBOR decodes to the same document;
//! - for a success response (a sample document built from the output shape, with an
//!   unknown key and a float timestamp) and for each modeled error (once, on the first
//!   operation that lists it), stdout, stderr and the exit code are equal.
//!
//! The AWS CLI comes from `AWS_CLI` (an `aws` executable), else from `aws` beside
//! `BOTOCORE_PYTHON`, else from the venv under `target/venv` (created, as `cargo xtask
//! ci` does, when missing).

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use awsrt::internal::cli::{Command as Operation, Kind};
use common::{
    aws_arg_tables, aws_cli, header, normalize, output_variants, pin_enums, run, serve, temp_file,
    Rng, Tally,
};
use serde_json::{json, Map, Value};
use snowball::cli::SERVICE;

/// A sample value of a kind, valid for botocore's validation (`min` respected).
fn sample(kind: &Kind, min: Option<f64>, depth: usize, seed: &str) -> Value {
    let len = min.unwrap_or(1.0).max(1.0) as usize;
    match kind {
        // Long enough for the `min` of list items too, which the table does not carry.
        Kind::String => {
            let len = len.max(64);
            let mut s = format!("{seed}-é\"x");
            while s.chars().count() < len {
                s.push('x');
            }
            Value::String(s)
        }
        Kind::Enum(values) => Value::String(values.first().copied().unwrap_or("x").into()),
        Kind::Boolean => Value::Bool(true),
        Kind::Integer | Kind::Long => json!(min.unwrap_or(3.0).max(3.0) as i64),
        Kind::Float | Kind::Double => json!(2.5),
        Kind::Timestamp => json!(1_500_000_000),
        Kind::Blob => Value::String("aGVsbG8=".into()),
        Kind::Structure(s) => {
            let mut m = Map::new();
            if depth < 12 {
                for member in s.members {
                    m.insert(
                        member.field.json.to_string(),
                        sample(&member.kind, member.min, depth + 1, member.field.name),
                    );
                }
            }
            Value::Object(m)
        }
        Kind::List(item) => Value::Array(
            (0..len.max(2))
                .map(|i| sample(item, None, depth + 1, &format!("{seed}{i}")))
                .collect(),
        ),
        Kind::Map(v) => {
            let mut m = Map::new();
            m.insert("k1".into(), sample(v, None, depth + 1, seed));
            Value::Object(m)
        }
        _ => Value::Null,
    }
}

/// A random response value of a kind, as a service could send it: optional members
/// present or not, lists and maps of 0 to 3 entries, numbers of every form botocore
/// reads (integers, floats, timestamps as E notation).
fn random(kind: &Kind, rng: &mut Rng, depth: usize, seed: &str) -> Value {
    match kind {
        Kind::String => Value::String(rng.text(seed)),
        Kind::Enum(values) => Value::String(rng.pick(values).to_string()),
        Kind::Boolean => Value::Bool(rng.chance(50)),
        Kind::Integer | Kind::Long => json!(rng.below(2_000_000) as i64 - 1_000),
        Kind::Float | Kind::Double => {
            json!(*rng.pick(&[2.5, 0.1, 1e-5, 123456.789, 1e16, -3.0, 0.0]))
        }
        Kind::Timestamp => json!(*rng.pick(&[1.5e9, 1_500_000_000.25, 0.0, 1_700_000_000.0])),
        Kind::Blob => Value::String("aGVsbG8=".into()),
        Kind::Structure(s) => {
            let mut m = Map::new();
            if depth < 8 {
                for member in s.members {
                    if rng.chance(75) {
                        m.insert(
                            member.field.json.to_string(),
                            random(&member.kind, rng, depth + 1, member.field.name),
                        );
                    }
                }
            }
            Value::Object(m)
        }
        Kind::List(item) => Value::Array(
            (0..rng.below(4))
                .map(|i| random(item, rng, depth + 1, &format!("{seed}{i}")))
                .collect(),
        ),
        Kind::Map(v) => Value::Object(
            (0..rng.below(3))
                .map(|i| (format!("k{i}"), random(v, rng, depth + 1, seed)))
                .collect(),
        ),
        _ => Value::Null,
    }
}

/// The random response of case `i` printed in every output variant (text, table, JSON,
/// with and without `--query`, the format from the environment and the profile) by both
/// CLIs: stdout, stderr and the exit code are equal.
async fn output_case(
    aws: PathBuf,
    ours: PathBuf,
    op: &'static Operation,
    i: usize,
    seed: u64,
) -> Tally {
    let mut t = Tally::default();
    let mut rng = Rng::new(seed ^ (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    let mut body = random(&Kind::Structure(op.output), &mut rng, 0, op.name);
    if let (Value::Object(m), Some(p)) = (&mut body, &op.paginator) {
        // One page.
        m.remove(p.output_token);
    }
    let server = serve(
        200,
        "application/x-amz-json-1.1",
        vec![],
        body.to_string().into_bytes(),
    )
    .await;
    let args = args_for(op);
    for (extra, env) in output_variants(i) {
        let args = [args.clone(), extra.clone()].concat();
        let mut our_env = env.clone();
        our_env.push(("SNOWBALL_PROTOCOL", "json"));
        let (a, o) = tokio::join!(
            run(
                aws.clone(),
                [vec!["snowball".to_string()], args.clone()].concat(),
                server.port,
                env.clone()
            ),
            run(ours.clone(), args, server.port, our_env),
        );
        t.check(
            a.stdout == o.stdout && a.code == o.code && a.stderr == o.stderr,
            format!(
                "{} {extra:?} {env:?} (seed {seed}): output differs for {body}:\n--- aws ({}):\n{}{}\n--- ours ({}):\n{}{}",
                op.name, a.code, a.stdout, a.stderr, o.code, o.stdout, o.stderr
            ),
        );
    }
    t
}

/// Skeletons and parameters from files, both CLIs against one server:
///
/// - `--generate-cli-skeleton` (`input`, with enums pinned since the AWS CLI picks them at
///   random) prints the same document; `output` prints the same in JSON, text and table;
/// - `--cli-input-json file://` with every member sends the same request and prints the
///   same, and so does one member's value from `file://` (CRLF line ends) while the
///   others are flags;
/// - `fileb://` for a string member fails the same way.
async fn input_case(aws: PathBuf, ours: PathBuf, op: &'static Operation) -> Tally {
    let mut t = Tally::default();
    let mut body = sample(&Kind::Structure(op.output), None, 0, op.name);
    if let (Value::Object(m), Some(p)) = (&mut body, &op.paginator) {
        m.remove(p.output_token);
    }
    let server = serve(
        200,
        "application/x-amz-json-1.1",
        vec![],
        body.to_string().into_bytes(),
    )
    .await;
    let both = |args: Vec<String>| {
        let (aws, ours) = (aws.clone(), ours.clone());
        let port = server.port;
        async move {
            tokio::join!(
                run(
                    aws,
                    [vec!["snowball".to_string()], args.clone()].concat(),
                    port,
                    vec![]
                ),
                run(ours, args, port, vec![("SNOWBALL_PROTOCOL", "json")]),
            )
        }
    };
    let same = |t: &mut Tally, what: &str, a: &common::Run, o: &common::Run| {
        t.check(
            a.stdout == o.stdout && a.code == o.code && a.stderr == o.stderr,
            format!(
                "{} {what}: output differs:\n--- aws ({}):\n{}{}\n--- ours ({}):\n{}{}",
                op.name, a.code, a.stdout, a.stderr, o.code, o.stdout, o.stderr
            ),
        )
    };
    let cmd = op.command.to_string();
    // The input skeleton.
    let (a, o) = both(vec![cmd.clone(), "--generate-cli-skeleton".into()]).await;
    let pinned = |text: &str| {
        serde_json::from_str::<Value>(text)
            .map(|v| snowball_cli::pyjson::dumps(&pin_enums(&Kind::Structure(op.input), v)))
            .unwrap_or_else(|e| format!("not JSON ({e}): {text}"))
    };
    let layout_kept = serde_json::from_str::<Value>(&o.stdout)
        .is_ok_and(|v| format!("{}\n", snowball_cli::pyjson::dumps(&v)) == o.stdout);
    t.check(
        a.code == 0
            && a.code == o.code
            && pinned(&a.stdout) == pinned(&o.stdout)
            && layout_kept
            && a.stderr == o.stderr,
        format!(
            "{} input skeleton differs:\n--- aws:\n{}{}\n--- ours:\n{}{}",
            op.name, a.stdout, a.stderr, o.stdout, o.stderr
        ),
    );
    // The output skeleton in every format (required flags given).
    for format in ["json", "text", "table"] {
        let args = [
            args_for(op),
            vec![
                "--generate-cli-skeleton".into(),
                "output".into(),
                "--output".into(),
                format.into(),
            ],
        ]
        .concat();
        let (mut a, o) = both(args).await;
        if op.name == "ListLongTermPricing" {
            // The one list of strings with item constraints in an output: botocore checks
            // `JobIds[0]` (named after its shape, min 39); the command table keeps
            // neither the item's shape name nor its `min` (README), so that line is ours
            // to lack; everything else must match.
            a.stderr = a
                .stderr
                .lines()
                .filter(|l| !l.contains("LongTermPricingEntries[0].JobIds[0]"))
                .map(|l| format!("{l}\n"))
                .collect();
        }
        same(&mut t, &format!("output skeleton ({format})"), &a, &o);
    }
    // Every member from --cli-input-json file://.
    let mut doc = Map::new();
    for m in op.input.members {
        if common::paging(op, m) {
            continue;
        }
        doc.insert(
            m.field.name.to_string(),
            sample(&m.kind, m.min, 1, m.field.name),
        );
    }
    let input = temp_file(
        &format!("{}-input.json", op.name),
        Value::Object(doc.clone()).to_string().as_bytes(),
    );
    let before = server.seen.lock().expect("lock").len();
    let (a, o) = both(vec![
        cmd.clone(),
        "--cli-input-json".into(),
        format!("file://{input}"),
    ])
    .await;
    same(&mut t, "--cli-input-json file://", &a, &o);
    let seen = server.seen.lock().expect("lock").clone();
    if seen.len() == before + 2 {
        let d = |i: usize| normalize(serde_json::from_slice(&seen[i].1).unwrap_or(Value::Null));
        t.check(
            d(before) == d(before + 1),
            format!(
                "{} --cli-input-json: requests differ: {} vs {}",
                op.name,
                d(before),
                d(before + 1)
            ),
        );
    } else {
        t.check(
            false,
            format!(
                "{} --cli-input-json: {} requests, want 2 ({})",
                op.name,
                seen.len() - before,
                o.stderr
            ),
        );
    }
    // The first string or structure member from file:// (CRLF read as LF), and fileb://
    // for a string member.
    if let Some(m) = op
        .input
        .members
        .iter()
        .find(|m| matches!(m.kind, Kind::String | Kind::Structure(_)) && !common::paging(op, m))
    {
        let v = sample(&m.kind, m.min, 1, m.field.name);
        let text = match &v {
            Value::String(s) => format!("{s}\r\nline two\r\n"),
            other => format!("{other}\r\n"),
        };
        let file = temp_file(&format!("{}-{}.txt", op.name, m.flag), text.as_bytes());
        let mut args = args_for(op);
        let at = args.iter().position(|a| *a == format!("--{}", m.flag));
        t.check(
            at.is_some(),
            format!("{}: --{} is not among the arguments", op.name, m.flag),
        );
        if let Some(i) = at {
            args[i + 1] = format!("file://{file}");
            let (a, o) = both(args.clone()).await;
            same(&mut t, &format!("--{} file://", m.flag), &a, &o);
            if matches!(m.kind, Kind::String) {
                args[i + 1] = format!("fileb://{file}");
                let (a, o) = both(args).await;
                same(&mut t, &format!("--{} fileb://", m.flag), &a, &o);
            }
        }
    }
    t
}

/// The command-line arguments for every top-level input member.
fn args_for(op: &Operation) -> Vec<String> {
    let mut args = vec![op.command.to_string()];
    for m in op.input.members {
        if common::paging(op, m) {
            continue;
        }
        let v = sample(&m.kind, m.min, 1, m.field.name);
        match (&m.kind, v) {
            (Kind::Boolean, _) => args.push(format!("--{}", m.flag)),
            (_, Value::String(s)) => {
                args.push(format!("--{}", m.flag));
                args.push(s);
            }
            (Kind::Timestamp, v) | (Kind::Integer | Kind::Long | Kind::Float | Kind::Double, v) => {
                args.push(format!("--{}", m.flag));
                args.push(v.to_string());
            }
            (_, v) => {
                args.push(format!("--{}", m.flag));
                args.push(v.to_string());
            }
        }
    }
    args
}

fn cbor_to_json(v: awsrt::internal::cbor::Value) -> Value {
    use awsrt::internal::cbor::Value as C;
    match v {
        C::Unsigned(n) => json!(n as f64),
        C::Negative(n) => json!(-1.0 - n as f64),
        C::Float(f) => json!(f),
        C::Text(s) => Value::String(s),
        C::Bytes(b) => Value::String(format!("{b:?}")),
        C::Bool(b) => Value::Bool(b),
        C::Array(a) => Value::Array(a.into_iter().map(cbor_to_json).collect()),
        C::Map(m) => Value::Object(
            m.into_iter()
                .map(|(k, v)| match k {
                    C::Text(k) => (k, cbor_to_json(v)),
                    other => (format!("{other:?}"), cbor_to_json(v)),
                })
                .collect(),
        ),
        C::Tag(_, v) => cbor_to_json(*v),
        _ => Value::Null,
    }
}

async fn success_case(aws: PathBuf, ours: PathBuf, op: &'static Operation) -> Tally {
    let mut t = Tally::default();
    let mut body = sample(&Kind::Structure(op.output), None, 0, op.name);
    if let Value::Object(m) = &mut body {
        m.insert("UnknownMember".into(), json!(1));
        if let Some(p) = &op.paginator {
            // One page: no token.
            m.remove(p.output_token);
        }
    }
    let text = serde_json::to_string(&body).expect("json");
    // Timestamps as botocore sees real services send them: floats in E notation.
    let text = text.replace("1500000000", "1.5E9");
    let server = serve(200, "application/x-amz-json-1.1", vec![], text.into_bytes()).await;
    let args = args_for(op);
    let (a, o) = tokio::join!(
        run(
            aws,
            [vec!["snowball".to_string()], args.clone()].concat(),
            server.port,
            vec![]
        ),
        run(
            ours,
            args.clone(),
            server.port,
            vec![("SNOWBALL_PROTOCOL", "json")]
        ),
    );
    let seen = server.seen.lock().expect("lock").clone();
    t.check(
        seen.len() == 2,
        format!(
            "{}: {} requests seen, want 2 (aws stderr: {}; ours: {})",
            op.name,
            seen.len(),
            a.stderr,
            o.stderr
        ),
    );
    if seen.len() == 2 {
        let target = |i: usize| header(&seen[i].0, "x-amz-target").map(String::from);
        t.check(
            target(0) == target(1),
            format!(
                "{}: X-Amz-Target {:?} vs {:?}",
                op.name,
                target(0),
                target(1)
            ),
        );
        let doc = |i: usize| normalize(serde_json::from_slice(&seen[i].1).unwrap_or(Value::Null));
        t.check(
            doc(0) == doc(1),
            format!(
                "{}: request bodies differ:\n aws:  {}\n ours: {}",
                op.name,
                doc(0),
                doc(1)
            ),
        );
    }
    t.check(
        a.stdout == o.stdout && a.code == o.code && a.stderr == o.stderr,
        format!(
            "{}: success output differs:\n--- aws ({}):\n{}{}\n--- ours ({}):\n{}{}",
            op.name, a.code, a.stdout, a.stderr, o.code, o.stdout, o.stderr
        ),
    );
    // Our request over CBOR decodes to the same document as over JSON.
    let cbor = serve(
        200,
        "application/cbor",
        vec![("smithy-protocol".into(), "rpc-v2-cbor".into())],
        vec![0xa0],
    )
    .await;
    let c = run(
        PathBuf::from(env!("CARGO_BIN_EXE_snowball")),
        args,
        cbor.port,
        vec![("SNOWBALL_PROTOCOL", "cbor")],
    )
    .await;
    let seen_cbor = cbor.seen.lock().expect("lock").clone();
    let json_doc = seen
        .first()
        .map(|s| normalize(serde_json::from_slice(&s.1).unwrap_or(Value::Null)));
    let cbor_doc = seen_cbor.first().map(|s| {
        awsrt::internal::cbor::decode_value(&s.1)
            .map(cbor_to_json)
            .unwrap_or(Value::Null)
    });
    t.check(
        json_doc.is_some() && cbor_doc == json_doc,
        format!(
            "{}: CBOR request differs: {cbor_doc:?} vs {json_doc:?} ({})",
            op.name, c.stderr
        ),
    );
    t
}

async fn error_case(
    aws: PathBuf,
    ours: PathBuf,
    op: &'static Operation,
    code: &'static str,
) -> Tally {
    let mut t = Tally::default();
    let body = json!({"__type": format!("com.amazonaws.snowball#{code}"), "message": format!("{code} happened: ünïcode")});
    let server = serve(
        400,
        "application/x-amz-json-1.1",
        vec![],
        body.to_string().into_bytes(),
    )
    .await;
    let args = args_for(op);
    let (a, o) = tokio::join!(
        run(
            aws,
            [vec!["snowball".to_string()], args.clone()].concat(),
            server.port,
            vec![]
        ),
        run(ours, args, server.port, vec![("SNOWBALL_PROTOCOL", "json")]),
    );
    t.check(
        a.stdout == o.stdout && a.code == o.code && a.stderr == o.stderr,
        format!(
            "{} {code}: error output differs:\n--- aws ({}):\n{}{}\n--- ours ({}):\n{}{}",
            op.name, a.code, a.stdout, a.stderr, o.code, o.stdout, o.stderr
        ),
    );
    t
}

/// Flag names: ours are the AWS CLI's for every input member of every operation.
fn flags_match(aws: &Path) -> Tally {
    let mut t = Tally::default();
    let theirs = aws_arg_tables(aws, "snowball");
    let mut ours_ops: Vec<&str> = SERVICE.operations.iter().map(|o| o.command).collect();
    let mut their_ops: Vec<&str> = theirs.keys().map(String::as_str).collect();
    ours_ops.sort();
    their_ops.sort();
    t.check(
        ours_ops == their_ops,
        format!("commands differ: {ours_ops:?} vs {their_ops:?}"),
    );
    for op in SERVICE.operations {
        let mut ours: Vec<String> = Vec::new();
        for m in op.input.members {
            ours.push(m.flag.to_string());
            if matches!(m.kind, Kind::Boolean) {
                ours.push(format!("no-{}", m.flag));
            }
        }
        ours.push("cli-input-json".into());
        ours.push("generate-cli-skeleton".into());
        if op.paginator.is_some() {
            ours.extend(["starting-token", "page-size", "max-items"].map(String::from));
        }
        ours.sort();
        ours.dedup();
        let theirs: Vec<String> = theirs
            .get(op.command)
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        t.check(
            ours == theirs,
            format!("{}: flags {ours:?} vs {theirs:?}", op.command),
        );
    }
    t
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snowball_matches_aws_snowball() {
    let aws = aws_cli();
    let ours = PathBuf::from(env!("CARGO_BIN_EXE_snowball"));
    let mut total = flags_match(&aws);
    let limit = Arc::new(tokio::sync::Semaphore::new(4));
    let mut tasks = Vec::new();
    let mut seen_codes = std::collections::BTreeSet::new();
    let (_, seed) = Rng::from_env();
    println!("cli differential: DIFF_SEED={seed}");
    for (i, op) in SERVICE.operations.iter().enumerate() {
        let (a, o, l) = (aws.clone(), ours.clone(), limit.clone());
        tasks.push(tokio::spawn(async move {
            let _p = l.acquire_owned().await;
            output_case(a, o, op, i, seed).await
        }));
        let (a, o, l) = (aws.clone(), ours.clone(), limit.clone());
        tasks.push(tokio::spawn(async move {
            let _p = l.acquire_owned().await;
            success_case(a, o, op).await
        }));
        let (a, o, l) = (aws.clone(), ours.clone(), limit.clone());
        tasks.push(tokio::spawn(async move {
            let _p = l.acquire_owned().await;
            input_case(a, o, op).await
        }));
        // Each modeled error once, on the first operation (by command) that lists it.
        for code in op.errors {
            if !seen_codes.insert(*code) {
                continue;
            }
            let (a, o, l) = (aws.clone(), ours.clone(), limit.clone());
            tasks.push(tokio::spawn(async move {
                let _p = l.acquire_owned().await;
                error_case(a, o, op, code).await
            }));
        }
    }
    for task in tasks {
        let t = task.await.expect("case task");
        total.passed += t.passed;
        total.failures.extend(t.failures);
    }
    println!(
        "cli differential: {} operations, {} error codes, {} passed, {} failed",
        SERVICE.operations.len(),
        seen_codes.len(),
        total.passed,
        total.failures.len()
    );
    assert!(
        total.failures.is_empty(),
        "{} differences:\n{}",
        total.failures.len(),
        total.failures.join("\n\n")
    );
}

//! Differential test of `importexport` against `aws importexport` (AWS CLI v1, pinned).
//!
//! For each of the 6 operations, a command line is built from the generated command table
//! (every top-level member as a flag: strings with characters form encoding must escape,
//! booleans as `--flag`, lists of strings as several arguments, one with a comma). Each CLI
//! gets its own loopback server with the same canned awsQuery (XML) responses, and:
//!
//! - the decoded form-encoded request bodies are equal as key/value multisets;
//! - for a success response (a sample built from the output shape, with an unknown
//!   element, entities, non-ASCII text and timestamps as the service writes them), for
//!   each operation's first listed error and each of the 20 modeled error codes at least
//!   once, stdout, stderr and the exit code are equal;
//! - `list-jobs` over three pages (`Marker` = the last job's id, `IsTruncated`) merges the
//!   same way with and without `--max-items`, `--starting-token`, `--page-size`,
//!   `--no-paginate` and `--query`, sending the same requests in the same order.

mod common;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;

use awsrt::internal::cli::{Command as Operation, Kind, Struct};
use common::{
    aws_arg_tables, aws_cli, output_variants, pin_enums, run, serve_with, temp_file, Responder,
    Rng, Run, Seen, Tally,
};
use importexport::cli::SERVICE;
use serde_json::Value;

/// The AWS CLI's hidden aliases of Import/Export flags (`argrename.py`): (command, alias).
const HIDDEN_ALIASES: &[(&str, &str)] = &[
    ("get-shipping-label", "street-1"),
    ("get-shipping-label", "street-2"),
    ("get-shipping-label", "street-3"),
];

const XMLNS: &str = "http://importexport.amazonaws.com/doc/2010-06-01/";

fn ours() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_importexport"))
}

/// A form body decoded into its sorted key/value pairs.
fn form(body: &[u8]) -> Vec<(String, String)> {
    fn decode(s: &str) -> String {
        let b = s.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'+' => out.push(b' '),
                b'%' if i + 2 < b.len() => {
                    let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("");
                    match u8::from_str_radix(hex, 16) {
                        Ok(v) => {
                            out.push(v);
                            i += 2;
                        }
                        Err(_) => out.push(b'%'),
                    }
                }
                c => out.push(c),
            }
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }
    let text = String::from_utf8_lossy(body);
    let mut pairs: Vec<(String, String)> = text
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (decode(k), decode(v)),
            None => (decode(p), String::new()),
        })
        .collect();
    pairs.sort();
    pairs
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A sample XML element body for a kind (its content, without the element itself).
fn sample_xml(kind: &Kind, seed: &str, depth: usize) -> String {
    match kind {
        Kind::String => escape(&format!("{seed} é <&> \"x\"")),
        Kind::Enum(values) => values.last().copied().unwrap_or("x").to_string(),
        Kind::Boolean => "true".into(),
        Kind::Integer | Kind::Long => "7".into(),
        Kind::Float | Kind::Double => "2.5".into(),
        Kind::Timestamp => "2010-01-02T03:04:05.123Z".into(),
        Kind::Blob => "aGVsbG8=".into(),
        Kind::Structure(s) if depth < 8 => struct_xml(s, seed, depth),
        Kind::List(item) => (0..2)
            .map(|i| {
                format!(
                    "<member>{}</member>",
                    sample_xml(item, &format!("{seed}{i}"), depth + 1)
                )
            })
            .collect(),
        _ => String::new(),
    }
}

fn struct_xml(s: &Struct, seed: &str, depth: usize) -> String {
    let mut out = String::new();
    for m in s.members {
        out.push_str(&format!(
            "<{0}>{1}</{0}>",
            m.field.xml,
            sample_xml(&m.kind, &format!("{seed}.{}", m.field.name), depth + 1)
        ));
    }
    out.push_str("<UnknownElement>ignored</UnknownElement>");
    out
}

/// A random XML element body for a kind: members present or not, 0 to 3 list items,
/// text with entities, wide characters and spaces.
fn random_xml(kind: &Kind, rng: &mut Rng, seed: &str, depth: usize) -> String {
    match kind {
        Kind::String => escape(&rng.text(seed)),
        Kind::Enum(values) => rng.pick(values).to_string(),
        Kind::Boolean => rng.pick(&["true", "false"]).to_string(),
        Kind::Integer | Kind::Long => (rng.below(100_000) as i64 - 10).to_string(),
        Kind::Float | Kind::Double => rng.pick(&["2.5", "0.1", "1e-5"]).to_string(),
        Kind::Timestamp => rng
            .pick(&["2010-01-02T03:04:05.123Z", "2010-01-02T03:04:05Z"])
            .to_string(),
        Kind::Blob => "aGVsbG8=".into(),
        Kind::Structure(s) if depth < 8 => {
            let mut out = String::new();
            for m in s.members {
                if rng.chance(75) {
                    let inner = random_xml(&m.kind, rng, m.field.name, depth + 1);
                    out.push_str(&format!("<{0}>{inner}</{0}>", m.field.xml));
                }
            }
            out
        }
        Kind::List(item) => (0..rng.below(4))
            .map(|i| {
                let inner = random_xml(item, rng, &format!("{seed}{i}"), depth + 1);
                format!("<member>{inner}</member>")
            })
            .collect(),
        _ => String::new(),
    }
}

/// A random response of `op` printed in every output variant by both CLIs.
async fn output_case(aws: PathBuf, op: &'static Operation, i: usize, seed: u64) -> Tally {
    let mut t = Tally::default();
    let mut rng = Rng::new(seed ^ (i as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    let mut result = random_xml(&Kind::Structure(op.output), &mut rng, op.name, 0);
    if op.paginator.is_some() {
        // One page.
        result = result.replace(
            "<IsTruncated>true</IsTruncated>",
            "<IsTruncated>false</IsTruncated>",
        );
    }
    let body = response(op, &result);
    for (extra, env) in output_variants(i) {
        let args = [args_for(op), extra.clone()].concat();
        let b = body.clone();
        let respond: Responder = Arc::new(move |_: &[u8]| (200, "text/xml", vec![], b.clone()));
        let sa = serve_with(respond.clone()).await;
        let so = serve_with(respond).await;
        let (a, o) = tokio::join!(
            run(
                aws.clone(),
                [vec!["importexport".to_string()], args.clone()].concat(),
                sa.port,
                env.clone()
            ),
            run(ours(), args, so.port, env.clone()),
        );
        t.check(
            a.stdout == o.stdout && a.code == o.code && a.stderr == o.stderr,
            format!(
                "{} {extra:?} {env:?} (seed {seed}): output differs for {}:\n--- aws ({}):\n{}{}\n--- ours ({}):\n{}{}",
                op.name,
                String::from_utf8_lossy(&body),
                a.code,
                a.stdout,
                a.stderr,
                o.code,
                o.stdout,
                o.stderr
            ),
        );
    }
    t
}

/// Skeletons and parameter files: `--generate-cli-skeleton` (`input`, enums pinned; and
/// `output` in JSON, text and table), `--cli-input-json file://` with every member, and the
/// first string member from `file://` with CRLF line ends; same requests, same output.
async fn skeleton_case(aws: PathBuf, op: &'static Operation) -> Tally {
    let mut t = Tally::default();
    let body = response(
        op,
        &struct_xml(op.output, op.name, 0).replace(
            "<IsTruncated>true</IsTruncated>",
            "<IsTruncated>false</IsTruncated>",
        ),
    );
    let respond: Responder = Arc::new(move |_: &[u8]| (200, "text/xml", vec![], body.clone()));
    let cmd = op.command.to_string();
    let (a, o) = both(
        vec![cmd.clone(), "--generate-cli-skeleton".into()],
        respond.clone(),
        aws.clone(),
    )
    .await;
    let pinned = |text: &str| {
        serde_json::from_str::<Value>(text)
            .map(|v| snowball_cli::pyjson::dumps(&pin_enums(&Kind::Structure(op.input), v)))
            .unwrap_or_else(|e| format!("not JSON ({e}): {text}"))
    };
    t.check(
        a.0.code == 0
            && a.0.code == o.0.code
            && pinned(&a.0.stdout) == pinned(&o.0.stdout)
            && a.0.stderr == o.0.stderr
            && o.1.is_empty(),
        format!(
            "{} input skeleton differs:\n--- aws:\n{}{}\n--- ours:\n{}{}",
            op.name, a.0.stdout, a.0.stderr, o.0.stdout, o.0.stderr
        ),
    );
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
        let (a, o) = both(args, respond.clone(), aws.clone()).await;
        t.check(
            a.0.stdout == o.0.stdout
                && a.0.code == o.0.code
                && a.0.stderr == o.0.stderr
                && o.1.is_empty(),
            format!(
                "{} output skeleton ({format}) differs:\n--- aws ({}):\n{}{}\n--- ours ({}):\n{}{}",
                op.name, a.0.code, a.0.stdout, a.0.stderr, o.0.code, o.0.stdout, o.0.stderr
            ),
        );
    }
    // Every member from --cli-input-json file://: the same values `args_for` gives.
    let mut doc = serde_json::Map::new();
    for m in op.input.members {
        if common::paging(op, m) {
            continue;
        }
        let v = match &m.kind {
            Kind::Boolean => Value::Bool(true),
            Kind::Enum(values) => Value::String(values.last().copied().unwrap_or("x").into()),
            Kind::Integer | Kind::Long => Value::from(3),
            Kind::List(_) => serde_json::json!([
                format!("{}-1", m.field.name),
                format!("{}-2,with comma", m.field.name)
            ]),
            _ => Value::String(format!("{} é&=+/%20 ü?", m.field.name)),
        };
        doc.insert(m.field.name.to_string(), v);
    }
    let input = temp_file(
        &format!("ie-{}-input.json", op.name),
        Value::Object(doc).to_string().as_bytes(),
    );
    let (a, o) = both(
        vec![
            cmd.clone(),
            "--cli-input-json".into(),
            format!("file://{input}"),
        ],
        respond.clone(),
        aws.clone(),
    )
    .await;
    compare(
        &mut t,
        &format!("{} --cli-input-json file://", op.name),
        &a,
        &o,
    );
    if let Some(m) = op
        .input
        .members
        .iter()
        .find(|m| matches!(m.kind, Kind::String) && !common::paging(op, m))
    {
        let file = temp_file(
            &format!("ie-{}-{}.txt", op.name, m.flag),
            format!("{} from a file\r\nline two\r\n", m.field.name).as_bytes(),
        );
        let mut args = args_for(op);
        let flag = format!("--{}", m.flag);
        let at = args
            .iter()
            .position(|a| *a == flag || (m.flag == "street2" && a == "--street-2"));
        t.check(
            at.is_some(),
            format!("{}: {flag} is not among the arguments", op.name),
        );
        if let Some(i) = at {
            args[i + 1] = format!("file://{file}");
            let (a, o) = both(args, respond.clone(), aws.clone()).await;
            compare(&mut t, &format!("{} --{} file://", op.name, m.flag), &a, &o);
        }
    }
    t
}

fn response(op: &Operation, result: &str) -> Vec<u8> {
    let wrapper = op.result_wrapper.unwrap_or("Result");
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<{0}Response xmlns=\"{XMLNS}\">\n  <{wrapper}>{result}</{wrapper}>\n  <ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata>\n</{0}Response>\n",
        op.name
    )
    .into_bytes()
}

/// The command-line arguments for every top-level input member.
fn args_for(op: &Operation) -> Vec<String> {
    let mut args = vec![op.command.to_string()];
    for m in op.input.members {
        if common::paging(op, m) {
            continue;
        }
        // `--street2` through its hidden alias `--street-2`.
        let flag = if m.flag == "street2" {
            "--street-2".to_string()
        } else {
            format!("--{}", m.flag)
        };
        match &m.kind {
            Kind::Boolean => args.push(flag),
            Kind::Enum(values) => {
                args.push(flag);
                args.push(values.last().copied().unwrap_or("x").to_string());
            }
            Kind::Integer | Kind::Long => args.extend([flag, "3".into()]),
            Kind::List(_) => {
                args.push(flag);
                args.push(format!("{}-1", m.field.name));
                args.push(format!("{}-2,with comma", m.field.name));
            }
            _ => {
                args.push(flag);
                args.push(format!("{} é&=+/%20 ü?", m.field.name));
            }
        }
    }
    args
}

/// Runs both CLIs with the same arguments, each against its own server answering with
/// `respond`; returns both runs and the request bodies each server saw.
async fn both(
    args: Vec<String>,
    respond: Responder,
    aws: PathBuf,
) -> ((Run, Vec<Seen>), (Run, Vec<Seen>)) {
    let sa = serve_with(respond.clone()).await;
    let so = serve_with(respond).await;
    let (a, o) = tokio::join!(
        run(
            aws,
            [vec!["importexport".to_string()], args.clone()].concat(),
            sa.port,
            vec![]
        ),
        run(ours(), args, so.port, vec![]),
    );
    let seen_a = sa.seen.lock().expect("lock").clone();
    let seen_o = so.seen.lock().expect("lock").clone();
    ((a, seen_a), (o, seen_o))
}

/// Checks equal output and equal request sequences.
fn compare(
    t: &mut Tally,
    what: &str,
    (a, seen_a): &(Run, Vec<Seen>),
    (o, seen_o): &(Run, Vec<Seen>),
) {
    let forms = |seen: &[Seen]| seen.iter().map(|s| form(&s.1)).collect::<Vec<_>>();
    let (fa, fo) = (forms(seen_a), forms(seen_o));
    t.check(
        !fa.is_empty() && fa == fo,
        format!(
            "{what}: requests differ:\n aws:  {fa:?}\n ours: {fo:?}\n(ours stderr: {})",
            o.stderr
        ),
    );
    t.check(
        a.stdout == o.stdout && a.code == o.code && a.stderr == o.stderr,
        format!(
            "{what}: output differs:\n--- aws ({}):\n{}{}\n--- ours ({}):\n{}{}",
            a.code, a.stdout, a.stderr, o.code, o.stdout, o.stderr
        ),
    );
}

async fn success_case(aws: PathBuf, op: &'static Operation) -> Tally {
    let mut t = Tally::default();
    let mut result = struct_xml(op.output, op.name, 0);
    if op.paginator.is_some() {
        // One page.
        result = result.replace(
            "<IsTruncated>true</IsTruncated>",
            "<IsTruncated>false</IsTruncated>",
        );
    }
    let body = response(op, &result);
    let respond: Responder = Arc::new(move |_: &[u8]| (200, "text/xml", vec![], body.clone()));
    let (a, o) = both(args_for(op), respond, aws).await;
    compare(&mut t, &format!("{} success", op.name), &a, &o);
    t
}

async fn error_case(aws: PathBuf, op: &'static Operation, code: &'static str) -> Tally {
    let mut t = Tally::default();
    let body = format!(
        "<ErrorResponse xmlns=\"{XMLNS}\"><Error><Type>Sender</Type><Code>{code}</Code><Message>{code} happened: ünïcode &amp; &lt;more&gt;</Message></Error><RequestId>req-err</RequestId></ErrorResponse>"
    )
    .into_bytes();
    let respond: Responder = Arc::new(move |_: &[u8]| (400, "text/xml", vec![], body.clone()));
    let (a, o) = both(args_for(op), respond, aws).await;
    compare(&mut t, &format!("{} {code}", op.name), &a, &o);
    t
}

/// Three pages of jobs: `Marker` picks the page, `IsTruncated` is false on the last.
fn pages() -> Responder {
    let op = SERVICE
        .operations
        .iter()
        .find(|o| o.name == "ListJobs")
        .expect("ListJobs");
    Arc::new(move |req: &[u8]| {
        let marker = form(req)
            .into_iter()
            .find(|(k, _)| k == "Marker")
            .map(|(_, v)| v);
        let (ids, more): (&[&str], bool) = match marker.as_deref() {
            None => (&["J1", "J2"], true),
            Some("J2") => (&["J3"], true),
            Some("J3") => (&["J4", "J5"], false),
            Some(_) => (&[], false),
        };
        let jobs: String = ids
            .iter()
            .map(|id| {
                format!(
                    "<member><JobId>{id}</JobId><CreationDate>2010-01-0{}T00:00:00Z</CreationDate><IsCanceled>false</IsCanceled><JobType>Import</JobType></member>",
                    &id[1..]
                )
            })
            .collect();
        let body = response(
            op,
            &format!("<Jobs>{jobs}</Jobs><IsTruncated>{more}</IsTruncated>"),
        );
        (200, "text/xml", vec![], body)
    })
}

/// The `list-jobs` paging cases: extra arguments for each.
fn paging_args() -> Vec<Vec<String>> {
    [
        &[][..],
        &["--max-items", "3"],
        &["--max-items", "1"],
        &["--page-size", "2"],
        &["--no-paginate"],
        &["--query", "Jobs[].JobId"],
        &["--max-items", "3", "--query", "Jobs[].JobId"],
        &["--query", "Jobs[0]"],
        &["--query", "length(Jobs)"],
        &["--max-items", "4", "--query", "Jobs[-1]"],
        // botocore's tokens for `--max-items 3` (a page boundary) and `--max-items 1`
        // (mid-page), which the cases above print.
        &["--starting-token", "eyJNYXJrZXIiOiAiSjMifQ=="],
        &[
            "--starting-token",
            "eyJNYXJrZXIiOiBudWxsLCAiYm90b190cnVuY2F0ZV9hbW91bnQiOiAxfQ==",
        ],
    ]
    .iter()
    .flat_map(|extra| {
        // Each in JSON, text (which prints and queries page by page) and table.
        [&[][..], &["--output", "text"], &["--output", "table"]].map(|format| {
            let mut a = vec!["list-jobs".to_string()];
            a.extend(extra.iter().chain(format).map(|s| s.to_string()));
            a
        })
    })
    .collect()
}

async fn paging_case(aws: PathBuf, args: Vec<String>) -> Tally {
    let mut t = Tally::default();
    let what = args.join(" ");
    let (a, o) = both(args, pages(), aws).await;
    t.check(
        a.0.code == 0 && !a.0.stdout.is_empty(),
        format!("{what}: the AWS CLI failed: {}", a.0.stderr),
    );
    compare(&mut t, &what, &a, &o);
    t
}

/// Flag names: ours are the AWS CLI's for every input member of every operation.
fn flags_match(aws: &std::path::Path) -> Tally {
    let mut t = Tally::default();
    let theirs = aws_arg_tables(aws, "importexport");
    let ours_ops: BTreeSet<&str> = SERVICE.operations.iter().map(|o| o.command).collect();
    let their_ops: BTreeSet<&str> = theirs.keys().map(String::as_str).collect();
    t.check(
        ours_ops == their_ops,
        format!("commands differ: {ours_ops:?} vs {their_ops:?}"),
    );
    for op in SERVICE.operations {
        let mut ours: BTreeSet<String> = BTreeSet::new();
        for m in op.input.members {
            ours.insert(m.flag.to_string());
            if matches!(m.kind, Kind::Boolean) {
                ours.insert(format!("no-{}", m.flag));
            }
        }
        ours.insert("cli-input-json".into());
        ours.insert("generate-cli-skeleton".into());
        if op.paginator.is_some() {
            ours.extend(["starting-token", "page-size", "max-items"].map(String::from));
        }
        for (command, alias) in HIDDEN_ALIASES {
            if *command == op.command {
                ours.insert(alias.to_string());
            }
        }
        let theirs: BTreeSet<String> = theirs
            .get(op.command)
            .and_then(Value::as_array)
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
async fn importexport_matches_aws_importexport() {
    let aws = aws_cli();
    let mut total = flags_match(&aws);
    let limit = Arc::new(tokio::sync::Semaphore::new(4));
    let mut tasks = Vec::new();
    let mut codes = BTreeSet::new();
    let (_, seed) = Rng::from_env();
    println!("importexport cli differential: DIFF_SEED={seed}");
    for (i, op) in SERVICE.operations.iter().enumerate() {
        let (a, l) = (aws.clone(), limit.clone());
        tasks.push(tokio::spawn(async move {
            let _p = l.acquire_owned().await;
            output_case(a, op, i, seed).await
        }));
        let (a, l) = (aws.clone(), limit.clone());
        tasks.push(tokio::spawn(async move {
            let _p = l.acquire_owned().await;
            skeleton_case(a, op).await
        }));
    }
    for op in SERVICE.operations {
        let (a, l) = (aws.clone(), limit.clone());
        tasks.push(tokio::spawn(async move {
            let _p = l.acquire_owned().await;
            success_case(a, op).await
        }));
    }
    // Every modeled error code once: first each operation's first listed code not yet
    // taken (so every operation has an error case), then the rest on the first operation,
    // by command, that lists them.
    let mut plan: Vec<(&'static Operation, &'static str)> = Vec::new();
    for op in SERVICE.operations {
        if let Some(code) = op.errors.iter().find(|c| !codes.contains(*c)) {
            codes.insert(*code);
            plan.push((op, code));
        }
    }
    for op in SERVICE.operations {
        for code in op.errors {
            if codes.insert(*code) {
                plan.push((op, code));
            }
        }
    }
    let error_cases = plan.len();
    for (op, code) in plan {
        let (a, l) = (aws.clone(), limit.clone());
        tasks.push(tokio::spawn(async move {
            let _p = l.acquire_owned().await;
            error_case(a, op, code).await
        }));
    }
    let paging = paging_args();
    let paging_cases = paging.len();
    for args in paging {
        let (a, l) = (aws.clone(), limit.clone());
        tasks.push(tokio::spawn(async move {
            let _p = l.acquire_owned().await;
            paging_case(a, args).await
        }));
    }
    for task in tasks {
        let t = task.await.expect("case task");
        total.passed += t.passed;
        total.failures.extend(t.failures);
    }
    println!(
        "importexport cli differential: {} operations, {} error codes in {error_cases} error cases, {paging_cases} paging cases, {} checks passed, {} failed",
        SERVICE.operations.len(),
        codes.len(),
        total.passed,
        total.failures.len()
    );
    assert_eq!(codes.len(), 20, "the model's error codes: {codes:?}");
    assert!(
        total.failures.is_empty(),
        "{} differences:\n{}",
        total.failures.len(),
        total.failures.join("\n\n")
    );
}

#[test]
fn form_bodies_decode() {
    assert_eq!(
        form(b"b=x+y%26z&a=%C3%A9&a=1"),
        vec![
            ("a".to_string(), "1".to_string()),
            ("a".to_string(), "é".to_string()),
            ("b".to_string(), "x y&z".to_string()),
        ]
    );
}

//! botocore's protocol test suites (`tests/unit/protocols/{input,output}/*.json`) run
//! through our own generator and runtime.
//!
//! Every case becomes a botocore model (its suite's `metadata`, the shapes its operation
//! reaches, and its `given` operation). Cases whose models agree are merged into one
//! service per crate; each crate is generated with [`codegen::generate`] under
//! `target/protocol-tests/`, next to a generated harness binary that, per case, decodes
//! `params` into the generated input type and captures the request the runtime sends
//! (input cases), or feeds the canned response through the client (output cases). The
//! harness prints one JSON line per case; this module compares those lines with what the
//! case expects, the way botocore's `tests/unit/test_protocols.py` does: JSON bodies
//! semantically, CBOR bodies decoded, query bodies byte for byte, requests as sent over
//! the wire (through a loopback proxy), timestamps as epoch seconds, blobs as UTF-8 text,
//! special floats as the strings `NaN`, `Infinity`, `-Infinity`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Map, Value};

use super::Report;
use awsrt::internal::cbor;
use awsrt::DateTime;

/// The suite files `cargo xtask conformance` runs, relative to `tests/unit/protocols/`.
pub const DEFAULT_FILES: &[&str] = &[
    "input/smithy-rpc-v2-cbor.json",
    "input/json.json",
    "input/json_1_0.json",
    "input/query.json",
    "output/smithy-rpc-v2-cbor.json",
    "output/json.json",
    "output/json_1_0.json",
    "output/query.json",
    // The older suites botocore still runs; ec2 and rest-* are not our protocols.
    "legacy/input/json.json",
    "legacy/input/query.json",
    "legacy/output/json.json",
    "legacy/output/query.json",
    // awsQueryCompatible, and its absence.
    "input/json_1_0-query-compatible.json",
    "output/json_1_0-query-compatible.json",
    "input/smithy-rpc-v2-cbor-query-compatible.json",
    "output/smithy-rpc-v2-cbor-query-compatible.json",
    "input/smithy-rpc-v2-cbor-non-query-compatible.json",
];

/// Suite files of our protocols that botocore ships empty (`[]`): nothing to run. Listed
/// so that the check below tells them from a file we forgot; one that gains cases fails.
const EMPTY_FILES: &[&str] = &["output/smithy-rpc-v2-cbor-non-query-compatible.json"];

const DEFAULT_ENDPOINT: &str = "https://example.com";

/// Runs the default suite files of the botocore sdist, after checking that they are all
/// the sdist has for our protocols.
pub fn run(botocore: &Path) -> Vec<Report> {
    let dir = botocore.join("tests").join("unit").join("protocols");
    let files: Vec<PathBuf> = DEFAULT_FILES.iter().map(|f| dir.join(f)).collect();
    let mut reports = run_files(&files);
    let mut coverage = Report::new("botocore protocol files of our protocols");
    for found in suite_files_of_our_protocols(&dir) {
        let empty = std::fs::read_to_string(dir.join(&found))
            .ok()
            .and_then(|t| serde_json::from_str::<Value>(&t).ok())
            .is_some_and(|v| v.as_array().is_some_and(Vec::is_empty));
        let result = match (
            DEFAULT_FILES.contains(&found.as_str()),
            EMPTY_FILES.contains(&found.as_str()),
        ) {
            (true, _) => Ok(()),
            (false, true) if empty => Ok(()),
            (false, true) => Err("listed as empty but has cases: run it".to_string()),
            (false, false) => Err("not run: add it to DEFAULT_FILES".to_string()),
        };
        coverage.check(&found, result);
    }
    reports.push(coverage);
    reports
}

/// `input/`, `output/` and `legacy/*/` files whose name starts with one of our protocols
/// (`json`, `query`, `smithy-rpc-v2-cbor`), relative to `protocols/`, sorted.
fn suite_files_of_our_protocols(dir: &Path) -> Vec<String> {
    let ours = |name: &str| {
        name.ends_with(".json")
            && ["json", "query", "smithy-rpc-v2-cbor"]
                .iter()
                .any(|p| name.starts_with(p))
    };
    let mut found = Vec::new();
    for sub in ["input", "output", "legacy/input", "legacy/output"] {
        for entry in std::fs::read_dir(dir.join(sub))
            .into_iter()
            .flatten()
            .flatten()
        {
            let name = entry.file_name().to_string_lossy().into_owned();
            if ours(&name) {
                found.push(format!("{sub}/{name}"));
            }
        }
    }
    found.sort();
    found
}

/// Runs any files in botocore's protocol-test format; one report per file.
pub fn run_files(files: &[PathBuf]) -> Vec<Report> {
    match run_inner(files) {
        Ok(reports) => reports,
        Err(e) => {
            // The whole run could not happen: every file fails as one case, visibly.
            files
                .iter()
                .map(|f| {
                    let mut r = Report::new(suite_name(f));
                    r.failed.push(format!("(harness): {e}"));
                    r
                })
                .collect()
        }
    }
}

/// `botocore protocol input/json.json`, or `botocore protocol legacy/input/json.json`
/// for the legacy suites (their file names repeat the current suites').
fn suite_name(file: &Path) -> String {
    format!("botocore protocol {}", suite_path(file))
}

/// The file's path from `protocols/` on (its last two or three components).
fn suite_path(file: &Path) -> String {
    let parts: Vec<String> = file
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let keep = match parts.len() {
        n if n >= 3 && parts[n - 3] == "legacy" => 3,
        n => n.min(2),
    };
    parts[parts.len() - keep..].join("/")
}

/// One test case, resolved.
struct Case {
    /// Report index (the file).
    file: usize,
    /// `id`, or `suite:case` when the case has none.
    id: String,
    /// The protocol (`smithy-rpc-v2-cbor` or `json`).
    protocol: String,
    /// The one-operation model of this case.
    model: Value,
    /// The operation name.
    op: String,
    /// The case itself.
    case: Value,
    /// `clientEndpoint` of the suite, or the default.
    endpoint: String,
    /// The generated crate and its module for the operation, once grouped.
    krate: String,
}

/// Cases whose models merge into one service.
struct Group {
    file: usize,
    metadata: Value,
    operations: Map<String, Value>,
    shapes: Map<String, Value>,
    cases: Vec<usize>,
}

fn run_inner(files: &[PathBuf]) -> Result<Vec<Report>, String> {
    let root = super::root();
    let work = root.join("target").join("protocol-tests");
    let models_dir = work.join("models");
    let _ = std::fs::remove_dir_all(&models_dir);
    let mut reports: Vec<Report> = files.iter().map(|f| Report::new(suite_name(f))).collect();
    let mut cases: Vec<Case> = Vec::new();

    for (fi, file) in files.iter().enumerate() {
        let text = std::fs::read_to_string(file)
            .map_err(|e| format!("reading {}: {e}", file.display()))?;
        let suites: Value =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))?;
        let ignore = load_ignore_list(file);
        let protocol_file = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        for (si, suite) in suites.as_array().into_iter().flatten().enumerate() {
            let description = suite["description"].as_str().unwrap_or_default();
            for (ci, case) in suite["cases"].as_array().into_iter().flatten().enumerate() {
                // Legacy cases have no id; their position names them, with the file so
                // that DIVERGENCES can tell them apart.
                let id = case["id"]
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| format!("{} {si}:{ci}", suite_path(file)));
                let test_type = if case.get("params").is_some() {
                    "input"
                } else {
                    "output"
                };
                if ignored(&ignore, &protocol_file, test_type, description, &id) {
                    reports[fi].skipped += 1;
                    continue;
                }
                let op = case["given"]["name"]
                    .as_str()
                    .unwrap_or("OperationName")
                    .to_string();
                let model = case_model(suite, case, &op);
                let protocol = suite["metadata"]["protocol"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string();
                // A case the generator cannot take fails here, with the generator's words.
                // Lowering to the IR is where models are judged; emitting is left to the
                // merged crate, which halves the generator's work per run.
                let check_dir = models_dir.join("check");
                if let Err(e) = write_model(&check_dir, &model).and_then(|()| {
                    codegen::model::ModelFiles::load(&check_dir)
                        .and_then(|files| codegen::ir::lower(&files, "check"))
                        .map(|_| ())
                        .map_err(|e| format!("codegen: {}: {}", e.path, e.message))
                }) {
                    reports[fi].check(&id, Err(e));
                    continue;
                }
                cases.push(Case {
                    file: fi,
                    id,
                    protocol,
                    model,
                    op,
                    case: case.clone(),
                    endpoint: suite["clientEndpoint"]
                        .as_str()
                        .unwrap_or(DEFAULT_ENDPOINT)
                        .to_string(),
                    krate: String::new(),
                });
            }
        }
    }

    // Merge agreeing models, then generate one crate per group.
    let mut groups: Vec<Group> = Vec::new();
    for (i, c) in cases.iter().enumerate() {
        let fits = |g: &Group| {
            g.file == c.file
                && g.metadata == c.model["metadata"]
                && g.operations
                    .get(&c.op)
                    .is_none_or(|o| *o == c.model["operations"][&c.op])
                && c.model["shapes"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .all(|(k, v)| g.shapes.get(k).is_none_or(|s| s == v))
        };
        let gi = match groups.iter().position(fits) {
            Some(gi) => gi,
            None => {
                groups.push(Group {
                    file: c.file,
                    metadata: c.model["metadata"].clone(),
                    operations: Map::new(),
                    shapes: Map::new(),
                    cases: Vec::new(),
                });
                groups.len() - 1
            }
        };
        let g = &mut groups[gi];
        g.operations
            .insert(c.op.clone(), c.model["operations"][&c.op].clone());
        for (k, v) in c.model["shapes"].as_object().into_iter().flatten() {
            g.shapes.insert(k.clone(), v.clone());
        }
        g.cases.push(i);
    }

    let mut members = vec!["harness".to_string()];
    let mut harness_deps = String::new();
    let mut crate_names = Vec::new();
    for (gi, g) in groups.iter().enumerate() {
        let name = format!("pt_f{}_g{gi}", g.file);
        let model = json!({
            "metadata": g.metadata,
            "operations": g.operations,
            "shapes": g.shapes,
        });
        let dir = models_dir.join(&name);
        write_model(&dir, &model)?;
        let files = codegen::generate(&codegen::CrateSpec {
            model_dir: dir,
            crate_name: name.clone(),
            runtime_path: RUNTIME_FROM_CRATE.into(),
            runtime_version: crate::codegen::runtime_version(&root)?,
            version: "0.1.0".into(),
        });
        match files {
            Ok(files) => {
                codegen::write(&work.join(&name), &files).map_err(|e| e.to_string())?;
                members.push(name.clone());
                let _ = writeln!(
                    harness_deps,
                    "{name} = {{ package = {:?}, path = \"../{name}\" }}",
                    codegen::package_name(&name)
                );
                crate_names.push(Some(name));
            }
            Err(e) => {
                // Each case generated alone, so a merged model failing is a merge
                // problem: report it on every case of the group.
                for &ci in &g.cases {
                    reports[cases[ci].file]
                        .check(&cases[ci].id, Err(format!("codegen (merged model): {e}")));
                }
                crate_names.push(None);
            }
        }
    }
    for (gi, g) in groups.iter().enumerate() {
        if let Some(name) = &crate_names[gi] {
            for &ci in &g.cases {
                cases[ci].krate = name.clone();
            }
        }
    }
    let runnable: Vec<usize> = (0..cases.len())
        .filter(|&i| !cases[i].krate.is_empty())
        .collect();
    if runnable.is_empty() {
        return Ok(reports);
    }

    write_workspace(&root, &work, &members, &harness_deps, &cases, &runnable)?;
    let lines = build_and_run(&root, &work)?;
    let mut outcomes: BTreeMap<usize, Value> = BTreeMap::new();
    for line in lines.lines() {
        if let Ok(v) = serde_json::from_str::<Value>(line) {
            if let Some(n) = v["case"].as_u64() {
                outcomes.insert(n as usize, v);
            }
        }
    }
    for &i in &runnable {
        let c = &cases[i];
        let result = match outcomes.get(&i) {
            None => Err("the harness printed nothing for this case".to_string()),
            Some(out) => judge(c, out),
        };
        match DIVERGENCES.iter().find(|d| d.0 == c.id) {
            Some((_, symptom, why)) => match result {
                // Skipped only while it fails the documented way; anything else shows.
                Err(e) if e.contains(symptom) => {
                    println!(
                        "SKIP [{}] {}: deliberate divergence: {why}",
                        reports[c.file].suite, c.id
                    );
                    reports[c.file].skipped += 1;
                }
                Ok(()) => reports[c.file].check(
                    &c.id,
                    Err(
                        "passes, but is listed as a deliberate divergence: update DIVERGENCES"
                            .into(),
                    ),
                ),
                Err(e) => reports[c.file].check(&c.id, Err(e)),
            },
            None => reports[c.file].check(&c.id, result),
        }
    }
    Ok(reports)
}

/// Cases where we deliberately differ from botocore: (case id, text our failure must
/// contain, why). They are counted as skipped and printed; a case that starts passing,
/// or fails another way, fails.
const DIVERGENCES: &[(&str, &str, &str)] = &[
    (
        "legacy/output/json.json 6:0",
        "event streams are not supported yet",
        "event-stream operations fail with a clear error until the runtime speaks event streams",
    ),
    (
        "legacy/output/json.json 3:1",
        "expected a string",
        "a `string` shape given JSON objects and a non-sparse list given nulls: botocore passes \
         any JSON value through untyped; a typed String or Vec<String> cannot hold them",
    ),
    (
        "legacy/output/json.json 7:1",
        "error fields {} != ",
        "an error code the operation does not list: botocore decodes it with any shape of the \
         service; our operation error enum holds only the operation's errors, so it is \
         unhandled with the same code and message",
    ),
    (
        "legacy/output/query.json 16:1",
        "error fields {} != ",
        "as legacy/output/json.json 7:1",
    ),
];

/// The runtime's path as seen from a generated crate in `target/protocol-tests/<crate>/`.
const RUNTIME_FROM_CRATE: &str = "../../../runtime";

/// botocore's ignore list, in the nearest ancestor directory that has it
/// (`protocols/`, for the current and the legacy suites alike, as botocore's runner reads
/// the one list for every file it walks).
fn load_ignore_list(file: &Path) -> Value {
    file.ancestors()
        .map(|d| d.join("protocol-tests-ignore-list.json"))
        .find(|p| p.is_file())
        .and_then(|p| std::fs::read_to_string(p).ok())
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or(Value::Null)
}

/// botocore's `_should_ignore_test`.
fn ignored(list: &Value, protocol: &str, test_type: &str, suite: &str, case: &str) -> bool {
    let hit = |v: &Value| {
        let has = |key: &str, needle: &str| {
            v[key]
                .as_array()
                .is_some_and(|a| a.iter().any(|x| x.as_str() == Some(needle)))
        };
        has("suites", suite) || has("cases", case)
    };
    hit(&list["general"][test_type]) || hit(&list["protocols"][protocol][test_type])
}

/// The one-operation model of a case: suite metadata with the fields our model requires,
/// the shapes the operation reaches, and the `given` operation.
fn case_model(suite: &Value, case: &Value, op: &str) -> Value {
    let mut metadata = suite["metadata"].as_object().cloned().unwrap_or_default();
    for (k, v) in [
        ("apiVersion", "2020-01-01"),
        ("endpointPrefix", "protocoltests"),
        ("serviceId", "ProtocolTests"),
        ("serviceFullName", "Protocol Tests"),
        ("signatureVersion", "v4"),
    ] {
        metadata.entry(k).or_insert_with(|| Value::String(v.into()));
    }
    let shapes = suite["shapes"].as_object().cloned().unwrap_or_default();
    let given = &case["given"];
    let mut reached: Map<String, Value> = Map::new();
    let mut stack: Vec<String> = Vec::new();
    for key in ["input", "output"] {
        if let Some(s) = given[key]["shape"].as_str() {
            stack.push(s.into());
        }
    }
    for e in given["errors"].as_array().into_iter().flatten() {
        if let Some(s) = e["shape"].as_str() {
            stack.push(s.into());
        }
    }
    while let Some(name) = stack.pop() {
        if reached.contains_key(&name) {
            continue;
        }
        let Some(shape) = shapes.get(&name) else {
            continue;
        };
        for r in shape["members"].as_object().into_iter().flatten() {
            if let Some(s) = r.1["shape"].as_str() {
                stack.push(s.into());
            }
        }
        for key in ["member", "key", "value"] {
            if let Some(s) = shape[key]["shape"].as_str() {
                stack.push(s.into());
            }
        }
        reached.insert(name, shape.clone());
    }
    let mut operation = given.clone();
    if let Some(o) = operation.as_object_mut() {
        o.insert("name".into(), Value::String(op.into()));
        o.entry("http")
            .or_insert_with(|| json!({"method": "POST", "requestUri": "/"}));
    }
    // botocore's runner gives query outputs with members the `resultWrapper` real
    // models carry (`<Op>Result`); the suites leave it out.
    if suite["metadata"]["protocol"] == "query" {
        let has_members = given["output"]["shape"]
            .as_str()
            .and_then(|s| shapes.get(s))
            .and_then(|s| s["members"].as_object())
            .is_some_and(|m| !m.is_empty());
        if let (true, Some(out)) = (
            has_members,
            operation.get_mut("output").and_then(Value::as_object_mut),
        ) {
            out.insert("resultWrapper".into(), Value::String(format!("{op}Result")));
        }
    }
    json!({
        "metadata": metadata,
        "operations": { op: operation },
        "shapes": reached,
    })
}

fn write_model(dir: &Path, model: &Value) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    let text = serde_json::to_string_pretty(model).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("service-2.json"), text)
        .map_err(|e| format!("writing model in {}: {e}", dir.display()))
}

fn camel(s: &str) -> String {
    codegen::naming::camel(s)
}

fn snake(s: &str) -> String {
    codegen::naming::snake(s)
}

fn write_workspace(
    root: &Path,
    work: &Path,
    members: &[String],
    harness_deps: &str,
    cases: &[Case],
    runnable: &[usize],
) -> Result<(), String> {
    let io = |p: &Path, e: std::io::Error| format!("writing {}: {e}", p.display());
    let list: Vec<String> = members.iter().map(|m| format!("{m:?}")).collect();
    let ws = format!(
        "# Generated by `cargo xtask conformance`; not committed.\n[workspace]\nresolver = \"2\"\nmembers = [{}]\n\n[profile.dev]\ndebug = false\nopt-level = 0\n",
        list.join(", ")
    );
    let p = work.join("Cargo.toml");
    std::fs::write(&p, ws).map_err(|e| io(&p, e))?;
    // The main workspace's lock file pins the same dependency versions, so nothing is
    // resolved or fetched anew and the shared target dir is reused.
    let lock = root.join("Cargo.lock");
    if lock.exists() {
        let dst = work.join("Cargo.lock");
        std::fs::copy(&lock, &dst).map_err(|e| io(&dst, e))?;
    }
    let harness = work.join("harness");
    std::fs::create_dir_all(harness.join("src")).map_err(|e| io(&harness, e))?;
    let template = root.join("xtask").join("protocol-harness");
    let manifest = std::fs::read_to_string(template.join("Cargo.toml.in"))
        .map_err(|e| format!("reading harness template: {e}"))?
        .replace("{{DEPS}}", harness_deps);
    let p = harness.join("Cargo.toml");
    std::fs::write(&p, manifest).map_err(|e| io(&p, e))?;
    let prelude = std::fs::read_to_string(template.join("prelude.rs"))
        .map_err(|e| format!("reading harness template: {e}"))?;
    let mut main = prelude;
    main.push_str("\nasync fn run_all() {\n");
    for &i in runnable {
        let _ = writeln!(main, "    case_{i}().await;");
    }
    main.push_str("}\n");
    for &i in runnable {
        main.push_str(&case_fn(i, &cases[i])?);
    }
    let p = harness.join("src").join("main.rs");
    if std::fs::read_to_string(&p).ok().as_deref() != Some(main.as_str()) {
        std::fs::write(&p, main).map_err(|e| io(&p, e))?;
    }
    Ok(())
}

/// The harness function of one case.
fn case_fn(i: usize, c: &Case) -> Result<String, String> {
    let krate = &c.krate;
    let module = snake(&c.op);
    let ty = camel(&c.op);
    let op_path = format!("{krate}::operation::{module}");
    let mut s = String::new();
    let _ = writeln!(s, "\nasync fn case_{i}() {{");
    if let Some(params) = c.case.get("params") {
        let input_shape = c.model["operations"][&c.op]["input"]["shape"].as_str();
        let wire = match input_shape {
            Some(shape) => to_wire(&c.model["shapes"], shape, params)?,
            None => json!({}),
        };
        let text = serde_json::to_string(&wire).map_err(|e| e.to_string())?;
        let _ = writeln!(
            s,
            "    let input: Result<{op_path}::{ty}Input, _> = ::awsrt::internal::json::from_slice({:?}.as_bytes());",
            text
        );
        let _ = writeln!(s, "    input_case({i}, {:?}, input).await;\n}}", c.endpoint);
        return Ok(s);
    }
    let resp = &c.case["response"];
    let status = resp["status_code"].as_u64().unwrap_or(200);
    let headers: Vec<String> = resp["headers"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| format!("({:?}, {:?})", k, v.as_str().unwrap_or_default()))
        .collect();
    let body_text = resp["body"].as_str().unwrap_or_default();
    let body: Vec<u8> = if c.protocol == "smithy-rpc-v2-cbor" {
        base64_decode(body_text).ok_or("response body is not base64")?
    } else {
        body_text.as_bytes().to_vec()
    };
    let placeholder = match c.model["operations"][&c.op]["input"]["shape"].as_str() {
        Some(shape) => minimal(&c.model["shapes"], shape, 0)?,
        None => json!({}),
    };
    let placeholder = serde_json::to_string(&placeholder).map_err(|e| e.to_string())?;
    let _ = writeln!(
        s,
        "    let input: Result<{op_path}::{ty}Input, _> = ::awsrt::internal::json::from_slice({placeholder:?}.as_bytes());\n    let result = output_case({status}, &[{}], &{body:?}, &input).await;",
        headers.join(", ")
    );
    s.push_str("    match result {\n");
    s.push_str("        Ok(out) => print_output(");
    let _ = writeln!(s, "{i}, &out),");
    s.push_str("        Err(e) => {\n            let modeled: Option<(&str, Vec<u8>)> = match e.as_ref().ok().and_then(|e| e.as_service()) {\n");
    for err in c.model["operations"][&c.op]["errors"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let Some(shape) = err["shape"].as_str() else {
            continue;
        };
        let variant = camel(shape);
        let _ = writeln!(
            s,
            "                Some({op_path}::{ty}Error::{variant}(v)) => Some(({shape:?}, ::awsrt::internal::json::to_vec(v))),"
        );
    }
    s.push_str("                _ => None,\n            };\n");
    let _ = writeln!(
        s,
        "            print_error({i}, &e, modeled);\n        }}\n    }}\n}}"
    );
    Ok(s)
}

fn build_and_run(root: &Path, work: &Path) -> Result<String, String> {
    let target = root.join("target");
    let status = Command::new(env_cargo())
        .args([
            "build",
            "--quiet",
            "-p",
            "protocol-harness",
            "--manifest-path",
        ])
        .arg(work.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&target)
        .status()
        .map_err(|e| format!("running cargo: {e}"))?;
    if !status.success() {
        return Err(format!(
            "building the protocol harness failed ({status}); see the compiler output above"
        ));
    }
    let exe = target.join("debug").join("protocol-harness");
    let out = Command::new(&exe)
        .output()
        .map_err(|e| format!("running {}: {e}", exe.display()))?;
    if !out.status.success() {
        return Err(format!(
            "the protocol harness failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn env_cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

// ---- botocore params -> wire JSON (the awsJson form our JSON reader decodes) ----

fn shape_of<'a>(shapes: &'a Value, name: &str) -> Result<&'a Value, String> {
    shapes
        .get(name)
        .ok_or_else(|| format!("shape `{name}` is not in the model"))
}

/// Rewrites botocore-style `params` for shape `name` into the JSON our runtime's awsJson
/// decoder reads: `jsonName` keys, base64 blobs, timestamps in the member's format, no
/// nulls in structures.
fn to_wire(shapes: &Value, name: &str, v: &Value) -> Result<Value, String> {
    to_wire_ref(shapes, name, None, v)
}

fn to_wire_ref(shapes: &Value, name: &str, ts: Option<&str>, v: &Value) -> Result<Value, String> {
    let shape = shape_of(shapes, name)?;
    Ok(match shape["type"].as_str().unwrap_or_default() {
        // A document is its JSON value, inline.
        "structure" if shape["document"] == true => v.clone(),
        "structure" => {
            let mut out = Map::new();
            for (k, x) in v.as_object().into_iter().flatten() {
                if x.is_null() {
                    continue;
                }
                let m = &shape["members"][k];
                let Some(target) = m["shape"].as_str() else {
                    return Err(format!("`{k}` is not a member of `{name}`"));
                };
                let key = m["jsonName"].as_str().unwrap_or(k);
                let fmt = m["timestampFormat"].as_str();
                out.insert(key.into(), to_wire_ref(shapes, target, fmt, x)?);
            }
            Value::Object(out)
        }
        "list" => {
            let item = shape["member"]["shape"].as_str().unwrap_or_default();
            let fmt = shape["member"]["timestampFormat"].as_str();
            let mut out = Vec::new();
            for x in v.as_array().into_iter().flatten() {
                out.push(if x.is_null() {
                    Value::Null
                } else {
                    to_wire_ref(shapes, item, fmt, x)?
                });
            }
            Value::Array(out)
        }
        "map" => {
            let value = shape["value"]["shape"].as_str().unwrap_or_default();
            let fmt = shape["value"]["timestampFormat"].as_str();
            let mut out = Map::new();
            for (k, x) in v.as_object().into_iter().flatten() {
                out.insert(
                    k.clone(),
                    if x.is_null() {
                        Value::Null
                    } else {
                        to_wire_ref(shapes, value, fmt, x)?
                    },
                );
            }
            Value::Object(out)
        }
        "blob" => Value::String(base64_encode(v.as_str().unwrap_or_default().as_bytes())),
        "timestamp" => {
            let t = param_time(v).ok_or_else(|| format!("bad timestamp param {v}"))?;
            match ts.or(shape["timestampFormat"].as_str()) {
                Some("iso8601") => Value::String(t.fmt_iso8601()),
                Some("rfc822") => Value::String(t.fmt_http_date()),
                _ => json!(t.as_secs_f64()),
            }
        }
        _ => v.clone(),
    })
}

/// The smallest wire-JSON value of shape `name` that decodes: required members only.
fn minimal(shapes: &Value, name: &str, depth: usize) -> Result<Value, String> {
    if depth > 32 {
        return Err(format!("required members of `{name}` recurse without end"));
    }
    let shape = shape_of(shapes, name)?;
    Ok(match shape["type"].as_str().unwrap_or_default() {
        "structure" => {
            let mut out = Map::new();
            for req in shape["required"].as_array().into_iter().flatten() {
                let req = req.as_str().unwrap_or_default();
                let m = &shape["members"][req];
                let target = m["shape"].as_str().unwrap_or_default();
                let key = m["jsonName"].as_str().unwrap_or(req);
                out.insert(key.into(), minimal(shapes, target, depth + 1)?);
            }
            Value::Object(out)
        }
        "list" => json!([]),
        "map" => json!({}),
        "string" => match shape["enum"].as_array().and_then(|a| a.first()) {
            Some(v) => v.clone(),
            None => json!(""),
        },
        "blob" => json!(""),
        "boolean" => json!(false),
        _ => json!(0),
    })
}

/// A timestamp as botocore accepts it in params: epoch seconds or an ISO 8601 string.
fn param_time(v: &Value) -> Option<DateTime> {
    match v {
        Value::Number(n) => DateTime::from_secs_f64(n.as_f64()?),
        Value::String(s) => DateTime::parse_iso8601(s)
            .ok()
            .or_else(|| DateTime::from_secs_f64(s.parse().ok()?)),
        _ => None,
    }
}

// ---- judging ----

fn judge(c: &Case, out: &Value) -> Result<(), String> {
    if let Some(f) = out["fail"].as_str() {
        return Err(f.to_string());
    }
    if c.case.get("params").is_some() {
        judge_input(c, out)
    } else {
        judge_output(c, out)
    }
}

fn judge_input(c: &Case, out: &Value) -> Result<(), String> {
    let exp = &c.case["serialized"];
    let req = &out["request"];
    let headers: BTreeMap<String, String> = req["headers"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| {
            (
                k.to_ascii_lowercase(),
                v.as_str().unwrap_or_default().into(),
            )
        })
        .collect();
    let body = base64_decode(req["body"].as_str().unwrap_or_default()).unwrap_or_default();
    if let Some(m) = exp["method"].as_str() {
        if req["method"].as_str() != Some(m) {
            return Err(format!("method {} != {m}", req["method"]));
        }
    }
    let uri = exp["uri"].as_str().unwrap_or_default();
    if req["uri"].as_str() != Some(uri) {
        return Err(format!("uri {} != {uri:?}", req["uri"]));
    }
    for (k, v) in exp["headers"].as_object().into_iter().flatten() {
        let mut want = v.as_str().unwrap_or_default().to_string();
        // botocore's runner: query requests carry `; charset=utf-8`, the suites do not.
        if c.protocol == "query"
            && k.eq_ignore_ascii_case("content-type")
            && !want.contains("charset=utf-8")
        {
            want.push_str("; charset=utf-8");
        }
        match headers.get(&k.to_ascii_lowercase()) {
            Some(got) if *got == want => {}
            got => return Err(format!("header {k}: {got:?} != {want:?}")),
        }
    }
    for k in exp["forbidHeaders"].as_array().into_iter().flatten() {
        let k = k.as_str().unwrap_or_default();
        if headers.contains_key(&k.to_ascii_lowercase()) {
            return Err(format!("forbidden header {k} is present"));
        }
    }
    for k in exp["requireHeaders"].as_array().into_iter().flatten() {
        let k = k.as_str().unwrap_or_default();
        // The captured request is the one that went over the wire, so a header the
        // transport adds (Content-Length) counts, and one it lacks fails.
        if !headers.contains_key(&k.to_ascii_lowercase()) {
            return Err(format!("required header {k} is missing"));
        }
    }
    if let Some(host) = exp["host"].as_str() {
        if req["host"].as_str() != Some(host) {
            return Err(format!("host {} != {host:?}", req["host"]));
        }
    }
    if c.protocol == "smithy-rpc-v2-cbor" && !body.is_empty() {
        let want = base64_decode(exp["body"].as_str().unwrap_or_default())
            .ok_or("expected body is not base64")?;
        let got = cbor::decode_value(&body).map_err(|e| format!("our body: {e}"))?;
        let want = cbor::decode_value(&want).map_err(|e| format!("expected body: {e}"))?;
        if !cbor_eq(&got, &want) {
            return Err(format!("body {got:?} != {want:?}"));
        }
    } else if let Some(want) = exp["body"].as_str() {
        if c.protocol == "json" {
            let got: Value = serde_json::from_slice(&body)
                .map_err(|e| format!("our body is not JSON ({e}): {:?}", lossy(&body)))?;
            let want: Value =
                serde_json::from_str(want).map_err(|e| format!("expected body: {e}"))?;
            if !json_eq(&got, &want) {
                return Err(format!("body {got} != {want}"));
            }
        } else if c.protocol == "query" {
            // botocore's runner compares the bytes exactly (order and escapes count),
            // after encoding the body with `percent_encode_sequence`, which writes a space
            // as `%20` where the wire form (`urlencode`, which we send) writes `+`. A `+`
            // in our body is always a space (a literal plus is `%2B`), so this is the
            // same body in the runner's spelling.
            let got = runner_query_body(&lossy(&body));
            if got != want {
                return Err(format!("body {got:?} != {want:?}"));
            }
        } else if body != want.as_bytes() {
            return Err(format!("body {:?} != {want:?}", lossy(&body)));
        }
    }
    Ok(())
}

/// Our form body as botocore's protocol-test runner spells the same pairs: `%20`, not
/// `+`, for a space.
fn runner_query_body(body: &str) -> String {
    body.replace('+', "%20")
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn judge_output(c: &Case, out: &Value) -> Result<(), String> {
    let shapes = &c.model["shapes"];
    if let Some(err) = c.case.get("error") {
        let Some(got) = out.get("error") else {
            return Err(format!("expected error, got output {}", out["output"]));
        };
        let code = c.case["errorCode"].as_str().unwrap_or_default();
        let message = c.case["errorMessage"].as_str().unwrap_or_default();
        if got["code"].as_str() != Some(code) {
            return Err(format!("error code {} != {code:?}", got["code"]));
        }
        if got["message"].as_str().unwrap_or_default() != message {
            return Err(format!("error message {} != {message:?}", got["message"]));
        }
        let actual = match got["shape"].as_str() {
            Some(shape) => {
                let v: Value = serde_json::from_str(got["body"].as_str().unwrap_or("{}"))
                    .map_err(|e| format!("modeled error JSON: {e}"))?;
                from_wire(shapes, shape, None, &v)?
            }
            None => json!({}),
        };
        return if value_eq(&actual, err) {
            Ok(())
        } else {
            Err(format!("error fields {actual} != {err}"))
        };
    }
    let expected = &c.case["result"];
    let Some(got) = out.get("output") else {
        return Err(format!("expected a result, got error {}", out["error"]));
    };
    let actual = match c.model["operations"][&c.op]["output"]["shape"].as_str() {
        Some(shape) => {
            let v: Value = serde_json::from_str(got.as_str().unwrap_or("{}"))
                .map_err(|e| format!("output JSON: {e}"))?;
            from_wire(shapes, shape, None, &v)?
        }
        None => json!({}),
    };
    if value_eq(&actual, expected) {
        Ok(())
    } else {
        Err(format!("result {actual} != {expected}"))
    }
}

/// Our JSON encoding of a value of shape `name`, back in botocore's parsed form: member
/// names, blobs as UTF-8 text, timestamps as epoch seconds, `f32` values widened exactly.
fn from_wire(shapes: &Value, name: &str, ts: Option<&str>, v: &Value) -> Result<Value, String> {
    if v.is_null() {
        return Ok(Value::Null);
    }
    let shape = shape_of(shapes, name)?;
    Ok(match shape["type"].as_str().unwrap_or_default() {
        "structure" if shape["document"] == true => v.clone(),
        "structure" => {
            let mut out = Map::new();
            for (m, r) in shape["members"].as_object().into_iter().flatten() {
                let key = r["jsonName"].as_str().unwrap_or(m);
                if let Some(x) = v.get(key) {
                    let target = r["shape"].as_str().unwrap_or_default();
                    let fmt = r["timestampFormat"].as_str();
                    out.insert(m.clone(), from_wire(shapes, target, fmt, x)?);
                }
            }
            Value::Object(out)
        }
        "list" => {
            let item = shape["member"]["shape"].as_str().unwrap_or_default();
            let fmt = shape["member"]["timestampFormat"].as_str();
            let mut out = Vec::new();
            for x in v.as_array().into_iter().flatten() {
                out.push(from_wire(shapes, item, fmt, x)?);
            }
            Value::Array(out)
        }
        "map" => {
            let value = shape["value"]["shape"].as_str().unwrap_or_default();
            let fmt = shape["value"]["timestampFormat"].as_str();
            let mut out = Map::new();
            for (k, x) in v.as_object().into_iter().flatten() {
                out.insert(k.clone(), from_wire(shapes, value, fmt, x)?);
            }
            Value::Object(out)
        }
        "blob" => {
            let b = base64_decode(v.as_str().unwrap_or_default()).ok_or("blob is not base64")?;
            Value::String(lossy(&b))
        }
        "timestamp" => {
            let t = match (v, ts.or(shape["timestampFormat"].as_str())) {
                (Value::Number(n), _) => n.as_f64(),
                (Value::String(s), Some("rfc822")) => {
                    DateTime::parse_http_date(s).ok().map(|t| t.as_secs_f64())
                }
                (Value::String(s), _) => DateTime::parse_iso8601(s).ok().map(|t| t.as_secs_f64()),
                _ => None,
            };
            json!(t.ok_or_else(|| format!("bad timestamp {v}"))?)
        }
        _ => v.clone(),
    })
}

/// Equality as Python's `==` on parsed JSON: numbers by value.
fn value_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| value_eq(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| value_eq(v, w)))
        }
        _ => a == b,
    }
}

fn json_eq(a: &Value, b: &Value) -> bool {
    value_eq(a, b)
}

/// Decoded CBOR equality as botocore compares parsed bodies: maps unordered, numbers by
/// value (NaN equal to NaN, as botocore maps both to the string `NaN`), tags by content.
fn cbor_eq(a: &cbor::Value, b: &cbor::Value) -> bool {
    use cbor::Value as V;
    let num = |v: &V| -> Option<f64> {
        match v {
            V::Unsigned(n) => Some(*n as f64),
            V::Negative(n) => Some(-1.0 - *n as f64),
            V::Float(f) => Some(*f),
            _ => None,
        }
    };
    match (a, b) {
        (V::Tag(x, p), V::Tag(y, q)) => x == y && cbor_eq(p, q),
        (V::Array(x), V::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| cbor_eq(p, q))
        }
        (V::Map(x), V::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.iter().any(|(k2, v2)| cbor_eq(k, k2) && cbor_eq(v, v2)))
        }
        _ => match (num(a), num(b)) {
            (Some(x), Some(y)) => x == y || (x.is_nan() && y.is_nan()),
            _ => a == b,
        },
    }
}

// ---- base64 (the runtime keeps its own private) ----

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64_encode(input: &[u8]) -> String {
    let mut out = String::new();
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(B64[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn base64_decode(input: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in input.bytes().filter(|c| !c.is_ascii_whitespace()) {
        if c == b'=' {
            break;
        }
        let v = B64.iter().position(|&x| x == c)? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips() {
        for s in ["", "f", "fo", "foo", "foob", "fooba", "foobar"] {
            assert_eq!(
                base64_decode(&base64_encode(s.as_bytes())).unwrap(),
                s.as_bytes()
            );
        }
        assert_eq!(base64_encode(b"foo"), "Zm9v");
        assert_eq!(base64_decode("v/8=").unwrap(), vec![0xbf, 0xff]);
    }

    #[test]
    fn query_bodies_keep_order_and_escapes() {
        assert_eq!(runner_query_body("a=1+2&b=x%3Ay"), "a=1%202&b=x%3Ay");
        assert_eq!(runner_query_body("a=%2B"), "a=%2B");
        // Order and escapes are not normalized away.
        assert_ne!(runner_query_body("b=1&a=2"), "a=2&b=1");
        assert_ne!(runner_query_body("a=x:y"), "a=x%3Ay");
    }

    #[test]
    fn legacy_suites_find_the_ignore_list_and_have_their_own_names() {
        let dir = std::env::temp_dir().join(format!("pt-ignore-{}", std::process::id()));
        let legacy = dir.join("protocols").join("legacy").join("input");
        std::fs::create_dir_all(&legacy).unwrap();
        std::fs::write(
            dir.join("protocols")
                .join("protocol-tests-ignore-list.json"),
            r#"{"general": {"input": {"suites": ["S"]}}}"#,
        )
        .unwrap();
        let file = legacy.join("json.json");
        let list = load_ignore_list(&file);
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(ignored(&list, "json", "input", "S", "x"));
        assert_eq!(
            suite_name(&file),
            "botocore protocol legacy/input/json.json"
        );
        assert_eq!(
            suite_name(Path::new("/p/protocols/input/json.json")),
            "botocore protocol input/json.json"
        );
    }

    #[test]
    fn ignore_list_matches_suites_and_cases() {
        let list = json!({
            "general": {"input": {"suites": ["S"]}},
            "protocols": {"json": {"output": {"cases": ["C"]}}}
        });
        assert!(ignored(&list, "json", "input", "S", "x"));
        assert!(!ignored(&list, "json", "output", "S", "x"));
        assert!(ignored(&list, "json", "output", "T", "C"));
        assert!(!ignored(&list, "query", "output", "T", "C"));
    }
}

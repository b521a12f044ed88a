//! The command-line client shared by every service binary: it behaves like
//! `aws <service>` (AWS CLI v1) for the command table the binary passes to
//! [`crate::main`] (the generated `<crate>::cli::SERVICE`). It parses flags into an input document,
//! sends it through the command's call, pages, and prints what the AWS CLI would
//! print. Nothing here knows a particular service.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use std::io::{IsTerminal, Write};

use crate::format;
use crate::output;
use crate::paramfile;
use crate::params;
use crate::pyjson;
use crate::service;
use crate::skeleton;
use crate::transport;
use awsrt::internal::cli::{Command as Operation, Failure, Kind};
use serde_json::{Map, Value};

/// Exit code for a service error, a validation error or an unknown option (AWS CLI v1).
const EXIT_ERROR: u8 = 255;
/// Exit code for a usage error caught by argument parsing (argparse).
const EXIT_USAGE: u8 = 2;
/// The connect timeout without `--cli-connect-timeout` (the runtime's default).
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_millis(3100);

/// The AWS CLI v1 release whose output this client reproduces (the differential tests'
/// oracle).
const AWS_CLI_VERSION: &str = "1.46.3";

/// What `--version` prints: this client's version and the AWS CLI it stands in for.
fn version() -> String {
    format!(
        "{0}/{1} (drop-in for `aws {0}` of aws-cli/{AWS_CLI_VERSION})",
        service().table.command,
        env!("CARGO_PKG_VERSION"),
    )
}

/// The argparse usage text, for this binary.
fn usage() -> String {
    let cmd = service().table.command;
    format!(
        "usage: {cmd} [options] <command> [parameters]\nTo see help text, you can run:\n\n  {cmd} help\n  {cmd} <command> help\n"
    )
}

/// The global options.
#[derive(Default, Debug)]
struct Globals {
    endpoint_url: Option<String>,
    region: Option<String>,
    profile: Option<String>,
    output: Option<String>,
    query: Option<String>,
    no_paginate: bool,
    debug: bool,
    read_timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    protocol: Option<String>,
    no_sign_request: bool,
    ca_bundle: Option<String>,
    color: Color,
}

/// `--color`: whether table output is coloured (`auto`: when stdout is a terminal).
#[derive(Default, Debug, Clone, Copy, PartialEq)]
enum Color {
    On,
    Off,
    #[default]
    Auto,
}

/// `--output`, the profile's `output` or `AWS_DEFAULT_OUTPUT`.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Format {
    Json,
    Text,
    Table,
}

impl Format {
    fn parse(v: &str) -> Option<Format> {
        match v {
            "json" => Some(Format::Json),
            "text" => Some(Format::Text),
            "table" => Some(Format::Table),
            _ => None,
        }
    }
}

/// An error with its exit code and the text for stderr.
struct Exit {
    code: u8,
    text: String,
}

impl Exit {
    fn usage(msg: impl std::fmt::Display) -> Self {
        Exit {
            code: EXIT_USAGE,
            text: format!("{}{}: error: {msg}\n", usage(), service().table.command),
        }
    }
    fn error(msg: impl std::fmt::Display) -> Self {
        Exit {
            code: EXIT_ERROR,
            text: format!("\n{msg}\n"),
        }
    }
}

/// Runs the command line of this process and returns its exit code.
pub(crate) fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprint!("{}", e.text);
            ExitCode::from(e.code)
        }
    }
}

/// The flags of one command, by name (without `--`), each with its raw arguments.
type Flags = Vec<(String, Vec<String>)>;

fn run(args: Vec<String>) -> Result<(), Exit> {
    let mut g = Globals::default();
    let mut command: Option<String> = None;
    let mut help = false;
    let mut flags: Flags = Vec::new();
    let mut unknown: Vec<String> = Vec::new();
    let mut i = 0;
    let takes_value = |name: &str| {
        matches!(
            name,
            "endpoint-url"
                | "region"
                | "profile"
                | "output"
                | "query"
                | "cli-read-timeout"
                | "cli-connect-timeout"
                | "color"
                | "ca-bundle"
        ) || (name == "protocol" && several_protocols())
    };
    while i < args.len() {
        let a = &args[i];
        i += 1;
        if a == "--help" || a == "-h" || (a == "help" && flags.is_empty()) {
            help = true;
            continue;
        }
        let Some(flag) = a.strip_prefix("--") else {
            if command.is_none() {
                command = Some(a.clone());
            } else {
                unknown.push(a.clone());
            }
            continue;
        };
        let (name, inline) = match flag.split_once('=') {
            Some((n, v)) => (n.to_string(), Some(v.to_string())),
            None => (flag.to_string(), None),
        };
        if takes_value(&name) {
            let v = match inline {
                Some(v) => v,
                None if i < args.len() => {
                    i += 1;
                    args[i - 1].clone()
                }
                None => {
                    return Err(Exit::usage(format!(
                        "argument --{name}: expected one argument"
                    )))
                }
            };
            match name.as_str() {
                "endpoint-url" => g.endpoint_url = Some(v),
                "region" => g.region = Some(v),
                "profile" => g.profile = Some(v),
                "output" if Format::parse(&v).is_some() => g.output = Some(v),
                "output" => {
                    return Err(Exit::usage(format!(
                        "argument --output: invalid choice: '{v}' (choose from 'json', 'text', 'table')"
                    )))
                }
                "query" => g.query = Some(v),
                "cli-read-timeout" => g.read_timeout = timeout(&name, &v)?,
                "cli-connect-timeout" => g.connect_timeout = timeout(&name, &v)?,
                "protocol" => g.protocol = Some(v),
                // Only table output is ever coloured, as in the AWS CLI.
                "color" if v == "on" => g.color = Color::On,
                "color" if v == "off" => g.color = Color::Off,
                "color" if v == "auto" => g.color = Color::Auto,
                "color" => {
                    return Err(Exit::usage(format!(
                        "argument --color: invalid choice: '{v}' (choose from 'on', 'off', 'auto')"
                    )))
                }
                // Wins over AWS_CA_BUNDLE and the profile's ca_bundle, as in the AWS CLI.
                "ca-bundle" => g.ca_bundle = Some(v),
                _ => {}
            }
            continue;
        }
        match name.as_str() {
            "no-paginate" => g.no_paginate = true,
            "debug" => g.debug = true,
            "no-sign-request" => g.no_sign_request = true,
            // Refused rather than ignored: the user asked for something this client
            // does not do (an `http://` endpoint URL is the way to reach a local server).
            "no-verify-ssl" => {
                return Err(Exit::usage(
                    "argument --no-verify-ssl: not supported: TLS certificates are always verified (use an http:// --endpoint-url for a local test server)",
                ))
            }
            // `action='version'`: prints and exits wherever it stands, as argparse does.
            "version" => {
                emit(&format!("{}\n", version()));
                return Ok(());
            }
            // Refused rather than ignored: the warnings it asks for are about moving to
            // AWS CLI v2, which this client does not model.
            "v2-debug" => {
                return Err(Exit::usage(
                    "argument --v2-debug: not supported: this client has no AWS CLI v2 migration warnings",
                ))
            }
            _ => {
                // A command flag: lists take every argument up to the next `--flag`,
                // booleans none, everything else one.
                let mut values: Vec<String> = inline.into_iter().collect();
                let arity = flag_arity(&command, &name);
                while values.len() < arity {
                    match args.get(i) {
                        Some(v) if !v.starts_with("--") => {
                            values.push(v.clone());
                            i += 1;
                        }
                        _ => break,
                    }
                }
                flags.push((name, values));
            }
        }
    }
    let Some(command) = command else {
        if help {
            emit(&crate::help::service_help());
            return Ok(());
        }
        return Err(Exit::usage("the following arguments are required: command"));
    };
    if command == "completion" {
        if help {
            emit(&crate::help::completion_help());
            return Ok(());
        }
        // `completion SHELL`: the shell is the one positional argument.
        return match unknown.as_slice() {
            [shell] if flags.is_empty() => match crate::completion::script(shell) {
                Some(script) => {
                    emit(&script);
                    Ok(())
                }
                None => Err(Exit::usage(format!(
                    "argument shell: invalid choice: '{shell}' (choose from 'bash', 'zsh', 'fish')"
                ))),
            },
            [] if flags.is_empty() => Err(Exit::usage(
                "the following arguments are required: shell (bash, zsh or fish)",
            )),
            _ => {
                let mut extra: Vec<String> = unknown.iter().skip(1).cloned().collect();
                for (name, values) in &flags {
                    extra.push(format!("--{name}"));
                    extra.extend(values.iter().cloned());
                }
                Err(Exit::error(format!(
                    "Unknown options: {}",
                    extra.join(", ")
                )))
            }
        };
    }
    let Some(op) = service()
        .table
        .operations
        .iter()
        .find(|o| o.command == command)
    else {
        let list = service()
            .table
            .operations
            .iter()
            .map(|o| o.command)
            .collect::<Vec<_>>()
            .join("\n  ");
        return Err(Exit::usage(format!(
            "argument operation: Invalid choice, valid choices are:\n\n  {list}\n  completion\n  help"
        )));
    };
    if help {
        emit(&crate::help::command_help(op));
        return Ok(());
    }
    if !unknown.is_empty() {
        return Err(Exit::error(format!(
            "Unknown options: {}",
            unknown.join(", ")
        )));
    }
    let flags = flags
        .into_iter()
        .map(|(name, values)| (canonical(op.command, &name).to_string(), values))
        .collect();
    execute(op, g, flags)
}

/// A `--cli-*-timeout` value in seconds: `0` means no timeout (as in the AWS CLI);
/// negative, NaN, infinite or too large values are usage errors.
fn timeout(name: &str, v: &str) -> Result<Option<Duration>, Exit> {
    let invalid = || Exit::usage(format!("argument --{name}: invalid int value: '{v}'"));
    let secs = v.trim().parse::<f64>().map_err(|_| invalid())?;
    if secs == 0.0 {
        return Ok(None);
    }
    // `try_from_secs_f64` refuses negative, NaN and overflowing values that
    // `from_secs_f64` would panic on.
    Duration::try_from_secs_f64(secs)
        .map(Some)
        .map_err(|_| invalid())
}

/// `--max-items`: a whole number of at least 0 (paging arithmetic on a negative or an
/// out-of-range count would overflow); text that is no number at all gets the AWS CLI's
/// message.
fn max_items(v: &str) -> Result<i64, Exit> {
    let t = v.trim();
    let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return match t.parse::<i64>() {
            Ok(n) if n >= 0 => Ok(n),
            _ => Err(Exit::usage(format!(
                "argument --max-items: expected a whole number from 0 to {}, not '{v}'",
                i64::MAX
            ))),
        };
    }
    Err(Exit::error(format!(
        "invalid literal for int() with base 10: '{v}'"
    )))
}

/// The flag a hidden alias of the AWS CLI stands for (`--street-1` for `--street1`),
/// else the name itself.
fn canonical<'a>(command: &str, name: &'a str) -> &'a str {
    service()
        .hidden_aliases
        .iter()
        .find(|(c, alias, _)| *c == command && *alias == name)
        .map_or(name, |(_, _, flag)| flag)
}

/// How many arguments `--name` of the command takes: lists any number, booleans none,
/// everything else one.
fn flag_arity(command: &Option<String>, name: &str) -> usize {
    let op = command
        .as_deref()
        .and_then(|c| service().table.operations.iter().find(|o| o.command == c));
    let member = op.and_then(|op| {
        let name = canonical(op.command, name);
        op.input.members.iter().find(|m| {
            m.flag == name
                || (matches!(m.kind, Kind::Boolean) && name.strip_prefix("no-") == Some(m.flag))
        })
    });
    match member.map(|m| &m.kind) {
        Some(Kind::List(_)) => usize::MAX,
        Some(Kind::Boolean) => 0,
        _ => 1,
    }
}

/// Paging settings from `--starting-token`, `--page-size`, `--max-items`.
#[derive(Default)]
pub struct Paging {
    pub starting_token: Option<String>,
    pub page_size: Option<i64>,
    pub max_items: Option<i64>,
}

fn execute(op: &'static Operation, g: Globals, flags: Flags) -> Result<(), Exit> {
    let mut params = Map::new();
    let mut paging = Paging::default();
    let mut unknown = Vec::new();
    let mut input_json: Option<String> = None;
    let mut manual_paging = false;
    let mut skeleton: Option<Skeleton> = None;
    for (name, values) in &flags {
        // `load-cli-arg`: file:// and fileb:// values, for every flag of the command.
        let loaded = paramfile::load(name, values.clone()).map_err(Exit::error)?;
        let (values, bytes) = match loaded {
            paramfile::Loaded::Text(v) => (v, None),
            paramfile::Loaded::Bytes(b) => {
                (vec![String::from_utf8_lossy(&b).into_owned()], Some(b))
            }
        };
        let values = &values;
        let first = values.first().cloned();
        let need = |v: Option<String>| {
            v.ok_or_else(|| Exit::usage(format!("argument --{name}: expected one argument")))
        };
        let int = |v: String| {
            v.parse::<i64>()
                .map_err(|_| Exit::error(format!("invalid literal for int() with base 10: '{v}'")))
        };
        match name.as_str() {
            "cli-input-json" => {
                input_json = Some(need(first)?);
                continue;
            }
            "generate-cli-skeleton" => {
                skeleton = Some(match first.as_deref() {
                    None | Some("input") => Skeleton::Input,
                    Some("output") => Skeleton::Output,
                    Some(v) => {
                        return Err(Exit::usage(format!(
                            "argument --generate-cli-skeleton: invalid choice: '{v}' (choose from 'input', 'output')"
                        )))
                    }
                });
                continue;
            }
            "starting-token" if op.paginator.is_some() => {
                paging.starting_token = Some(need(first)?);
                continue;
            }
            "page-size" if op.paginator.is_some() => {
                paging.page_size = Some(int(need(first)?)?);
                continue;
            }
            "max-items" if op.paginator.is_some() => {
                paging.max_items = Some(max_items(&need(first)?)?);
                continue;
            }
            _ => {}
        }
        let (member, value) = match op.input.members.iter().find(|m| m.flag == name.as_str()) {
            Some(m) if matches!(m.kind, Kind::Boolean) && values.is_empty() => {
                (m, Value::Bool(true))
            }
            Some(m) => {
                if values.is_empty() {
                    return Err(Exit::usage(format!(
                        "argument --{name}: expected {} argument",
                        if matches!(m.kind, Kind::List(_)) {
                            "at least one"
                        } else {
                            "one"
                        }
                    )));
                }
                let v = match bytes {
                    Some(b) => params::bytes_flag_value(&m.kind, b),
                    None => params::flag_value(&m.kind, values),
                }
                .map_err(Exit::error)?;
                (m, v)
            }
            None => match name.strip_prefix("no-").and_then(|n| {
                op.input
                    .members
                    .iter()
                    .find(|m| m.flag == n && matches!(m.kind, Kind::Boolean))
            }) {
                Some(m) => (m, Value::Bool(false)),
                None => {
                    unknown.push(format!("--{name}"));
                    for v in values {
                        unknown.push(v.clone());
                    }
                    continue;
                }
            },
        };
        if let Some(p) = &op.paginator {
            if member.field.name == p.input_token || Some(member.field.name) == p.limit_key {
                manual_paging = true;
            }
        }
        params.insert(member.field.name.to_string(), value);
    }
    if !unknown.is_empty() {
        return Err(Exit::error(format!(
            "Unknown options: {}",
            unknown.join(", ")
        )));
    }
    // `--generate-cli-skeleton input` makes every argument optional.
    if input_json.is_none() && skeleton != Some(Skeleton::Input) {
        let missing: Vec<String> = op
            .input
            .members
            .iter()
            .filter(|m| m.required && !params.contains_key(m.field.name))
            .map(|m| format!("--{}", m.flag))
            .collect();
        if !missing.is_empty() {
            return Err(Exit::usage(format!(
                "the following arguments are required: {}",
                missing.join(", ")
            )));
        }
    }
    if let Some(text) = input_json {
        let doc: Value = serde_json::from_str(&text)
            .map_err(|e| Exit::error(format!("Error parsing parameter 'cli-input-json': Invalid JSON: {e}\nJSON received: {text}")))?;
        let Value::Object(doc) = doc else {
            return Err(Exit::error("Invalid JSON received for --cli-input-json"));
        };
        for (k, v) in doc {
            params.entry(k).or_insert(v);
        }
    }
    if skeleton == Some(Skeleton::Input) {
        // Printed without sending anything, whatever the other arguments say.
        let doc = skeleton::Generator {
            member_names: false,
            epoch: skeleton::EPOCH_ISO,
        }
        .structure(op.input);
        emit(&format!("{}\n", pyjson::dumps(&doc)));
        return Ok(());
    }
    let params = Value::Object(params);
    let query = match &g.query {
        Some(q) => Some(output::compile_query(q).map_err(|e| {
            Exit::usage(format!("argument --query: Bad value for --query: {q}\n{e}"))
        })?),
        None => None,
    };
    if skeleton == Some(Skeleton::Output) {
        // `StubbedCLIOperationCaller`: botocore's Stubber checks the fake response against
        // the output shape, then the call checks the input; nothing is sent.
        let (client, _, _) = client(&g)?;
        profile_exists(&client)?;
        let format = output_format(&client, &g)?;
        let fake = skeleton::Generator {
            member_names: true,
            epoch: if format == Format::Json {
                skeleton::EPOCH_ISO
            } else {
                skeleton::EPOCH_STR
            },
        }
        .structure(op.output);
        for (doc, s) in [(&fake, op.output), (&params, op.input)] {
            let errors = params::validate(s, doc);
            if !errors.is_empty() {
                return Err(Exit::error(format!(
                    "Parameter validation failed:\n{}",
                    errors.join("\n")
                )));
            }
        }
        return print(op, &g, format, query.as_ref(), Response::Single(fake));
    }
    let errors = params::validate(op.input, &params);
    if !errors.is_empty() {
        return Err(Exit::error(format!(
            "Parameter validation failed:\n{}",
            errors.join("\n")
        )));
    }
    let paginate = op.paginator.is_some() && !g.no_paginate && !manual_paging;
    if !paginate
        && (paging.starting_token.is_some()
            || paging.page_size.is_some()
            || paging.max_items.is_some())
        && g.no_paginate
    {
        let mut used = Vec::new();
        if paging.starting_token.is_some() {
            used.push("--starting-token");
        }
        if paging.page_size.is_some() {
            used.push("--page-size");
        }
        if paging.max_items.is_some() {
            used.push("--max-items");
        }
        return Err(Exit::error(format!(
            "Cannot specify --no-paginate along with pagination arguments: {}",
            used.join(", ")
        )));
    }

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(Exit::error)?;
    let (client, recorder, protocol) = client(&g)?;
    profile_exists(&client)?;
    connect(&client, &recorder, &g)?;
    let format = output_format(&client, &g)?;
    let result = runtime.block_on(async {
        if paginate {
            output::paginate(&client, &recorder, protocol, op, params, &paging)
                .await
                .map(Response::Paged)
        } else {
            output::call(&client, &recorder, protocol, op, &params)
                .await
                .map(Response::Single)
        }
    });
    let doc = match result {
        Ok(doc) => doc,
        Err(Failure::Service { code, message, .. }) => {
            return Err(Exit::error(format!(
                "An error occurred ({code}) when calling the {} operation: {}",
                op.name,
                message.unwrap_or_default()
            )))
        }
        Err(Failure::Input(m)) => return Err(Exit::error(m)),
        Err(Failure::Other(m)) => return Err(Exit::error(m)),
        Err(other) => return Err(Exit::error(format!("{other:?}"))),
    };
    print(op, &g, format, query.as_ref(), doc)
}

/// Prints a response in `format`, through `--query`, as the AWS CLI's formatters do.
fn print(
    op: &Operation,
    g: &Globals,
    format: Format,
    query: Option<&jmespath::Expression<'static>>,
    doc: Response,
) -> Result<(), Exit> {
    let search = |doc: Value| match query {
        Some(q) => output::query(q, doc),
        None => doc,
    };
    let text = match (format, doc) {
        // `TextFormatter` formats (and queries) each page on its own.
        (Format::Text, Response::Paged(paged)) => {
            let mut out = String::new();
            for doc in paged.text_documents() {
                format::text(&search(doc), &mut out);
            }
            out
        }
        (format, doc) => {
            let doc = search(match doc {
                Response::Paged(paged) => paged.full(),
                Response::Single(doc) => doc,
            });
            match format {
                Format::Json if doc == Value::Object(Map::new()) => String::new(),
                Format::Json => format!("{}\n", pyjson::dumps(&doc)),
                Format::Text => {
                    let mut out = String::new();
                    format::text(&doc, &mut out);
                    out
                }
                Format::Table => {
                    let color = match g.color {
                        Color::On => true,
                        Color::Off => false,
                        Color::Auto => std::io::stdout().is_terminal(),
                    };
                    format::table(op.name, &doc, format::terminal_width(), color)
                        .map_err(Exit::error)?
                        .unwrap_or_default()
                }
            }
        }
    };
    emit(&text);
    Ok(())
}

/// Writes to stdout; a closed pipe (`| head`) is not an error, as in the AWS CLI (and
/// `println!` would panic on it).
fn emit(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
}

/// `--generate-cli-skeleton [input|output]`.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Skeleton {
    Input,
    Output,
}

/// A profile named by `--profile` or `AWS_PROFILE` must exist, even when nothing is read
/// from it (credentials from the environment), as in the AWS CLI.
fn profile_exists(client: &awsrt::Client) -> Result<(), Exit> {
    if let Ok(Some(shared)) = client.shared_config() {
        if shared.profile_explicit() && shared.profile().is_none() {
            return Err(Exit::error(format!(
                "The config profile ({}) could not be found",
                shared.profile_name()
            )));
        }
    }
    Ok(())
}

/// What a call returned: one response, or a paginator's pages.
enum Response {
    Single(Value),
    Paged(output::Paged),
}

/// The output format: `--output`, else `AWS_DEFAULT_OUTPUT`, else the profile's `output`,
/// else JSON (botocore's `output` config variable). A configured value that is no format
/// is the AWS CLI's error.
fn output_format(client: &awsrt::Client, g: &Globals) -> Result<Format, Exit> {
    let configured = match &g.output {
        Some(v) => Some(v.clone()),
        None => std::env::var("AWS_DEFAULT_OUTPUT").ok().or_else(|| {
            client
                .shared_config()
                .ok()
                .flatten()
                .and_then(|s| s.profile_value("output").map(String::from))
        }),
    };
    match configured {
        None => Ok(Format::Json),
        Some(v) => {
            Format::parse(&v).ok_or_else(|| Exit::error(format!("Unknown output type: {v}")))
        }
    }
}

/// True when the model lists several protocols, so `--protocol` (and the
/// `<SERVICE>_PROTOCOL` variable) chooses one.
fn several_protocols() -> bool {
    service().table.meta.protocols.len() > 1
}

/// The `--protocol` name of a protocol.
fn protocol_name(p: awsrt::Protocol) -> &'static str {
    match p {
        awsrt::Protocol::RpcV2Cbor => "cbor",
        awsrt::Protocol::AwsQuery => "query",
        _ => "json",
    }
}

/// The client: configuration from the environment (like the library), overridden by the
/// global options, with a transport that keeps the raw response and traces `--debug`;
/// and the protocol it speaks (the model's first unless `--protocol` chose another).
fn client(g: &Globals) -> Result<(awsrt::Client, Arc<transport::Recorder>, awsrt::Protocol), Exit> {
    if let Some(p) = &g.profile {
        // The configuration below reads the profile from the environment, like the AWS CLI.
        std::env::set_var("AWS_PROFILE", p);
    }
    let mut config = awsrt::Config::from_env();
    if let Some(r) = &g.region {
        // Checked here to name the flag; it goes into the endpoint's host name.
        awsrt::internal::endpoint::validate_region(r, "--region").map_err(Exit::error)?;
        config = config.region(r.clone());
    }
    if g.no_sign_request {
        config = config.anonymous(true);
    }
    if let Some(u) = &g.endpoint_url {
        config = config.endpoint_url(u.clone());
    }
    let default = service()
        .table
        .meta
        .protocols
        .first()
        .copied()
        .ok_or_else(|| Exit::error("the model lists no protocol"))?;
    let mut protocol = default;
    if several_protocols() {
        let env = format!(
            "{}_PROTOCOL",
            service().table.command.to_uppercase().replace('-', "_")
        );
        let chosen = g
            .protocol
            .clone()
            .or_else(|| std::env::var(env).ok().filter(|p| !p.is_empty()));
        if let Some(name) = chosen {
            protocol = service()
                .table
                .meta
                .protocols
                .iter()
                .copied()
                .find(|p| protocol_name(*p) == name)
                .ok_or_else(|| {
                    let choices: Vec<String> = service()
                        .table
                        .meta
                        .protocols
                        .iter()
                        .map(|p| format!("'{}'", protocol_name(*p)))
                        .collect();
                    Exit::usage(format!(
                        "argument --protocol: Invalid choice: '{name}' (choose from {})",
                        choices.join(", ")
                    ))
                })?;
        }
    }
    config = config.protocol(protocol);
    let recorder = Arc::new(transport::Recorder::new(g.debug, g.read_timeout));
    config = config.transport(recorder.clone());
    Ok((awsrt::Client::new(config), recorder, protocol))
}

/// Gives the recorder its HTTP transport: `--cli-connect-timeout`, the proxies of the
/// environment and the CA bundle (`--ca-bundle` > `AWS_CA_BUNDLE` > profile
/// `ca_bundle`), read through the client's shared config. A config that does not load
/// leaves proxies and bundles unread: the call then fails with that config's error
/// before anything is sent.
fn connect(
    client: &awsrt::Client,
    recorder: &transport::Recorder,
    g: &Globals,
) -> Result<(), Exit> {
    use awsrt::internal::http::HttpTransport;
    let timeout = g.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT);
    let shared = client.shared_config().ok().flatten();
    let bundle = g
        .ca_bundle
        .as_deref()
        .map(|p| (std::path::Path::new(p), "--ca-bundle"));
    let transport = HttpTransport::configured(timeout, bundle, shared).map_err(Exit::error)?;
    recorder.connect_with(transport);
    Ok(())
}

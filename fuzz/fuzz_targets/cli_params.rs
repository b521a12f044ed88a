//! The command-line parameter parser of the `snowball` CLI: shorthand and JSON flag
//! values for every input member's kind, then botocore's validation and the conversion
//! to the wire document, as `snowball <command> --flag VALUE...` runs them.
//!
//! Input: byte 0 picks the operation, byte 1 the member; the rest is UTF-8 text whose
//! NUL-separated parts are the flag's arguments (lists take several). Every shorthand
//! text is also parsed on its own.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value};
use awsrt::internal::cli::Kind;
use snowball::cli::SERVICE;
use snowball_cli::params;

fuzz_target!(|data: &[u8]| {
    let [op, member, rest @ ..] = data else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    drop(params::shorthand(text));
    let Some(op) = SERVICE
        .operations
        .get(usize::from(*op) % SERVICE.operations.len().max(1))
    else {
        return;
    };
    let members = op.input.members;
    let Some(m) = members.get(usize::from(*member) % members.len().max(1)) else {
        return;
    };
    let args: Vec<String> = text.split('\0').map(str::to_string).collect();
    let value = match params::flag_value(&m.kind, &args) {
        Ok(v) => v,
        Err(e) => {
            drop(e);
            return;
        }
    };
    let mut doc = Map::new();
    doc.insert(m.field.name.to_string(), value);
    let doc = Value::Object(doc);
    let errors = params::validate(op.input, &doc);
    if errors.is_empty() {
        drop(params::to_wire(&Kind::Structure(op.input), &doc));
    }
});

//! Lists the generated Snowball crate's decodable shapes and operation error enums (with
//! the codes each one models) for the `decode` target, so the target follows the model
//! without a hand-kept list.

use std::fmt::Write as _;
use std::path::Path;

fn names_after(text: &str, prefix: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.trim().strip_prefix(prefix))
        .map(|rest| {
            rest.chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect::<String>()
        })
        .filter(|n| !n.is_empty())
        .collect()
}

fn main() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated/snowball/src");
    let mut shapes = Vec::new();
    let mut errors = Vec::new();
    for dir in ["types", "operation"] {
        let path = src.join(dir);
        println!("cargo:rerun-if-changed={}", path.display());
        let mut entries: Vec<_> = std::fs::read_dir(&path)
            .expect("generated/snowball/src exists")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "rs"))
            .collect();
        entries.sort();
        for file in entries {
            let module = file.file_stem().unwrap().to_string_lossy().into_owned();
            if module == "mod" {
                continue;
            }
            let text = std::fs::read_to_string(&file).unwrap();
            for name in names_after(&text, "impl ::awsrt::internal::Decode for ") {
                shapes.push(if dir == "operation" {
                    format!("snowball::operation::{module}::{name}")
                } else {
                    format!("snowball::types::{name}")
                });
            }
            for name in names_after(&text, "impl ::awsrt::internal::OperationError for ") {
                // Codes are the string patterns of the decode match: `"Code" => {`.
                let codes: Vec<String> = text
                    .lines()
                    .filter_map(|l| l.trim().strip_prefix('"'))
                    .filter_map(|l| l.strip_suffix("\" => {"))
                    .map(str::to_owned)
                    .collect();
                errors.push((format!("snowball::{dir}::{module}::{name}"), codes));
            }
        }
    }
    let mut out = String::from("macro_rules! for_each_shape { ($m:ident) => { $m!(\n");
    for s in &shapes {
        writeln!(out, "    {s},").unwrap();
    }
    out.push_str(") }; }\n");
    out.push_str("macro_rules! for_each_error { ($m:ident) => { $m!(\n");
    for (path, codes) in &errors {
        writeln!(out, "    {path} => {codes:?},").unwrap();
    }
    out.push_str(") }; }\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("shapes.rs");
    std::fs::write(dest, out).unwrap();
}

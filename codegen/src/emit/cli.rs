//! `cli.rs` (behind the generated crate's `cli` feature): the command table of a
//! command-line client, as static data, plus a dispatcher that decodes an awsJson input
//! document into the operation's input type and sends it.
//!
//! Command and flag names follow the AWS CLI (botocore `xform_name` with `-`).

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::shapes::ident;
use crate::ir::{PathStep, Service, StructDef, Type, TypeDef};
use crate::naming::screaming;

/// botocore's `xform_name(name, sep)`: `SnowballCapacityPreference` ->
/// `snowball-capacity-preference`, `KmsKeyARN` -> `kms-key-arn`, `RoleARNs` -> `role-arns`.
pub fn xform_name(name: &str, sep: char) -> String {
    if name.contains(sep) {
        return name.to_string();
    }
    let chars: Vec<char> = name.chars().collect();
    // `[A-Z]{2,}s$`: a pluralized acronym becomes its own lower-case word.
    let mut name: Vec<char> = chars.clone();
    if chars.len() >= 3 && chars[chars.len() - 1] == 's' {
        let caps = chars[..chars.len() - 1]
            .iter()
            .rev()
            .take_while(|c| c.is_ascii_uppercase())
            .count();
        if caps >= 2 {
            let start = chars.len() - 1 - caps;
            name = chars[..start].to_vec();
            name.push(sep);
            name.extend(chars[start..].iter().map(|c| c.to_ascii_lowercase()));
        }
    }
    // `(.)([A-Z][a-z]+)` -> `\1-\2`, left to right without overlap.
    let mut s1: Vec<char> = Vec::with_capacity(name.len() + 8);
    let mut i = 0;
    while i < name.len() {
        if i + 2 < name.len()
            && name[i + 1].is_ascii_uppercase()
            && name[i + 2].is_ascii_lowercase()
        {
            s1.push(name[i]);
            s1.push(sep);
            let mut j = i + 1;
            s1.push(name[j]);
            j += 1;
            while j < name.len() && name[j].is_ascii_lowercase() {
                s1.push(name[j]);
                j += 1;
            }
            i = j;
        } else {
            s1.push(name[i]);
            i += 1;
        }
    }
    // `([a-z0-9])([A-Z])` -> `\1-\2`, then lower-case.
    let mut out = String::with_capacity(s1.len() + 8);
    let mut i = 0;
    while i < s1.len() {
        out.push(s1[i]);
        if i + 1 < s1.len()
            && (s1[i].is_ascii_lowercase() || s1[i].is_ascii_digit())
            && s1[i + 1].is_ascii_uppercase()
        {
            out.push(sep);
            out.push(s1[i + 1]);
            i += 2;
            continue;
        }
        i += 1;
    }
    out.to_lowercase()
}

fn static_name(rust: &str) -> proc_macro2::Ident {
    format_ident!("S_{}", screaming(rust))
}

/// The `Kind` expression of a member type.
fn kind(ty: &Type) -> TokenStream {
    match ty {
        Type::String => quote!(Kind::String),
        Type::Bool => quote!(Kind::Boolean),
        Type::I8 | Type::I16 | Type::I32 => quote!(Kind::Integer),
        Type::I64 => quote!(Kind::Long),
        Type::F32 => quote!(Kind::Float),
        Type::F64 => quote!(Kind::Double),
        Type::Timestamp(_) => quote!(Kind::Timestamp),
        Type::Blob => quote!(Kind::Blob),
        Type::Enum(n) => {
            let t = ident(n);
            quote!(Kind::Enum(crate::types::#t::VALUES))
        }
        Type::Struct { name, .. } => {
            let s = static_name(name);
            quote!(Kind::Structure(&#s))
        }
        Type::List { item, .. } => {
            let k = kind(item);
            quote!(Kind::List(&#k))
        }
        Type::Map { value, .. } => {
            let k = kind(value);
            quote!(Kind::Map(&#k))
        }
        Type::Document => quote!(Kind::Document),
    }
}

/// A structure's table. `ty` is the path of its Rust type, whose `FIELDS` (the wire names
/// the codecs use) the members point into, so the names are described once.
fn structure(s: &StructDef, ty: &TokenStream, static_ident: &proc_macro2::Ident) -> TokenStream {
    // The runtime's table names no shape with "" (an operation the model gives no input).
    let name = s.shape.as_deref().unwrap_or("");
    let members = s.members.iter().enumerate().map(|(i, m)| {
        let i = proc_macro2::Literal::usize_unsuffixed(i);
        let flag = xform_name(&m.wire, '-');
        let k = kind(&m.ty);
        let required = m.required;
        let min = match m.min {
            Some(v) => quote!(Some(#v)),
            None => quote!(None),
        };
        let docs = &m.docs;
        quote! {
            Member {
                field: &#ty::FIELDS[#i],
                flag: #flag,
                kind: #k,
                required: #required,
                min: #min,
                docs: #docs,
            }
        }
    });
    quote! {
        static #static_ident: Struct = Struct {
            name: #name,
            members: &[#(#members),*],
        };
    }
}

/// A value quoted for a POSIX shell: as is when it has no special character, else in
/// single quotes.
fn shell_quote(v: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_./:=@%+,-".contains(c);
    if !v.is_empty() && v.chars().all(plain) {
        v.to_string()
    } else {
        format!("'{}'", v.replace('\'', r"'\''"))
    }
}

/// Indented JSON (four spaces, as the AWS CLI's own examples are written).
fn pretty(v: &serde_json::Value) -> String {
    use serde::Serialize;
    let mut out = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut out, fmt);
    // Serializing a `Value` into a `Vec` cannot fail.
    let _ = v.serialize(&mut ser);
    String::from_utf8(out).unwrap_or_default()
}

/// The command line of an example (after the service command), or `None` when its input
/// names a member the operation does not have (the model's own mistake: left out, as
/// the rustdoc examples leave it out).
fn example_command(command: &str, input: &StructDef, ex: &serde_json::Value) -> Option<String> {
    let empty = serde_json::Map::new();
    let given = match ex {
        serde_json::Value::Object(m) => m,
        serde_json::Value::Null => &empty,
        _ => return None,
    };
    if given
        .keys()
        .any(|k| !input.members.iter().any(|m| &m.wire == k))
    {
        return None;
    }
    let mut lines = vec![command.to_string()];
    // In the operation's member order, as the synopsis lists them.
    for m in &input.members {
        let Some(v) = given.get(&m.wire) else {
            continue;
        };
        let flag = xform_name(&m.wire, '-');
        let scalar = |v: &serde_json::Value| match v {
            serde_json::Value::String(s) => Some(shell_quote(s)),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        };
        let line = match v {
            serde_json::Value::Bool(true) => format!("--{flag}"),
            serde_json::Value::Bool(false) => format!("--no-{flag}"),
            serde_json::Value::Array(items) if items.iter().all(|i| scalar(i).is_some()) => {
                let items: Vec<String> = items.iter().filter_map(scalar).collect();
                format!("--{flag} {}", items.join(" "))
            }
            v => match scalar(v) {
                Some(s) => format!("--{flag} {s}"),
                None => {
                    // JSON in single quotes, its lines indented under the flag.
                    let json = shell_quote(&pretty(v)).replace('\n', "\n    ");
                    format!("--{flag} {json}")
                }
            },
        };
        lines.push(line);
    }
    Some(lines.join(" \\\n    "))
}

/// The `Example` table of an operation.
fn examples(command: &str, op: &crate::ir::OperationDef) -> Vec<TokenStream> {
    op.examples
        .iter()
        .filter_map(|ex| {
            let cmd = example_command(command, &op.input, &ex.input)?;
            let md = |s: &Option<String>| {
                s.as_deref()
                    .map(crate::docs::html_to_markdown)
                    .unwrap_or_default()
            };
            let title = md(&ex.title);
            let description = md(&ex.description);
            let output = ex.output.as_ref().map(pretty).unwrap_or_default();
            Some(quote! {
                ::awsrt::internal::cli::Example {
                    title: #title,
                    description: #description,
                    command: #cmd,
                    output: #output,
                }
            })
        })
        .collect()
}

/// The wire path of a paginator's output token (`NextToken`, `Items[-1].Id`).
fn token_path(service: &Service, output: &StructDef, steps: &[PathStep]) -> String {
    let mut path = String::new();
    let mut current: Option<&StructDef> = Some(output);
    let mut ty: Option<&Type> = None;
    for step in steps {
        match step {
            PathStep::Field { name, .. } => {
                if let Some(Type::Struct { name, .. }) = ty {
                    current = crate::ir::struct_by_name(service, name);
                }
                let member = current.and_then(|s| s.members.iter().find(|m| &m.field == name));
                if let Some(m) = member {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(&m.wire);
                    ty = Some(&m.ty);
                }
            }
            PathStep::Last => {
                path.push_str("[-1]");
                if let Some(Type::List { item, .. }) = ty {
                    ty = Some(item);
                }
            }
        }
    }
    path
}

fn wire_of(s: &StructDef, field: &str) -> String {
    s.members
        .iter()
        .find(|m| m.field == field)
        .map(|m| m.wire.clone())
        .unwrap_or_default()
}

/// The generated `cli.rs`.
pub fn cli_rs(service: &Service) -> TokenStream {
    let mut statics = Vec::new();
    // Only what a command's input or output reaches: the rest would be dead code.
    let reachable = service.reachable_types();
    for (rust, def) in &service.types {
        if !reachable.contains(rust) {
            continue;
        }
        match def {
            // Error shapes are only named by code in the table.
            TypeDef::Struct(s) if s.error_code.is_some() => {}
            TypeDef::Struct(s) => {
                let t = ident(rust);
                statics.push(structure(s, &quote!(crate::types::#t), &static_name(rust)));
            }
            // An enum's table is the type's own `VALUES`.
            TypeDef::Enum(_) => {}
        }
    }
    // Commands sorted by CLI name, as `aws <service> help` lists them.
    let mut by_command: BTreeMap<String, _> = BTreeMap::new();
    for op in service.operations.values() {
        by_command.insert(xform_name(&op.name, '-'), op);
    }
    let mut ops = Vec::new();
    for (command, op) in &by_command {
        // `OP_` keeps them apart from the shapes' `S_` statics (a shape `ListJobsInput`).
        let input_static = format_ident!("OP_{}_INPUT", screaming(&op.name));
        let output_static = format_ident!("OP_{}_OUTPUT", screaming(&op.name));
        let module = ident(&op.module);
        let input_ty = ident(&op.input.name);
        let output_ty = ident(&op.output.name);
        let input_path = quote!(crate::operation::#module::#input_ty);
        let output_path = quote!(crate::operation::#module::#output_ty);
        statics.push(structure(&op.input, &input_path, &input_static));
        statics.push(structure(&op.output, &output_path, &output_static));
        let docs = &op.docs;
        let examples = examples(command, op);
        let errors = op.errors.iter().map(|e| &e.code);
        let paginator = match &op.paginator {
            None => quote!(None),
            Some(p) => {
                let input_token = wire_of(&op.input, &p.input_token);
                let output_token = token_path(service, &op.output, &p.output_token);
                let opt = |v: Option<String>| match v {
                    Some(v) => quote!(Some(#v)),
                    None => quote!(None),
                };
                let limit = opt(p.limit.as_ref().map(|(f, _)| wire_of(&op.input, f)));
                // The CLI reads a top-level result key; a path (`EngineDefaults.Parameters`)
                // pages without one.
                let result = opt(p
                    .items
                    .as_ref()
                    .and_then(|(path, _)| match path.as_slice() {
                        [crate::ir::PathStep::Field { name, .. }] => {
                            Some(wire_of(&op.output, name))
                        }
                        _ => None,
                    }));
                let more = opt(p
                    .more_results
                    .as_ref()
                    .and_then(|path| match path.as_slice() {
                        [crate::ir::PathStep::Field { name, .. }] => {
                            Some(wire_of(&op.output, name))
                        }
                        _ => None,
                    }));
                quote!(Some(::awsrt::internal::cli::Paginator {
                    input_token: #input_token,
                    output_token: #output_token,
                    limit_key: #limit,
                    result_key: #result,
                    more_results: #more,
                }))
            }
        };
        // The wire name and the result wrapper are the operation's own `Operation` consts.
        ops.push(quote! {
            Command {
                name: #input_path::NAME,
                command: #command,
                docs: #docs,
                input: &#input_static,
                output: &#output_static,
                result_wrapper: #input_path::RESULT_WRAPPER,
                errors: &[#(#errors),*],
                paginator: #paginator,
                call: ::awsrt::internal::cli::run::<#input_path>,
                examples: &[#(#examples),*],
            }
        });
    }
    let full_name = &service.meta.full_name;
    let command = xform_name(&service.meta.endpoint_prefix, '-');
    let docs = &service.docs;

    quote! {
        //! The command table of a command-line client for this service (operation and flag
        //! names as the AWS CLI spells them, docs, paginators, and for each shape the
        //! command-line side of its members, whose wire names are the shape's own `FIELDS`).
        //! The table's types and the client that reads it are written once, in
        //! `awsrt::internal::cli`.

        use ::awsrt::internal::cli::{Command, Kind, Member, ServiceTable, Struct};
        use ::awsrt::internal::Operation;

        /// This service's command table.
        pub static SERVICE: ServiceTable = ServiceTable {
            meta: &crate::SERVICE,
            full_name: #full_name,
            command: #command,
            docs: #docs,
            operations: &[#(#ops),*],
        };

        #(#statics)*

    }
}

#[cfg(test)]
mod tests {
    use super::xform_name;
    use super::{example_command, shell_quote};
    use crate::ir::{MemberDef, StructDef, Type};
    use serde_json::json;

    fn member(wire: &str, ty: Type) -> MemberDef {
        MemberDef {
            wire: wire.into(),
            json_name: None,
            field: wire.to_lowercase(),
            ty,
            required: false,
            sensitive: false,
            docs: String::new(),
            deprecated: None,
            host_label: false,
            idempotency_token: false,
            min: None,
            location: None,
            xml_item: None,
            flattened: false,
            layout: Default::default(),
        }
    }

    #[test]
    fn shell_quoting_keeps_values_whole() {
        assert_eq!(shell_quote("JID-1_a:b/c"), "JID-1_a:b/c");
        assert_eq!(shell_quote("My Job"), "'My Job'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote(""), "''");
    }

    #[test]
    fn example_commands_take_flags_in_member_order() {
        let input = StructDef {
            shape: Some("In".into()),
            name: "In".into(),
            docs: String::new(),
            members: vec![
                member("JobId", Type::String),
                member("Force", Type::Bool),
                member(
                    "Ids",
                    Type::List {
                        item: Box::new(Type::String),
                        sparse: false,
                    },
                ),
                member("Address", Type::Document),
            ],
            error_code: None,
            deprecated: None,
            union: false,
        };
        let cmd = example_command(
            "do-it",
            &input,
            &json!({"Address": {"Name": "O'Neil"}, "Force": false, "JobId": "J 1", "Ids": ["a", "b"]}),
        );
        let want = r#"do-it \
    --job-id 'J 1' \
    --no-force \
    --ids a b \
    --address '{
        "Name": "O'\''Neil"
    }'"#;
        assert_eq!(cmd.as_deref(), Some(want));
        // A member the operation does not have: the model's mistake, left out.
        assert_eq!(example_command("do-it", &input, &json!({"Nope": 1})), None);
        assert_eq!(
            example_command("do-it", &input, &json!(null)).as_deref(),
            Some("do-it")
        );
    }

    #[test]
    fn xform_name_matches_botocore() {
        for (name, want) in [
            ("SnowballCapacityPreference", "snowball-capacity-preference"),
            ("KmsKeyARN", "kms-key-arn"),
            ("RoleARN", "role-arn"),
            ("JobId", "job-id"),
            ("ListJobs", "list-jobs"),
            ("SomeCNAMEs", "some-cnames"),
            ("ListWebACLs", "list-web-acls"),
            ("S3Resources", "s3-resources"),
            ("EKSAnywhere", "eks-anywhere"),
            ("IPAddress", "ip-address"),
            ("already-done", "already-done"),
            ("Ec2AmiResources", "ec2-ami-resources"),
        ] {
            assert_eq!(xform_name(name, '-'), want, "{name}");
        }
    }
}

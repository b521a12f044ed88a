//! Doc examples from `examples-1.json`: each example input becomes a call that compiles.

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use serde_json::Value;

use super::shapes::ident;
use crate::ir::{self, MemberDef, OperationDef, Service, Type};

/// The Markdown of an operation's examples, or empty when none can be expressed.
pub fn examples_doc(service: &Service, op: &OperationDef) -> String {
    let krate = ident(&service.crate_name);
    let method = ident(&op.module);
    let mut out = String::new();
    for ex in &op.examples {
        // An example the model itself gets wrong (unknown or missing members) is left out.
        let Some(call) = call_expr(service, &op.input.members, &ex.input) else {
            continue;
        };
        let (args, setters) = call;
        let body = quote! {
            async fn example(client: &#krate::Client) -> Result<(), Box<dyn std::error::Error>> {
                let output = client.#method(#(#args),*) #(#setters)* .send().await?;
                println!("{output:?}");
                Ok(())
            }
        };
        let Ok(file) = syn::parse2::<syn::File>(body) else {
            continue;
        };
        let code = prettyplease::unparse(&file);
        let lines: Vec<&str> = code.lines().collect();
        if lines.len() < 3 {
            continue;
        }
        let title = ex.title.as_deref().unwrap_or("Example");
        out.push_str(&format!("# {}\n\n", escape(title)));
        if let Some(description) = &ex.description {
            out.push_str(&escape(description));
            out.push_str("\n\n");
        }
        out.push_str("```no_run\n");
        out.push_str(&format!("# {}\n", lines[0]));
        for l in &lines[1..lines.len() - 2] {
            out.push_str(l.strip_prefix("    ").unwrap_or(l));
            out.push('\n');
        }
        out.push_str(&format!(
            "# {}\n# {}\n",
            lines[lines.len() - 2].trim(),
            lines[lines.len() - 1]
        ));
        out.push_str("```\n\n");
    }
    out.trim_end().to_string()
}

fn escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if matches!(c, '[' | ']' | '*' | '_' | '`' | '<' | '>' | '#' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The required arguments and optional setter calls for an input given as JSON.
fn call_expr(
    service: &Service,
    members: &[MemberDef],
    input: &Value,
) -> Option<(Vec<TokenStream>, Vec<TokenStream>)> {
    let obj = input.as_object()?;
    for key in obj.keys() {
        members.iter().find(|m| &m.wire == key)?;
    }
    let mut args = Vec::new();
    let mut setters = Vec::new();
    for m in members {
        let v = obj.get(&m.wire);
        if m.required {
            args.push(value_expr(service, &m.ty, v?)?);
        } else if let Some(v) = v {
            let f = ident(&m.field);
            let e = value_expr(service, &m.ty, v)?;
            setters.push(quote!(.#f(#e)));
        }
    }
    Some((args, setters))
}

fn value_expr(service: &Service, ty: &Type, v: &Value) -> Option<TokenStream> {
    let krate = ident(&service.crate_name);
    Some(match ty {
        Type::String => {
            let s = v.as_str()?;
            quote!(#s)
        }
        Type::Bool => {
            let b = v.as_bool()?;
            quote!(#b)
        }
        Type::I8 | Type::I16 | Type::I32 | Type::I64 => {
            let n = v.as_i64()?;
            let lit = Literal::i64_unsuffixed(n);
            quote!(#lit)
        }
        Type::F32 | Type::F64 => {
            let n = v.as_f64()?;
            let lit = Literal::f64_unsuffixed(n);
            quote!(#lit)
        }
        Type::Timestamp(_) => {
            let n = v.as_i64()?;
            quote!(#krate::DateTime::from_secs(#n))
        }
        Type::Blob => {
            let s = v.as_str()?;
            quote!(#s.as_bytes().to_vec())
        }
        Type::Enum(name) => {
            let s = v.as_str()?;
            let t = ident(name);
            let variant = match service.types.get(name) {
                Some(ir::TypeDef::Enum(e)) => {
                    e.values.iter().find(|(w, _)| w == s).map(|(_, v)| ident(v))
                }
                _ => None,
            };
            match variant {
                Some(var) => quote!(#krate::types::#t::#var),
                None => quote!(#krate::types::#t::from(#s)),
            }
        }
        Type::Struct { name, .. } => {
            let s = ir::struct_by_name(service, name).filter(|s| !s.union)?;
            let (args, setters) = call_expr(service, &s.members, v)?;
            let t = ident(name);
            quote!(#krate::types::#t::new(#(#args),*) #(#setters)*)
        }
        Type::List {
            item,
            sparse: false,
        } => {
            let items = v
                .as_array()?
                .iter()
                .map(|x| value_expr(service, item, x))
                .collect::<Option<Vec<_>>>()?;
            quote!(vec![#(#items),*])
        }
        Type::Map {
            value,
            sparse: false,
        } => {
            let entries = v
                .as_object()?
                .iter()
                .map(|(k, x)| value_expr(service, value, x).map(|e| quote!((#k.to_string(), #e))))
                .collect::<Option<Vec<_>>>()?;
            quote!(::awsrt::Map::from([#(#entries),*]))
        }
        _ => return None,
    })
}

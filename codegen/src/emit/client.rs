//! `lib.rs`: crate docs, the service metadata, and the `Client` with one method per operation.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::examples::examples_doc;
use super::shapes::{ident, param};
use super::{doc_attrs, inner_doc_attrs};
use crate::ir::{MemberDef, Service, Type};
use crate::naming::bare;

/// How a call is written, for the crate docs. Why required members stay positional
/// rather than going through a builder is in README's "Using the generated crate".
const CALLS: &str = "\n\n# Calls\n\nEach operation is a method of [`Client`]. Its arguments \
    are the operation's required members, in the order the model lists them (the order of \
    the input's fields, shown under *Arguments* in each method's docs), so a call that \
    lacks one does not compile. Optional members are setters on the returned call; \
    `.send()` sends it. A required `bool` reads best as a named variable \
    (`let validate_only = true;`, then pass `validate_only`) rather than a bare literal.";

/// Enum handling, for the crate docs of a service with enums or unions.
const UNKNOWN: &str = "\n\nEnums keep values this version does not know: compare \
    `as_str()` in a catch-all arm rather than matching `Unknown` (see \
    [`primitives::UnknownVariantValue`]).";

/// The crate root.
pub fn lib_rs(service: &Service, has_primitives: bool) -> TokenStream {
    let m = &service.meta;
    let krate = &service.crate_name;
    // A usage example needs an operation that can be called without arguments.
    let first_op = service
        .operations
        .values()
        .filter(|o| !o.input.has_required())
        .min_by_key(|o| (o.paginator.is_none(), o.module.clone()));
    let usage = match first_op {
        Some(op) => format!(
            "\n\n# Usage\n\n```no_run\n# async fn run() -> Result<(), Box<dyn std::error::Error>> {{\n// Region and credentials from the environment (AWS_REGION, AWS_ACCESS_KEY_ID, ...).\nlet client = {krate}::Client::from_env();\nlet output = client.{}().send().await?;\nprintln!(\"{{output:?}}\");\n# Ok(()) }}\n```\n\nOperation inputs, outputs and error enums live in [`operation`], shared shapes in [`types`].",
            op.module,
        ),
        None => String::new(),
    };
    let crate_doc = format!(
        "Client for {} (`{}`, API version {}).\n\n{}{}{CALLS}{}",
        m.full_name,
        m.service_id,
        m.api_version,
        service.docs,
        usage,
        if has_primitives { UNKNOWN } else { "" }
    );
    let crate_doc = inner_doc_attrs(&crate_doc);

    let primitives = if has_primitives {
        quote! {
            #[rustfmt::skip]
            pub mod primitives;
        }
    } else {
        quote!()
    };
    let extra_uses = extra_uses(service);
    // The crate names its own deprecated items (a deprecated operation's input, a
    // deprecated exception in an error enum); users still see the deprecation.
    quote! {
        #crate_doc
        #![allow(deprecated)]

        #[rustfmt::skip]
        mod client;
        #[rustfmt::skip]
        pub mod operation;
        #[rustfmt::skip]
        pub mod types;
        #primitives
        #[cfg(feature = "cli")]
        #[rustfmt::skip]
        pub mod cli;
        #[cfg(feature = "server")]
        #[rustfmt::skip]
        pub mod server;
        #[cfg(feature = "blocking")]
        #[rustfmt::skip]
        pub mod blocking;

        // What a user names in ordinary code, so depending on this crate alone is enough.
        // Short lines in rustfmt's order, so prettyplease and rustfmt agree on them.
        #extra_uses
        pub use ::awsrt::{Config, Credentials, DateTime, Protocol, RetryMode};
        pub use ::awsrt::{ErrorMetadata, Items, Paginator, SdkError, ServiceError};
        pub use ::awsrt::{TestTransport, Transport};
        pub use client::Client;
        pub(crate) use client::SERVICE;
    }
}

/// Names re-exported only where the service needs them, so a crate without maps or
/// query errors keeps its root as it was: `Map`, which a user builds to fill a map
/// member, and `Fault`, which awsQuery and query-compatible errors carry. They come
/// first, where rustfmt sorts them.
fn extra_uses(service: &Service) -> TokenStream {
    fn has_map(t: &Type) -> bool {
        match t {
            Type::Map { .. } => true,
            Type::List { item, .. } => has_map(item),
            _ => false,
        }
    }
    let structs = service
        .types
        .values()
        .filter_map(|t| match t {
            crate::ir::TypeDef::Struct(s) => Some(s),
            crate::ir::TypeDef::Enum(_) => None,
        })
        .chain(
            service
                .operations
                .values()
                .flat_map(|op| [&op.input, &op.output]),
        );
    let maps = structs
        .flat_map(|s| s.members.iter())
        .any(|m| has_map(&m.ty));
    let faults = service.meta.query_compatible
        || service
            .meta
            .protocols
            .contains(&crate::ir::Protocol::AwsQuery);
    let map = maps.then(|| {
        quote!(
            pub use ::awsrt::Map;
        )
    });
    let fault = faults.then(|| {
        quote!(
            pub use ::awsrt::Fault;
        )
    });
    quote!(#fault #map)
}

/// The `# Arguments` section of a client method: its required members, in order, since
/// a positional argument (a `bool` above all) says nothing at the call site.
fn arguments_doc(required: &[&MemberDef]) -> String {
    if required.is_empty() {
        return String::new();
    }
    let lines: Vec<String> = required
        .iter()
        .map(|m| {
            let ty = match &m.ty {
                Type::Bool => format!(
                    " (a `bool`: pass a named variable, `let {} = false;`, rather than a bare literal)",
                    bare(&m.field)
                ),
                _ => String::new(),
            };
            format!("- `{}`: the `{}` member{ty}.", bare(&m.field), m.wire)
        })
        .collect();
    format!(
        "\n\n# Arguments\n\nThe input's required members, in the model's order (the order of \
         the input's fields); set optional members on the returned call.\n\n{}",
        lines.join("\n")
    )
}

/// One client method per operation: the async client's (`blocking` false) with the
/// model's docs and examples, or the blocking client's, which point at them.
pub(super) fn methods(service: &Service, blocking: bool) -> Vec<TokenStream> {
    service.operations.values().map(|op| {
        let method = ident(&op.module);
        let module = ident(&op.module);
        let input = ident(&op.input.name);
        let call = format_ident!("{}Call", crate::naming::camel(&op.name));
        let required: Vec<_> = op.input.members.iter().filter(|m| m.required).collect();
        let params = required.iter().map(|m| {
            let f = ident(&m.field);
            let (t, _) = param(&m.ty);
            quote!(#f: #t)
        });
        let args = required.iter().map(|m| ident(&m.field));
        let deprecated = op.deprecated.as_ref().map(|msg| quote!(#[deprecated(note = #msg)]));
        // The required members are the arguments, as many as the model has.
        let many = (required.len() + 1 > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
        if blocking {
            let doc = doc_attrs(&format!(
                "Calls `{}`: the same arguments and setters as the async [`crate::Client::{}`], \
                 whose docs describe them; `.send()` blocks and returns the result.",
                op.name,
                bare(&op.module)
            ));
            return quote! {
                #doc
                #deprecated
                #many
                pub fn #method(&self, #(#params),*) -> operation::#module::#call<Client> {
                    operation::#module::#call::new(self.clone(), operation::#module::#input::new(#(#args),*))
                }
            };
        }
        let mut doc = if op.docs.is_empty() { format!("Calls `{}`.", op.name) } else { op.docs.clone() };
        doc.push_str(&arguments_doc(&required));
        let examples = examples_doc(service, op);
        if !examples.is_empty() {
            doc.push_str("\n\n");
            doc.push_str(&examples);
        }
        let doc = doc_attrs(&doc);
        quote! {
            #doc
            #deprecated
            #many
            pub fn #method(&self, #(#params),*) -> operation::#module::#call {
                operation::#module::#call::new(self.inner.clone(), operation::#module::#input::new(#(#args),*))
            }
        }
    }).collect()
}

/// `client.rs`: the service metadata and the `Client` with one method per operation.
pub fn client_rs(service: &Service, version: &str, has_rule_set: bool) -> TokenStream {
    let m = &service.meta;
    let krate = &service.crate_name;
    let service_id = &m.service_id;
    let endpoint_prefix = &m.endpoint_prefix;
    let signing_name = &m.signing_name;
    // The runtime's `ServiceMeta` writes "no prefix" as "".
    let target_prefix = m.target_prefix.as_deref().unwrap_or("");
    let api_version = &m.api_version;
    let protocols = m.protocols.iter().map(|p| {
        let p = format_ident!("{}", p.variant());
        quote!(::awsrt::Protocol::#p)
    });
    let crate_id = format!("{krate}/{version}");
    let query_compatible = m.query_compatible;
    let methods = methods(service, false);
    let rule_set = if has_rule_set {
        quote!(include_str!("endpoint-rule-set.json"))
    } else {
        quote!("")
    };
    quote! {
        //! The service client.
        use crate::operation;

        /// What the runtime needs to know about this service.
        pub(crate) const SERVICE: ::awsrt::internal::ServiceMeta = ::awsrt::internal::ServiceMeta {
            service_id: #service_id,
            endpoint_prefix: #endpoint_prefix,
            signing_name: #signing_name,
            target_prefix: #target_prefix,
            api_version: #api_version,
            protocols: &[#(#protocols),*],
            crate_id: #crate_id,
            endpoint_rule_set: #rule_set,
            query_compatible: #query_compatible,
        };

        /// The service client: one method per operation. Cheap to clone; clones share
        /// connections and credentials.
        #[derive(Clone, Debug)]
        pub struct Client {
            inner: ::awsrt::Client,
        }

        impl Client {
            /// A client with these settings.
            pub fn new(config: ::awsrt::Config) -> Self {
                Client { inner: ::awsrt::Client::new(config) }
            }

            /// A client configured from the environment (region, credentials, endpoint).
            pub fn from_env() -> Self {
                Self::new(::awsrt::Config::from_env())
            }

            /// Sends any operation input of this crate.
            pub async fn call<O: ::awsrt::internal::Operation>(&self, input: &O) -> Result<O::Output, ::awsrt::SdkError<O::Error>> {
                self.inner.call(input).await
            }

            #(#methods)*
        }
    }
}

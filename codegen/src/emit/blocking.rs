//! `blocking.rs` (feature `blocking`): a client whose calls block, over the runtime's
//! `internal::blocking` engine. Only data and calls: the client methods come from the
//! same loop as the async client's, the call builders are the async ones (generic over
//! the client), and each operation adds a one-line `send()` (and `into_paginator()`).

use proc_macro2::TokenStream;
use quote::quote;

use super::client::methods;
use super::inner_doc_attrs;
use super::operation::call_name;
use super::shapes::ident;
use crate::ir::Service;

/// The module docs, with an example calling an operation that needs no argument.
fn module_doc(service: &Service) -> String {
    let krate = &service.crate_name;
    let mut doc = String::from(
        "A blocking client: the operations, inputs, outputs, errors and call builders of the \
         async [`crate::Client`], for code without an async runtime. `send()` returns the \
         result; paginators are [`Iterator`]s of pages and `.items()` of items, with the \
         same stop rules.\n\n\
         Each client starts a current-thread tokio runtime and one background thread on \
         its first call and shares them with its clones; they end when the last clone is \
         dropped. The calling thread runs the async client's very call on that runtime \
         (the background thread drives it only between calls), so configuration, \
         credentials, retries, timeouts, errors and tracing are the async client's, at \
         the same cost per call. Called from inside an async runtime (including a `spawn_blocking` \
         thread), a call fails with [`crate::SdkError::InvalidInput`] saying to use the \
         async client, instead of blocking the runtime's thread.",
    );
    let example = service
        .operations
        .values()
        .filter(|o| !o.input.has_required())
        .min_by_key(|o| (o.paginator.is_none(), o.module.clone()));
    if let Some(op) = example {
        let pages = if op.paginator.is_some() {
            format!(
                "\n    for page in client.{}().into_paginator() {{\n        println!(\"{{:?}}\", page?);\n    }}",
                op.module
            )
        } else {
            String::new()
        };
        doc.push_str(&format!(
            "\n\n```no_run\nfn main() -> Result<(), Box<dyn std::error::Error>> {{\n    \
             // Region and credentials from the environment (AWS_REGION, AWS_ACCESS_KEY_ID, ...).\n    \
             let client = {krate}::blocking::Client::from_env();\n    \
             let output = client.{}().send()?;\n    println!(\"{{output:?}}\");{pages}\n    Ok(())\n}}\n```",
            op.module
        ));
    }
    doc
}

/// The file: the client, and per operation its blocking `send()` and paginator.
pub fn blocking_rs(service: &Service) -> TokenStream {
    let doc = inner_doc_attrs(&module_doc(service));
    let methods = methods(service, true);
    let impls = service.operations.values().map(|op| {
        let module = ident(&op.module);
        let call = call_name(op);
        let input = ident(&op.input.name);
        let output = ident(&op.output.name);
        let error = ident(&op.error_name);
        // `#[inline]`: like the async `send()` (a future compiled where it is awaited),
        // the call pipeline is then compiled in the crate that calls the operation, for
        // the operations it calls; otherwise this crate compiled all of them (release
        // build of the crate 25 s CPU instead of 2 s).
        let send_doc = format!(
            "Sends the `{}` request and waits for its output, blocking this thread.",
            op.name
        );
        let paginator = op.paginator.as_ref().map(|_| {
            quote! {
                /// Pages through every result: an [`Iterator`] of pages, fetched as it is
                /// read; `.items()` iterates the items, `.page_size(n)` sets the page size.
                /// Stops when the service sends no (or an empty) token; an error (a failed
                /// page or a repeated token) is the last element.
                #[inline]
                pub fn into_paginator(self) -> Paginator<operation::#module::#input> {
                    Paginator::new(self.client.runner, self.client.inner, self.input)
                }
            }
        });
        quote! {
            impl operation::#module::#call<Client> {
                #[doc = #send_doc]
                #[inline]
                pub fn send(self) -> Result<operation::#module::#output, ::awsrt::SdkError<operation::#module::#error>> {
                    self.client.call(&self.input)
                }
                #paginator
            }
        }
    });
    // `send()` returns the async client's `SdkError` unboxed, as the async `send()` does
    // (clippy does not look at async fns), so both clients' errors are the same type.
    quote! {
        #doc
        #![allow(clippy::result_large_err)]
        use crate::operation;

        pub use ::awsrt::internal::blocking::{Items, Paginator};

        /// The blocking service client: one method per operation, as on the async
        /// [`crate::Client`]. Cheap to clone; clones share connections, credentials and
        /// the background thread. `Send + Sync`: call it from many threads at once.
        #[derive(Clone, Debug)]
        pub struct Client {
            inner: ::awsrt::Client,
            runner: ::awsrt::internal::blocking::Runner,
        }

        impl Client {
            /// A client with these settings; its thread starts on the first call.
            pub fn new(config: ::awsrt::Config) -> Self {
                Client {
                    inner: ::awsrt::Client::new(config),
                    runner: ::awsrt::internal::blocking::Runner::new(),
                }
            }

            /// A client configured from the environment (region, credentials, endpoint).
            pub fn from_env() -> Self {
                Self::new(::awsrt::Config::from_env())
            }

            /// Sends any operation input of this crate and waits for its output.
            pub fn call<O: ::awsrt::internal::Operation>(&self, input: &O) -> Result<O::Output, ::awsrt::SdkError<O::Error>> {
                self.runner.call(&self.inner, input)
            }

            #(#methods)*
        }

        #(#impls)*
    }
}

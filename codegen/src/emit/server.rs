//! `server.rs` (feature `server`): the service trait an emulator implements (one method
//! per operation, each defaulting to `501 NotImplemented`), the route table handed to the
//! runtime's router, and what the server needs of each error enum. Data plus calls: the
//! protocol work is the runtime's (`awsrt::internal::server`).

use proc_macro2::TokenStream;
use quote::quote;

use super::doc_attrs;
use super::shapes::ident;
use crate::ir::{OperationDef, Service, Type, TypeDef};

/// The Smithy namespace of the service's shapes, for `__type` (`com.amazonaws.snowball`).
/// botocore models do not carry it; AWS services use `com.amazonaws.` and the service id
/// in lower case without spaces or hyphens, and clients keep only what follows `#`.
fn shape_namespace(service_id: &str) -> String {
    let id: String = service_id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    format!("com.amazonaws.{}", id.to_ascii_lowercase())
}

/// The whole `server.rs`.
pub fn server_rs(service: &Service) -> TokenStream {
    let name = &service.meta.service_id;
    let file_doc = format!(
        "The server side of {name} (feature `server`), for local emulators: implement \
         [`Service`] and serve [`router`]`(impl)` with `awsrt::internal::server::serve`.\n\n\
         The router recognises each protocol the model lists, decodes the input with the \
         shapes' own decoders (a missing required member is a validation error), calls \
         the method and encodes its output or error as the service does."
    );
    let file_doc = super::inner_doc_attrs(&file_doc);
    let methods = service.operations.values().map(method);
    let routes = service.operations.values().map(|op| {
        let (input, _, _) = paths(op);
        let f = ident(&op.module);
        quote!(::awsrt::internal::server::Route::new::<#input>(|s, i| Box::pin(s.#f(i))))
    });
    let errors = service.operations.values().map(error_impl);
    let shapes = modeled_errors(service);
    let ns = shape_namespace(&service.meta.service_id);
    let xmlns = service.meta.xml_namespace.clone().unwrap_or_default();
    let trait_doc = doc_attrs(&format!(
        "The operations of {name}, one method each. Every method answers \
         `501 NotImplemented` until implemented, so an emulator can grow one operation \
         at a time and a model update that adds an operation does not break it."
    ));
    quote! {
        #file_doc

        pub use ::awsrt::internal::server::{GenericError, HandlerError};

        #trait_doc
        pub trait Service: Send + Sync + 'static {
            #(#methods)*
        }

        /// The router of `service`: every operation's route, for
        /// `awsrt::internal::server::serve`.
        pub fn router<S: Service>(service: S) -> ::awsrt::internal::server::Router<S> {
            ::awsrt::internal::server::Router::new(
                service,
                &crate::SERVICE,
                #ns,
                #xmlns,
                vec![#(#routes),*],
            )
        }

        #(#shapes)*

        #(#errors)*
    }
}

/// The input, output and error paths of an operation.
fn paths(op: &OperationDef) -> (TokenStream, TokenStream, TokenStream) {
    let m = ident(&op.module);
    let i = ident(&op.input.name);
    let o = ident(&op.output.name);
    let e = ident(&op.error_name);
    (
        quote!(crate::operation::#m::#i),
        quote!(crate::operation::#m::#o),
        quote!(crate::operation::#m::#e),
    )
}

/// One trait method, defaulting to `NotImplemented`.
fn method(op: &OperationDef) -> TokenStream {
    let (input, output, error) = paths(op);
    let f = ident(&op.module);
    let wire = &op.name;
    let doc = format!("`{wire}`. The default answers `501 NotImplemented`.");
    quote! {
        #[doc = #doc]
        fn #f(
            &self,
            input: #input,
        ) -> impl ::std::future::Future<Output = Result<#output, HandlerError<#error>>> + Send {
            let _ = input;
            async { Err(HandlerError::Generic(GenericError::not_implemented(#wire))) }
        }
    }
}

/// `ModeledError` for each error shape any operation lists, once per shape: its code,
/// status, fault and message member.
fn modeled_errors(service: &Service) -> Vec<TokenStream> {
    let mut seen = std::collections::BTreeMap::new();
    for e in service.operations.values().flat_map(|op| &op.errors) {
        seen.entry(e.type_name.as_str()).or_insert(e);
    }
    seen.into_values()
        .map(|e| {
            let t = ident(&e.type_name);
            let code = &e.code;
            let status = e.status;
            let sender = e.sender_fault;
            let (member, message) = match message_member(service, &e.type_name) {
                Some((wire, field, required)) => {
                    let f = ident(&field);
                    let read = if required {
                        quote!(Some(self.#f.as_str()))
                    } else {
                        quote!(self.#f.as_deref())
                    };
                    (quote!(Some(#wire)), read)
                }
                None => (quote!(None), quote!(None)),
            };
            quote! {
                impl ::awsrt::internal::server::ModeledError for crate::types::#t {
                    const INFO: ::awsrt::internal::server::ErrorInfo =
                        ::awsrt::internal::server::ErrorInfo {
                            code: #code,
                            status: #status,
                            sender_fault: #sender,
                            message_member: #member,
                        };

                    fn message(&self) -> Option<&str> {
                        #message
                    }
                }
            }
        })
        .collect()
}

/// `ServerOperationError` for an operation's error enum: one match handing each variant's
/// shape to the visitor (the runtime's blanket `From` lets a handler return it with `?`).
fn error_impl(op: &OperationDef) -> TokenStream {
    let (_, _, error) = paths(op);
    let arms = op.errors.iter().map(|e| {
        let v = ident(&e.variant);
        quote!(Self::#v(e) => v.modeled(e),)
    });
    quote! {
        impl ::awsrt::internal::server::ServerOperationError for #error {
            fn visit<V: ::awsrt::internal::server::ErrorVisitor>(&self, v: V) -> V::Out {
                match self {
                    #(#arms)*
                    Self::Unhandled => v.unhandled(),
                }
            }
        }
    }
}

/// The error shape's message member: wire name, field, required. Any string member
/// named `message` in any case, as the client's `Display` reads it.
fn message_member(service: &Service, type_name: &str) -> Option<(String, String, bool)> {
    let TypeDef::Struct(s) = service.types.get(type_name)? else {
        return None;
    };
    s.members
        .iter()
        .find(|m| m.wire.eq_ignore_ascii_case("message") && m.ty == Type::String)
        .map(|m| (m.wire.clone(), m.field.clone(), m.required))
}

#[cfg(test)]
mod tests {
    use super::shape_namespace;

    #[test]
    fn shape_namespaces_follow_the_service_id() {
        for (id, want) in [
            ("Snowball", "com.amazonaws.snowball"),
            ("ImportExport", "com.amazonaws.importexport"),
            (
                "Elastic Load Balancing v2",
                "com.amazonaws.elasticloadbalancingv2",
            ),
            (
                "IoT 1Click Devices Service",
                "com.amazonaws.iot1clickdevicesservice",
            ),
        ] {
            assert_eq!(shape_namespace(id), want, "{id}");
        }
    }
}

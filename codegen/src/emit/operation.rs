//! One file per operation: input, output, error enum, call builder and paginator.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::doc_attrs;
use super::shapes::{ident, param, rust_type, structure};
use crate::docs::with_article;
use crate::ir::{
    DiscoveryOp, EndpointParamDef, EndpointParamSource, HostPrefixPart, OperationDef, PaginatorDef,
    PathField, PathStep, StaticValue, Type,
};
use crate::naming::bare;

/// The file of one operation.
pub fn operation(op: &OperationDef) -> TokenStream {
    let file_doc = format!("`{}`: its input, output, errors and call builder.", op.name);
    // No member holds an operation's input or output: neither needs a zero value.
    let input = structure(&op.input, false, false);
    let output = structure(&op.output, false, false);
    let errors = error_enum(op);
    let operation = operation_impl(op);
    let call = call_builder(op);
    let paginator = op.paginator.as_ref().map(|p| paginator(op, p));
    quote! {
        #![doc = #file_doc]
        #input
        #output
        #errors
        #operation
        #call
        #paginator
    }
}

/// The call builder's name (`ListJobsCall`).
pub(super) fn call_name(op: &OperationDef) -> proc_macro2::Ident {
    format_ident!("{}Call", crate::naming::camel(&op.name))
}

/// `impl Operation for <Input>`: what the runtime needs to send it and read the answer.
fn operation_impl(op: &OperationDef) -> TokenStream {
    let input_name = ident(&op.input.name);
    let output_name = ident(&op.output.name);
    let error_name = ident(&op.error_name);
    let wire_name = &op.name;
    // An operation the model gives no input shape tells the runtime so (RPC v2 CBOR then
    // sends no body).
    let no_input = if op.input.shape.is_none() {
        quote!(
            const HAS_INPUT: bool = false;
        )
    } else {
        quote!()
    };
    let result_wrapper = op.result_wrapper.as_ref().map(|w| {
        quote!(
            const RESULT_WRAPPER: Option<&'static str> = Some(#w);
        )
    });
    let host_prefix = op.host_prefix.as_deref().map(host_prefix_fn);
    let unsupported = op.unsupported.as_ref().map(|why| {
        quote!(
            const UNSUPPORTED: Option<&'static str> = Some(#why);
        )
    });
    let no_auth = op.no_auth.then(|| {
        quote!(
            const NO_AUTH: bool = true;
        )
    });
    let compression = (!op.request_compression.is_empty()).then(|| {
        let encodings = &op.request_compression;
        quote!(
            const REQUEST_COMPRESSION: &'static [&'static str] = &[#(#encodings),*];
        )
    });
    let discovery = op.discovery_required.then(|| {
        let discover = op.discovery.as_ref().map(discover_fn);
        quote!(
            const ENDPOINT_DISCOVERY_REQUIRED: bool = true;
            #discover
        )
    });
    let endpoint_params =
        (!op.endpoint_params.is_empty()).then(|| endpoint_params_fn(&op.endpoint_params));
    quote! {
        impl ::awsrt::internal::Operation for #input_name {
            type Output = #output_name;
            type Error = #error_name;
            const NAME: &'static str = #wire_name;
            const SERVICE: &'static ::awsrt::internal::ServiceMeta = &crate::SERVICE;
            #no_input
            #result_wrapper
            #unsupported
            #no_auth
            #compression
            #discovery
            #endpoint_params
            #host_prefix
        }
    }
}

/// `fn discover_endpoints`: calls the service's discovery operation and lists its
/// endpoints as `(address, cache minutes)`, skipping any that lack one.
fn discover_fn(d: &DiscoveryOp) -> TokenStream {
    let module = ident(&d.module);
    let input = ident(&d.input);
    let endpoints = ident(&d.endpoints.field);
    let address = ident(&d.address.field);
    let minutes = ident(&d.cache_minutes.field);
    let list = if d.endpoints.required {
        quote!(out.#endpoints)
    } else {
        quote!(out.#endpoints.unwrap_or_default())
    };
    let widen = |v: TokenStream| {
        if d.cache_minutes_i32 {
            quote!(i64::from(#v))
        } else {
            v
        }
    };
    let pairs = if d.address.required && d.cache_minutes.required {
        let m = widen(quote!(e.#minutes));
        quote!(.map(|e| (e.#address, #m)))
    } else {
        let a = if d.address.required {
            quote!(e.#address)
        } else {
            quote!(e.#address?)
        };
        let m = widen(if d.cache_minutes.required {
            quote!(e.#minutes)
        } else {
            quote!(e.#minutes?)
        });
        quote!(.filter_map(|e| Some((#a, #m))))
    };
    quote! {
        fn discover_endpoints(
            client: &::awsrt::Client,
        ) -> Option<::awsrt::internal::DiscoveryFuture<'_>> {
            Some(Box::pin(async move {
                let out = client
                    .call(&crate::operation::#module::#input::new())
                    .await
                    .map_err(|e| e.to_string())?;
                Ok(#list.into_iter()#pairs.collect())
            }))
        }
    }
}

/// `fn endpoint_params`: the endpoint rule parameters the input sets, in the model's
/// precedence (the runtime keeps the first value of each name).
fn endpoint_params_fn(params: &[EndpointParamDef]) -> TokenStream {
    let ep = quote!(::awsrt::internal::EndpointParam);
    // Static values first (botocore's precedence), in the `vec!` itself: they are
    // always set.
    let statics: Vec<TokenStream> = params
        .iter()
        .filter_map(|p| match &p.source {
            EndpointParamSource::Static(v) => Some((&p.name, v)),
            _ => None,
        })
        .map(|(name, v)| {
            let value = match v {
                StaticValue::Bool(b) => quote!(#ep::Bool(#b)),
                StaticValue::String(s) => quote!(#ep::String(#s.to_string())),
                StaticValue::StringArray(items) => {
                    quote!(#ep::StringArray(vec![#(#items.to_string()),*]))
                }
            };
            quote!((#name, #value))
        })
        .collect();
    let pushes: Vec<TokenStream> = params
        .iter()
        .filter_map(|p| {
            let name = &p.name;
            Some(match &p.source {
                EndpointParamSource::Static(_) => return None,
                EndpointParamSource::Value { steps, ty } => {
                    let value = scalar(ty, quote!(v));
                    let value = quote!(#ep::#value);
                    with_value(quote!(self), steps, quote!(params.push((#name, #value));))
                }
                EndpointParamSource::Keys { steps } => with_value(
                    quote!(self),
                    steps,
                    quote! {
                        // Maps keep insertion order, as botocore's dict `keys()` does.
                        let keys: Vec<String> = v.keys().cloned().collect();
                        params.push((#name, #ep::StringArray(keys)));
                    },
                ),
                EndpointParamSource::Project { list, each } => {
                    let per_item = each.iter().map(|(steps, ty)| {
                        let value = match ty {
                            Type::Enum(_) => quote!(v.as_str().to_string()),
                            _ => quote!(v.clone()),
                        };
                        with_value(quote!(item), steps, quote!(out.push(#value);))
                    });
                    with_value(
                        quote!(self),
                        list,
                        quote! {
                            let mut out = Vec::new();
                            for item in v {
                                #(#per_item)*
                            }
                            params.push((#name, #ep::StringArray(out)));
                        },
                    )
                }
            })
        })
        .collect();
    let body = if pushes.is_empty() {
        quote!(vec![#(#statics),*])
    } else {
        quote! {
            let mut params = vec![#(#statics),*];
            #(#pushes)*
            params
        }
    };
    quote! {
        const HAS_ENDPOINT_PARAMS: bool = true;
        fn endpoint_params(&self) -> Vec<(&'static str, ::awsrt::internal::EndpointParam)> {
            #body
        }
    }
}

/// The `EndpointParam` variant (without its path) holding the value `v` of type `ty`
/// (a `&String`, a `&` enum or a `&bool`).
fn scalar(ty: &Type, v: TokenStream) -> TokenStream {
    match ty {
        Type::Bool => quote!(Bool(*#v)),
        Type::Enum(_) => quote!(String(#v.as_str().to_string())),
        _ => quote!(String(#v.clone())),
    }
}

/// Runs `body` with `v` bound to the value at `steps` from `root` (a reference), when
/// every optional field on the way is set.
fn with_value(root: TokenStream, steps: &[PathField], body: TokenStream) -> TokenStream {
    if steps.iter().all(|s| s.required) {
        let fields = steps.iter().map(|s| ident(&s.field));
        return quote! {
            {
                let v = &#root #(.#fields)*;
                #body
            }
        };
    }
    let mut chain = quote!(Some(#root));
    for s in steps {
        let f = ident(&s.field);
        chain = if s.required {
            quote!(#chain.map(|v| &v.#f))
        } else {
            quote!(#chain.and_then(|v| v.#f.as_ref()))
        };
    }
    quote! {
        if let Some(v) = #chain {
            #body
        }
    }
}

/// `fn host_prefix`: the endpoint's host prefix with its labels filled from the input,
/// each checked to be a valid host label first.
fn host_prefix_fn(parts: &[HostPrefixPart]) -> TokenStream {
    let labels: Vec<TokenStream> = parts
        .iter()
        .filter_map(|p| match p {
            HostPrefixPart::Label {
                wire,
                field,
                required,
            } => {
                let v = label_value(field, *required);
                Some(quote!((#wire, #v)))
            }
            HostPrefixPart::Literal(_) => None,
        })
        .collect();
    let check = if labels.is_empty() {
        quote!()
    } else {
        quote!(::awsrt::internal::check_host_labels(&[#(#labels),*])?;)
    };
    let pieces = parts.iter().map(|p| match p {
        HostPrefixPart::Literal(text) => quote!(#text),
        HostPrefixPart::Label {
            field, required, ..
        } => label_value(field, *required),
    });
    quote! {
        fn host_prefix(&self) -> Result<Option<String>, String> {
            #check
            Ok(Some([#(#pieces),*].concat()))
        }
    }
}

/// A host label's value; an unset optional member is empty, which the label check
/// rejects by name (botocore fails on it too, as a missing format key).
fn label_value(field: &str, required: bool) -> TokenStream {
    let f = ident(field);
    if required {
        quote!(self.#f.as_str())
    } else {
        quote!(self.#f.as_deref().unwrap_or_default())
    }
}

/// The call builder: the client and the input, a setter per optional member, `send()`.
fn call_builder(op: &OperationDef) -> TokenStream {
    let input_name = ident(&op.input.name);
    let output_name = ident(&op.output.name);
    let error_name = ident(&op.error_name);
    let call_name = call_name(op);
    let setters = op.input.members.iter().filter(|m| !m.required).map(|m| {
        let f = ident(&m.field);
        let setter_name = crate::naming::call_setter(&m.field);
        let setter = ident(&setter_name);
        let trait_name = super::shapes::trait_method_allow(&setter_name);
        let (t, _) = param(&m.ty);
        let docs = if m.docs.is_empty() {
            doc_attrs(&format!("Sets `{}`.", bare(&m.field)))
        } else {
            doc_attrs(&m.docs)
        };
        let deprecated = m
            .deprecated
            .as_ref()
            .map(|msg| quote!(#[deprecated(note = #msg)]));
        let allow = m.deprecated.as_ref().map(|_| quote!(#[allow(deprecated)]));
        quote! {
            #docs
            #deprecated
            #allow
            #trait_name
            pub fn #setter(mut self, value: #t) -> Self {
                self.input = self.input.#f(value);
                self
            }
        }
    });
    let call_doc = doc_attrs(&format!(
        "{} call, ready to `send()`; set optional members first.\n\n\
         `C` is the client that sends it: the async client's (the default), or, with the \
         `blocking` feature, `blocking::Client`, whose `send()` blocks. The setters are the \
         same code for both.",
        with_article(&format!("`{}`", op.name), true)
    ));
    let send_doc = format!("Sends the `{}` request and waits for its output.", op.name);
    // One struct generic over the client, so the async and blocking builders share their
    // setters; each client's module adds its own `send()`.
    quote! {
        #call_doc
        #[derive(Clone, Debug)]
        pub struct #call_name<C = ::awsrt::Client> {
            pub(crate) client: C,
            pub(crate) input: #input_name,
        }

        impl<C> #call_name<C> {
            pub(crate) fn new(client: C, input: #input_name) -> Self {
                Self { client, input }
            }

            /// The input as built so far.
            pub fn input(&self) -> &#input_name {
                &self.input
            }

            #(#setters)*
        }

        impl #call_name<::awsrt::Client> {
            #[doc = #send_doc]
            pub async fn send(self) -> Result<#output_name, ::awsrt::SdkError<#error_name>> {
                self.client.call(&self.input).await
            }
        }
    }
}

/// `impl Paginated for <Input>` (tokens, page size, items) and `into_paginator()`.
fn paginator(op: &OperationDef, p: &PaginatorDef) -> TokenStream {
    let input_name = ident(&op.input.name);
    let output_name = ident(&op.output.name);
    let call_name = call_name(op);
    let token = ident(&p.input_token);
    let token_ty = rust_type(&p.token);
    let (item_ty, into_items) = match &p.items {
        Some((path, ty)) => (rust_type(ty), items_expr(path)),
        None => (quote!(#output_name), quote!(vec![output])),
    };
    // cognito-identity's `MaxResults` is required: a plain field, not an `Option`.
    let required = |field: &str| {
        op.input
            .members
            .iter()
            .any(|m| m.field == field && m.required)
    };
    let page_size = match &p.limit {
        Some((field, ty)) => {
            let f = ident(field);
            let v = if *ty == Type::I64 {
                quote!(i64::from(size))
            } else {
                quote!(size)
            };
            if required(field) {
                quote!(self.#f = #v;)
            } else {
                quote!(self.#f = Some(#v);)
            }
        }
        None => quote!(let _ = size;),
    };
    let set_token = if required(&p.input_token) {
        quote!(if let Some(token) = token { self.#token = token; })
    } else {
        quote!(self.#token = token;)
    };
    let next = token_expr(&p.output_token);
    let more = p.more_results.as_ref().map(|path| {
        let value = match path.as_slice() {
            [PathStep::Field { name, required }] => {
                let f = ident(name);
                if *required {
                    quote!(output.#f)
                } else {
                    quote!(output.#f.unwrap_or(false))
                }
            }
            _ => {
                let e = token_expr(path);
                quote!(#e.copied().unwrap_or(false))
            }
        };
        quote! {
            fn more_results(output: &#output_name) -> bool {
                #value
            }
        }
    });
    let items_doc = match &p.items {
        Some(_) => {
            "The stream's items are the result items of every page, fetched as the stream is read."
        }
        None => "The stream's items are the pages, fetched as the stream is read.",
    };
    let doc = doc_attrs(&format!(
        "Pages through every result: a `Stream` of pages; `.items()` streams the items, \
         `.page_size(n)` sets the page size.\n\n\
         Stops when the service sends no (or an empty) token, and fails if it repeats one.\n\n\
         {items_doc}"
    ));
    quote! {
        impl ::awsrt::internal::Paginated for #input_name {
            type Item = #item_ty;
            type Token = #token_ty;
            fn set_token(&mut self, token: Option<#token_ty>) {
                #set_token
            }
            fn set_page_size(&mut self, size: i32) {
                #page_size
            }
            fn next_token(output: &#output_name) -> Option<&#token_ty> {
                #next
            }
            #more
            fn into_items(output: #output_name) -> Vec<#item_ty> {
                #into_items
            }
        }

        impl #call_name<::awsrt::Client> {
            #doc
            pub fn into_paginator(self) -> ::awsrt::Paginator<#input_name> {
                ::awsrt::Paginator::new(self.client, self.input)
            }
        }
    }
}

/// Follows the output-token path to an `Option<&Token>`.
fn token_expr(steps: &[PathStep]) -> TokenStream {
    let mut expr: Option<TokenStream> = None;
    for step in steps {
        expr = Some(match (step, expr) {
            (PathStep::Field { name, required }, None) => {
                let f = ident(name);
                if *required {
                    quote!(Some(&output.#f))
                } else {
                    quote!(output.#f.as_ref())
                }
            }
            (PathStep::Field { name, required }, Some(e)) => {
                let f = ident(name);
                if *required {
                    quote!(#e.map(|v| &v.#f))
                } else {
                    quote!(#e.and_then(|v| v.#f.as_ref()))
                }
            }
            (PathStep::Last, Some(e)) => quote!(#e.and_then(|v| v.last())),
            (PathStep::Last, None) => quote!(None),
        });
    }
    expr.unwrap_or_else(|| quote!(None))
}

/// Takes the result list out of a page by its path (`output.jobs`, or
/// `output.engine_defaults.and_then(|v| v.parameters)`), empty when a step is absent.
fn items_expr(steps: &[PathStep]) -> TokenStream {
    // `optional`: the expression so far is an `Option`.
    let mut expr = quote!(output);
    let mut optional = false;
    for step in steps {
        expr = match step {
            PathStep::Field { name, required } => {
                let f = ident(name);
                let e = match optional {
                    false => quote!(#expr.#f),
                    true if *required => quote!(#expr.map(|v| v.#f)),
                    true => quote!(#expr.and_then(|v| v.#f)),
                };
                optional |= !required;
                e
            }
            PathStep::Last if optional => quote!(#expr.and_then(|v| v.into_iter().last())),
            PathStep::Last => {
                optional = true;
                quote!(#expr.into_iter().last())
            }
        };
    }
    if optional {
        quote!(#expr.unwrap_or_default())
    } else {
        expr
    }
}

fn error_enum(op: &OperationDef) -> TokenStream {
    let name = ident(&op.error_name);
    let doc = format!(
        "Errors `{}` can return. The service's code, message and request id are on the `SdkError` around it.",
        op.name
    );
    let variants = op.errors.iter().map(|e| {
        let v = ident(&e.variant);
        let t = ident(&e.type_name);
        let d = doc_attrs(if e.docs.is_empty() { &e.code } else { &e.docs });
        quote!(#d #v(crate::types::#t),)
    });
    let arms = op.errors.iter().map(|e| {
        let v = ident(&e.variant);
        let t = ident(&e.type_name);
        let code = &e.code;
        quote!(#code => #name::#v(<crate::types::#t as ::awsrt::internal::Decode>::decode(body)?),)
    });
    let is_fns = op.errors.iter().map(|e| {
        let v = ident(&e.variant);
        let f = format_ident!("is_{}", bare(&crate::naming::snake(&e.variant)));
        let d = format!("True for `{}`.", e.code);
        quote! {
            #[doc = #d]
            pub fn #f(&self) -> bool {
                matches!(self, #name::#v(_))
            }
        }
    });
    let display = op.errors.iter().map(|e| {
        let v = ident(&e.variant);
        quote!(#name::#v(e) => ::std::fmt::Display::fmt(e, f),)
    });
    let sources = op.errors.iter().map(|e| {
        let v = ident(&e.variant);
        quote!(#name::#v(e) => Some(e),)
    });
    let decode_body = if op.errors.is_empty() {
        quote! {
            let _ = (code, body);
            Ok(#name::Unhandled)
        }
    } else {
        quote! {
            Ok(match code {
                #(#arms)*
                _ => #name::Unhandled,
            })
        }
    };
    quote! {
        #[doc = #doc]
        #[derive(Debug)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// An error this operation does not model; its code is in the error metadata.
            Unhandled,
        }

        impl #name {
            #(#is_fns)*

            /// True for an error the model does not list for this operation.
            pub fn is_unhandled(&self) -> bool {
                matches!(self, #name::Unhandled)
            }
        }

        impl ::awsrt::internal::OperationError for #name {
            fn decode<R: ::awsrt::internal::Reader>(code: &str, body: &mut R) -> Result<Self, ::awsrt::internal::DecodeError> {
                #decode_body
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self {
                    #(#display)*
                    #name::Unhandled => f.write_str("unhandled error"),
                }
            }
        }

        impl ::std::error::Error for #name {
            fn source(&self) -> Option<&(dyn ::std::error::Error + 'static)> {
                match self {
                    #(#sources)*
                    #name::Unhandled => None,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(name: &str, required: bool) -> PathStep {
        PathStep::Field {
            name: name.into(),
            required,
        }
    }

    #[test]
    fn token_paths_end_in_a_reference_to_the_token() {
        let render = |steps: &[PathStep]| token_expr(steps).to_string().replace(' ', "");
        assert_eq!(
            render(&[field("next_token", false)]),
            "output.next_token.as_ref()"
        );
        assert_eq!(
            render(&[field("jobs", false), PathStep::Last, field("job_id", false)]),
            "output.jobs.as_ref().and_then(|v|v.last()).and_then(|v|v.job_id.as_ref())"
        );
        assert_eq!(
            render(&[field("tokens", true), PathStep::Last]),
            "Some(&output.tokens).and_then(|v|v.last())"
        );
    }

    #[test]
    fn result_keys_may_be_paths() {
        let render = |steps: &[PathStep]| items_expr(steps).to_string().replace(' ', "");
        assert_eq!(render(&[field("jobs", true)]), "output.jobs");
        assert_eq!(
            render(&[field("page", false), field("rows", true)]),
            "output.page.map(|v|v.rows).unwrap_or_default()"
        );
        assert_eq!(
            render(&[field("jobs", false)]),
            "output.jobs.unwrap_or_default()"
        );
        assert_eq!(
            render(&[field("engine_defaults", false), field("parameters", false)]),
            "output.engine_defaults.and_then(|v|v.parameters).unwrap_or_default()"
        );
        assert_eq!(
            render(&[field("page", true), field("rows", true)]),
            "output.page.rows"
        );
    }
}

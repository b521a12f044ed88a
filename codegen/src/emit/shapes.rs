//! Structures, unions and enums: the type, its constructor and setters (structures) or
//! accessors (unions), `Debug` (redacting sensitive members), and its wire
//! `Encode`/`Decode`.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

use super::doc_attrs;
use crate::docs::with_article;
use crate::ir::{EnumDef, Layout, MemberDef, Service, StructDef, Type, TypeDef};
use crate::naming::{bare, camel};

/// An identifier token for a name the IR has already made valid (maybe `r#type`).
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, proc_macro2::Span::call_site()),
        None => format_ident!("{}", name),
    }
}

/// The Rust type of a value.
pub fn rust_type(ty: &Type) -> TokenStream {
    match ty {
        Type::String => quote!(String),
        Type::Bool => quote!(bool),
        Type::I8 => quote!(i8),
        Type::I16 => quote!(i16),
        Type::I32 => quote!(i32),
        Type::I64 => quote!(i64),
        Type::F32 => quote!(f32),
        Type::F64 => quote!(f64),
        Type::Timestamp(_) => quote!(::awsrt::DateTime),
        Type::Blob => quote!(Vec<u8>),
        Type::Enum(n) => {
            let n = ident(n);
            quote!(crate::types::#n)
        }
        Type::Struct { name, boxed } => {
            let n = ident(name);
            if *boxed {
                quote!(Box<crate::types::#n>)
            } else {
                quote!(crate::types::#n)
            }
        }
        Type::List { item, sparse } => {
            let t = rust_type(item);
            if *sparse {
                quote!(Vec<Option<#t>>)
            } else {
                quote!(Vec<#t>)
            }
        }
        Type::Map { value, sparse } => {
            let t = rust_type(value);
            if *sparse {
                quote!(::awsrt::Map<Option<#t>>)
            } else {
                quote!(::awsrt::Map<#t>)
            }
        }
        Type::Document => quote!(::awsrt::Document),
    }
}

/// The parameter type a setter or constructor takes, and how to turn it into the field's.
pub fn param(ty: &Type) -> (TokenStream, fn(TokenStream) -> TokenStream) {
    fn into(v: TokenStream) -> TokenStream {
        quote!(#v.into())
    }
    fn plain(v: TokenStream) -> TokenStream {
        v
    }
    fn boxed(v: TokenStream) -> TokenStream {
        quote!(Box::new(#v))
    }
    match ty {
        Type::String => (quote!(impl Into<String>), into),
        Type::Blob => (quote!(impl Into<Vec<u8>>), into),
        Type::Document => (quote!(impl Into<::awsrt::Document>), into),
        Type::Enum(_) => {
            let t = rust_type(ty);
            (quote!(impl Into<#t>), into)
        }
        Type::Struct { name, boxed: true } => (
            rust_type(&Type::Struct {
                name: name.clone(),
                boxed: false,
            }),
            boxed,
        ),
        _ => (rust_type(ty), plain),
    }
}

/// The field's type: required members are plain, optional ones `Option`.
fn field_type(m: &MemberDef) -> TokenStream {
    let t = rust_type(&m.ty);
    if m.required {
        t
    } else {
        quote!(Option<#t>)
    }
}

fn member_docs(m: &MemberDef) -> TokenStream {
    let mut text = if m.docs.is_empty() {
        format!("The `{}` member.", m.wire)
    } else {
        m.docs.clone()
    };
    if m.idempotency_token {
        text.push_str("\n\nAn idempotency token: filled with a random UUID when not set.");
    }
    let deprecated = m
        .deprecated
        .as_ref()
        .map(|msg| quote!(#[deprecated(note = #msg)]));
    let docs = doc_attrs(&text);
    quote!(#docs #deprecated)
}

/// A structure with its constructor, setters, `Debug` and codecs (a union: [`union`]);
/// with `zero`, also its `ZeroValue` (see [`crate::ir::Service::zero_value_types`]).
pub fn structure(s: &StructDef, with_header_doc: bool, zero: bool) -> TokenStream {
    if s.union {
        return union(s, with_header_doc, zero);
    }
    let name = ident(&s.name);
    let header = item_header(s, "structure", with_header_doc);
    let fields = s.members.iter().map(|m| {
        let f = ident(&m.field);
        let t = field_type(m);
        let d = member_docs(m);
        let wire = m.json_name.clone().unwrap_or_else(|| m.wire.clone());
        let serde = if m.required {
            quote!(#[cfg_attr(feature = "serde", serde(rename = #wire))])
        } else {
            quote!(#[cfg_attr(feature = "serde", serde(rename = #wire, default, skip_serializing_if = "Option::is_none"))])
        };
        quote! { #d #serde pub #f: #t, }
    });
    let default_derive = if s.has_required() {
        quote!()
    } else {
        quote!(Default,)
    };
    let sensitive = s.members.iter().any(|m| m.sensitive);
    let debug_derive = if sensitive { quote!() } else { quote!(Debug,) };

    let ctor = constructor(s);
    let setters = s.members.iter().map(setter);
    let field_consts = s.members.iter().map(field_const);
    let n = proc_macro2::Literal::usize_unsuffixed(s.members.len());
    let debug_impl = if sensitive { debug_impl(s) } else { quote!() };
    let encode = encode_impl(s);
    let decode = decode_impl(s);
    let error_impl = error_impl(s);
    let zero_impl = if zero { zero_struct_impl(s) } else { quote!() };
    let allow_deprecated = allow_deprecated(s);

    quote! {
        #header
        #[derive(Clone, PartialEq, #default_derive #debug_derive)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }

        #allow_deprecated
        impl #name {
            /// The members' wire names in model order: what the codecs and the CLI table read.
            // In a static, so every reader shares one copy (a const's array would be copied
            // into each codegen unit that names it).
            pub(crate) const FIELDS: &'static [::awsrt::internal::Field] = {
                static FIELDS: [::awsrt::internal::Field; #n] = [#(#field_consts),*];
                &FIELDS
            };

            #ctor
            #(#setters)*
        }

        #debug_impl
        #encode
        #decode
        #zero_impl
        #error_impl
    }
}

/// `ZeroValue` for a structure: its required members' zero values, no optional ones.
fn zero_struct_impl(s: &StructDef) -> TokenStream {
    let name = ident(&s.name);
    let inits = s.members.iter().map(|m| {
        let f = ident(&m.field);
        if m.required {
            quote!(#f: ::awsrt::internal::ZeroValue::zero_value())
        } else {
            quote!(#f: None)
        }
    });
    let allow = if s.members.iter().any(|m| m.deprecated.is_some()) || s.deprecated.is_some() {
        quote!(#[allow(deprecated)])
    } else {
        quote!()
    };
    quote! {
        #allow
        impl ::awsrt::internal::ZeroValue for #name {
            fn zero_value() -> Self {
                Self { #(#inits),* }
            }
        }
    }
}

/// The path of the opaque value an enum's or union's `Unknown` variant holds.
const UNKNOWN_VALUE: &str = "crate::primitives::UnknownVariantValue";

fn unknown_value_type() -> TokenStream {
    UNKNOWN_VALUE.parse().unwrap_or_default()
}

/// `ZeroValue` for an enum or union: `Unknown("")`, a value no model defines.
fn zero_unknown_impl(name: &Ident) -> TokenStream {
    let unknown = unknown_value_type();
    quote! {
        #[allow(deprecated)]
        impl ::awsrt::internal::ZeroValue for #name {
            fn zero_value() -> Self {
                Self::Unknown(#unknown::new(String::new()))
            }
        }
    }
}

/// The `Field` constant of a member: its names on each wire, and `flattened`.
fn field_const(m: &MemberDef) -> TokenStream {
    let w = &m.wire;
    let mut f = match &m.json_name {
        Some(j) => quote!(::awsrt::internal::Field::with_json(#w, #j)),
        None => quote!(::awsrt::internal::Field::new(#w)),
    };
    if m.location.is_some() || m.xml_item.is_some() {
        let query = m.location.as_deref().unwrap_or(w);
        let xml = m.xml_item.as_deref().unwrap_or(query);
        f = quote!(#f.location(#query, #xml));
    }
    if m.flattened {
        f = quote!(#f.flattened());
    }
    f
}

/// A `&'static ListMeta` expression for a list layout.
fn list_meta(member: &Option<String>, flattened: bool) -> TokenStream {
    let member = match member {
        Some(m) => quote!(Some(#m)),
        None => quote!(None),
    };
    quote!(&::awsrt::internal::ListMeta { member: #member, flattened: #flattened })
}

/// A `&'static MapMeta` expression for a map layout.
fn map_meta(key: &str, value: &str, flattened: bool) -> TokenStream {
    quote!(&::awsrt::internal::MapMeta { key: #key, value: #value, flattened: #flattened })
}

fn constructor(s: &StructDef) -> TokenStream {
    let name = &s.name;
    let required: Vec<&MemberDef> = s.members.iter().filter(|m| m.required).collect();
    let params = required.iter().map(|m| {
        let f = ident(&m.field);
        let (t, _) = param(&m.ty);
        quote!(#f: #t)
    });
    let inits = s.members.iter().map(|m| {
        let f = ident(&m.field);
        if m.required {
            let (_, conv) = param(&m.ty);
            let v = conv(quote!(#f));
            if f == v.to_string() {
                quote!(#f)
            } else {
                quote!(#f: #v)
            }
        } else {
            quote!(#f: None)
        }
    });
    let doc = if required.is_empty() {
        format!(
            "{} with no members set.",
            with_article(&format!("`{name}`"), true)
        )
    } else {
        let names: Vec<String> = required
            .iter()
            .map(|m| format!("`{}`", bare(&m.field)))
            .collect();
        format!(
            "{} with its required members ({}); set the others with the builder methods.",
            with_article(&format!("`{name}`"), true),
            names.join(", ")
        )
    };
    // The required members are the arguments, as many as the model has.
    let many = (required.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    quote! {
        #[doc = #doc]
        #many
        pub fn new(#(#params),*) -> Self {
            Self { #(#inits),* }
        }
    }
}

fn setter(m: &MemberDef) -> TokenStream {
    let f = ident(&m.field);
    let (t, conv) = param(&m.ty);
    let v = conv(quote!(value));
    let set = if m.required { v } else { quote!(Some(#v)) };
    let doc = format!("Sets `{}`.", bare(&m.field));
    let deprecated = m
        .deprecated
        .as_ref()
        .map(|msg| quote!(#[deprecated(note = #msg)]));
    let trait_name = trait_method_allow(&m.field);
    quote! {
        #[doc = #doc]
        #deprecated
        #trait_name
        pub fn #f(mut self, value: #t) -> Self {
            self.#f = #set;
            self
        }
    }
}

/// `#[allow(clippy::should_implement_trait)]` for a builder setter that the model names
/// like a std trait's method (sagemaker's member `Add` gives `add(self, value) -> Self`).
pub fn trait_method_allow(field: &str) -> Option<TokenStream> {
    const METHODS: &[&str] = &[
        "add",
        "as_mut",
        "as_ref",
        "bitand",
        "bitor",
        "bitxor",
        "borrow",
        "borrow_mut",
        "clone",
        "cmp",
        "default",
        "deref",
        "deref_mut",
        "div",
        "drop",
        "eq",
        "from_iter",
        "from_str",
        "hash",
        "index",
        "index_mut",
        "into_iter",
        "mul",
        "neg",
        "next",
        "not",
        "rem",
        "shl",
        "shr",
        "sub",
    ];
    METHODS
        .contains(&bare(field))
        .then(|| quote!(#[allow(clippy::should_implement_trait)]))
}

fn debug_impl(s: &StructDef) -> TokenStream {
    let name = ident(&s.name);
    let shape = &s.name;
    let fields = s.members.iter().map(|m| {
        let f = ident(&m.field);
        let label = bare(&m.field);
        if m.sensitive {
            quote!(.field(#label, &"*** Sensitive Data Redacted ***"))
        } else {
            quote!(.field(#label, &self.#f))
        }
    });
    quote! {
        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#shape) #(#fields)* .finish()
            }
        }
    }
}

/// Writes a value of type `ty` held by reference in `v`; `layout` names its lists and
/// maps for XML and query (default names emit the shorter `encode_list`/`encode_map`).
pub fn encode_value(ty: &Type, layout: &Layout, v: TokenStream) -> TokenStream {
    match ty {
        Type::String => quote!(w.string(#v)),
        Type::Bool => quote!(w.boolean(*#v)),
        Type::I8 | Type::I16 | Type::I32 => quote!(w.integer(i64::from(*#v))),
        Type::I64 => quote!(w.integer(*#v)),
        Type::F32 => quote!(w.float32(*#v)),
        Type::F64 => quote!(w.float64(*#v)),
        Type::Timestamp(fmt) => {
            let fmt = format_ident!("{}", fmt.variant());
            quote!(w.timestamp(#v, ::awsrt::internal::TimestampFormat::#fmt))
        }
        Type::Blob => quote!(w.blob(#v)),
        Type::Enum(_) => quote!(w.string(#v.as_str())),
        Type::Struct { boxed: false, .. } => quote!(::awsrt::internal::Encode::encode(#v, w)),
        Type::Struct { boxed: true, .. } => quote!(::awsrt::internal::Encode::encode(&**#v, w)),
        Type::List { item, sparse } => match layout {
            Layout::List {
                member,
                flattened,
                item: item_layout,
            } if !layout.is_default() => {
                let inner = sparse_encode(item, item_layout, *sparse);
                let meta = list_meta(member, *flattened);
                quote!(::awsrt::internal::encode_list_as(w, #meta, #v, |w, v| #inner))
            }
            _ => {
                let inner = sparse_encode(item, &Layout::Plain, *sparse);
                quote!(::awsrt::internal::encode_list(w, #v, |w, v| #inner))
            }
        },
        Type::Map { value, sparse } => match layout {
            Layout::Map {
                key,
                value: value_name,
                flattened,
                value_layout,
            } if !layout.is_default() => {
                let inner = sparse_encode(value, value_layout, *sparse);
                let meta = map_meta(key, value_name, *flattened);
                quote!(::awsrt::internal::encode_map_as(w, #meta, #v, |w, v| #inner))
            }
            _ => {
                let inner = sparse_encode(value, &Layout::Plain, *sparse);
                quote!(::awsrt::internal::encode_map(w, #v, |w, v| #inner))
            }
        },
        Type::Document => quote!(w.document(#v)),
    }
}

fn sparse_encode(ty: &Type, layout: &Layout, sparse: bool) -> TokenStream {
    let e = encode_value(ty, layout, quote!(v));
    if sparse {
        quote!(match v { Some(v) => #e, None => w.null() })
    } else {
        e
    }
}

/// Reads a value of type `ty` from `r`, propagating errors with `?`.
pub fn decode_value(ty: &Type, layout: &Layout) -> TokenStream {
    let r = decode_result(ty, layout);
    quote!(#r?)
}

/// An expression of type `Result<T, DecodeError>` reading a value of type `ty` from `r`.
fn decode_result(ty: &Type, layout: &Layout) -> TokenStream {
    match ty {
        Type::String => quote!(r.string()),
        Type::Bool => quote!(r.boolean()),
        Type::I8 | Type::I16 => quote!(r.integer().and_then(::awsrt::internal::narrow)),
        Type::I32 => quote!(r.integer32()),
        Type::I64 => quote!(r.integer()),
        Type::F32 => quote!(r.float().map(|v| v as f32)),
        Type::F64 => quote!(r.float()),
        Type::Timestamp(fmt) => {
            let fmt = format_ident!("{}", fmt.variant());
            quote!(r.timestamp(::awsrt::internal::TimestampFormat::#fmt))
        }
        Type::Blob => quote!(r.blob()),
        Type::Enum(_) => {
            let t = rust_type(ty);
            // Known values match the borrowed string; only unknown ones allocate.
            quote!(r.enum_value(|s| #t::from(s)))
        }
        Type::Struct { name, boxed } => {
            let t = rust_type(&Type::Struct {
                name: name.clone(),
                boxed: false,
            });
            if *boxed {
                quote!(<#t as ::awsrt::internal::Decode>::decode(r).map(Box::new))
            } else {
                quote!(<#t as ::awsrt::internal::Decode>::decode(r))
            }
        }
        Type::List { item, sparse } => {
            // Reading a list needs no names: its items are all child elements.
            let item_layout = match layout {
                Layout::List { item, .. } => item.as_ref(),
                _ => &Layout::Plain,
            };
            let inner = decode_result(item, item_layout);
            if *sparse {
                quote!(::awsrt::internal::decode_sparse_list(r, |r| #inner))
            } else {
                quote!(::awsrt::internal::decode_list(r, |r| #inner))
            }
        }
        Type::Map { value, sparse } => {
            let (named, value_layout) = match layout {
                Layout::Map {
                    key,
                    value,
                    value_layout,
                    ..
                } if key != "key" || value != "value" => {
                    (Some(map_meta(key, value, false)), value_layout.as_ref())
                }
                Layout::Map { value_layout, .. } => (None, value_layout.as_ref()),
                _ => (None, &Layout::Plain),
            };
            let inner = decode_result(value, value_layout);
            match (named, *sparse) {
                (Some(meta), true) => {
                    quote!(::awsrt::internal::decode_sparse_map_as(r, #meta, |r| #inner))
                }
                (Some(meta), false) => {
                    quote!(::awsrt::internal::decode_map_as(r, #meta, |r| #inner))
                }
                (None, true) => quote!(::awsrt::internal::decode_sparse_map(r, |r| #inner)),
                (None, false) => quote!(::awsrt::internal::decode_map(r, |r| #inner)),
            }
        }
        Type::Document => quote!(r.document()),
    }
}

fn encode_impl(s: &StructDef) -> TokenStream {
    let name = ident(&s.name);
    let writes = s.members.iter().enumerate().map(|(i, m)| {
        let f = ident(&m.field);
        let i = Literal::usize_unsuffixed(i);
        let e = encode_value(&m.ty, &m.layout, quote!(v));
        if m.required {
            quote! {{ let v = &self.#f; w.field(&Self::FIELDS[#i]); #e; }}
        } else if m.idempotency_token {
            quote! {{
                let token;
                let v = match &self.#f { Some(v) => v, None => { token = ::awsrt::internal::idempotency_token(); &token } };
                w.field(&Self::FIELDS[#i]);
                #e;
            }}
        } else {
            quote! { if let Some(v) = &self.#f { w.field(&Self::FIELDS[#i]); #e; } }
        }
    });
    let allow = if s.members.iter().any(|m| m.deprecated.is_some()) {
        quote!(#[allow(deprecated)])
    } else {
        quote!()
    };
    quote! {
        #allow
        impl ::awsrt::internal::Encode for #name {
            fn encode<W: ::awsrt::internal::Writer>(&self, w: &mut W) {
                w.begin_struct();
                #(#writes)*
                w.end_struct();
            }
        }
    }
}

fn decode_impl(s: &StructDef) -> TokenStream {
    let name = ident(&s.name);
    let local = |m: &MemberDef| format_ident!("m_{}", bare(&m.field));
    let lets = s.members.iter().map(|m| {
        let l = local(m);
        quote!(let mut #l = None;)
    });
    let arms = s.members.iter().enumerate().map(|(i, m)| {
        let l = local(m);
        let i = Literal::usize_unsuffixed(i);
        let d = decode_value(&m.ty, &m.layout);
        quote!(#i => #l = Some(#d),)
    });
    let shape = s.shape_name();
    let inits = s.members.iter().map(|m| {
        let f = ident(&m.field);
        let l = local(m);
        if m.required {
            // A response lacking it gets its zero value; a strict reader (inputs) fails.
            let wire = &m.wire;
            quote!(#f: r.required(#l, #shape, #wire)?)
        } else {
            quote!(#f: #l)
        }
    });
    let body = if s.members.is_empty() {
        quote! {
            r.begin_struct()?;
            while r.next_field(Self::FIELDS)?.is_some() {
                r.skip()?;
            }
        }
    } else {
        quote! {
            r.begin_struct()?;
            while let Some(i) = r.next_field(Self::FIELDS)? {
                match i {
                    #(#arms)*
                    _ => r.skip()?,
                }
            }
        }
    };
    let allow = if s.members.iter().any(|m| m.deprecated.is_some()) {
        quote!(#[allow(deprecated)])
    } else {
        quote!()
    };
    quote! {
        #allow
        impl ::awsrt::internal::Decode for #name {
            fn decode<R: ::awsrt::internal::Reader>(r: &mut R) -> Result<Self, ::awsrt::internal::DecodeError> {
                #(#lets)*
                #body
                Ok(Self { #(#inits),* })
            }
        }
    }
}

/// The enum variant of a union member.
fn variant(m: &MemberDef) -> Ident {
    ident(&camel(&m.wire))
}

/// A union: an enum with one variant per member plus `Unknown`, accessors, `Debug`
/// (redacting sensitive members) and codecs that insist on exactly one member.
pub fn union(s: &StructDef, with_header_doc: bool, zero: bool) -> TokenStream {
    let name = ident(&s.name);
    let unknown = unknown_value_type();
    let header = item_header(s, "union", with_header_doc);
    let allow_deprecated = allow_deprecated(s);
    let variants = s.members.iter().map(|m| {
        let v = variant(m);
        let t = rust_type(&m.ty);
        let d = member_docs(m);
        let wire = m.json_name.clone().unwrap_or_else(|| m.wire.clone());
        quote! {
            #d
            #[cfg_attr(feature = "serde", serde(rename = #wire))]
            #v(#t),
        }
    });
    let n = proc_macro2::Literal::usize_unsuffixed(s.members.len());
    let field_consts = s.members.iter().map(|m| {
        let w = &m.wire;
        match &m.json_name {
            Some(j) => quote!(::awsrt::internal::Field::with_json(#w, #j)),
            None => quote!(::awsrt::internal::Field::new(#w)),
        }
    });
    let accessors = s.members.iter().map(union_accessor);
    let sensitive = s.members.iter().any(|m| m.sensitive);
    let debug_derive = if sensitive { quote!() } else { quote!(Debug,) };
    let debug_impl = if sensitive {
        union_debug_impl(s)
    } else {
        quote!()
    };
    let codecs = union_codecs(s);
    let zero_impl = if zero {
        zero_unknown_impl(&name)
    } else {
        quote!()
    };
    // A structure variant is held inline, as the model's type (boxing it would change the
    // API for a size lint); a large one beside `Unknown` is what the model says.
    let large = s
        .members
        .iter()
        .any(|m| matches!(m.ty, Type::Struct { boxed: false, .. }))
        .then(|| quote!(#[allow(clippy::large_enum_variant)]));
    quote! {
        #header
        #[derive(Clone, PartialEq, #debug_derive)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        #[non_exhaustive]
        #large
        pub enum #name {
            #(#variants)*
            /// A member this version of the crate does not know, by its wire name, as a
            /// newer service sent it (its value is dropped). It cannot be sent: encoding it
            /// writes an empty union.
            #[cfg_attr(feature = "serde", serde(skip))]
            Unknown(#unknown),
        }

        #allow_deprecated
        impl #name {
            /// The members' wire names in model order: what the codecs and the CLI table read.
            // In a static, so every reader shares one copy (a const's array would be copied
            // into each codegen unit that names it).
            pub(crate) const FIELDS: &'static [::awsrt::internal::Field] = {
                static FIELDS: [::awsrt::internal::Field; #n] = [#(#field_consts),*];
                &FIELDS
            };

            #(#accessors)*

            /// True when the member set is one this version does not know.
            pub fn is_unknown(&self) -> bool {
                matches!(self, Self::Unknown(_))
            }
        }

        #debug_impl
        #codecs
        #zero_impl
    }
}

/// The file doc (with `with_header_doc`), the item docs and `#[deprecated]` of a
/// structure or union (`kind`).
fn item_header(s: &StructDef, kind: &str, with_header_doc: bool) -> TokenStream {
    let mut doc_text = if s.docs.is_empty() {
        format!("The `{}` {kind}.", s.shape_name())
    } else {
        s.docs.clone()
    };
    if s.union {
        doc_text.push_str(
            "\n\nA union: exactly one member is set. Members this version does not know \
             decode as `Unknown`.",
        );
    }
    let docs = doc_attrs(&doc_text);
    let file_doc = if with_header_doc {
        let line = format!("The `{}` shape.", s.shape_name());
        quote!(#![doc = #line])
    } else {
        quote!()
    };
    let deprecated = s
        .deprecated
        .as_ref()
        .map(|msg| quote!(#[deprecated(note = #msg)]));
    quote!(#file_doc #docs #deprecated)
}

/// `#[allow(deprecated)]` when the shape or any member is deprecated.
fn allow_deprecated(s: &StructDef) -> TokenStream {
    if s.members.iter().any(|m| m.deprecated.is_some()) || s.deprecated.is_some() {
        quote!(#[allow(deprecated)])
    } else {
        quote!()
    }
}

/// `as_<member>()`: the member's value if it is the one set.
fn union_accessor(m: &MemberDef) -> TokenStream {
    let v = variant(m);
    let f = format_ident!("as_{}", bare(&m.field));
    let doc = format!("The `{}` member, if it is the one set.", m.wire);
    // A boxed (recursive) member lends the struct, not the `Box` (clippy::borrowed_box).
    let (t, value) = match &m.ty {
        Type::Struct { name, boxed: true } => (
            rust_type(&Type::Struct {
                name: name.clone(),
                boxed: false,
            }),
            quote!(&**v),
        ),
        ty => (rust_type(ty), quote!(v)),
    };
    quote! {
        #[doc = #doc]
        pub fn #f(&self) -> Option<&#t> {
            match self {
                Self::#v(v) => Some(#value),
                _ => None,
            }
        }
    }
}

/// `Debug` for a union with a sensitive member: that member prints redacted.
fn union_debug_impl(s: &StructDef) -> TokenStream {
    let name = ident(&s.name);
    let allow_deprecated = allow_deprecated(s);
    let arms = s.members.iter().map(|m| {
        let v = variant(m);
        let label = v.to_string();
        if m.sensitive {
            quote!(Self::#v(_) => f.debug_tuple(#label).field(&"*** Sensitive Data Redacted ***").finish(),)
        } else {
            quote!(Self::#v(v) => f.debug_tuple(#label).field(v).finish(),)
        }
    });
    quote! {
        #allow_deprecated
        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self {
                    #(#arms)*
                    Self::Unknown(n) => f.debug_tuple("Unknown").field(n).finish(),
                }
            }
        }
    }
}

/// `Encode` and `Decode` for a union: one member in, exactly one member out.
fn union_codecs(s: &StructDef) -> TokenStream {
    let name = ident(&s.name);
    let unknown = unknown_value_type();
    let allow_deprecated = allow_deprecated(s);
    let writes = s.members.iter().enumerate().map(|(i, m)| {
        let v = variant(m);
        let i = Literal::usize_unsuffixed(i);
        let e = encode_value(&m.ty, &m.layout, quote!(v));
        quote!(Self::#v(v) => { w.field(&Self::FIELDS[#i]); #e; })
    });
    let reads = s.members.iter().enumerate().map(|(i, m)| {
        let v = variant(m);
        let i = Literal::usize_unsuffixed(i);
        let d = decode_value(&m.ty, &m.layout);
        quote!(::awsrt::internal::UnionMember::Known(#i) => Self::#v(#d),)
    });
    let shape = s.shape_name();
    let many = format!("union {shape} has more than one member set");
    let none = format!("union {shape} has no member set");
    quote! {
        #allow_deprecated
        impl ::awsrt::internal::Encode for #name {
            fn encode<W: ::awsrt::internal::Writer>(&self, w: &mut W) {
                w.begin_struct();
                match self {
                    #(#writes)*
                    Self::Unknown(_) => {}
                }
                w.end_struct();
            }
        }

        #allow_deprecated
        impl ::awsrt::internal::Decode for #name {
            fn decode<R: ::awsrt::internal::Reader>(r: &mut R) -> Result<Self, ::awsrt::internal::DecodeError> {
                let mut value = None;
                r.begin_struct()?;
                while let Some(m) = r.next_union_member(Self::FIELDS)? {
                    let v = match m {
                        #(#reads)*
                        ::awsrt::internal::UnionMember::Known(_) => {
                            r.skip()?;
                            continue;
                        }
                        ::awsrt::internal::UnionMember::Unknown(n) => Self::Unknown(#unknown::new(n)),
                    };
                    if value.replace(v).is_some() {
                        return Err(::awsrt::internal::DecodeError::new(#many));
                    }
                }
                value.ok_or_else(|| ::awsrt::internal::DecodeError::new(#none))
            }
        }
    }
}

/// `Display` and `Error` for exception shapes, printing the code and message.
fn error_impl(s: &StructDef) -> TokenStream {
    let Some(code) = &s.error_code else {
        return quote!();
    };
    let name = ident(&s.name);
    let message = s
        .members
        .iter()
        .find(|m| m.wire.eq_ignore_ascii_case("message") && m.ty == Type::String)
        .map(|m| {
            let f = ident(&m.field);
            if m.required {
                quote!(write!(f, ": {}", self.#f)?;)
            } else {
                quote!(if let Some(m) = &self.#f { write!(f, ": {m}")?; })
            }
        });
    quote! {
        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(#code)?;
                #message
                Ok(())
            }
        }

        impl ::std::error::Error for #name {}
    }
}

/// A string enum that keeps unknown values; with `zero`, also its `ZeroValue`.
///
/// The unknown value is opaque ([`unknown_variant_value`]) and the variant deprecated, as
/// in smithy-rs: `Unknown(s) if s == "V4"` would silently stop matching once `V4` becomes
/// a known variant, while a comparison of `as_str()` keeps working.
pub fn enumeration(e: &EnumDef, zero: bool) -> TokenStream {
    let name = ident(&e.name);
    let unknown = unknown_value_type();
    let zero_impl = if zero {
        zero_unknown_impl(&name)
    } else {
        quote!()
    };
    let file_doc = format!("The `{}` enum.", e.shape);
    let docs = doc_attrs(if e.docs.is_empty() {
        &file_doc
    } else {
        &e.docs
    });
    let variants = e.values.iter().map(|(wire, v)| {
        let v = ident(v);
        let d = format!("`{wire}`");
        quote!(#[doc = #d] #v,)
    });
    let as_str = e.values.iter().map(|(wire, v)| {
        let v = ident(v);
        quote!(#name::#v => #wire,)
    });
    let from = e.values.iter().map(|(wire, v)| {
        let v = ident(v);
        quote!(#wire => #name::#v,)
    });
    let wires = e.values.iter().map(|(w, _)| w);
    quote! {
        #![doc = #file_doc]
        #docs
        ///
        /// Values this version does not know are kept in `Unknown`, so a newer service
        /// never breaks decoding. Handle them by comparing [`Self::as_str`] in the
        /// catch-all arm, never by matching `Unknown`: a value unknown today may be a
        /// variant in the next version of the crate, and `as_str()` gives the same string
        /// either way. `From<&str>` builds a value from its wire string, known or not.
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this version of the crate does not know, as received. Built only by
            /// `From<&str>` and decoding, for a value no variant covers.
            #[deprecated(note = "Don't match on `Unknown`: compare `as_str()`, which gives the same string whether or not this version knows the value.")]
            Unknown(#unknown),
        }

        #[allow(deprecated)]
        impl #name {
            /// The known values, in model order.
            pub const VALUES: &'static [&'static str] = &[#(#wires),*];

            /// The wire value.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#as_str)*
                    #name::Unknown(s) => s.as_str(),
                }
            }

            /// The known values, in model order.
            pub fn values() -> &'static [&'static str] {
                Self::VALUES
            }
        }

        #[allow(deprecated)]
        impl From<&str> for #name {
            #[inline]
            fn from(s: &str) -> Self {
                match s {
                    #(#from)*
                    other => #name::Unknown(#unknown::new(other.to_string())),
                }
            }
        }

        #[allow(deprecated)]
        impl From<String> for #name {
            fn from(s: String) -> Self {
                match #name::from(s.as_str()) {
                    #name::Unknown(_) => #name::Unknown(#unknown::new(s)),
                    known => known,
                }
            }
        }

        impl ::std::str::FromStr for #name {
            type Err = ::std::convert::Infallible;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(#name::from(s))
            }
        }

        impl AsRef<str> for #name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        #[cfg(feature = "serde")]
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        #[cfg(feature = "serde")]
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                <String as serde::Deserialize>::deserialize(d).map(#name::from)
            }
        }

        #zero_impl
    }
}

/// `primitives.rs`: the opaque value of every enum's and union's `Unknown` variant, when
/// the service has any. It is generated into each crate rather than kept in the runtime,
/// as smithy-rs does, so that its constructor can be `pub(crate)`: a runtime type would
/// need a public constructor for the generated crates, and user code could call it too.
pub fn unknown_variant_value(service: &Service) -> Option<TokenStream> {
    let has_union = service
        .types
        .values()
        .any(|t| matches!(t, TypeDef::Struct(s) if s.union));
    let example = service.types.values().find_map(|t| match t {
        TypeDef::Enum(e) => e.values.first().map(|(wire, _)| (e, wire)),
        TypeDef::Struct(_) => None,
    });
    if example.is_none() && !has_union {
        return None;
    }
    let krate = &service.crate_name;
    // Doc tests on a real enum of the crate: one a user may write, and the one the type
    // exists to reject (building `Unknown` from a value the crate knows).
    let examples = match example {
        Some((e, wire)) => format!(
            "\n\nCompare the string in a catch-all arm; it reads the same when a newer crate \
             knows the value:\n\n```\nuse {krate}::types::{name};\nlet value = {name}::from(\"NotYetModeled\");\n\
             let handled = match &value {{\n    {name}::{variant} => \"known\",\n    \
             other if other.as_str() == \"NotYetModeled\" => \"new\",\n    _ => \"other\",\n}};\n\
             assert_eq!(handled, \"new\");\n```\n\nUser code cannot build one, so it cannot \
             make an `Unknown` out of a value the crate knows (`{wire}` is \
             `{name}::{variant}`, and only that):\n\n```compile_fail\n#![allow(deprecated)]\n\
             use {krate}::{{primitives::UnknownVariantValue, types::{name}}};\n\
             let value = {name}::Unknown(UnknownVariantValue::new(\"{wire}\".to_string()));\n```\n\n\
             Nor can it compare the unknown value to a string in a pattern guard, the match \
             that would silently stop matching once the value became a variant:\n\n\
             ```compile_fail\n#![allow(deprecated)]\nuse {krate}::types::{name};\n\
             let value = {name}::from(\"NotYetModeled\");\nlet handled = match &value {{\n    \
             {name}::Unknown(s) if s == \"NotYetModeled\" => \"new\",\n    _ => \"other\",\n}};\n```",
            name = e.name,
            variant = e.values[0].1,
        ),
        None => String::new(),
    };
    let docs = doc_attrs(&format!(
        "A value of an enum, or a member name of a union, that this version of the crate \
         does not know: what the `Unknown` variants hold.\n\nIt is opaque: only the crate \
         builds one, when `From<&str>` or a decoder meets a value no variant covers. Read \
         it with [`Self::as_str`].{examples}"
    ));
    Some(quote! {
        #![doc = "Values that stand for what this version of the crate does not know."]
        #docs
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct UnknownVariantValue(String);

        impl UnknownVariantValue {
            pub(crate) fn new(value: String) -> Self {
                Self(value)
            }

            /// The value as the service sent it (or as given to `From<&str>`).
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
    })
}

//! The hand-written runtime behind generated AWS clients: HTTP over rustls, SigV4,
//! the wire protocols (Smithy RPC v2 CBOR, awsJson1_1), credentials, retries and timeouts.
//!
//! Generated code uses only these names: [`Client`], [`Config`], [`ServiceMeta`],
//! [`Operation`], [`OperationError`], [`SdkError`], [`ErrorMetadata`],
//! [`Paginated`], [`Paginator`], [`DateTime`], and the [`codec`] traits
//! ([`codec::Encode`], [`codec::Decode`], [`codec::Writer`], [`codec::Reader`], [`codec::Field`]).

mod base64;
pub mod codec;
mod datetime;
pub mod http;
pub mod sigv4;

pub use datetime::DateTime;

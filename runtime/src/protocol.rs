//! The wire protocols a service may speak (the model's `protocols`); [`crate::wire`]
//! builds and reads their messages.

/// A wire protocol the runtime speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Protocol {
    /// Smithy RPC v2 CBOR.
    RpcV2Cbor,
    /// AWS JSON 1.0.
    AwsJson1_0,
    /// AWS JSON 1.1.
    AwsJson1_1,
    /// AWS query (form-encoded requests, XML responses).
    AwsQuery,
}

impl Protocol {
    /// The botocore name of the protocol (`smithy-rpc-v2-cbor`, `json`, `query`).
    pub fn name(self) -> &'static str {
        match self {
            Protocol::RpcV2Cbor => "smithy-rpc-v2-cbor",
            Protocol::AwsJson1_0 | Protocol::AwsJson1_1 => "json",
            Protocol::AwsQuery => "query",
        }
    }
}

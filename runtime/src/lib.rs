//! The hand-written runtime behind generated AWS clients: HTTP over rustls, SigV4,
//! the wire protocols (Smithy RPC v2 CBOR, awsJson 1.0/1.1, awsQuery), credentials,
//! retries and timeouts.
//!
//! Most users never name this crate: a generated service crate (`snowball`,
//! `importexport`) re-exports what ordinary code needs. Its public surface is these
//! names and nothing else:
//!
//! - the client and its settings: [`Client`], [`Config`], [`RetryMode`], [`Protocol`],
//!   [`Env`] (the environment a [`Config`] reads, for hermetic setups);
//! - credentials: [`Credentials`], the [`ProvideCredentials`] trait for your own source,
//!   and its [`CredentialsError`];
//! - errors: [`SdkError`], [`ServiceError`], [`ErrorMetadata`] and its [`Fault`] (matched
//!   on to tell a bad request from a service failure);
//! - paginators: [`Paginator`] (a stream of pages) and [`Items`] (a stream of items);
//! - values: [`DateTime`] (and [`DateTimeParseError`]), [`Document`], [`Map`] (the type of
//!   every map member: you build one to fill a member);
//! - the HTTP layer, to replace or fake it: the [`Transport`] trait, its [`BoxFuture`],
//!   [`TransportError`] and [`TransportErrorKind`], and [`TestTransport`], which answers
//!   from a queue and records what was sent.
//!
//! Generated code also uses a hidden module, `awsrt::internal` (the codec traits,
//! `Field`, `ListMeta`/`MapMeta`, the list and map helpers, `ServiceMeta`, `Operation`,
//! `OperationError`, `EndpointParam` and `DiscoveryFuture` for the operation traits that
//! reach the endpoint rules and endpoint discovery, the command-line tables, with feature `server` the server half of
//! the protocols, and with feature `blocking` the blocking clients' runner and
//! iterators): it is for generated code and the project's own tools, and carries no
//! stability promise. The `blocking` feature adds no name at the root: users name the
//! generated crate's `blocking::Client`.

mod base64;
#[cfg(feature = "blocking")]
mod blocking;
#[cfg(feature = "cli")]
mod cli;
mod client;
mod codec;
mod compress;
mod credentials;
mod datetime;
mod document;
mod endpoint;
mod error;
mod hex;
mod http;
mod operation;
mod paginator;
mod protocol;
mod retry;
#[cfg(feature = "server")]
mod server;
mod shared_config;
mod sigv4;
mod wire;

pub use client::{Client, Config};
pub use credentials::{Credentials, CredentialsError, ProvideCredentials};
pub use datetime::{DateTime, DateTimeParseError};
pub use document::Document;
pub use error::{ErrorMetadata, Fault, SdkError, ServiceError};
pub use http::{BoxFuture, TestTransport, Transport, TransportError, TransportErrorKind};
pub use paginator::{Items, Paginator};
pub use protocol::Protocol;
pub use shared_config::{Env, RetryMode};

/// The type of every generated map member: string keys in insertion order. Requests
/// send the entries in the order you inserted them (as botocore sends a dict), and
/// responses keep the order the service sent. It is [`indexmap::IndexMap`], so it has
/// `new`, `insert`, `get`, `iter`, `FromIterator`, `From<[(K, V); N]>`, and with the
/// `serde` feature `Serialize`/`Deserialize`. Equality ignores order, as for a
/// `HashMap`.
pub type Map<V> = indexmap::IndexMap<String, V>;

#[doc(hidden)]
pub mod internal {
    //! For generated code and this project's own tools (the CLI, xtask, fuzz, bench,
    //! tests) only: no stability promise, hidden from the docs. Generated code names
    //! the codec items (`Encode`, `Decode`, `Writer`, `Reader`, `Field`, `ListMeta`,
    //! `MapMeta`, the list and map helpers) and the operation traits from here.

    pub use crate::codec::*;
    pub use crate::operation::{
        check_host_labels, DiscoveryFuture, EndpointParam, Operation, OperationError, PageToken,
        Paginated, ServiceMeta,
    };

    /// The blocking clients' background runtime and iterators (feature `blocking`).
    #[cfg(feature = "blocking")]
    pub mod blocking {
        pub use crate::blocking::*;
    }
    /// The command-line clients' tables and send helper.
    #[cfg(feature = "cli")]
    pub mod cli {
        pub use crate::cli::*;
    }
    /// The server half of the protocols: route tables, dispatch and an HTTP server,
    /// for local emulators (generated crates' `server` feature).
    #[cfg(feature = "server")]
    pub mod server {
        pub use crate::server::*;
    }
    /// Credential providers and their cache.
    pub mod credentials {
        pub use crate::credentials::*;
    }
    /// Endpoint rule sets, partitions and region checks.
    pub mod endpoint {
        pub use crate::endpoint::*;
    }
    /// The HTTP transport over hyper and rustls, and what logs may show.
    pub mod http {
        pub use crate::http::*;
    }
    /// The shared `config` and `credentials` files.
    pub mod shared_config {
        pub use crate::shared_config::*;
    }
    /// Signature Version 4.
    pub mod sigv4 {
        pub use crate::sigv4::*;
    }
}

/// A random UUID v4 string, from the OS random source that `ring` uses.
pub(crate) fn uuid_v4() -> String {
    use ring::rand::SecureRandom;
    let mut b = [0u8; 16];
    // The system RNG only fails when the OS cannot provide randomness at all; a
    // time-derived fallback still gives a unique-enough id for requests.
    if ring::rand::SystemRandom::new().fill(&mut b).is_err() {
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        b.copy_from_slice(&t.as_nanos().to_le_bytes());
    }
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    // Hex by table: this runs on every call, and `format!` per byte cost ~10k instructions.
    let mut s = String::with_capacity(36);
    for (i, &x) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            s.push('-');
        }
        let [hi, lo] = hex::lower(x);
        s.push(char::from(hi));
        s.push(char::from(lo));
    }
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn uuid_v4_is_a_random_version_4_uuid() {
        let a = super::uuid_v4();
        let b = super::uuid_v4();
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        let groups: Vec<&str> = a.split('-').collect();
        assert_eq!(
            groups.iter().map(|g| g.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(a
            .bytes()
            .all(|c| c == b'-' || c.is_ascii_digit() || (b'a'..=b'f').contains(&c)));
        assert!(groups[2].starts_with('4'), "version nibble: {a}");
        assert!(
            matches!(&groups[3][..1], "8" | "9" | "a" | "b"),
            "variant: {a}"
        );
    }
}

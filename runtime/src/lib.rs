//! The hand-written runtime behind generated AWS clients: HTTP over rustls, SigV4,
//! the wire protocols (Smithy RPC v2 CBOR, awsJson 1.0/1.1, awsQuery), credentials,
//! retries and timeouts.
//!
//! Generated code uses only these names: [`Client`], [`Config`], [`ServiceMeta`],
//! [`Operation`], [`OperationError`], [`SdkError`], [`ErrorMetadata`],
//! [`Paginated`], [`Paginator`], [`DateTime`], and the [`codec`] traits
//! ([`codec::Encode`], [`codec::Decode`], [`codec::Writer`], [`codec::Reader`], [`codec::Field`],
//! and for XML/query names [`codec::ListMeta`], [`codec::MapMeta`]; `codec::ZeroValue`,
//! hidden, for the zero value a required member missing from a response decodes as).

mod base64;
#[cfg(feature = "cli")]
pub mod cli;
pub mod codec;
mod datetime;
mod hex;
pub mod http;
pub mod sigv4;

pub use datetime::{DateTime, DateTimeParseError};
mod document;
pub use document::Document;
mod client;
pub mod credentials;
pub mod endpoint;
mod error;
mod operation;
mod paginator;
mod protocol;
mod retry;
pub mod shared_config;
mod wire;

pub use client::{Client, Config};
pub use credentials::Credentials;
pub use error::{ErrorMetadata, SdkError, ServiceError};
pub use operation::{check_host_labels, Operation, OperationError, Paginated, ServiceMeta};
pub use paginator::{Items, Paginator};
pub use protocol::Protocol;
pub use shared_config::RetryMode;

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

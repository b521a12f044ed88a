//! SigV4 checking on the server: the keys a server accepts, and the error each refusal
//! gets in each protocol (the codes and messages AWS sends). The signature itself is
//! checked by `sigv4::verify`, over the signer's own canonical request.

use std::collections::HashMap;
use std::fmt;
use std::time::SystemTime;

use super::GenericError;
use crate::operation::ServiceMeta;
use crate::protocol::Protocol;
use crate::sigv4::{verify, VerifyError};

/// The access keys a server accepts: each request must then carry a valid SigV4
/// signature by one of them. `Debug` shows the key ids, never the secrets.
#[derive(Clone, Default)]
pub struct Keys {
    secrets: HashMap<String, String>,
}

impl fmt::Debug for Keys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keys")
            .field("access_key_ids", &self.access_key_ids())
            .finish()
    }
}

impl Keys {
    /// No keys yet.
    pub fn new() -> Self {
        Keys::default()
    }

    /// Accepts `access_key_id` signed with `secret` (a later pair for the same id
    /// replaces the earlier one).
    pub fn insert(&mut self, access_key_id: impl Into<String>, secret: impl Into<String>) {
        self.secrets.insert(access_key_id.into(), secret.into());
    }

    /// The accepted access key ids, sorted.
    pub fn access_key_ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = self.secrets.keys().map(String::as_str).collect();
        ids.sort_unstable();
        ids
    }
}

/// `Ok` when no keys are set or the request is signed by one of them for this service;
/// else the error AWS answers with, in `protocol`'s conventions.
pub(crate) fn check(
    keys: Option<&Keys>,
    meta: &ServiceMeta,
    protocol: Protocol,
    parts: &http::request::Parts,
    body: &[u8],
) -> Result<(), GenericError> {
    let Some(keys) = keys else { return Ok(()) };
    // The model's signing name; the endpoint prefix too, which SDKs use when a custom
    // endpoint drops the rules' auth scheme.
    let services = [meta.signing_name, meta.endpoint_prefix];
    let secret = |akid: &str| keys.secrets.get(akid).cloned();
    match verify(parts, body, &services, SystemTime::now(), &secret) {
        Ok(_) => Ok(()),
        Err(e) => Err(refusal(protocol, &e)),
    }
}

/// The error AWS sends for `e`: awsJson and CBOR use the `...Exception` codes, awsQuery
/// the IAM-style ones, all 403 there.
pub(crate) fn refusal(protocol: Protocol, e: &VerifyError) -> GenericError {
    let query = protocol == Protocol::AwsQuery;
    let (status, code) = match (e, query) {
        (VerifyError::Missing, false) => (403, "MissingAuthenticationTokenException"),
        (VerifyError::Missing, true) => (403, "MissingAuthenticationToken"),
        (VerifyError::Malformed(_), false) => (400, "IncompleteSignatureException"),
        (VerifyError::Malformed(_), true) => (400, "IncompleteSignature"),
        (VerifyError::UnknownKey, false) => (400, "UnrecognizedClientException"),
        (VerifyError::UnknownKey, true) => (403, "InvalidClientTokenId"),
        (VerifyError::BadScope(_) | VerifyError::Expired(_) | VerifyError::Mismatch, false) => {
            (400, "InvalidSignatureException")
        }
        (VerifyError::BadScope(_) | VerifyError::Expired(_) | VerifyError::Mismatch, true) => {
            (403, "SignatureDoesNotMatch")
        }
    };
    let message = match (e, query) {
        (VerifyError::Missing, true) => "Request is missing Authentication Token".to_string(),
        _ => e.to_string(),
    };
    GenericError::new(status, code, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_ids_not_secrets() {
        let mut keys = Keys::new();
        keys.insert("AKIDB", "secret-b");
        keys.insert("AKIDA", "secret-a");
        let shown = format!("{keys:?}");
        assert!(
            shown.contains("AKIDA") && shown.contains("AKIDB"),
            "{shown}"
        );
        assert!(!shown.contains("secret"), "{shown}");
        assert_eq!(keys.access_key_ids(), ["AKIDA", "AKIDB"]);
    }

    #[test]
    fn refusals_follow_each_protocol() {
        let json = refusal(Protocol::AwsJson1_1, &VerifyError::Missing);
        assert_eq!(
            (json.status, json.code.as_str(), json.message.as_str()),
            (
                403,
                "MissingAuthenticationTokenException",
                "Missing Authentication Token"
            )
        );
        let q = refusal(Protocol::AwsQuery, &VerifyError::UnknownKey);
        assert_eq!((q.status, q.code.as_str()), (403, "InvalidClientTokenId"));
        let c = refusal(Protocol::RpcV2Cbor, &VerifyError::Mismatch);
        assert_eq!(
            (c.status, c.code.as_str()),
            (400, "InvalidSignatureException")
        );
        assert!(c.message.starts_with("The request signature we calculated"));
        let q = refusal(
            Protocol::AwsQuery,
            &VerifyError::Expired("Signature expired: x".into()),
        );
        assert_eq!((q.status, q.code.as_str()), (403, "SignatureDoesNotMatch"));
    }
}

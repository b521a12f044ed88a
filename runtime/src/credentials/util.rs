//! Helpers shared by the HTTP credential providers.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use super::Credentials;
use crate::codec::json::Value;
use crate::http::Transport;
use crate::DateTime;
use bytes::Bytes;

/// Sends `request`, giving up after `timeout`. The message names what failed.
pub(crate) async fn send(
    transport: &Arc<dyn Transport>,
    mut request: http::Request<Bytes>,
    timeout: Duration,
) -> Result<http::Response<Bytes>, String> {
    // So logging and recording transports neither print nor keep the answer.
    request
        .extensions_mut()
        .insert(crate::http::redact::CredentialsRequest);
    let uri = request.uri().clone();
    match tokio::time::timeout(timeout, transport.send(request)).await {
        Ok(Ok(r)) => Ok(r),
        Ok(Err(e)) => Err(format!("{uri}: {e}")),
        Err(_) => Err(format!("{uri}: no answer within {timeout:?}")),
    }
}

/// An ISO 8601 timestamp as a `SystemTime`.
pub(crate) fn parse_time(s: &str) -> Result<SystemTime, String> {
    DateTime::parse_iso8601(s.trim())
        .ok()
        .and_then(|d| d.to_system_time())
        .ok_or_else(|| format!("invalid timestamp {s:?}"))
}

/// 9999-12-31T23:59:59.999Z in epoch milliseconds.
const MAX_EPOCH_MILLIS: u64 = 253_402_300_799_999;

/// Credentials from a JSON object with the given member names; `expiration` is an ISO
/// 8601 string (or epoch milliseconds when `millis`). An `AccountId` member (container,
/// `credential_process`) becomes the account id, as botocore reads it.
pub(crate) fn json_credentials(
    v: &Value,
    [id, secret, token, expiration]: [&str; 4],
    millis: bool,
) -> Result<Credentials, String> {
    let s = |k: &str| v.get(k).and_then(Value::as_str).filter(|s| !s.is_empty());
    let id = s(id).ok_or_else(|| format!("response has no {id}"))?;
    let secret = s(secret).ok_or_else(|| format!("response has no {secret}"))?;
    let expiry = match v.get(expiration) {
        None | Some(Value::Null) => None,
        Some(Value::String(t)) => {
            Some(parse_time(t).map_err(|e| format!("invalid {expiration}: {e}"))?)
        }
        // Epoch milliseconds (SSO): a whole number up to the end of year 9999, as
        // botocore's datetime allows; anything else is an error, never "no expiry".
        Some(n @ Value::Number { .. }) if millis => Some(
            n.as_i64()
                .and_then(|ms| u64::try_from(ms).ok())
                .filter(|ms| *ms <= MAX_EPOCH_MILLIS)
                .and_then(|ms| SystemTime::UNIX_EPOCH.checked_add(Duration::from_millis(ms)))
                .ok_or_else(|| format!("invalid {expiration}: {n}"))?,
        ),
        Some(other) => return Err(format!("invalid {expiration}: {other}")),
    };
    Ok(Credentials::new(id, secret, s(token).map(str::to_string))
        .with_expiry(expiry)
        .with_account_id(s("AccountId").map(str::to_string)))
}

/// Parses a JSON body with the runtime's own reader, naming the source and the line and
/// column on failure (never the body: it may hold a secret key).
pub(crate) fn parse_json(body: &[u8], what: &str) -> Result<Value, String> {
    crate::codec::json::parse_document(body).map_err(|e| format!("{what} is not valid JSON: {e}"))
}

/// A short printable excerpt of a response body, for error messages.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let s = String::from_utf8_lossy(body);
    let s = s.trim();
    if s.chars().count() > 200 {
        format!("{}...", s.chars().take(200).collect::<String>())
    } else {
        s.to_string()
    }
}

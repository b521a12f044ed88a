//! Checking a received request's SigV4 `Authorization` header, for local emulators: the
//! canonical request is rebuilt with the signer's own code ([`super::canonical_request`]),
//! so what we sign and what we accept cannot drift apart.

use std::fmt;
use std::time::{Duration, SystemTime};

use ring::hmac;

use super::{canonical_request, payload_hash, RequestParts, SigningSettings, ALGORITHM};

/// How far `X-Amz-Date` may be from the server clock, either way (as on AWS).
pub const MAX_SKEW: Duration = Duration::from_secs(15 * 60);

/// The parts of an `Authorization: AWS4-HMAC-SHA256 ...` header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Authorization<'a> {
    /// The access key id of the credential scope.
    pub access_key_id: &'a str,
    /// The scope's `YYYYMMDD`.
    pub date: &'a str,
    /// The scope's region.
    pub region: &'a str,
    /// The scope's service (signing name).
    pub service: &'a str,
    /// The `;`-joined signed header names, lowercase.
    pub signed_headers: &'a str,
    /// The hex signature.
    pub signature: &'a str,
}

/// Parses `AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/SERVICE/aws4_request,
/// SignedHeaders=a;b, Signature=HEX` (components in any order, spaces optional).
/// `None` when the header is not of that form.
pub fn parse_authorization(value: &str) -> Option<Authorization<'_>> {
    let rest = value.trim().strip_prefix(ALGORITHM)?;
    if !rest.starts_with(' ') {
        return None;
    }
    let (mut credential, mut signed_headers, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let (key, v) = part.trim().split_once('=')?;
        let slot = match key {
            "Credential" => &mut credential,
            "SignedHeaders" => &mut signed_headers,
            "Signature" => &mut signature,
            _ => return None,
        };
        if slot.replace(v).is_some() {
            return None;
        }
    }
    let mut scope = credential?.split('/');
    let (access_key_id, date, region, service, terminator) = (
        scope.next()?,
        scope.next()?,
        scope.next()?,
        scope.next()?,
        scope.next()?,
    );
    let signed_headers = signed_headers?;
    let signature = signature?;
    let well_formed = scope.next().is_none()
        && terminator == "aws4_request"
        && !access_key_id.is_empty()
        && date.len() == 8
        && date.bytes().all(|b| b.is_ascii_digit())
        && !region.is_empty()
        && !service.is_empty()
        && !signed_headers.is_empty()
        && signature.len() == 64
        && signature.bytes().all(|b| b.is_ascii_hexdigit());
    well_formed.then_some(Authorization {
        access_key_id,
        date,
        region,
        service,
        signed_headers,
        signature,
    })
}

/// Why a request's signature was refused. The messages are the ones AWS sends; none
/// holds a secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VerifyError {
    /// No `Authorization` header (AWS: `MissingAuthenticationToken`).
    Missing,
    /// An `Authorization` header that is not a SigV4 one, or a missing `X-Amz-Date`
    /// (AWS: `IncompleteSignature`). The text says what is wrong.
    Malformed(String),
    /// The access key id is not one the server knows (AWS: `UnrecognizedClient` /
    /// `InvalidClientTokenId`).
    UnknownKey,
    /// The scope names another service, or its date is not `X-Amz-Date`'s. The text says
    /// which.
    BadScope(String),
    /// `X-Amz-Date` is more than [`MAX_SKEW`] from the server clock; the text is AWS's
    /// `Signature expired: ...` or `Signature not yet current: ...`.
    Expired(String),
    /// The signature is not the one the secret gives.
    Mismatch,
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VerifyError::Missing => f.write_str("Missing Authentication Token"),
            VerifyError::Malformed(m) | VerifyError::BadScope(m) | VerifyError::Expired(m) => {
                f.write_str(m)
            }
            VerifyError::UnknownKey => {
                f.write_str("The security token included in the request is invalid.")
            }
            VerifyError::Mismatch => f.write_str(
                "The request signature we calculated does not match the signature you \
                 provided. Check your AWS Secret Access Key and signing method. Consult \
                 the service documentation for details.",
            ),
        }
    }
}

impl std::error::Error for VerifyError {}

/// What a verified request was signed for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    /// The access key id.
    pub access_key_id: String,
    /// The scope's region.
    pub region: String,
}

/// Checks the SigV4 header signature of a received request: `services` are the signing
/// names the scope may carry, `secret` gives the secret of an access key id (`None` for
/// an unknown one), `now` is the server clock. A session token, if sent, is signed like
/// any header and otherwise accepted. Query-string (presigned) signatures are not
/// accepted: a request without `Authorization` is [`VerifyError::Missing`].
pub fn verify(
    parts: &http::request::Parts,
    body: &[u8],
    services: &[&str],
    now: SystemTime,
    secret: &dyn Fn(&str) -> Option<String>,
) -> Result<Verified, VerifyError> {
    let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok());
    let Some(value) = parts.headers.get(http::header::AUTHORIZATION) else {
        return Err(VerifyError::Missing);
    };
    let value = value.to_str().unwrap_or("");
    let auth = parse_authorization(value).ok_or_else(|| {
        VerifyError::Malformed(format!(
            "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' \
             parameters of the {ALGORITHM} algorithm."
        ))
    })?;
    let amz_date = header("x-amz-date").ok_or_else(|| {
        VerifyError::Malformed(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' \
             header."
                .to_string(),
        )
    })?;
    let signed_at = parse_amz_date(amz_date).ok_or_else(|| {
        VerifyError::Malformed(format!(
            "X-Amz-Date {amz_date:?} is not of the form YYYYMMDDTHHMMSSZ."
        ))
    })?;
    if !services.contains(&auth.service) {
        return Err(VerifyError::BadScope(format!(
            "Credential should be scoped to correct service: '{}'.",
            services.first().copied().unwrap_or("")
        )));
    }
    if amz_date.get(..8) != Some(auth.date) {
        return Err(VerifyError::BadScope(format!(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date \
             from HTTP: '{}' != '{}', from '{amz_date}'.",
            auth.date,
            amz_date.get(..8).unwrap_or("")
        )));
    }
    let Some(secret) = secret(auth.access_key_id) else {
        return Err(VerifyError::UnknownKey);
    };
    check_clock(amz_date, signed_at, now)?;

    // The signed headers, as received, in the order the header names them; a name the
    // request does not carry cannot match.
    let mut headers: Vec<(&str, &str)> = Vec::new();
    for name in auth.signed_headers.split(';') {
        let mut found = false;
        for v in parts.headers.get_all(name) {
            found = true;
            headers.push((name, v.to_str().map_err(|_| VerifyError::Mismatch)?));
        }
        if !found {
            return Err(VerifyError::Mismatch);
        }
    }
    // The body's own hash; a sent `X-Amz-Content-SHA256` must be it (or S3's
    // `UNSIGNED-PAYLOAD`), or a signed header could vouch for a body it does not describe.
    let body_hash = payload_hash(body);
    let payload = match header("x-amz-content-sha256") {
        Some(h) if h == body_hash || h == "UNSIGNED-PAYLOAD" => h,
        Some(_) => return Err(VerifyError::Mismatch),
        None => &body_hash,
    };
    let request = RequestParts {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        query: parts.uri.query().unwrap_or(""),
        headers: &headers,
        payload_hash: payload,
    };
    let (creq, signed) = canonical_request(&request, &SigningSettings::default());
    if signed != auth.signed_headers {
        // A header botocore never signs was listed, or names were not sorted lowercase.
        return Err(VerifyError::Mismatch);
    }
    let to_sign = super::string_to_sign(amz_date, auth.region, auth.service, &creq);
    let key = super::derive_signing_key(&secret, auth.date, auth.region, auth.service);
    let mut sent = [0u8; 32];
    for (out, pair) in sent
        .iter_mut()
        .zip(auth.signature.as_bytes().chunks_exact(2))
    {
        let digit = |b: u8| char::from(b).to_digit(16).unwrap_or(0) as u8;
        *out = digit(pair[0]) << 4 | digit(pair[1]);
    }
    // Constant time: the comparison does not tell how many leading bytes matched.
    hmac::verify(&key, to_sign.as_bytes(), &sent).map_err(|_| VerifyError::Mismatch)?;
    Ok(Verified {
        access_key_id: auth.access_key_id.to_string(),
        region: auth.region.to_string(),
    })
}

/// AWS's answers for a date outside the window, word for word.
fn check_clock(amz_date: &str, signed_at: SystemTime, now: SystemTime) -> Result<(), VerifyError> {
    let stamp = |t: SystemTime| {
        super::time::AmzDate::new(t)
            .map(|d| d.as_str().to_string())
            .unwrap_or_default()
    };
    if signed_at + MAX_SKEW < now {
        return Err(VerifyError::Expired(format!(
            "Signature expired: {amz_date} is now earlier than {} ({} - 15 min.)",
            stamp(now - MAX_SKEW),
            stamp(now)
        )));
    }
    if signed_at > now + MAX_SKEW {
        return Err(VerifyError::Expired(format!(
            "Signature not yet current: {amz_date} is still later than {} ({} + 15 min.)",
            stamp(now + MAX_SKEW),
            stamp(now)
        )));
    }
    Ok(())
}

/// `YYYYMMDDTHHMMSSZ` (`X-Amz-Date`) as an instant; `None` when not of that form.
pub fn parse_amz_date(s: &str) -> Option<SystemTime> {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b.get(r).filter(|d| d.iter().all(u8::is_ascii_digit));
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    digits(0..8)?;
    digits(9..15)?;
    let iso = format!(
        "{}-{}-{}T{}:{}:{}Z",
        &s[0..4],
        &s[4..6],
        &s[6..8],
        &s[9..11],
        &s[11..13],
        &s[13..15]
    );
    crate::DateTime::parse_iso8601(&iso).ok()?.to_system_time()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sigv4::{Signer, SigningParams};
    use bytes::Bytes;

    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    fn signed(time: SystemTime, secret: &str, token: Option<&str>) -> http::request::Parts {
        let mut req = http::Request::builder()
            .method("POST")
            .uri("http://127.0.0.1:8600/")
            .header("content-type", "application/x-amz-json-1.1")
            .header("x-amz-target", "AWSIESnowballJobManagementService.ListJobs")
            .body(Bytes::from_static(b"{}"))
            .unwrap();
        let params = SigningParams {
            access_key_id: "AKIDEXAMPLE",
            secret_access_key: secret,
            session_token: token,
            region: "eu-west-1",
            service: "snowball",
            time,
        };
        Signer::default().sign(&mut req, &params).unwrap();
        req.into_parts().0
    }

    fn check(parts: &http::request::Parts, body: &[u8]) -> Result<Verified, VerifyError> {
        let known = |akid: &str| (akid == "AKIDEXAMPLE").then(|| SECRET.to_string());
        verify(parts, body, &["snowball"], SystemTime::now(), &known)
    }

    #[test]
    fn our_signature_verifies_and_changes_are_caught() {
        let now = SystemTime::now();
        let parts = signed(now, SECRET, Some("token"));
        assert_eq!(
            check(&parts, b"{}"),
            Ok(Verified {
                access_key_id: "AKIDEXAMPLE".into(),
                region: "eu-west-1".into()
            })
        );
        // Another body, another secret, another header value: each is a mismatch.
        assert_eq!(check(&parts, b"{ }"), Err(VerifyError::Mismatch));
        assert_eq!(
            check(&signed(now, "wrong", None), b"{}"),
            Err(VerifyError::Mismatch)
        );
        let mut changed = parts.clone();
        changed.headers.insert(
            "x-amz-target",
            http::HeaderValue::from_static("AWSIESnowballJobManagementService.CancelJob"),
        );
        assert_eq!(check(&changed, b"{}"), Err(VerifyError::Mismatch));
        // A signed content hash vouches only for the body it describes.
        let mut req = http::Request::builder()
            .method("POST")
            .uri("http://127.0.0.1:8600/")
            .header("x-amz-content-sha256", crate::sigv4::payload_hash(b"{}"))
            .body(Bytes::from_static(b"{}"))
            .unwrap();
        let params = SigningParams {
            access_key_id: "AKIDEXAMPLE",
            secret_access_key: SECRET,
            session_token: None,
            region: "eu-west-1",
            service: "snowball",
            time: now,
        };
        Signer::default().sign(&mut req, &params).unwrap();
        let hashed = req.into_parts().0;
        assert!(check(&hashed, b"{}").is_ok());
        assert_eq!(check(&hashed, b"{ }"), Err(VerifyError::Mismatch));
        // A signed header that was dropped in flight.
        let mut dropped = parts.clone();
        dropped.headers.remove("x-amz-security-token");
        assert_eq!(check(&dropped, b"{}"), Err(VerifyError::Mismatch));
    }

    #[test]
    fn missing_unknown_stale_and_malformed() {
        let now = SystemTime::now();
        let mut parts = signed(now, SECRET, None);
        let auth = parts.headers.remove("authorization").unwrap();
        assert_eq!(check(&parts, b"{}"), Err(VerifyError::Missing));
        let other = auth.to_str().unwrap().replace("AKIDEXAMPLE", "AKIDOTHER");
        parts
            .headers
            .insert("authorization", other.parse().unwrap());
        assert_eq!(check(&parts, b"{}"), Err(VerifyError::UnknownKey));
        parts.headers.insert(
            "authorization",
            "AWS4-HMAC-SHA256 Credential=x".parse().unwrap(),
        );
        assert!(matches!(
            check(&parts, b"{}"),
            Err(VerifyError::Malformed(_))
        ));

        let old = signed(now - Duration::from_secs(16 * 60), SECRET, None);
        let err = check(&old, b"{}").unwrap_err();
        assert!(
            matches!(&err, VerifyError::Expired(m) if m.starts_with("Signature expired: ")
                && m.ends_with(" - 15 min.)")),
            "{err:?}"
        );
        let future = signed(now + Duration::from_secs(16 * 60), SECRET, None);
        assert!(matches!(
            check(&future, b"{}"),
            Err(VerifyError::Expired(m)) if m.starts_with("Signature not yet current: ")
        ));
        // Within the window either way is fine.
        let recent = signed(now - Duration::from_secs(10 * 60), SECRET, None);
        assert!(check(&recent, b"{}").is_ok());

        let parts = signed(now, SECRET, None);
        let wrong_service = |a: &str| verify(&parts, b"{}", &[a], now, &|_| None);
        assert!(matches!(
            wrong_service("importexport"),
            Err(VerifyError::BadScope(m)) if m.contains("'importexport'")
        ));
    }

    #[test]
    fn authorization_headers_parse_strictly() {
        let sig = "a".repeat(64);
        let good = format!(
            "AWS4-HMAC-SHA256 Credential=AK/20260101/us-east-1/snowball/aws4_request, \
             SignedHeaders=host;x-amz-date, Signature={sig}"
        );
        let a = parse_authorization(&good).unwrap();
        assert_eq!(
            (
                a.access_key_id,
                a.date,
                a.region,
                a.service,
                a.signed_headers
            ),
            ("AK", "20260101", "us-east-1", "snowball", "host;x-amz-date")
        );
        for bad in [
            "",
            "AWS4-HMAC-SHA256",
            "AWS4-HMAC-SHA256Credential=AK/20260101/r/s/aws4_request",
            &good.replace("aws4_request", "aws5_request"),
            &good.replace("20260101", "2026010"),
            &good.replace(&sig, "zz"),
            &format!("{good}, Signature={sig}"),
            &good.replace("Credential", "Cred"),
        ] {
            assert_eq!(parse_authorization(bad), None, "{bad}");
        }
        assert!(parse_amz_date("20260101T000000Z").is_some());
        for bad in [
            "2026010T000000Z",
            "20260101T0000000",
            "2026-1-1T000000Z",
            "ä",
        ] {
            assert_eq!(parse_amz_date(bad), None, "{bad}");
        }
    }
}

//! AWS Signature Version 4: signs requests the way botocore's `SigV4Auth` does.
//!
//! Clients hold a [`Signer`] (it caches the derived per-day signing key) and call
//! [`Signer::sign`] on every attempt. [`sign_parts`], [`presign_parts`], [`canonical_request`]
//! and [`string_to_sign`] work on plain strings, so test suites can check each step.

mod canonical;
mod time;
mod verify;

pub(crate) use canonical::encode_component;
pub use verify::{
    parse_amz_date, parse_authorization, verify, Authorization, Verified, VerifyError, MAX_SKEW,
};

use std::fmt;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::header::{HeaderName, HeaderValue, AUTHORIZATION, HOST};
use ring::{digest, hmac};

use canonical::Header;
use time::AmzDate;

/// Hex SHA-256 of an empty payload, the payload hash of every bodiless request.
pub const EMPTY_PAYLOAD_SHA256: &str =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// The only algorithm SigV4 (as opposed to SigV4a) uses.
const ALGORITHM: &str = "AWS4-HMAC-SHA256";

const X_AMZ_DATE: HeaderName = HeaderName::from_static("x-amz-date");
const X_AMZ_SECURITY_TOKEN: HeaderName = HeaderName::from_static("x-amz-security-token");
const X_AMZ_CONTENT_SHA256: HeaderName = HeaderName::from_static("x-amz-content-sha256");

/// Who signs, for which region and service, and when: everything that varies per call.
#[derive(Clone, Copy)]
pub struct SigningParams<'a> {
    /// The access key id, sent in the clear in the credential scope.
    pub access_key_id: &'a str,
    /// The secret key; never leaves the process and never appears in `Debug` output.
    pub secret_access_key: &'a str,
    /// The session token of temporary credentials, sent as `X-Amz-Security-Token`.
    pub session_token: Option<&'a str>,
    /// The signing region (the client region, or an endpoint's `signingRegion`).
    pub region: &'a str,
    /// The signing name (`signingName`, else `endpointPrefix`).
    pub service: &'a str,
    /// The signing instant (the clock plus any skew correction).
    pub time: SystemTime,
}

impl fmt::Debug for SigningParams<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningParams")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &crate::http::redact::REDACTED)
            .field(
                "session_token",
                &self.session_token.map(|_| crate::http::redact::REDACTED),
            )
            .field("region", &self.region)
            .field("service", &self.service)
            .field("time", &self.time)
            .finish()
    }
}

/// How a service wants requests canonicalized: the defaults are botocore's for every service
/// but S3.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SigningSettings {
    /// Remove `.`, `..` and empty path segments before signing (all services but S3).
    pub normalize_path: bool,
    /// Percent-encode the (already wire-encoded) path once more (all services but S3).
    pub encode_path: bool,
    /// Sign `X-Amz-Security-Token` (true), or add it after signing (a few old services).
    pub sign_session_token: bool,
    /// Send and sign `X-Amz-Content-SHA256` with the payload hash (S3).
    pub content_sha256_header: bool,
}

impl Default for SigningSettings {
    fn default() -> Self {
        SigningSettings {
            normalize_path: true,
            encode_path: true,
            sign_session_token: true,
            content_sha256_header: false,
        }
    }
}

impl SigningSettings {
    /// S3's rules (botocore `S3SigV4Auth`): the path is signed as sent, and the payload hash
    /// travels in `X-Amz-Content-SHA256`.
    pub fn s3() -> Self {
        SigningSettings {
            normalize_path: false,
            encode_path: false,
            sign_session_token: true,
            content_sha256_header: true,
        }
    }
}

/// Why a request could not be signed; none of these is worth retrying.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SigningError {
    /// Neither a `Host` header nor a URI authority names the host, and the host must be signed.
    MissingHost,
    /// The signing time is before 1970 or after 9999, which `X-Amz-Date` cannot express.
    TimeOutOfRange,
    /// A credential or derived value cannot be sent as an HTTP header (e.g. it holds a newline).
    InvalidHeaderValue {
        /// The header that could not be built.
        header: &'static str,
    },
}

impl fmt::Display for SigningError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SigningError::MissingHost => {
                f.write_str("cannot sign request: no Host header and no authority in the URI")
            }
            SigningError::TimeOutOfRange => {
                f.write_str("cannot sign request: signing time is outside years 1970-9999")
            }
            SigningError::InvalidHeaderValue { header } => {
                write!(f, "cannot sign request: invalid value for header {header}")
            }
        }
    }
}

impl std::error::Error for SigningError {}

/// A request's parts as plain strings, for [`sign_parts`], [`presign_parts`] and
/// [`canonical_request`].
#[derive(Clone, Copy, Debug)]
pub struct RequestParts<'a> {
    /// The HTTP method.
    pub method: &'a str,
    /// The path as sent on the wire (already percent-encoded), without the query.
    pub path: &'a str,
    /// The query string as sent, without `?` (empty for none).
    pub query: &'a str,
    /// Header names (any case) and values, in request order; repeated names allowed.
    pub headers: &'a [(&'a str, &'a str)],
    /// Hex SHA-256 of the body (see [`payload_hash`]), or a literal such as `UNSIGNED-PAYLOAD`.
    pub payload_hash: &'a str,
}

/// Every intermediate of one header signature, for conformance tests and debugging.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedParts {
    /// The canonical request that was hashed.
    pub canonical_request: String,
    /// The `;`-joined signed header names.
    pub signed_headers: String,
    /// The string the signing key signed.
    pub string_to_sign: String,
    /// The hex signature.
    pub signature: String,
    /// The `Authorization` header value.
    pub authorization: String,
    /// Headers [`Signer::sign`] sets besides `Authorization` (lowercase name, value).
    pub added_headers: Vec<(&'static str, String)>,
}

/// Every intermediate of one presigned URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Presigned {
    /// The canonical request that was hashed.
    pub canonical_request: String,
    /// The string the signing key signed.
    pub string_to_sign: String,
    /// The hex signature.
    pub signature: String,
    /// The query string to send: the original one plus the `X-Amz-*` parameters.
    pub query: String,
}

/// Hex SHA-256 of a payload, for [`RequestParts::payload_hash`].
pub fn payload_hash(body: &[u8]) -> String {
    let mut out = [0u8; 64];
    hex_into(&mut out, digest::digest(&digest::SHA256, body).as_ref());
    String::from_utf8_lossy(&out).into_owned()
}

/// The canonical request for exactly these parts (nothing is added or removed except the
/// headers botocore never signs), and its signed-headers list.
pub fn canonical_request(parts: &RequestParts<'_>, settings: &SigningSettings) -> (String, String) {
    let lowered: Vec<String> = parts
        .headers
        .iter()
        .map(|(n, _)| n.to_ascii_lowercase())
        .collect();
    let mut headers: Vec<Header<'_>> = lowered
        .iter()
        .zip(parts.headers)
        .filter(|(name, _)| !canonical::is_excluded(name))
        .map(|(name, (_, value))| Header {
            name,
            value: value.as_bytes(),
        })
        .collect();
    canonical::sort_headers(&mut headers);
    let mut buf = Vec::with_capacity(256);
    canonical::write_canonical_request(
        &mut buf,
        parts.method,
        parts.path,
        parts.query,
        &[],
        &headers,
        parts.payload_hash,
        settings,
    );
    let mut signed = Vec::new();
    canonical::write_signed_headers(&mut signed, &headers);
    (into_string(buf), into_string(signed))
}

/// `AWS4-HMAC-SHA256\n<amz_date>\n<date>/<region>/<service>/aws4_request\n<hex sha256>`, where
/// `amz_date` is the `X-Amz-Date` value (`YYYYMMDDTHHMMSSZ`).
pub fn string_to_sign(
    amz_date: &str,
    region: &str,
    service: &str,
    canonical_request: &str,
) -> String {
    let mut buf = Vec::with_capacity(128);
    let hash = digest::digest(&digest::SHA256, canonical_request.as_bytes());
    write_string_to_sign(
        &mut buf,
        amz_date,
        amz_date.get(..8).unwrap_or(amz_date),
        region,
        service,
        hash.as_ref(),
    );
    into_string(buf)
}

/// Signs plain parts exactly as [`Signer::sign`] signs a request with these parts: drops any
/// `Authorization`, `X-Amz-Date` and `X-Amz-Security-Token`, adds fresh ones, and signs.
/// The parts must carry a `Host` header.
pub fn sign_parts(
    params: &SigningParams<'_>,
    settings: &SigningSettings,
    parts: &RequestParts<'_>,
) -> Result<SignedParts, SigningError> {
    let date = AmzDate::new(params.time)?;
    let mut owned: Vec<(String, &str)> = Vec::with_capacity(parts.headers.len() + 3);
    for (name, value) in parts.headers {
        let name = name.to_ascii_lowercase();
        let replaced = matches!(
            name.as_str(),
            "authorization" | "x-amz-date" | "x-amz-security-token"
        ) || (settings.content_sha256_header && name == "x-amz-content-sha256");
        if !replaced {
            owned.push((name, value));
        }
    }
    if !owned.iter().any(|(name, _)| name == "host") {
        return Err(SigningError::MissingHost);
    }
    let mut added_headers: Vec<(&'static str, String)> =
        vec![("x-amz-date", date.as_str().to_owned())];
    if let (Some(token), true) = (params.session_token, settings.sign_session_token) {
        added_headers.push(("x-amz-security-token", token.to_owned()));
    }
    let payload_hash = if settings.content_sha256_header {
        added_headers.push(("x-amz-content-sha256", parts.payload_hash.to_owned()));
        parts.payload_hash
    } else {
        // botocore signs a caller-supplied X-Amz-Content-SHA256 (e.g. UNSIGNED-PAYLOAD) as the hash.
        owned
            .iter()
            .find(|(name, _)| name == "x-amz-content-sha256")
            .map_or(parts.payload_hash, |(_, value)| *value)
    };
    let mut headers: Vec<Header<'_>> = owned
        .iter()
        .map(|(name, value)| (name.as_str(), *value))
        .chain(
            added_headers
                .iter()
                .map(|(name, value)| (*name, value.as_str())),
        )
        .filter(|(name, _)| !canonical::is_excluded(name))
        .map(|(name, value)| Header {
            name,
            value: value.as_bytes(),
        })
        .collect();
    canonical::sort_headers(&mut headers);

    let mut buf = Vec::with_capacity(512);
    canonical::write_canonical_request(
        &mut buf,
        parts.method,
        parts.path,
        parts.query,
        &[],
        &headers,
        payload_hash,
        settings,
    );
    let canonical_request = into_string(buf);
    let key = derive_signing_key(
        params.secret_access_key,
        date.date(),
        params.region,
        params.service,
    );
    let signature = compute_signature(&key, &date, params, canonical_request.as_bytes());
    let mut signed = Vec::new();
    canonical::write_signed_headers(&mut signed, &headers);
    let mut auth = Vec::with_capacity(256);
    write_authorization(&mut auth, params, &date, &headers, &signature.hex);
    let authorization = into_string(auth);
    if HeaderValue::from_str(&authorization).is_err() {
        return Err(SigningError::InvalidHeaderValue {
            header: "authorization",
        });
    }
    if let (Some(token), false) = (params.session_token, settings.sign_session_token) {
        added_headers.push(("x-amz-security-token", token.to_owned()));
    }
    Ok(SignedParts {
        canonical_request,
        signed_headers: into_string(signed),
        string_to_sign: into_string(signature.string_to_sign),
        signature: String::from_utf8_lossy(&signature.hex).into_owned(),
        authorization,
        added_headers,
    })
}

/// Presigns plain parts: the signature travels in the query (`X-Amz-Signature`), valid for
/// `expires_in`. The parts must carry a `Host` header; every given header is signed.
pub fn presign_parts(
    params: &SigningParams<'_>,
    settings: &SigningSettings,
    parts: &RequestParts<'_>,
    expires_in: Duration,
) -> Result<Presigned, SigningError> {
    let date = AmzDate::new(params.time)?;
    let lowered: Vec<String> = parts
        .headers
        .iter()
        .map(|(n, _)| n.to_ascii_lowercase())
        .collect();
    if !lowered.iter().any(|name| name == "host") {
        return Err(SigningError::MissingHost);
    }
    let mut headers: Vec<Header<'_>> = lowered
        .iter()
        .zip(parts.headers)
        .filter(|(name, _)| !canonical::is_excluded(name))
        .map(|(name, (_, value))| Header {
            name,
            value: value.as_bytes(),
        })
        .collect();
    canonical::sort_headers(&mut headers);
    let mut signed = Vec::new();
    canonical::write_signed_headers(&mut signed, &headers);
    let signed = into_string(signed);
    let credential = format!(
        "{}/{}/{}/{}/aws4_request",
        params.access_key_id,
        date.date(),
        params.region,
        params.service
    );
    let expires = expires_in.as_secs().to_string();
    let mut extra: Vec<(&str, &str)> = vec![
        ("X-Amz-Algorithm", ALGORITHM),
        ("X-Amz-Credential", &credential),
        ("X-Amz-Date", date.as_str()),
        ("X-Amz-Expires", &expires),
        ("X-Amz-SignedHeaders", &signed),
    ];
    if let (Some(token), true) = (params.session_token, settings.sign_session_token) {
        extra.push(("X-Amz-Security-Token", token));
    }
    let mut buf = Vec::with_capacity(512);
    canonical::write_canonical_request(
        &mut buf,
        parts.method,
        parts.path,
        parts.query,
        &extra,
        &headers,
        parts.payload_hash,
        settings,
    );
    let canonical_request = into_string(buf);
    let key = derive_signing_key(
        params.secret_access_key,
        date.date(),
        params.region,
        params.service,
    );
    let signature = compute_signature(&key, &date, params, canonical_request.as_bytes());
    let signature_hex = String::from_utf8_lossy(&signature.hex).into_owned();
    if let (Some(token), false) = (params.session_token, settings.sign_session_token) {
        extra.push(("X-Amz-Security-Token", token));
    }
    extra.push(("X-Amz-Signature", &signature_hex));
    let mut query = Vec::with_capacity(parts.query.len() + 512);
    query.extend_from_slice(parts.query.as_bytes());
    for (key, value) in &extra {
        if !query.is_empty() {
            query.push(b'&');
        }
        canonical::encode_component(&mut query, key.as_bytes());
        query.push(b'=');
        canonical::encode_component(&mut query, value.as_bytes());
    }
    Ok(Presigned {
        canonical_request,
        string_to_sign: into_string(signature.string_to_sign),
        signature: signature_hex,
        query: into_string(query),
    })
}

/// Signs a request with default settings and no key cache; clients should keep a [`Signer`].
pub fn sign(
    request: &mut http::Request<Bytes>,
    params: &SigningParams<'_>,
) -> Result<(), SigningError> {
    Signer::default().sign(request, params)
}

/// Signs requests for one service's settings, caching the signing key, which only changes
/// with the secret, the UTC date, the region and the service. Cheap to share: `sign` takes
/// `&self`.
pub struct Signer {
    settings: SigningSettings,
    cache: Mutex<Option<CachedKey>>,
}

/// The derived key and what it was derived from.
struct CachedKey {
    secret: String,
    date: [u8; 8],
    region: String,
    service: String,
    key: hmac::Key,
}

impl Default for Signer {
    fn default() -> Self {
        Signer::new(SigningSettings::default())
    }
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cached = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        let mut s = f.debug_struct("Signer");
        s.field("settings", &self.settings);
        match cached.as_ref() {
            Some(c) => s.field(
                "cached_key",
                &format_args!(
                    "{}/{}/{} (secret redacted)",
                    String::from_utf8_lossy(&c.date),
                    c.region,
                    c.service
                ),
            ),
            None => s.field("cached_key", &"none"),
        };
        s.finish()
    }
}

impl Signer {
    /// A signer with an empty key cache.
    pub fn new(settings: SigningSettings) -> Self {
        Signer {
            settings,
            cache: Mutex::new(None),
        }
    }

    /// The settings this signer applies.
    pub fn settings(&self) -> SigningSettings {
        self.settings
    }

    /// Signs `request` in place, on every attempt: removes any earlier `Authorization`,
    /// `X-Amz-Date` and `X-Amz-Security-Token`, sets `X-Amz-Date` from `params.time`, adds
    /// the session token (signed, unless the settings say otherwise), sets `Host` from the
    /// URI when absent (so what is signed is what is sent; default ports are left out, as
    /// botocore does), and sets `Authorization`.
    pub fn sign(
        &self,
        request: &mut http::Request<Bytes>,
        params: &SigningParams<'_>,
    ) -> Result<(), SigningError> {
        let date = AmzDate::new(params.time)?;
        let prepared = self.prepare_headers(request, params, &date)?;
        let key = self.signing_key(params, &date);
        let authorization =
            self.authorization(request, params, &date, &key, prepared.body_hash.as_ref())?;
        let headers = request.headers_mut();
        headers.insert(AUTHORIZATION, authorization);
        if let (Some(token), false) = (prepared.token, self.settings.sign_session_token) {
            headers.insert(X_AMZ_SECURITY_TOKEN, token);
        }
        Ok(())
    }

    /// Checks the inputs, then drops the previous attempt's signing headers and sets the
    /// ones that are signed: `Host`, `X-Amz-Date`, the session token and the content hash
    /// as the settings ask. Nothing is changed when an input is invalid.
    fn prepare_headers(
        &self,
        request: &mut http::Request<Bytes>,
        params: &SigningParams<'_>,
        date: &AmzDate,
    ) -> Result<Prepared, SigningError> {
        let token = params
            .session_token
            .map(HeaderValue::from_str)
            .transpose()
            .map_err(|_| SigningError::InvalidHeaderValue {
                header: "x-amz-security-token",
            })?;
        let host = if request.headers().contains_key(HOST) {
            None
        } else {
            Some(host_from_uri(request.uri())?)
        };

        let body_hash = if self.settings.content_sha256_header
            || !request.headers().contains_key(X_AMZ_CONTENT_SHA256)
        {
            let mut out = [0u8; 64];
            hex_into(
                &mut out,
                digest::digest(&digest::SHA256, request.body()).as_ref(),
            );
            Some(out)
        } else {
            None
        };

        let headers = request.headers_mut();
        headers.remove(AUTHORIZATION);
        headers.remove(X_AMZ_DATE);
        headers.remove(X_AMZ_SECURITY_TOKEN);
        if let Some(host) = host {
            headers.insert(HOST, host);
        }
        headers.insert(
            X_AMZ_DATE,
            HeaderValue::from_bytes(date.as_str().as_bytes()).map_err(|_| {
                SigningError::InvalidHeaderValue {
                    header: "x-amz-date",
                }
            })?,
        );
        if let (Some(token), true) = (&token, self.settings.sign_session_token) {
            headers.insert(X_AMZ_SECURITY_TOKEN, token.clone());
        }
        if let (Some(hash), true) = (&body_hash, self.settings.content_sha256_header) {
            headers.insert(
                X_AMZ_CONTENT_SHA256,
                HeaderValue::from_bytes(hash).map_err(|_| SigningError::InvalidHeaderValue {
                    header: "x-amz-content-sha256",
                })?,
            );
        }
        Ok(Prepared { token, body_hash })
    }

    /// The `Authorization` value for the prepared request: canonical request, string to
    /// sign, signature. One buffer serves all three and becomes the header value.
    fn authorization(
        &self,
        request: &http::Request<Bytes>,
        params: &SigningParams<'_>,
        date: &AmzDate,
        key: &hmac::Key,
        body_hash: Option<&[u8; 64]>,
    ) -> Result<HeaderValue, SigningError> {
        let headers = request.headers();
        let entries = canonical_headers(headers);
        let mut buf = Vec::with_capacity(1024);
        canonical::write_canonical_request(
            &mut buf,
            request.method().as_str(),
            request.uri().path(),
            request.uri().query().unwrap_or(""),
            &[],
            &entries,
            hash_to_sign(body_hash, headers),
            &self.settings,
        );
        let creq_hash = digest::digest(&digest::SHA256, &buf);
        buf.clear();
        write_string_to_sign(
            &mut buf,
            date.as_str(),
            date.date(),
            params.region,
            params.service,
            creq_hash.as_ref(),
        );
        let mut signature = [0u8; 64];
        hex_into(&mut signature, hmac::sign(key, &buf).as_ref());
        buf.clear();
        write_authorization(&mut buf, params, date, &entries, &signature);
        HeaderValue::from_maybe_shared(Bytes::from(buf)).map_err(|_| {
            SigningError::InvalidHeaderValue {
                header: "authorization",
            }
        })
    }

    /// The cached key for these params, derived again when the secret, date, region or
    /// service changed.
    fn signing_key(&self, params: &SigningParams<'_>, date: &AmzDate) -> hmac::Key {
        let day: [u8; 8] = date.date().as_bytes().try_into().unwrap_or([b'0'; 8]);
        let mut cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(c) = cache.as_ref() {
            if c.date == day
                && c.secret == params.secret_access_key
                && c.region == params.region
                && c.service == params.service
            {
                return c.key.clone();
            }
        }
        let key = derive_signing_key(
            params.secret_access_key,
            date.date(),
            params.region,
            params.service,
        );
        *cache = Some(CachedKey {
            secret: params.secret_access_key.to_owned(),
            date: day,
            region: params.region.to_owned(),
            service: params.service.to_owned(),
            key: key.clone(),
        });
        key
    }
}

/// What [`Signer::sign`] keeps from preparing the headers for the later steps.
struct Prepared {
    /// The session token, added after signing when the settings leave it unsigned.
    token: Option<HeaderValue>,
    /// The body's hex SHA-256, unless a caller-supplied `X-Amz-Content-SHA256` stands in.
    body_hash: Option<[u8; 64]>,
}

/// The headers that are signed, sorted, borrowing names and values from `headers`.
fn canonical_headers(headers: &http::HeaderMap) -> Vec<Header<'_>> {
    let mut entries: Vec<Header<'_>> = Vec::with_capacity(headers.len());
    for (name, value) in headers {
        let name = name.as_str();
        if !canonical::is_excluded(name) {
            entries.push(Header {
                name,
                value: value.as_bytes(),
            });
        }
    }
    canonical::sort_headers(&mut entries);
    entries
}

/// The payload hash to sign: the body's, else a caller-supplied `X-Amz-Content-SHA256`
/// (e.g. UNSIGNED-PAYLOAD), else the empty body's.
fn hash_to_sign<'a>(body_hash: Option<&'a [u8; 64]>, headers: &'a http::HeaderMap) -> &'a str {
    let hash: &[u8] = match (body_hash, headers.get(X_AMZ_CONTENT_SHA256)) {
        (Some(hash), _) => hash,
        (None, Some(value)) => value.as_bytes(),
        (None, None) => EMPTY_PAYLOAD_SHA256.as_bytes(),
    };
    // Header values and the hashes above are visible ASCII.
    std::str::from_utf8(hash).unwrap_or(EMPTY_PAYLOAD_SHA256)
}

/// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").
fn derive_signing_key(secret: &str, date: &str, region: &str, service: &str) -> hmac::Key {
    let mut seed = Vec::with_capacity(4 + secret.len());
    seed.extend_from_slice(b"AWS4");
    seed.extend_from_slice(secret.as_bytes());
    let k_date = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, &seed), date.as_bytes());
    // Do not leave a copy of the secret behind in freed memory.
    seed.fill(0);
    let k_region = hmac::sign(
        &hmac::Key::new(hmac::HMAC_SHA256, k_date.as_ref()),
        region.as_bytes(),
    );
    let k_service = hmac::sign(
        &hmac::Key::new(hmac::HMAC_SHA256, k_region.as_ref()),
        service.as_bytes(),
    );
    let k_signing = hmac::sign(
        &hmac::Key::new(hmac::HMAC_SHA256, k_service.as_ref()),
        b"aws4_request",
    );
    hmac::Key::new(hmac::HMAC_SHA256, k_signing.as_ref())
}

/// A signature and the string it signed.
struct ComputedSignature {
    string_to_sign: Vec<u8>,
    hex: [u8; 64],
}

fn compute_signature(
    key: &hmac::Key,
    date: &AmzDate,
    params: &SigningParams<'_>,
    canonical_request: &[u8],
) -> ComputedSignature {
    let hash = digest::digest(&digest::SHA256, canonical_request);
    let mut string_to_sign = Vec::with_capacity(128);
    write_string_to_sign(
        &mut string_to_sign,
        date.as_str(),
        date.date(),
        params.region,
        params.service,
        hash.as_ref(),
    );
    let mut hex = [0u8; 64];
    hex_into(&mut hex, hmac::sign(key, &string_to_sign).as_ref());
    ComputedSignature {
        string_to_sign,
        hex,
    }
}

fn write_string_to_sign(
    buf: &mut Vec<u8>,
    amz_date: &str,
    date: &str,
    region: &str,
    service: &str,
    creq_hash: &[u8],
) {
    buf.extend_from_slice(ALGORITHM.as_bytes());
    buf.push(b'\n');
    buf.extend_from_slice(amz_date.as_bytes());
    buf.push(b'\n');
    write_scope(buf, date, region, service);
    buf.push(b'\n');
    let mut hex = [0u8; 64];
    hex_into(&mut hex, creq_hash);
    buf.extend_from_slice(&hex);
}

fn write_scope(buf: &mut Vec<u8>, date: &str, region: &str, service: &str) {
    for part in [date, "/", region, "/", service, "/aws4_request"] {
        buf.extend_from_slice(part.as_bytes());
    }
}

/// `AWS4-HMAC-SHA256 Credential=<akid>/<scope>, SignedHeaders=<names>, Signature=<hex>`.
fn write_authorization(
    buf: &mut Vec<u8>,
    params: &SigningParams<'_>,
    date: &AmzDate,
    headers: &[Header<'_>],
    signature: &[u8],
) {
    buf.extend_from_slice(ALGORITHM.as_bytes());
    buf.extend_from_slice(b" Credential=");
    buf.extend_from_slice(params.access_key_id.as_bytes());
    buf.push(b'/');
    write_scope(buf, date.date(), params.region, params.service);
    buf.extend_from_slice(b", SignedHeaders=");
    canonical::write_signed_headers(buf, headers);
    buf.extend_from_slice(b", Signature=");
    buf.extend_from_slice(signature);
}

/// botocore `_host_from_url`: lowercase host, userinfo dropped, port kept unless it is the
/// scheme's default.
fn host_from_uri(uri: &http::Uri) -> Result<HeaderValue, SigningError> {
    let authority = uri.authority().ok_or(SigningError::MissingHost)?;
    let host = authority.host();
    if host.is_empty() {
        return Err(SigningError::MissingHost);
    }
    let default_port = match uri.scheme_str() {
        Some("https") => Some(443),
        Some("http") => Some(80),
        _ => None,
    };
    let mut value = host.to_ascii_lowercase();
    if let Some(port) = authority.port_u16() {
        if Some(port) != default_port {
            value.push(':');
            value.push_str(&port.to_string());
        }
    }
    HeaderValue::from_str(&value).map_err(|_| SigningError::InvalidHeaderValue { header: "host" })
}

/// Lowercase hex of `bytes` into `out` (which must be twice as long; extra input is ignored).
fn hex_into(out: &mut [u8], bytes: &[u8]) {
    for (pair, &b) in out.chunks_exact_mut(2).zip(bytes) {
        pair.copy_from_slice(&crate::hex::lower(b));
    }
}

/// The buffers hold UTF-8 by construction (from `&str` input and ASCII escapes); header
/// values from an `http::HeaderMap` may hold other bytes, which are replaced rather than
/// trusted.
fn into_string(buf: Vec<u8>) -> String {
    String::from_utf8(buf).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    fn params(token: Option<&str>) -> SigningParams<'_> {
        SigningParams {
            access_key_id: "AKIDEXAMPLE",
            secret_access_key: SECRET,
            session_token: token,
            region: "us-east-1",
            service: "service",
            // 2015-08-30T12:36:00Z, the AWS suite's instant.
            time: UNIX_EPOCH + Duration::from_secs(1_440_938_160),
        }
    }

    fn request(method: &str, uri: &str, headers: &[(&str, &str)]) -> http::Request<Bytes> {
        let mut builder = http::Request::builder().method(method).uri(uri);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(Bytes::new()).unwrap_or_default()
    }

    fn header<'r>(request: &'r http::Request<Bytes>, name: &str) -> Option<&'r str> {
        request.headers().get(name).and_then(|v| v.to_str().ok())
    }

    #[test]
    fn get_vanilla_through_sign() {
        let mut req = request("GET", "https://example.amazonaws.com/", &[]);
        assert_eq!(sign(&mut req, &params(None)), Ok(()));
        assert_eq!(header(&req, "host"), Some("example.amazonaws.com"));
        assert_eq!(header(&req, "x-amz-date"), Some("20150830T123600Z"));
        assert_eq!(
            header(&req, "authorization"),
            Some(
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
                 SignedHeaders=host;x-amz-date, \
                 Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
            )
        );
    }

    #[test]
    fn resigning_replaces_old_signature_headers() {
        let signer = Signer::default();
        let mut req = request(
            "POST",
            "https://example.amazonaws.com/",
            &[
                ("authorization", "stale"),
                ("x-amz-date", "20000101T000000Z"),
                ("x-amz-security-token", "old"),
            ],
        );
        assert_eq!(signer.sign(&mut req, &params(None)), Ok(()));
        assert_eq!(signer.sign(&mut req, &params(None)), Ok(()));
        assert_eq!(req.headers().get_all("authorization").iter().count(), 1);
        assert_eq!(req.headers().get("x-amz-security-token"), None);
        assert_eq!(
            header(&req, "authorization").and_then(|a| a.rsplit('=').next()),
            Some("5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b")
        );
    }

    #[test]
    fn token_is_signed_or_added_after() {
        let mut req = request("GET", "https://example.amazonaws.com/", &[]);
        assert_eq!(sign(&mut req, &params(Some("tok"))), Ok(()));
        assert_eq!(header(&req, "x-amz-security-token"), Some("tok"));
        assert!(header(&req, "authorization")
            .is_some_and(|a| a.contains("host;x-amz-date;x-amz-security-token")));

        let after = Signer::new(SigningSettings {
            sign_session_token: false,
            ..SigningSettings::default()
        });
        let mut req = request("GET", "https://example.amazonaws.com/", &[]);
        assert_eq!(after.sign(&mut req, &params(Some("tok"))), Ok(()));
        assert_eq!(header(&req, "x-amz-security-token"), Some("tok"));
        assert!(header(&req, "authorization")
            .is_some_and(|a| a.contains("SignedHeaders=host;x-amz-date,")));
    }

    #[test]
    fn host_comes_from_the_authority_without_default_ports() {
        for (uri, host) in [
            (
                "https://Example.AmazonAWS.com:443/",
                "example.amazonaws.com",
            ),
            ("http://example.amazonaws.com:80/", "example.amazonaws.com"),
            (
                "https://example.amazonaws.com:8443/",
                "example.amazonaws.com:8443",
            ),
            ("http://user:pw@127.0.0.1:8080/x", "127.0.0.1:8080"),
            ("https://[::1]:9000/", "[::1]:9000"),
        ] {
            let mut req = request("GET", uri, &[]);
            assert_eq!(sign(&mut req, &params(None)), Ok(()), "{uri}");
            assert_eq!(header(&req, "host"), Some(host), "{uri}");
        }
        let mut req = request("GET", "/relative", &[]);
        assert_eq!(
            sign(&mut req, &params(None)),
            Err(SigningError::MissingHost)
        );
        let mut req = request("GET", "/relative", &[("host", "example.amazonaws.com")]);
        assert_eq!(sign(&mut req, &params(None)), Ok(()));
    }

    #[test]
    fn excluded_headers_are_not_signed() {
        let mut req = request(
            "GET",
            "https://example.amazonaws.com/",
            &[
                ("user-agent", "x"),
                ("x-amzn-trace-id", "y"),
                ("expect", "100-continue"),
            ],
        );
        assert_eq!(sign(&mut req, &params(None)), Ok(()));
        assert!(header(&req, "authorization")
            .is_some_and(|a| a.contains("SignedHeaders=host;x-amz-date,")));
    }

    #[test]
    fn sign_and_sign_parts_agree() {
        let headers = [
            ("Host", "example.amazonaws.com"),
            ("Content-Type", "application/json"),
            ("X-Foo", " a   b "),
        ];
        let body = b"{\"k\":1}";
        let hash = payload_hash(body);
        let parts = RequestParts {
            method: "post",
            path: "/a/../b%3D",
            query: "z=1&a=%7e",
            headers: &headers,
            payload_hash: &hash,
        };
        let expected = sign_parts(&params(Some("tok")), &SigningSettings::default(), &parts);
        let mut req = http::Request::builder()
            .method("POST")
            .uri("https://example.amazonaws.com/a/../b%3D?z=1&a=%7e")
            .header("content-type", "application/json")
            .header("x-foo", " a   b ")
            .body(Bytes::from_static(body))
            .unwrap_or_default();
        assert_eq!(sign(&mut req, &params(Some("tok"))), Ok(()));
        let expected = expected.map(|e| e.authorization).unwrap_or_default();
        assert!(
            expected
                .contains("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-foo,"),
            "{expected}"
        );
        assert_eq!(header(&req, "authorization"), Some(expected.as_str()));
    }

    #[test]
    fn s3_settings_send_the_payload_hash() {
        let signer = Signer::new(SigningSettings::s3());
        let mut req = request("PUT", "https://bucket.s3.amazonaws.com/a//b", &[]);
        assert_eq!(signer.sign(&mut req, &params(None)), Ok(()));
        assert_eq!(
            header(&req, "x-amz-content-sha256"),
            Some(EMPTY_PAYLOAD_SHA256)
        );
        assert!(header(&req, "authorization")
            .is_some_and(|a| a.contains("host;x-amz-content-sha256;x-amz-date")));
    }

    #[test]
    fn key_cache_follows_date_region_and_secret() {
        let signer = Signer::default();
        let sig = |p: &SigningParams<'_>| {
            let mut req = request("GET", "https://example.amazonaws.com/", &[]);
            signer
                .sign(&mut req, p)
                .ok()
                .and_then(|()| header(&req, "authorization").map(str::to_owned))
        };
        let base = params(None);
        let first = sig(&base);
        assert_eq!(first, sig(&base));
        let next_day = SigningParams {
            time: base.time + Duration::from_secs(86_400),
            ..base
        };
        let other_region = SigningParams {
            region: "us-west-2",
            ..base
        };
        let other_secret = SigningParams {
            secret_access_key: "other",
            ..base
        };
        for p in [next_day, other_region, other_secret] {
            let mut req = request("GET", "https://example.amazonaws.com/", &[]);
            assert_eq!(sign(&mut req, &p), Ok(()));
            assert_eq!(sig(&p).as_deref(), header(&req, "authorization"));
            assert_ne!(sig(&p), first);
        }
    }

    #[test]
    fn debug_output_redacts_secrets() {
        let p = params(Some("SESSIONTOKEN"));
        let text = format!("{p:?}");
        assert!(
            !text.contains(SECRET) && !text.contains("SESSIONTOKEN"),
            "{text}"
        );
        let signer = Signer::default();
        let mut req = request("GET", "https://example.amazonaws.com/", &[]);
        assert_eq!(signer.sign(&mut req, &p), Ok(()));
        let text = format!("{signer:?}");
        assert!(
            !text.contains(SECRET) && text.contains("20150830/us-east-1/service"),
            "{text}"
        );
    }

    #[test]
    fn bad_token_is_an_error_not_a_panic() {
        let mut req = request("GET", "https://example.amazonaws.com/", &[]);
        assert_eq!(
            sign(&mut req, &params(Some("a\nb"))),
            Err(SigningError::InvalidHeaderValue {
                header: "x-amz-security-token"
            })
        );
        let bad_key = SigningParams {
            access_key_id: "AK\r\nID",
            ..params(None)
        };
        assert_eq!(
            sign(&mut req, &bad_key),
            Err(SigningError::InvalidHeaderValue {
                header: "authorization"
            })
        );
    }

    #[test]
    fn signer_can_be_shared_between_tasks() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Signer>();
        assert_send_sync::<SigningError>();
    }

    #[test]
    fn error_messages_are_readable() {
        assert_eq!(
            SigningError::InvalidHeaderValue { header: "host" }.to_string(),
            "cannot sign request: invalid value for header host"
        );
    }
}

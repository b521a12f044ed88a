//! Request compression (botocore `compress.py`): operations the model marks
//! `requestcompression` have their body gzipped when it is at least the minimum size,
//! before signing, so the signature covers the compressed bytes.

use bytes::Bytes;
use http::header::{HeaderValue, CONTENT_ENCODING};

/// botocore's default `request_min_compression_size_bytes`.
pub(crate) const DEFAULT_MIN_SIZE: u32 = 10240;
/// The largest minimum size botocore accepts (1 MiB); the smallest is 1.
pub(crate) const MAX_MIN_SIZE: u32 = 1_048_576;

/// Whether and from what size to compress, resolved from the settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Settings {
    /// `disable_request_compression`.
    pub disabled: bool,
    /// `request_min_compression_size_bytes`, already checked to be in range.
    pub min_size: u32,
}

/// Checks a minimum size as botocore does (1..=1048576), naming where it came from.
pub(crate) fn check_min_size(value: u32, source: &str) -> Result<u32, String> {
    if (1..=MAX_MIN_SIZE).contains(&value) {
        Ok(value)
    } else {
        Err(format!(
            "invalid value \"{value}\" for {source}: must be between 1 and {MAX_MIN_SIZE}"
        ))
    }
}

/// Compresses `request`'s body with the first of `encodings` the runtime supports
/// (gzip), when compression is on and the body is at least the minimum size; appends
/// the encoding to any `Content-Encoding` already set, as botocore does.
pub(crate) fn maybe_compress(
    request: &mut http::Request<Bytes>,
    encodings: &[&str],
    settings: Settings,
) -> Result<(), String> {
    if encodings.is_empty() || settings.disabled {
        return Ok(());
    }
    if request.body().len() < settings.min_size as usize {
        return Ok(());
    }
    // Unsupported encodings are skipped (botocore logs and tries the next one).
    let Some(encoding) = encodings.iter().copied().find(|e| supported(e)) else {
        return Ok(());
    };
    let compressed = gzip(request.body())?;
    *request.body_mut() = compressed;
    let value = match request.headers().get(CONTENT_ENCODING) {
        Some(existing) => {
            let existing = existing.to_str().map_err(|e| e.to_string())?;
            format!("{existing},{encoding}")
        }
        None => encoding.to_string(),
    };
    request.headers_mut().insert(
        CONTENT_ENCODING,
        HeaderValue::from_str(&value).map_err(|e| e.to_string())?,
    );
    Ok(())
}

#[cfg(feature = "gzip")]
fn supported(encoding: &str) -> bool {
    encoding == "gzip"
}

/// Without the `gzip` feature nothing is compressed (as with
/// `disable_request_compression`): generated crates that need it turn it on.
#[cfg(not(feature = "gzip"))]
fn supported(_encoding: &str) -> bool {
    false
}

#[cfg(feature = "gzip")]
fn gzip(body: &[u8]) -> Result<Bytes, String> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(body.len() / 2),
        flate2::Compression::default(),
    );
    encoder
        .write_all(body)
        .and_then(|()| encoder.finish())
        .map(Bytes::from)
        .map_err(|e| format!("gzip request compression failed: {e}"))
}

#[cfg(not(feature = "gzip"))]
fn gzip(_body: &[u8]) -> Result<Bytes, String> {
    Err("gzip request compression needs the awsrt feature `gzip`".into())
}

#[cfg(all(test, feature = "gzip"))]
mod tests {
    use super::*;

    fn request(body: &str) -> http::Request<Bytes> {
        http::Request::post("https://example.com/")
            .body(Bytes::from(body.to_string()))
            .expect("request")
    }

    fn gunzip(bytes: &[u8]) -> String {
        use std::io::Read;
        let mut out = String::new();
        flate2::read::GzDecoder::new(bytes)
            .read_to_string(&mut out)
            .expect("gzip");
        out
    }

    const ON: Settings = Settings {
        disabled: false,
        min_size: 8,
    };

    #[test]
    fn bodies_at_least_the_minimum_size_are_gzipped() {
        let mut req = request("12345678");
        maybe_compress(&mut req, &["gzip"], ON).expect("compress");
        assert_eq!(req.headers()[CONTENT_ENCODING], "gzip");
        assert_eq!(gunzip(req.body()), "12345678");

        let mut small = request("1234567");
        maybe_compress(&mut small, &["gzip"], ON).expect("compress");
        assert!(small.headers().get(CONTENT_ENCODING).is_none());
        assert_eq!(small.body().as_ref(), b"1234567");
    }

    #[test]
    fn disabled_unmodeled_or_unknown_encodings_leave_the_body() {
        for (encodings, settings) in [
            (
                &["gzip"][..],
                Settings {
                    disabled: true,
                    ..ON
                },
            ),
            (&[][..], ON),
            (&["br"][..], ON),
        ] {
            let mut req = request("1234567890");
            maybe_compress(&mut req, encodings, settings).expect("compress");
            assert_eq!(req.body().as_ref(), b"1234567890");
            assert!(req.headers().get(CONTENT_ENCODING).is_none());
        }
    }

    #[test]
    fn an_existing_content_encoding_is_appended_to() {
        let mut req = request("1234567890");
        req.headers_mut()
            .insert(CONTENT_ENCODING, HeaderValue::from_static("custom"));
        maybe_compress(&mut req, &["br", "gzip"], ON).expect("compress");
        assert_eq!(req.headers()[CONTENT_ENCODING], "custom,gzip");
    }

    #[test]
    fn the_minimum_size_is_checked_like_botocore() {
        assert_eq!(check_min_size(1, "x"), Ok(1));
        assert_eq!(check_min_size(MAX_MIN_SIZE, "x"), Ok(MAX_MIN_SIZE));
        assert!(check_min_size(0, "x").is_err());
        assert!(check_min_size(MAX_MIN_SIZE + 1, "x").is_err());
    }
}

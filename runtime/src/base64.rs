//! Standard base64 (RFC 4648 §4, with padding) for blobs in JSON and query bodies.
//! Hand-written rather than a crate: it is forty lines, sits on the per-call path, and a
//! dependency would cost build time for no gain.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// A byte that is not in the base64 alphabet, or padding in the wrong place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct InvalidBase64 {
    /// Offset of the offending byte in the input.
    pub(crate) offset: usize,
}

/// Appends the padded base64 form of `input` to `out`.
pub(crate) fn encode_into(input: &[u8], out: &mut Vec<u8>) {
    out.reserve(input.len().div_ceil(3) * 4);
    let mut chunks = input.chunks_exact(3);
    for c in &mut chunks {
        let n = u32::from(c[0]) << 16 | u32::from(c[1]) << 8 | u32::from(c[2]);
        out.extend_from_slice(&[
            ALPHABET[(n >> 18) as usize & 63],
            ALPHABET[(n >> 12) as usize & 63],
            ALPHABET[(n >> 6) as usize & 63],
            ALPHABET[n as usize & 63],
        ]);
    }
    match *chunks.remainder() {
        [a] => {
            let n = u32::from(a) << 16;
            out.extend_from_slice(&[
                ALPHABET[(n >> 18) as usize & 63],
                ALPHABET[(n >> 12) as usize & 63],
                b'=',
                b'=',
            ]);
        }
        [a, b] => {
            let n = u32::from(a) << 16 | u32::from(b) << 8;
            out.extend_from_slice(&[
                ALPHABET[(n >> 18) as usize & 63],
                ALPHABET[(n >> 12) as usize & 63],
                ALPHABET[(n >> 6) as usize & 63],
                b'=',
            ]);
        }
        _ => {}
    }
}

fn value(c: u8) -> Option<u32> {
    let v = match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => return None,
    };
    Some(u32::from(v))
}

/// Decodes standard base64. Padding is optional (some services omit it); any other byte
/// outside the alphabet, including whitespace, is an error.
pub(crate) fn decode(input: &[u8]) -> Result<Vec<u8>, InvalidBase64> {
    let pad = input
        .iter()
        .rev()
        .take(2)
        .take_while(|&&c| c == b'=')
        .count();
    let body = &input[..input.len() - pad];
    let mut out = Vec::with_capacity(body.len() / 4 * 3 + 2);
    let mut acc = 0u32;
    let mut bits = 0u32;
    for (i, &c) in body.iter().enumerate() {
        acc = acc << 6 | value(c).ok_or(InvalidBase64 { offset: i })?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    // A lone trailing sextet cannot encode a byte, and padding must complete a quantum.
    if body.len() % 4 == 1 || (pad > 0 && input.len() % 4 != 0) {
        return Err(InvalidBase64 { offset: body.len() });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(input: &[u8]) -> String {
        let mut out = Vec::new();
        encode_into(input, &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn rfc4648_vectors() {
        let cases: [(&[u8], &str); 7] = [
            (b"", ""),
            (b"f", "Zg=="),
            (b"fo", "Zm8="),
            (b"foo", "Zm9v"),
            (b"foob", "Zm9vYg=="),
            (b"fooba", "Zm9vYmE="),
            (b"foobar", "Zm9vYmFy"),
        ];
        for (raw, enc) in cases {
            assert_eq!(encode(raw), enc);
            assert_eq!(decode(enc.as_bytes()).as_deref(), Ok(raw));
            assert_eq!(
                decode(enc.trim_end_matches('=').as_bytes()).as_deref(),
                Ok(raw)
            );
        }
    }

    #[test]
    fn all_bytes_round_trip() {
        let raw: Vec<u8> = (0..=255u8).chain((0..=255u8).rev()).collect();
        for n in 0..raw.len() {
            assert_eq!(
                decode(encode(&raw[..n]).as_bytes()).as_deref(),
                Ok(&raw[..n])
            );
        }
    }

    #[test]
    fn rejects_bad_input() {
        assert_eq!(decode(b"Zm9v!"), Err(InvalidBase64 { offset: 4 }));
        assert_eq!(decode(b"Zm 9v"), Err(InvalidBase64 { offset: 2 }));
        assert!(decode(b"Z").is_err());
        assert!(decode(b"Zm9vY===").is_err());
        assert!(decode(b"Zm=v").is_err());
        assert!(decode(b"Zg=").is_err());
        assert!(decode("Zm9vé".as_bytes()).is_err());
    }
}

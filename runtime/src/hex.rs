//! Hex digits: the one table every encoder in the runtime uses (SigV4 hashes and
//! signatures, percent-encoding, JSON `\u00XX` escapes, invocation ids, cache keys).

/// Lowercase digits.
const LOWER: &[u8; 16] = b"0123456789abcdef";
/// Uppercase digits (percent-encoding, RFC 3986).
const UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// The two lowercase hex digits of `b`.
#[inline]
pub(crate) fn lower(b: u8) -> [u8; 2] {
    [LOWER[usize::from(b >> 4)], LOWER[usize::from(b & 0x0f)]]
}

/// The two uppercase hex digits of `b`.
#[inline]
pub(crate) fn upper(b: u8) -> [u8; 2] {
    [UPPER[usize::from(b >> 4)], UPPER[usize::from(b & 0x0f)]]
}

/// Lowercase hex of `bytes`.
pub(crate) fn encode(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        let [hi, lo] = lower(b);
        s.push(char::from(hi));
        s.push(char::from(lo));
    }
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn digits() {
        assert_eq!(super::lower(0xaf), *b"af");
        assert_eq!(super::upper(0x0f), *b"0F");
        assert_eq!(super::encode(&[0, 0x7f, 0xff]), "007fff");
    }
}

//! TLS for the loopback server: a fixed test-only CA and a `localhost` / `127.0.0.1`
//! certificate it signed, so a client can be shown to trust the server only through a
//! CA bundle (or an added root) and to refuse it otherwise.
//!
//! Fixed DER constants rather than certificates generated per run (rcgen): nothing in
//! them is secret, they are valid from 2000 to 2100, and the workspace builds no
//! certificate generator (rcgen would add its own ASN.1 and PEM crates to every test
//! build on a two-core machine).

use std::sync::Arc;

use tokio_rustls::rustls;

use crate::{Answer, Recorded, Server};

/// A test-only CA (P-256, valid 2000-2100, CN `awsrt test CA`) that signed [`LEAF_DER`].
pub const CA_DER: &str = concat!(
    "3082016330820109a003020102020101300a06082a8648ce3d04030230183116301406035504030c0d617773",
    "727420746573742043413020170d3030303130313030303030305a180f32313030303130313030303030305a",
    "30183116301406035504030c0d617773727420746573742043413059301306072a8648ce3d020106082a8648",
    "ce3d0301070342000440dce5a558d1b1834d7ed9782eca0c08eae1f864a9fa1af507d4df2eb16be2608404ef",
    "f4ae0e65668e1c65ae59822c4c28aa1765f267e7929a74226eb91468afa3423040300f0603551d130101ff04",
    "0530030101ff300e0603551d0f0101ff040403020106301d0603551d0e041604148b9cce0404c72264e69277",
    "ad7488546e6fdcee31300a06082a8648ce3d040302034800304502207ec9898a1cb63260f080f1d41efd287a",
    "290e7bc69163f66067825fbfcb298efd0221009a470ae5525af3f298cbb872e7175657872fe24f2d0feb1261",
    "7970899f761d88",
);

/// A test-only server certificate for `localhost` and `127.0.0.1`, signed by [`CA_DER`].
pub const LEAF_DER: &str = concat!(
    "308201b130820156a003020102020102300a06082a8648ce3d04030230183116301406035504030c0d617773",
    "727420746573742043413020170d3030303130313030303030305a180f32313030303130313030303030305a",
    "30143112301006035504030c096c6f63616c686f73743059301306072a8648ce3d020106082a8648ce3d0301",
    "0703420004ea9c5bac927f56085049eeeaa06c471183468afd47265a224683ed366a41c2622d7246db8936eb",
    "a8a8bd02539d78209ccf7155309e9b08dcb9a789884ef5d1d2a3819230818f300c0603551d130101ff040230",
    "00300e0603551d0f0101ff04040302078030130603551d25040c300a06082b06010505070301301a0603551d",
    "110413301182096c6f63616c686f737487047f000001301f0603551d230418301680148b9cce0404c72264e6",
    "9277ad7488546e6fdcee31301d0603551d0e0416041430bd0c2a0122c2e3427cca10d2837725861ffdcb300a",
    "06082a8648ce3d0403020349003046022100b003aa8e891305b1e6b9014ac8a94d86fb829c7e8d2eaa1b3bf6",
    "b5661b1fb046022100f606d6d4adbb5a5f6edf9818019ad94d1995cf52bdc1a03962a4b904928ac323",
);

/// The test-only private key of [`LEAF_DER`] (PKCS#8); it protects nothing.
pub const LEAF_KEY_PKCS8: &str = concat!(
    "308187020100301306072a8648ce3d020106082a8648ce3d030107046d306b0201010420d559e7cdb84111c3",
    "a38e9120e3bbc6cb394e0b3d10635037684ea1b9ad57a381a14403420004ea9c5bac927f56085049eeeaa06c",
    "471183468afd47265a224683ed366a41c2622d7246db8936eba8a8bd02539d78209ccf7155309e9b08dcb9a7",
    "89884ef5d1d2",
);

/// The bytes of a hex constant above.
pub fn unhex(hex: &str) -> Vec<u8> {
    (0..hex.len() / 2)
        .filter_map(|i| u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok())
        .collect()
}

/// The CA as a PEM file's text (what `AWS_CA_BUNDLE` points at).
pub fn ca_pem() -> String {
    pem("CERTIFICATE", &unhex(CA_DER))
}

/// `der` as a PEM block with the given label, 64 base64 characters a line.
pub fn pem(label: &str, der: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut b64 = String::new();
    for chunk in der.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                b64.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                b64.push('=');
            }
        }
    }
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// A TLS acceptor serving [`LEAF_DER`], offering ALPN `h2` then `http/1.1`.
pub fn acceptor() -> tokio_rustls::TlsAcceptor {
    let cert = rustls::pki_types::CertificateDer::from(unhex(LEAF_DER));
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(unhex(LEAF_KEY_PKCS8).into());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("ring supports the default TLS versions")
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)
        .expect("the fixed test certificate and key match");
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    tokio_rustls::TlsAcceptor::from(Arc::new(config))
}

impl Server {
    /// A server speaking HTTPS with the test certificate ([`LEAF_DER`]), answering each
    /// request with `handler(request)`. A client that does not trust [`CA_DER`] fails
    /// the handshake, and nothing is recorded.
    pub async fn tls<A: Into<Answer>>(
        handler: impl Fn(&Recorded) -> A + Send + Sync + 'static,
    ) -> Self {
        let acceptor = acceptor();
        Server::raw(
            move |r| handler(r).into(),
            move |stream, conn| {
                let acceptor = acceptor.clone();
                async move {
                    if let Ok(stream) = acceptor.accept(stream).await {
                        conn.serve(stream).await;
                    }
                }
            },
        )
        .await
    }

    /// `https://localhost:<port>` (the name the test certificate carries).
    pub fn https_url(&self) -> String {
        format!("https://localhost:{}", self.port())
    }
}

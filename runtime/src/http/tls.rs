//! The rustls client configuration: ring provider (never aws-lc-rs, which needs a C
//! toolchain and cmake), Mozilla's roots from webpki-roots, ALPN `http/1.1` only.

use std::sync::Arc;

use rustls::pki_types::TrustAnchor;
use rustls::{ClientConfig, RootCertStore};

/// Builds the client config trusting the webpki roots plus `extra` anchors.
pub(crate) fn client_config(
    extra: &[TrustAnchor<'static>],
) -> Result<Arc<ClientConfig>, rustls::Error> {
    let mut roots = RootCertStore {
        roots: Vec::with_capacity(webpki_roots::TLS_SERVER_ROOTS.len() + extra.len()),
    };
    roots
        .roots
        .extend_from_slice(webpki_roots::TLS_SERVER_ROOTS);
    roots.roots.extend_from_slice(extra);
    // An explicit provider, rather than the process-wide default, so this works whatever
    // other crates in the program installed or enabled.
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// Parses one DER certificate into a trust anchor (validating it on the way).
pub(crate) fn trust_anchor(der: &[u8]) -> Result<TrustAnchor<'static>, rustls::Error> {
    let mut store = RootCertStore::empty();
    store.add(der.to_vec().into())?;
    store.roots.pop().ok_or(rustls::Error::General(String::from(
        "certificate was not added",
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_has_roots_and_alpn() {
        let config = client_config(&[]).expect("ring provider supports the default versions");
        assert_eq!(config.alpn_protocols, vec![b"http/1.1".to_vec()]);
        assert!(webpki_roots::TLS_SERVER_ROOTS.len() > 100);
    }

    #[test]
    fn garbage_certificate_is_rejected() {
        assert!(trust_anchor(b"not a certificate").is_err());
    }
}

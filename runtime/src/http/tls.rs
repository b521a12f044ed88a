//! The rustls client configuration: ring provider (never aws-lc-rs, which needs a C
//! toolchain and cmake), Mozilla's roots from webpki-roots or a CA bundle, ALPN
//! `http/1.1` only.
//!
//! A CA bundle (`AWS_CA_BUNDLE`, profile `ca_bundle`, `Config::ca_bundle`, the CLI's
//! `--ca-bundle`) *replaces* the default roots rather than adding to them: botocore
//! passes the bundle as urllib3's `ca_certs`, which is used instead of certifi's.
//! PEM is parsed with rustls-pki-types (already a dependency of rustls), not
//! rustls-pemfile.

use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, TrustAnchor};
use rustls::{ClientConfig, RootCertStore};

/// Builds the client config trusting `bundle` (when given) instead of the webpki roots,
/// plus `extra` anchors in either case.
pub(crate) fn client_config(
    bundle: Option<&[TrustAnchor<'static>]>,
    extra: &[TrustAnchor<'static>],
) -> Result<Arc<ClientConfig>, rustls::Error> {
    let base = bundle.unwrap_or(webpki_roots::TLS_SERVER_ROOTS);
    let mut roots = RootCertStore {
        roots: Vec::with_capacity(base.len() + extra.len()),
    };
    roots.roots.extend_from_slice(base);
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

/// The trust anchors of a PEM bundle file. Errors name the file: unreadable, malformed
/// PEM, or no usable `CERTIFICATE` in it. Certificates webpki cannot use as anchors are
/// skipped (system bundles carry a few), as long as one is left.
pub(crate) fn load_bundle(path: &Path) -> Result<Vec<TrustAnchor<'static>>, String> {
    let shown = path.display();
    let pem = std::fs::read(path).map_err(|e| format!("cannot read CA bundle {shown}: {e}"))?;
    let certs = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("CA bundle {shown} is not valid PEM: {e}"))?;
    if certs.is_empty() {
        return Err(format!("CA bundle {shown} holds no PEM certificate"));
    }
    let mut store = RootCertStore::empty();
    let (_, unusable) = store.add_parsable_certificates(certs);
    if store.roots.is_empty() {
        return Err(format!(
            "CA bundle {shown}: none of its {unusable} certificates can be used as a root"
        ));
    }
    Ok(store.roots)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_has_roots_and_alpn() {
        let config = client_config(None, &[]).expect("ring provider supports the default versions");
        assert_eq!(config.alpn_protocols, vec![b"http/1.1".to_vec()]);
        assert!(webpki_roots::TLS_SERVER_ROOTS.len() > 100);
    }

    #[test]
    fn garbage_certificate_is_rejected() {
        assert!(trust_anchor(b"not a certificate").is_err());
    }

    #[test]
    fn bundle_errors_name_the_file() {
        let dir = std::env::temp_dir().join(format!("awsrt-tls-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let cases = [
            ("missing.pem", None, "cannot read CA bundle"),
            (
                "bad.pem",
                Some("-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----\n"),
                "is not valid PEM",
            ),
            (
                "empty.pem",
                Some("no PEM here\n"),
                "holds no PEM certificate",
            ),
            (
                "notcert.pem",
                Some("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
                "can be used as a root",
            ),
        ];
        for (name, content, expected) in cases {
            let path = dir.join(name);
            if let Some(c) = content {
                std::fs::write(&path, c).unwrap();
            }
            let err = load_bundle(&path).unwrap_err();
            assert!(err.contains(expected), "{name}: {err}");
            assert!(err.contains(&path.display().to_string()), "{name}: {err}");
        }
    }
}

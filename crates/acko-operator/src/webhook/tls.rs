//! Serving certificates of the webhook: a rustls resolver that re-reads `tls.crt`/`tls.key`
//! when their bytes change (rotation without a restart: cert-manager, or the operator's own
//! rotation, rewrites the files), and generation of a private CA plus a serving certificate.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rustls::ServerConfig;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;

/// File names inside the certificate directory (the `kubernetes.io/tls` Secret keys).
pub const CERT_FILE: &str = "tls.crt";
/// Private key file name.
pub const KEY_FILE: &str = "tls.key";

/// A certificate that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// Reading a file failed.
    #[error(
        "cannot read {path}: {source} (mount the webhook certificate Secret there, or use --webhook-self-signed)"
    )]
    Read {
        /// File.
        path: String,
        /// Cause.
        #[source]
        source: std::io::Error,
    },
    /// The PEM content is not a certificate chain and a private key.
    #[error("{0}")]
    Pem(String),
    /// Generating a certificate failed.
    #[error("cannot generate the webhook certificate: {0}")]
    Generate(String),
}

/// Parses a PEM chain and key into a rustls signing key.
pub fn certified_key(cert_pem: &[u8], key_pem: &[u8]) -> Result<CertifiedKey, TlsError> {
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(cert_pem)
        .collect::<Result<_, _>>()
        .map_err(|e| TlsError::Pem(format!("{CERT_FILE} is not a PEM certificate chain: {e}")))?;
    if chain.is_empty() {
        return Err(TlsError::Pem(format!("{CERT_FILE} holds no certificate")));
    }
    let key = PrivateKeyDer::from_pem_slice(key_pem)
        .map_err(|e| TlsError::Pem(format!("{KEY_FILE} is not a PEM private key: {e}")))?;
    let signer = rustls::crypto::ring::sign::any_supported_type(&key)
        .map_err(|e| TlsError::Pem(format!("{KEY_FILE}: unsupported key: {e}")))?;
    Ok(CertifiedKey::new(chain, signer))
}

struct Loaded {
    cert: Vec<u8>,
    key: Vec<u8>,
    certified: Arc<CertifiedKey>,
}

/// Serves the certificate found in a directory, re-reading it on every handshake and
/// switching when the bytes changed. A broken new pair is logged and the last good one kept.
pub struct ReloadingResolver {
    dir: PathBuf,
    current: Mutex<Loaded>,
}

impl std::fmt::Debug for ReloadingResolver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReloadingResolver")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

fn read(path: &Path) -> Result<Vec<u8>, TlsError> {
    std::fs::read(path).map_err(|source| TlsError::Read {
        path: path.display().to_string(),
        source,
    })
}

impl ReloadingResolver {
    /// Loads `dir/tls.crt` and `dir/tls.key`; fails when they are missing or unusable.
    pub fn load(dir: impl Into<PathBuf>) -> Result<Self, TlsError> {
        let dir = dir.into();
        let cert = read(&dir.join(CERT_FILE))?;
        let key = read(&dir.join(KEY_FILE))?;
        let certified = Arc::new(certified_key(&cert, &key)?);
        Ok(ReloadingResolver {
            dir,
            current: Mutex::new(Loaded {
                cert,
                key,
                certified,
            }),
        })
    }

    /// The pair to serve now (reloaded when the files changed).
    pub fn current(&self) -> Arc<CertifiedKey> {
        let mut current = self
            .current
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let fresh =
            read(&self.dir.join(CERT_FILE)).and_then(|c| Ok((c, read(&self.dir.join(KEY_FILE))?)));
        match fresh {
            Ok((cert, key)) if cert != current.cert || key != current.key => {
                match certified_key(&cert, &key) {
                    Ok(k) => {
                        tracing::info!(dir = %self.dir.display(), "webhook certificate reloaded");
                        *current = Loaded {
                            cert,
                            key,
                            certified: Arc::new(k),
                        };
                    }
                    // Mid-write (certificate and key updated one after the other) or broken:
                    // keep serving the last good pair.
                    Err(e) => tracing::warn!(error = %e, "new webhook certificate not usable yet"),
                }
            }
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(error = %e, "webhook certificate files unreadable; serving the last good pair")
            }
        }
        current.certified.clone()
    }
}

impl ResolvesServerCert for ReloadingResolver {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.current())
    }
}

/// A rustls server configuration (HTTP/1.1) around a resolver.
pub fn server_config(resolver: Arc<ReloadingResolver>) -> Result<Arc<ServerConfig>, TlsError> {
    let mut config =
        ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .map_err(|e| TlsError::Pem(format!("TLS configuration: {e}")))?
            .with_no_client_auth()
            .with_cert_resolver(resolver);
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// A private CA and a serving certificate signed by it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// CA certificate (PEM): the `caBundle` of the webhook configuration.
    pub ca_pem: String,
    /// Serving certificate (PEM).
    pub cert_pem: String,
    /// Serving key (PEM, PKCS#8).
    pub key_pem: String,
    /// Expiry of both, unix seconds.
    pub not_after: i64,
}

/// Validity of generated certificates.
pub const VALIDITY_SECS: i64 = 365 * 24 * 3600;
/// Rotate when less than this is left.
pub const ROTATE_BEFORE_SECS: i64 = 30 * 24 * 3600;

/// True when a certificate expiring at `not_after` must be replaced at `now`.
pub fn rotation_due(not_after: i64, now: i64) -> bool {
    not_after - now < ROTATE_BEFORE_SECS
}

/// The DNS names the API server uses to reach the webhook Service.
pub fn service_dns_names(service: &str, namespace: &str, cluster_domain: &str) -> Vec<String> {
    vec![
        service.to_owned(),
        format!("{service}.{namespace}"),
        format!("{service}.{namespace}.svc"),
        format!("{service}.{namespace}.svc.{cluster_domain}"),
    ]
}

/// Generates a CA and a serving certificate for `dns_names`, valid from `now` (unix seconds)
/// for [`VALIDITY_SECS`].
pub fn generate(dns_names: &[String], now: i64) -> Result<Generated, TlsError> {
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer,
        KeyPair, KeyUsagePurpose,
    };
    let err = |e: rcgen::Error| TlsError::Generate(e.to_string());
    let not_after = now + VALIDITY_SECS;
    let at = |t: i64| {
        time::OffsetDateTime::from_unix_timestamp(t).map_err(|e| TlsError::Generate(e.to_string()))
    };
    let mut ca = CertificateParams::new(Vec::<String>::new()).map_err(err)?;
    ca.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca.distinguished_name.push(
        DnType::CommonName,
        format!("acko-operator webhook CA {now}"),
    );
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    ca.not_before = at(now - 300)?;
    ca.not_after = at(not_after)?;
    let ca_key = KeyPair::generate().map_err(err)?;
    let ca_cert = ca.self_signed(&ca_key).map_err(err)?;
    let issuer = Issuer::new(ca, ca_key);

    let mut leaf = CertificateParams::new(dns_names.to_vec()).map_err(err)?;
    leaf.distinguished_name.push(
        DnType::CommonName,
        dns_names.first().cloned().unwrap_or_default(),
    );
    leaf.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    leaf.not_before = at(now - 300)?;
    leaf.not_after = at(not_after)?;
    let leaf_key = KeyPair::generate().map_err(err)?;
    let leaf_cert = leaf.signed_by(&leaf_key, &issuer).map_err(err)?;
    Ok(Generated {
        ca_pem: ca_cert.pem(),
        cert_pem: leaf_cert.pem(),
        key_pem: leaf_key.serialize_pem(),
        not_after,
    })
}

/// Writes a serving pair into `dir` (key first, then certificate: the resolver switches
/// only when both parse).
pub fn write_pair(dir: &Path, cert_pem: &str, key_pem: &str) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join(KEY_FILE), key_pem)?;
    std::fs::write(dir.join(CERT_FILE), cert_pem)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_pair_loads_and_names_the_service() {
        crate::install_crypto_provider();
        let names = service_dns_names("acko-webhook", "acko-system", "cluster.local");
        assert_eq!(names[2], "acko-webhook.acko-system.svc");
        let g = generate(&names, 1_800_000_000).unwrap();
        assert!(g.ca_pem.starts_with("-----BEGIN CERTIFICATE-----"));
        assert_ne!(g.ca_pem, g.cert_pem);
        assert!(certified_key(g.cert_pem.as_bytes(), g.key_pem.as_bytes()).is_ok());
        assert_eq!(g.not_after, 1_800_000_000 + VALIDITY_SECS);
    }

    #[test]
    fn rotation_is_due_thirty_days_before_expiry() {
        let now = 1_800_000_000;
        assert!(!rotation_due(now + VALIDITY_SECS, now));
        assert!(!rotation_due(now + ROTATE_BEFORE_SECS + 1, now));
        assert!(rotation_due(now + ROTATE_BEFORE_SECS - 1, now));
        assert!(rotation_due(now - 1, now));
    }

    #[test]
    fn garbage_files_are_a_clear_error() {
        let e = certified_key(b"not pem", b"nope")
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("tls.crt"), "{e}");
        let dir = tempfile::tempdir().unwrap();
        let e = ReloadingResolver::load(dir.path())
            .err()
            .unwrap()
            .to_string();
        assert!(
            e.contains("tls.crt") && e.contains("--webhook-self-signed"),
            "{e}"
        );
    }

    #[test]
    fn a_broken_new_pair_keeps_the_last_good_one_and_a_good_one_replaces_it() {
        crate::install_crypto_provider();
        let dir = tempfile::tempdir().unwrap();
        let names = vec!["svc".to_owned()];
        let a = generate(&names, 1_800_000_000).unwrap();
        write_pair(dir.path(), &a.cert_pem, &a.key_pem).unwrap();
        let r = ReloadingResolver::load(dir.path()).unwrap();
        let first = r.current();
        std::fs::write(dir.path().join(CERT_FILE), "garbage").unwrap();
        assert!(Arc::ptr_eq(&first, &r.current()), "kept the last good pair");
        let b = generate(&names, 1_800_000_100).unwrap();
        write_pair(dir.path(), &b.cert_pem, &b.key_pem).unwrap();
        let second = r.current();
        assert!(!Arc::ptr_eq(&first, &second));
        assert_ne!(first.cert[0], second.cert[0]);
    }
}

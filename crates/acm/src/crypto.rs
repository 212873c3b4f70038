//! Encryption at rest for stored Aerospike passwords (ChaCha20-Poly1305).
//!
//! The 32-byte key comes from `ACM_SECRET_KEY` (base64) or from a key file, which is
//! generated with mode 0600 on first start. Ciphertexts are stored as
//! `v1:<base64(nonce ‖ ciphertext+tag)>`.

use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};

const PREFIX: &str = "v1:";
const NONCE_LEN: usize = 12;

/// Errors of key loading and decryption.
#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    /// The key material is not 32 bytes of base64.
    #[error("secret key must be 32 bytes encoded as base64 ({0})")]
    BadKey(String),
    /// The key file could not be read or written.
    #[error("key file {path}: {source}")]
    Io {
        /// Path of the key file.
        path: String,
        /// Underlying error.
        source: std::io::Error,
    },
    /// The stored value was not produced by this key.
    #[error(
        "stored secret cannot be decrypted: it was encrypted with another key \
         (was the key file or ACM_SECRET_KEY changed?)"
    )]
    Decrypt,
    /// The random number generator failed.
    #[error("random number generator failed: {0}")]
    Random(String),
}

/// Encrypts and decrypts secrets with one key.
#[derive(Clone)]
pub struct SecretBox {
    cipher: ChaCha20Poly1305,
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox(..)")
    }
}

fn random_bytes<const N: usize>() -> Result<[u8; N], CryptoError> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).map_err(|e| CryptoError::Random(e.to_string()))?;
    Ok(buf)
}

impl SecretBox {
    /// Build from raw key bytes.
    pub fn from_key(key: [u8; 32]) -> Self {
        Self {
            cipher: ChaCha20Poly1305::new(&Key::from(key)),
        }
    }

    /// Build from a base64-encoded 32-byte key.
    pub fn from_base64(text: &str) -> Result<Self, CryptoError> {
        let bytes = B64
            .decode(text.trim())
            .map_err(|e| CryptoError::BadKey(e.to_string()))?;
        let key: [u8; 32] = bytes
            .try_into()
            .map_err(|v: Vec<u8>| CryptoError::BadKey(format!("got {} bytes", v.len())))?;
        Ok(Self::from_key(key))
    }

    /// A fresh random key (for tests and the demo).
    pub fn random() -> Result<Self, CryptoError> {
        Ok(Self::from_key(random_bytes::<32>()?))
    }

    /// Load the key file, creating it with a random key and mode 0600 when absent.
    pub fn load_or_create(path: &Path) -> Result<Self, CryptoError> {
        let io = |source| CryptoError::Io {
            path: path.display().to_string(),
            source,
        };
        match std::fs::read_to_string(path) {
            Ok(text) => Self::from_base64(&text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(io)?;
                }
                let key = random_bytes::<32>()?;
                write_private(path, B64.encode(key).as_bytes()).map_err(io)?;
                Ok(Self::from_key(key))
            }
            Err(e) => Err(io(e)),
        }
    }

    /// Encrypt a secret into its stored form.
    pub fn encrypt(&self, plain: &str) -> Result<String, CryptoError> {
        let nonce_bytes = random_bytes::<NONCE_LEN>()?;
        let nonce = Nonce::try_from(&nonce_bytes[..]).map_err(|_| CryptoError::Decrypt)?;
        let ct = self
            .cipher
            .encrypt(&nonce, plain.as_bytes())
            .map_err(|_| CryptoError::Decrypt)?;
        let mut out = Vec::with_capacity(NONCE_LEN + ct.len());
        out.extend_from_slice(&nonce_bytes);
        out.extend_from_slice(&ct);
        Ok(format!("{PREFIX}{}", B64.encode(out)))
    }

    /// Decrypt a stored secret.
    pub fn decrypt(&self, stored: &str) -> Result<String, CryptoError> {
        let data = stored
            .strip_prefix(PREFIX)
            .and_then(|b| B64.decode(b).ok())
            .ok_or(CryptoError::Decrypt)?;
        if data.len() < NONCE_LEN {
            return Err(CryptoError::Decrypt);
        }
        let (nonce, ct) = data.split_at(NONCE_LEN);
        let nonce = Nonce::try_from(nonce).map_err(|_| CryptoError::Decrypt)?;
        let plain = self
            .cipher
            .decrypt(&nonce, ct)
            .map_err(|_| CryptoError::Decrypt)?;
        String::from_utf8(plain).map_err(|_| CryptoError::Decrypt)
    }
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_wrong_key() {
        let a = SecretBox::random().unwrap();
        let b = SecretBox::random().unwrap();
        let stored = a.encrypt("s3cret pässword").unwrap();
        assert!(stored.starts_with("v1:"));
        assert!(!stored.contains("s3cret"));
        assert_eq!(a.decrypt(&stored).unwrap(), "s3cret pässword");
        assert!(matches!(b.decrypt(&stored), Err(CryptoError::Decrypt)));
        assert!(a.decrypt("v1:!!!").is_err());
        assert!(a.decrypt("plain").is_err());
        // nonces differ
        assert_ne!(a.encrypt("x").unwrap(), a.encrypt("x").unwrap());
    }

    #[cfg(unix)]
    #[test]
    fn key_file_is_created_private_and_reused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/acm.key");
        let a = SecretBox::load_or_create(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let b = SecretBox::load_or_create(&path).unwrap();
        let stored = a.encrypt("pw").unwrap();
        assert_eq!(b.decrypt(&stored).unwrap(), "pw");
    }

    #[test]
    fn bad_base64_key_is_rejected() {
        assert!(SecretBox::from_base64("abc").is_err());
        assert!(SecretBox::from_base64(&B64.encode([1u8; 16])).is_err());
        assert!(SecretBox::from_base64(&B64.encode([1u8; 32])).is_ok());
    }
}

//! Password hashing with argon2id (PHC strings) and the password rules.

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

/// Shortest accepted password.
pub const MIN_LEN: usize = 12;
/// Longest accepted password (argon2 hashes anything, but a bound keeps requests cheap).
pub const MAX_LEN: usize = 1024;

/// Why a password is not acceptable, or `None`.
pub fn weakness(password: &str) -> Option<String> {
    let n = password.chars().count();
    if n < MIN_LEN {
        return Some(format!(
            "the password has {n} characters; use at least {MIN_LEN}"
        ));
    }
    if password.len() > MAX_LEN {
        return Some(format!("the password is longer than {MAX_LEN} bytes"));
    }
    if password.trim().is_empty() {
        return Some("the password is only whitespace".into());
    }
    None
}

/// Hash a password (argon2id, default parameters, random salt) to a PHC string.
pub fn hash(password: &str) -> anyhow::Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing the password failed: {e}"))
}

/// Whether `password` matches the PHC string `phc` (false for a malformed hash).
pub fn verify(password: &str, phc: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), phc)
        .is_ok()
}

/// A hash to verify against when the user does not exist, so that unknown and known user
/// names take the same time to reject.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash("not-a-real-password-0000").unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_salted_and_verify() {
        let a = hash("correct horse battery").unwrap();
        let b = hash("correct horse battery").unwrap();
        assert!(a.starts_with("$argon2id$v=19$"), "{a}");
        assert_ne!(a, b, "salts differ");
        assert!(verify("correct horse battery", &a));
        assert!(!verify("correct horse batterz", &a));
        assert!(!verify("x", "not a phc string"));
        assert!(!verify("anything", dummy_hash()));
    }

    #[test]
    fn password_rules() {
        assert!(weakness("short").unwrap().contains("at least 12"));
        assert!(weakness("            ").unwrap().contains("whitespace"));
        assert!(weakness(&"x".repeat(2000)).is_some());
        assert_eq!(weakness("long enough password"), None);
    }
}

//! ID token verification (pure): JWS compact parsing, the signature against the issuer's
//! JWKS (RS256/384/512 and ES256/384 via `ring`), then the claims the OpenID Connect core
//! spec requires of a relying party: `iss`, `aud` (and `azp`), `exp`, `nbf`, `nonce`.
//! `alg: none` and HMAC algorithms are refused: only the issuer's published keys count.

use base64::Engine;
use ring::signature;
use serde::Deserialize;
use serde_json::Value;

/// Clock skew tolerated on `exp` / `nbf` / `iat`, in seconds.
pub const LEEWAY_SECS: i64 = 60;

/// One key of a JWKS document (only the members used here).
#[derive(Debug, Clone, Deserialize)]
pub struct Jwk {
    /// Key type: `RSA` or `EC`.
    pub kty: String,
    /// Key id.
    #[serde(default)]
    pub kid: Option<String>,
    /// Intended use (`sig` / `enc`).
    #[serde(default, rename = "use")]
    pub use_: Option<String>,
    /// Algorithm the key is for, when stated.
    #[serde(default)]
    pub alg: Option<String>,
    /// RSA modulus.
    #[serde(default)]
    pub n: Option<String>,
    /// RSA exponent.
    #[serde(default)]
    pub e: Option<String>,
    /// EC curve.
    #[serde(default)]
    pub crv: Option<String>,
    /// EC x coordinate.
    #[serde(default)]
    pub x: Option<String>,
    /// EC y coordinate.
    #[serde(default)]
    pub y: Option<String>,
}

/// A JWKS document.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Jwks {
    /// The keys.
    pub keys: Vec<Jwk>,
}

/// Why an ID token was refused (the message is shown to the user and audited).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// Not three base64url parts with JSON header and payload.
    #[error("the ID token is malformed: {0}")]
    Malformed(String),
    /// `alg` is not one this manager accepts.
    #[error("the ID token is signed with `{0}`; only RS256/RS384/RS512/ES256/ES384 are accepted")]
    Algorithm(String),
    /// No JWKS key matches `kid` / key type.
    #[error("no key of the identity provider's JWKS matches the ID token (kid {0})")]
    UnknownKey(String),
    /// The signature does not verify.
    #[error("the ID token's signature does not verify against the identity provider's keys")]
    Signature,
    /// `iss` differs from the configured issuer.
    #[error("the ID token was issued by `{got}`, not the configured issuer `{want}`")]
    Issuer { got: String, want: String },
    /// `aud` does not contain the client id.
    #[error("the ID token is for audience {got}, not this manager's client id `{want}`")]
    Audience { got: String, want: String },
    /// Expired (or not yet valid).
    #[error("the ID token {0}")]
    Time(String),
    /// `nonce` differs from the one sent with the login.
    #[error("the ID token's nonce does not match this sign-in (replayed or mixed-up login)")]
    Nonce,
}

fn b64(part: &str) -> Result<Vec<u8>, TokenError> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part.trim_end_matches('='))
        .map_err(|e| TokenError::Malformed(format!("bad base64url: {e}")))
}

fn key_b64(v: &Option<String>, what: &str) -> Result<Vec<u8>, TokenError> {
    let s = v
        .as_deref()
        .ok_or_else(|| TokenError::Malformed(format!("JWKS key without `{what}`")))?;
    b64(s)
}

#[derive(Deserialize)]
struct Header {
    alg: String,
    #[serde(default)]
    kid: Option<String>,
}

/// What is checked besides the signature.
#[derive(Debug, Clone)]
pub struct Expect<'a> {
    /// The configured issuer (exact match).
    pub issuer: &'a str,
    /// This manager's client id.
    pub client_id: &'a str,
    /// The nonce sent with the authorization request.
    pub nonce: &'a str,
    /// Now, unix seconds.
    pub now: i64,
}

/// Verify `token` and return its claims.
pub fn verify(token: &str, jwks: &Jwks, expect: &Expect<'_>) -> Result<Value, TokenError> {
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(TokenError::Malformed(
            "expected three dot-separated parts".into(),
        ));
    };
    let header: Header = serde_json::from_slice(&b64(h)?)
        .map_err(|e| TokenError::Malformed(format!("header: {e}")))?;
    let sig = b64(s)?;
    let (kty, rsa_alg, ec_alg): (
        &str,
        Option<&'static signature::RsaParameters>,
        Option<&'static signature::EcdsaVerificationAlgorithm>,
    ) = match header.alg.as_str() {
        "RS256" => ("RSA", Some(&signature::RSA_PKCS1_2048_8192_SHA256), None),
        "RS384" => ("RSA", Some(&signature::RSA_PKCS1_2048_8192_SHA384), None),
        "RS512" => ("RSA", Some(&signature::RSA_PKCS1_2048_8192_SHA512), None),
        "ES256" => ("EC", None, Some(&signature::ECDSA_P256_SHA256_FIXED)),
        "ES384" => ("EC", None, Some(&signature::ECDSA_P384_SHA384_FIXED)),
        other => return Err(TokenError::Algorithm(other.to_string())),
    };
    let candidates: Vec<&Jwk> = jwks
        .keys
        .iter()
        .filter(|k| k.kty == kty)
        .filter(|k| k.use_.as_deref().is_none_or(|u| u == "sig"))
        .filter(|k| k.alg.as_deref().is_none_or(|a| a == header.alg))
        .filter(|k| match (&header.kid, &k.kid) {
            (Some(want), Some(have)) => want == have,
            _ => true,
        })
        .collect();
    if candidates.is_empty() {
        return Err(TokenError::UnknownKey(
            header.kid.clone().unwrap_or_else(|| "none".into()),
        ));
    }
    let message = &token.as_bytes()[..h.len() + 1 + p.len()];
    let mut verified = false;
    for k in candidates {
        let ok = if let Some(alg) = rsa_alg {
            let pk = signature::RsaPublicKeyComponents {
                n: key_b64(&k.n, "n")?,
                e: key_b64(&k.e, "e")?,
            };
            pk.verify(alg, message, &sig).is_ok()
        } else if let Some(alg) = ec_alg {
            let want_crv = if header.alg == "ES256" {
                "P-256"
            } else {
                "P-384"
            };
            if k.crv.as_deref() != Some(want_crv) {
                continue;
            }
            let mut point = vec![0x04];
            point.extend(key_b64(&k.x, "x")?);
            point.extend(key_b64(&k.y, "y")?);
            signature::UnparsedPublicKey::new(alg, point)
                .verify(message, &sig)
                .is_ok()
        } else {
            false
        };
        if ok {
            verified = true;
            break;
        }
    }
    if !verified {
        return Err(TokenError::Signature);
    }
    let claims: Value = serde_json::from_slice(&b64(p)?)
        .map_err(|e| TokenError::Malformed(format!("payload: {e}")))?;
    check_claims(&claims, expect)?;
    Ok(claims)
}

/// The claim checks of OpenID Connect core §3.1.3.7 (after the signature).
pub fn check_claims(claims: &Value, expect: &Expect<'_>) -> Result<(), TokenError> {
    let iss = claims["iss"].as_str().unwrap_or_default();
    if iss != expect.issuer {
        return Err(TokenError::Issuer {
            got: iss.into(),
            want: expect.issuer.into(),
        });
    }
    let auds: Vec<&str> = match &claims["aud"] {
        Value::String(s) => vec![s.as_str()],
        Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    if !auds.contains(&expect.client_id) {
        return Err(TokenError::Audience {
            got: format!("{auds:?}"),
            want: expect.client_id.into(),
        });
    }
    if auds.len() > 1
        && let Some(azp) = claims["azp"].as_str()
        && azp != expect.client_id
    {
        return Err(TokenError::Audience {
            got: format!("azp `{azp}`"),
            want: expect.client_id.into(),
        });
    }
    let Some(exp) = claims["exp"].as_i64() else {
        return Err(TokenError::Time("has no `exp` claim".into()));
    };
    if exp + LEEWAY_SECS < expect.now {
        return Err(TokenError::Time(format!(
            "expired {} seconds ago",
            expect.now - exp
        )));
    }
    if let Some(nbf) = claims["nbf"].as_i64()
        && nbf - LEEWAY_SECS > expect.now
    {
        return Err(TokenError::Time("is not valid yet (nbf)".into()));
    }
    let nonce = claims["nonce"].as_str().unwrap_or_default();
    if !crate::auth::ct_eq(nonce, expect.nonce) {
        return Err(TokenError::Nonce);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn expect(now: i64) -> Expect<'static> {
        Expect {
            issuer: "https://idp.example",
            client_id: "acm",
            nonce: "n-1",
            now,
        }
    }

    #[test]
    fn claims_are_checked() {
        let ok = json!({"iss": "https://idp.example", "aud": "acm", "exp": 1000, "nonce": "n-1"});
        assert_eq!(check_claims(&ok, &expect(900)), Ok(()));
        let mut c = ok.clone();
        c["iss"] = json!("https://other");
        assert!(matches!(
            check_claims(&c, &expect(900)),
            Err(TokenError::Issuer { .. })
        ));
        let mut c = ok.clone();
        c["aud"] = json!(["x", "y"]);
        assert!(matches!(
            check_claims(&c, &expect(900)),
            Err(TokenError::Audience { .. })
        ));
        let mut c = ok.clone();
        c["aud"] = json!(["x", "acm"]);
        c["azp"] = json!("x");
        assert!(matches!(
            check_claims(&c, &expect(900)),
            Err(TokenError::Audience { .. })
        ));
        assert!(matches!(
            check_claims(&ok, &expect(1061)),
            Err(TokenError::Time(_))
        ));
        let mut c = ok.clone();
        c["nonce"] = json!("n-2");
        assert_eq!(check_claims(&c, &expect(900)), Err(TokenError::Nonce));
    }

    #[test]
    fn none_and_hmac_are_refused() {
        let h = |alg: &str| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!(r#"{{"alg":"{alg}"}}"#))
        };
        for alg in ["none", "HS256"] {
            let t = format!("{}.e30.", h(alg));
            assert_eq!(
                verify(&t, &Jwks::default(), &expect(0)),
                Err(TokenError::Algorithm(alg.into()))
            );
        }
        assert!(matches!(
            verify("a.b", &Jwks::default(), &expect(0)),
            Err(TokenError::Malformed(_))
        ));
    }
}

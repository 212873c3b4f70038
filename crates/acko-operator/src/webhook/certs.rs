//! Self-managed serving certificates: one `kubernetes.io/tls` Secret shared by every operator
//! replica holds the CA and the serving pair; each replica writes the pair to its certificate
//! directory (where [`super::tls::ReloadingResolver`] picks it up) and patches the CA bundle
//! into the ValidatingWebhookConfiguration. Thirty days before expiry the first replica to
//! notice generates a new pair; the bundle then holds the new and the previous CA, so
//! replicas still serving the old pair keep being trusted until they re-read the Secret.

use std::collections::BTreeMap;
use std::path::PathBuf;

use k8s_openapi::ByteString;
use k8s_openapi::api::admissionregistration::v1::ValidatingWebhookConfiguration;
use k8s_openapi::api::core::v1::Secret;
use kube::Client;
use kube::api::{Api, ObjectMeta, PostParams};

use super::tls::{Generated, generate, rotation_due, service_dns_names, write_pair};
use crate::shell::Error;

/// Secret annotation: expiry of the pair (unix seconds).
pub const ANNOTATION_NOT_AFTER: &str = "acko.io/not-after";
/// Secret key of the CA bundle.
pub const CA_KEY: &str = "ca.crt";

/// Where the self-managed certificate lives and whom it names.
#[derive(Debug, Clone)]
pub struct SelfManaged {
    /// Namespace of the operator (Secret and Service).
    pub namespace: String,
    /// Secret name.
    pub secret: String,
    /// Service name the API server calls.
    pub service: String,
    /// ValidatingWebhookConfiguration to patch.
    pub webhook_config: String,
    /// Cluster DNS domain.
    pub cluster_domain: String,
    /// Directory the serving pair is written to.
    pub dir: PathBuf,
}

/// The material in the Secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// CA bundle (current CA, then the previous one during a rotation).
    pub ca_bundle: String,
    /// Serving certificate.
    pub cert_pem: String,
    /// Serving key.
    pub key_pem: String,
    /// Expiry, unix seconds.
    pub not_after: i64,
}

fn text(secret: &Secret, key: &str) -> Option<String> {
    let bytes = secret.data.as_ref()?.get(key)?;
    String::from_utf8(bytes.0.clone()).ok()
}

/// Reads the material of a Secret (`None` when incomplete).
pub fn stored(secret: &Secret) -> Option<Stored> {
    Some(Stored {
        ca_bundle: text(secret, CA_KEY)?,
        cert_pem: text(secret, super::tls::CERT_FILE)?,
        key_pem: text(secret, super::tls::KEY_FILE)?,
        not_after: secret
            .metadata
            .annotations
            .as_ref()?
            .get(ANNOTATION_NOT_AFTER)?
            .parse()
            .ok()?,
    })
}

/// The first PEM certificate of a bundle.
fn first_cert(bundle: &str) -> &str {
    const END: &str = "-----END CERTIFICATE-----";
    bundle
        .find(END)
        .map_or(bundle, |i| &bundle[..i + END.len()])
}

/// What a fresh pair stores: the new CA first, then the CA being replaced.
pub fn rotated(new: &Generated, previous: Option<&Stored>) -> Stored {
    let mut ca_bundle = new.ca_pem.trim_end().to_owned();
    if let Some(p) = previous {
        ca_bundle.push('\n');
        ca_bundle.push_str(first_cert(&p.ca_bundle));
    }
    ca_bundle.push('\n');
    Stored {
        ca_bundle,
        cert_pem: new.cert_pem.clone(),
        key_pem: new.key_pem.clone(),
        not_after: new.not_after,
    }
}

fn secret_of(cfg: &SelfManaged, s: &Stored, resource_version: Option<String>) -> Secret {
    let data = BTreeMap::from([
        (
            CA_KEY.to_owned(),
            ByteString(s.ca_bundle.clone().into_bytes()),
        ),
        (
            super::tls::CERT_FILE.to_owned(),
            ByteString(s.cert_pem.clone().into_bytes()),
        ),
        (
            super::tls::KEY_FILE.to_owned(),
            ByteString(s.key_pem.clone().into_bytes()),
        ),
    ]);
    Secret {
        metadata: ObjectMeta {
            name: Some(cfg.secret.clone()),
            namespace: Some(cfg.namespace.clone()),
            resource_version,
            annotations: Some(BTreeMap::from([(
                ANNOTATION_NOT_AFTER.to_owned(),
                s.not_after.to_string(),
            )])),
            labels: Some(BTreeMap::from([(
                "app.kubernetes.io/name".to_owned(),
                "acko-operator".to_owned(),
            )])),
            ..ObjectMeta::default()
        },
        type_: Some("kubernetes.io/tls".to_owned()),
        data: Some(data),
        ..Secret::default()
    }
}

/// Makes sure a valid pair exists (generating or rotating it), writes it to `cfg.dir` and
/// patches the CA bundle into the webhook configuration. Returns what is served.
pub async fn ensure(client: &Client, cfg: &SelfManaged, now: i64) -> Result<Stored, Error> {
    let api: Api<Secret> = Api::namespaced(client.clone(), &cfg.namespace);
    let mut attempts = 0;
    let stored = loop {
        attempts += 1;
        let existing = api
            .get_opt(&cfg.secret)
            .await
            .map_err(|e| Error::kube(format!("reading Secret {}", cfg.secret), e))?;
        let current = existing.as_ref().and_then(stored);
        if let Some(s) = current.as_ref().filter(|s| !rotation_due(s.not_after, now)) {
            break s.clone();
        }
        let names = service_dns_names(&cfg.service, &cfg.namespace, &cfg.cluster_domain);
        let fresh = generate(&names, now).map_err(|e| Error::Other {
            what: e.to_string(),
        })?;
        let next = rotated(&fresh, current.as_ref());
        let result = match &existing {
            None => {
                api.create(&PostParams::default(), &secret_of(cfg, &next, None))
                    .await
            }
            Some(old) => {
                let rv = old.metadata.resource_version.clone();
                api.replace(
                    &cfg.secret,
                    &PostParams::default(),
                    &secret_of(cfg, &next, rv),
                )
                .await
            }
        };
        match result {
            Ok(_) => {
                tracing::info!(secret = %cfg.secret, not_after = next.not_after, "webhook certificate generated");
                break next;
            }
            // Another replica wrote it first: use theirs.
            Err(kube::Error::Api(e)) if (e.code == 409) && attempts < 3 => continue,
            Err(e) => return Err(Error::kube(format!("writing Secret {}", cfg.secret), e)),
        }
    };
    write_pair(&cfg.dir, &stored.cert_pem, &stored.key_pem).map_err(|e| Error::Other {
        what: format!(
            "writing the webhook certificate to {}: {e}",
            cfg.dir.display()
        ),
    })?;
    patch_ca_bundle(client, &cfg.webhook_config, &stored.ca_bundle).await?;
    Ok(stored)
}

/// Sets `clientConfig.caBundle` of every webhook of the configuration (no write when equal).
pub async fn patch_ca_bundle(client: &Client, name: &str, bundle: &str) -> Result<(), Error> {
    let api: Api<ValidatingWebhookConfiguration> = Api::all(client.clone());
    let Some(mut vwc) = api
        .get_opt(name)
        .await
        .map_err(|e| Error::kube(format!("reading ValidatingWebhookConfiguration {name}"), e))?
    else {
        tracing::warn!(
            name,
            "ValidatingWebhookConfiguration not found: admission checks are off until it is installed"
        );
        return Ok(());
    };
    let want = ByteString(bundle.as_bytes().to_vec());
    let mut changed = false;
    for w in vwc.webhooks.iter_mut().flatten() {
        if w.client_config.ca_bundle.as_ref() != Some(&want) {
            w.client_config.ca_bundle = Some(want.clone());
            changed = true;
        }
    }
    if changed {
        api.replace(name, &PostParams::default(), &vwc)
            .await
            .map_err(|e| Error::kube(format!("patching the CA bundle of {name}"), e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rotation_keeps_the_previous_ca_in_the_bundle_once() {
        crate::install_crypto_provider();
        let names = vec!["svc".to_owned()];
        let a = generate(&names, 1_800_000_000).unwrap();
        let first = rotated(&a, None);
        assert_eq!(first.ca_bundle.matches("BEGIN CERTIFICATE").count(), 1);
        let b = generate(&names, 1_830_000_000).unwrap();
        let second = rotated(&b, Some(&first));
        assert_eq!(second.ca_bundle.matches("BEGIN CERTIFICATE").count(), 2);
        assert!(second.ca_bundle.starts_with(b.ca_pem.trim_end()));
        assert!(second.ca_bundle.contains(a.ca_pem.trim_end()));
        let c = generate(&names, 1_860_000_000).unwrap();
        let third = rotated(&c, Some(&second));
        assert_eq!(third.ca_bundle.matches("BEGIN CERTIFICATE").count(), 2);
        assert!(
            !third.ca_bundle.contains(a.ca_pem.trim_end()),
            "the oldest CA is dropped"
        );
    }
}

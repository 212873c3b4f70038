//! Server image rules: Community Edition only, server 8 or later.

use crate::problem::Problems;

/// Parts of an image reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageRef {
    /// Registry and repository, e.g. `docker.io/library/aerospike` or `aerospike`.
    pub repository: String,
    /// Tag, if any.
    pub tag: Option<String>,
    /// Digest, if any.
    pub digest: Option<String>,
}

impl ImageRef {
    /// Server version `(major, minor)` read from the tag (`ce-8.1.1.1`, `8.1.1.1`), if any.
    pub fn version(&self) -> Option<(u32, u32)> {
        let tag = self.tag.as_deref()?;
        let v = tag.strip_prefix("ce-").unwrap_or(tag);
        let mut parts = v.split(['.', '-', '_']);
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next().and_then(|m| m.parse().ok()).unwrap_or(0);
        Some((major, minor))
    }
}

/// Splits `registry/repo:tag@digest`. `None` for an empty or blank reference.
pub fn parse_image(image: &str) -> Option<ImageRef> {
    let image = image.trim();
    if image.is_empty() || image.chars().any(char::is_whitespace) {
        return None;
    }
    let (rest, digest) = match image.split_once('@') {
        Some((r, d)) => (r, Some(d.to_string())),
        None => (image, None),
    };
    let slash = rest.rfind('/').map_or(0, |i| i + 1);
    let (repository, tag) = match rest[slash..].split_once(':') {
        Some((name, tag)) => (format!("{}{}", &rest[..slash], name), Some(tag.to_string())),
        None => (rest.to_string(), None),
    };
    if repository.is_empty() || tag.as_deref() == Some("") {
        return None;
    }
    Some(ImageRef {
        repository,
        tag,
        digest,
    })
}

/// Checks that `image` is a CE server image of version 8 or later.
pub(crate) fn validate_server_image(image: &str, path: &str, p: &mut Problems) {
    let Some(parsed) = parse_image(image) else {
        p.error(
            path,
            format!("{image:?} is not an image reference"),
            "use e.g. aerospike:ce-8.1.1.1",
        );
        return;
    };
    let lower = image.to_ascii_lowercase();
    let tag = parsed
        .tag
        .as_deref()
        .unwrap_or_default()
        .to_ascii_lowercase();
    if lower.contains("enterprise") || tag.starts_with("ee-") || tag.starts_with("ent-") {
        p.error(
            path,
            format!("{image:?} is an Enterprise Edition image; acko runs Aerospike Community Edition only"),
            "use a CE image such as aerospike:ce-8.1.1.1",
        );
        return;
    }
    if parsed.tag.is_none() || tag == "latest" {
        if parsed.digest.is_none() {
            p.warning(
                path,
                format!("{image:?} has no fixed version; the server version may change on any pod restart"),
                "pin a version such as aerospike:ce-8.1.1.1",
            );
        }
        return;
    }
    match parsed.version() {
        Some((major, _)) if major < 8 => p.error(
            path,
            format!("{image:?} is server {major}; acko supports Aerospike CE 8 or later"),
            "use a CE 8 image such as aerospike:ce-8.1.1.1",
        ),
        Some(_) => {}
        None => p.warning(
            path,
            format!(
                "cannot read a server version from the tag {:?}",
                parsed.tag.unwrap_or_default()
            ),
            "use a tag such as ce-8.1.1.1 so the version can be checked",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_references() {
        let r = parse_image("registry:5000/team/aerospike:ce-8.1.1.1@sha256:ab").unwrap();
        assert_eq!(r.repository, "registry:5000/team/aerospike");
        assert_eq!(r.tag.as_deref(), Some("ce-8.1.1.1"));
        assert_eq!(r.digest.as_deref(), Some("sha256:ab"));
        assert_eq!(r.version(), Some((8, 1)));
        assert_eq!(parse_image("aerospike").unwrap().tag, None);
        assert!(parse_image("").is_none());
        assert!(parse_image("a b").is_none());
        assert!(parse_image("aerospike:").is_none());
    }

    fn check(image: &str) -> Problems {
        let mut p = Problems::new();
        validate_server_image(image, "spec.image", &mut p);
        p
    }

    #[test]
    fn accepts_ce8_and_later() {
        for ok in [
            "aerospike:ce-8.1.1.1",
            "aerospike:ce-8.0.0.5",
            "my.reg/aerospike:8.1.2.0",
            "aerospike:ce-9.0.0.0",
        ] {
            assert!(check(ok).is_empty(), "{ok}: {}", check(ok));
        }
    }

    #[test]
    fn rejects_enterprise_and_old_servers() {
        for bad in [
            "aerospike/aerospike-server-enterprise:8.1.0.0",
            "aerospike:ee-8.1.1.1",
            "aerospike:ent-8.1.1.1",
            "aerospike:ce-7.2.0.1",
            "aerospike:ce-6.4.0.0",
            "",
        ] {
            let p = check(bad);
            assert!(p.has_errors(), "{bad} should be rejected");
            assert!(p.has_path("spec.image"));
        }
    }

    #[test]
    fn warns_on_unpinned_or_unreadable_tags() {
        for warn in ["aerospike", "aerospike:latest", "aerospike:custom-build"] {
            let p = check(warn);
            assert!(!p.has_errors() && p.len() == 1, "{warn}: {p}");
        }
    }
}

//! Multi-document YAML → typed resources, with precise errors.
//!
//! Three kinds of findings, all reported as [`Problem`](crate::Problem)s of the document they belong to:
//!
//! * YAML syntax errors stop everything: [`YamlError`] carries the line and column.
//! * Type errors (a string where a number belongs, an unknown enum value, a missing required
//!   field) carry the JSON path of the field, e.g. `spec.aerospikeNetworkPolicy.accessType`.
//! * Unknown fields (typos such as `acessType`) are errors too: the apiserver would prune them
//!   silently (or `kubectl` would refuse them), and a silently ignored setting is worse than a
//!   refused one. They are found by comparing the input with the typed value serialised back.

use std::fmt;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::API_VERSION;
use crate::cluster::AerospikeCluster;
use crate::problem::Problems;
use crate::template::AerospikeClusterTemplate;

/// Kind name of clusters.
pub const CLUSTER_KIND: &str = "AerospikeCluster";
/// Kind name of templates.
pub const TEMPLATE_KIND: &str = "AerospikeClusterTemplate";

/// A typed `acko.io` resource.
#[derive(Clone, Debug, PartialEq)]
pub enum Resource {
    /// An `AerospikeCluster`.
    Cluster(Box<AerospikeCluster>),
    /// An `AerospikeClusterTemplate`.
    Template(Box<AerospikeClusterTemplate>),
}

impl Resource {
    /// The kind name.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Cluster(_) => CLUSTER_KIND,
            Self::Template(_) => TEMPLATE_KIND,
        }
    }

    /// `metadata.name`, if set.
    pub fn name(&self) -> Option<&str> {
        match self {
            Self::Cluster(c) => c.metadata.name.as_deref(),
            Self::Template(t) => t.metadata.name.as_deref(),
        }
    }

    /// The resource as JSON, as it would be sent to the apiserver.
    pub fn to_value(&self) -> Value {
        let v = match self {
            Self::Cluster(c) => serde_json::to_value(c),
            Self::Template(t) => serde_json::to_value(t),
        };
        v.unwrap_or(Value::Null)
    }
}

/// One YAML document and what was found in it.
#[derive(Clone, Debug, PartialEq)]
pub struct ParsedDocument {
    /// Position in the stream, starting at 1 (empty documents are not counted).
    pub index: usize,
    /// `kind` of the document, if it has one.
    pub kind: Option<String>,
    /// `metadata.name`, if it has one.
    pub name: Option<String>,
    /// `metadata.namespace`, if it has one.
    pub namespace: Option<String>,
    /// The typed resource; `None` when it could not be decoded or is not an `acko.io` kind.
    pub resource: Option<Resource>,
    /// The document as parsed (before typing).
    pub raw: Value,
    /// Decoding problems (type errors, unknown fields, unsupported kinds).
    pub problems: Problems,
    /// 1-based line of the input where this document's text starts (0 when unknown).
    pub first_line: usize,
    /// The document's text (empty when it could not be told apart from its neighbours).
    pub text: String,
}

impl ParsedDocument {
    /// 1-based line of the input that holds `path` (best effort, see [`crate::locate`]).
    pub fn locate(&self, path: &str) -> Option<usize> {
        if self.text.is_empty() {
            return None;
        }
        let lines: Vec<&str> = self.text.lines().collect();
        crate::locate::locate_path(&lines, path).map(|i| self.first_line + i)
    }

    /// Fills in the line of every problem that has none.
    pub fn annotate(&self, problems: &mut Problems) {
        for p in &mut problems.0 {
            if p.line.is_none() {
                p.line = self.locate(&p.path);
            }
        }
    }

    /// `Kind namespace/name` (or what is known of it), for messages.
    pub fn label(&self) -> String {
        let kind = self.kind.as_deref().unwrap_or("document");
        match (&self.namespace, &self.name) {
            (Some(ns), Some(n)) => format!("{kind} {ns}/{n}"),
            (None, Some(n)) => format!("{kind} {n}"),
            _ => kind.to_string(),
        }
    }
}

/// The input is not YAML.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    /// What the YAML parser said.
    pub message: String,
    /// 1-based line of the error, when known.
    pub line: Option<u64>,
    /// 1-based column of the error, when known.
    pub column: Option<u64>,
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "line {l}, column {c}: {}", self.message),
            (Some(l), None) => write!(f, "line {l}: {}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for YamlError {}

/// Parses a multi-document YAML string into typed documents.
///
/// Empty and null documents are skipped. A YAML syntax error fails the whole input (the
/// documents after it cannot be trusted); every other finding is attached to its document.
pub fn parse_documents(input: &str) -> Result<Vec<ParsedDocument>, YamlError> {
    let values: Vec<Value> = serde_saphyr::from_multiple(input).map_err(|e| {
        let location = e.location();
        YamlError {
            message: first_line(&e.to_string()),
            line: location.map(|l| l.line()),
            column: location.map(|l| l.column()),
        }
    })?;
    let values: Vec<Value> = values.into_iter().filter(|v| !v.is_null()).collect();
    let chunks = document_chunks(input);
    let chunks_match = chunks.len() == values.len();
    Ok(values
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            let mut doc = parse_value(i + 1, v);
            if chunks_match {
                let (first_line, text) = &chunks[i];
                doc.first_line = *first_line;
                doc.text = text.clone();
                let mut problems = std::mem::take(&mut doc.problems);
                doc.annotate(&mut problems);
                doc.problems = problems;
            }
            doc
        })
        .collect())
}

/// Splits a YAML stream at `---` / `...` lines into `(first line, text)` of every document that
/// has content (comments, blank lines and directives alone are not documents).
fn document_chunks(input: &str) -> Vec<(usize, String)> {
    let mut chunks = Vec::new();
    let mut current = String::new();
    let mut start = 1;
    let mut has_content = false;
    for (i, line) in input.lines().enumerate() {
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed.starts_with("--- ") || trimmed == "..." {
            if has_content {
                chunks.push((start, std::mem::take(&mut current)));
            }
            current.clear();
            has_content = false;
            start = i + 2;
            continue;
        }
        let t = line.trim();
        if !(t.is_empty() || t.starts_with('#') || (!has_content && t.starts_with('%'))) {
            has_content = true;
        }
        current.push_str(line);
        current.push('\n');
    }
    if has_content {
        chunks.push((start, current));
    }
    chunks
}

/// The first line of the parser's message, without its own `error: line L column C:` prefix
/// (the location is kept separately).
fn first_line(s: &str) -> String {
    let line = s.lines().next().unwrap_or_default().trim();
    let line = line
        .strip_prefix("error:")
        .map(str::trim_start)
        .unwrap_or(line);
    if line.starts_with("line ")
        && let Some((_, rest)) = line.split_once(": ")
    {
        return rest.to_string();
    }
    line.to_string()
}

/// Types one already-parsed document.
pub fn parse_value(index: usize, raw: Value) -> ParsedDocument {
    let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_string);
    let kind = text(&raw, "kind");
    let meta = raw.get("metadata").cloned().unwrap_or(Value::Null);
    let name = text(&meta, "name");
    let namespace = text(&meta, "namespace");
    let mut problems = Problems::new();
    let resource = if !raw.is_object() {
        problems.error(
            ".",
            "the document is not a mapping",
            "a resource starts with `apiVersion: acko.io/v1alpha1` and `kind: AerospikeCluster`",
        );
        None
    } else {
        let api_version = text(&raw, "apiVersion");
        match kind.as_deref() {
            Some(k @ (CLUSTER_KIND | TEMPLATE_KIND)) => {
                if api_version.as_deref() != Some(API_VERSION) {
                    problems.error(
                        "apiVersion",
                        format!(
                            "apiVersion is {:?}, expected {API_VERSION:?}",
                            api_version.unwrap_or_default()
                        ),
                        format!("set `apiVersion: {API_VERSION}`"),
                    );
                }
                if k == CLUSTER_KIND {
                    decode::<AerospikeCluster>(&raw, &mut problems)
                        .map(|c| Resource::Cluster(Box::new(c)))
                } else {
                    decode::<AerospikeClusterTemplate>(&raw, &mut problems)
                        .map(|t| Resource::Template(Box::new(t)))
                }
            }
            Some(other) => {
                problems.warning(
                    "kind",
                    format!("kind {other:?} is not an acko.io resource; skipped"),
                    "acko validates AerospikeCluster and AerospikeClusterTemplate documents",
                );
                None
            }
            None => {
                problems.error(
                    "kind",
                    "the document has no kind",
                    "set `kind: AerospikeCluster` or `kind: AerospikeClusterTemplate`",
                );
                None
            }
        }
    };
    ParsedDocument {
        index,
        kind,
        name,
        namespace,
        resource,
        raw,
        problems,
        first_line: 0,
        text: String::new(),
    }
}

/// Most type errors reported per document.
const MAX_TYPE_ERRORS: usize = 25;

/// Types `raw`. On a type error the offending value is removed and typing is retried, so every
/// type error of the document is reported at once; the resource is then `None` (a partially
/// typed resource is not validated further).
fn decode<T: DeserializeOwned + serde::Serialize>(
    raw: &Value,
    problems: &mut Problems,
) -> Option<T> {
    let mut work = raw.clone();
    let mut failed = false;
    let mut reported: Vec<String> = Vec::new();
    for _ in 0..MAX_TYPE_ERRORS {
        match serde_path_to_error::deserialize::<_, T>(&work) {
            Ok(typed) if !failed => {
                match serde_json::to_value(&typed) {
                    Ok(back) => unknown_fields(raw, &back, "", problems),
                    Err(e) => {
                        problems.error(".", format!("cannot serialise the resource: {e}"), "")
                    }
                }
                return Some(typed);
            }
            Ok(_) => return None,
            Err(e) => {
                failed = true;
                let segments: Vec<serde_path_to_error::Segment> =
                    e.path().iter().cloned().collect();
                let path = e.path().to_string();
                let message = e.into_inner().to_string();
                let hint = type_error_hint(&message);
                // Removing a bad required value makes its parent miss that field: not news.
                let follow_up = message.starts_with("missing field")
                    && reported.iter().any(|p: &String| {
                        p.strip_prefix(path.as_str())
                            .is_some_and(|rest| rest.starts_with(['.', '[']))
                    });
                if !follow_up {
                    problems.error(path.clone(), message, hint);
                    reported.push(path);
                }
                if !remove_at(&mut work, &segments) {
                    return None;
                }
            }
        }
    }
    None
}

/// Removes the value at `segments` (a missing field removes its parent object). False when
/// nothing could be removed, which ends the retries.
fn remove_at(value: &mut Value, segments: &[serde_path_to_error::Segment]) -> bool {
    use serde_path_to_error::Segment;
    let Some((last, parents)) = segments.split_last() else {
        return false;
    };
    let mut cur = value;
    for seg in parents {
        let next = match (seg, cur) {
            (Segment::Map { key }, Value::Object(m)) => m.get_mut(key),
            (Segment::Seq { index }, Value::Array(a)) => a.get_mut(*index),
            _ => None,
        };
        let Some(next) = next else { return false };
        cur = next;
    }
    match (last, cur) {
        (Segment::Map { key }, Value::Object(m)) => m.remove(key).is_some(),
        (Segment::Seq { index }, Value::Array(a)) if *index < a.len() => {
            a.remove(*index);
            true
        }
        _ => false,
    }
}

fn type_error_hint(message: &str) -> String {
    if message.starts_with("unknown variant") {
        "use one of the listed values; they are case-sensitive".into()
    } else if message.starts_with("missing field") {
        "add the required field".into()
    } else if message.starts_with("invalid type") {
        "check the type with `acko crd`: quote strings, do not quote numbers".into()
    } else {
        "check the field against the CRD (`acko crd`)".into()
    }
}

fn join(base: &str, key: &str) -> String {
    if base.is_empty() {
        key.to_string()
    } else {
        format!("{base}.{key}")
    }
}

/// Reports every key of `input` that did not survive typing (so the type does not know it).
fn unknown_fields(input: &Value, typed: &Value, base: &str, problems: &mut Problems) {
    match (input, typed) {
        (Value::Object(inp), Value::Object(out)) => {
            for (key, value) in inp {
                let path = join(base, key);
                match out.get(key) {
                    Some(t) => unknown_fields(value, t, &path, problems),
                    None if value.is_null() => {}
                    None if base.is_empty() && (key == "apiVersion" || key == "kind") => {}
                    None => problems.error(
                        path,
                        format!("unknown field {key:?}"),
                        "remove it or fix its spelling; `acko crd` shows every field",
                    ),
                }
            }
        }
        (Value::Array(inp), Value::Array(out)) => {
            for (i, (a, b)) in inp.iter().zip(out).enumerate() {
                unknown_fields(a, b, &format!("{base}[{i}]"), problems);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLUSTER: &str = "apiVersion: acko.io/v1alpha1\nkind: AerospikeCluster\nmetadata:\n  name: a\nspec:\n  size: 1\n  image: aerospike:ce-8.1.1.1\n";

    #[test]
    fn parses_multiple_documents_and_skips_empty_ones() {
        let input = format!(
            "---\n{CLUSTER}---\n---\napiVersion: acko.io/v1alpha1\nkind: AerospikeClusterTemplate\nmetadata:\n  name: t\nspec: {{}}\n"
        );
        let docs = parse_documents(&input).unwrap();
        assert_eq!(docs.len(), 2);
        assert!(matches!(docs[0].resource, Some(Resource::Cluster(_))));
        assert!(matches!(docs[1].resource, Some(Resource::Template(_))));
        assert_eq!(docs[1].index, 2);
        assert!(docs.iter().all(|d| d.problems.is_empty()));
    }

    #[test]
    fn yaml_errors_have_a_line() {
        let err = parse_documents("spec:\n  size: [1\n").unwrap_err();
        assert!(err.line.is_some(), "{err:?}");
    }

    #[test]
    fn type_errors_have_a_path() {
        let doc = &parse_documents(&CLUSTER.replace("size: 1", "size: many")).unwrap()[0];
        assert!(doc.resource.is_none());
        assert!(doc.problems.has_path("spec.size"), "{}", doc.problems);
        let doc = &parse_documents(&format!(
            "{CLUSTER}  aerospikeNetworkPolicy:\n    accessType: public\n"
        ))
        .unwrap()[0];
        assert!(
            doc.problems
                .has_path("spec.aerospikeNetworkPolicy.accessType"),
            "{}",
            doc.problems
        );
    }

    #[test]
    fn every_type_error_is_reported() {
        let input = format!(
            "{}  aerospikeNetworkPolicy:\n    accessType: public\n  rackConfig:\n    racks:\n      - id: one\n",
            CLUSTER.replace("size: 1", "size: many")
        );
        let doc = &parse_documents(&input).unwrap()[0];
        assert!(doc.resource.is_none());
        for path in [
            "spec.size",
            "spec.aerospikeNetworkPolicy.accessType",
            "spec.rackConfig.racks[0].id",
        ] {
            assert!(doc.problems.has_path(path), "{path}: {}", doc.problems);
        }
        assert_eq!(doc.problems.len(), 3, "{}", doc.problems);
    }

    #[test]
    fn unknown_fields_are_errors_with_paths() {
        let doc = &parse_documents(&format!(
            "{CLUSTER}  aerospikeNetworkPolicy:\n    acessType: pod\n"
        ))
        .unwrap()[0];
        assert!(doc.resource.is_some());
        assert!(
            doc.problems
                .has_path("spec.aerospikeNetworkPolicy.acessType"),
            "{}",
            doc.problems
        );
        assert!(doc.problems.has_errors());
    }

    #[test]
    fn problems_get_line_numbers() {
        let input = format!(
            "# comment\n---\n{CLUSTER}---\n{CLUSTER}  aerospikeNetworkPolicy:\n    acessType: pod\n"
        );
        let docs = parse_documents(&input).unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].first_line, 3);
        let p = &docs[1].problems.0[0];
        assert_eq!(p.path, "spec.aerospikeNetworkPolicy.acessType");
        assert_eq!(p.line, Some(19), "{input}");
        assert_eq!(docs[1].locate("spec.size"), Some(16));
    }

    #[test]
    fn other_kinds_are_skipped_with_a_warning() {
        let doc =
            &parse_documents("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n").unwrap()[0];
        assert!(doc.resource.is_none());
        assert!(!doc.problems.has_errors());
        assert_eq!(doc.problems.len(), 1);
    }

    #[test]
    fn wrong_api_version_and_missing_kind_are_errors() {
        let doc = &parse_documents(&CLUSTER.replace("acko.io/v1alpha1", "acko.io/v1")).unwrap()[0];
        assert!(doc.problems.has_path("apiVersion"));
        let doc = &parse_documents("metadata: {}\n").unwrap()[0];
        assert!(doc.problems.has_path("kind"));
        let doc = &parse_documents("just text\n").unwrap()[0];
        assert!(doc.problems.has_errors());
    }
}

//! `acko validate`: check AerospikeCluster / AerospikeClusterTemplate YAML before it reaches a
//! cluster.
//!
//! Every problem is printed as `path: message (hint)`, prefixed with `file:line:` when the
//! field can be found in the input. Exit codes: 0 valid (warnings allowed),
//! 1 invalid, 2 unreadable input or not YAML.
//!
//! A cluster whose `templateRef` names a template given in the same input (any `-f` file) is
//! checked after the template is merged in, exactly as the operator would see it.

use std::io::Read;
use std::path::PathBuf;

use acko_api::parse::{ParsedDocument, Resource, parse_documents};
use acko_api::validation::{validate_cluster, validate_template};
use acko_api::{AerospikeClusterTemplate, Problem, Problems, Severity};
use serde::Serialize;

/// Arguments of `acko validate`.
#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    /// YAML file(s) to validate (multi-document; `-` reads standard input).
    #[arg(short = 'f', long = "file", required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Output format.
    #[arg(short = 'o', long = "output", value_enum, default_value = "text")]
    pub output: OutputFormat,
}

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// One line per problem: `path: message (hint)`.
    Text,
    /// A JSON array with one entry per document.
    Json,
}

/// The result for one document.
#[derive(Debug, Serialize)]
struct DocumentResult {
    file: String,
    document: usize,
    kind: Option<String>,
    namespace: Option<String>,
    name: Option<String>,
    valid: bool,
    problems: Problems,
}

/// Runs `acko validate` and returns the exit code.
pub fn run(args: ValidateArgs) -> i32 {
    let mut inputs = Vec::new();
    for file in &args.files {
        let display = file.display().to_string();
        let bytes = if display == "-" {
            let mut buf = Vec::new();
            std::io::stdin().read_to_end(&mut buf).map(|_| buf)
        } else {
            std::fs::read(file)
        };
        let bytes = match bytes {
            Ok(b) => b,
            Err(e) => {
                eprintln!("acko validate: cannot read {display}: {e}");
                return 2;
            }
        };
        let Ok(text) = String::from_utf8(bytes) else {
            eprintln!("acko validate: {display}: not UTF-8 text, so not YAML");
            return 2;
        };
        match parse_documents(&text) {
            Ok(docs) => inputs.push((display, docs)),
            Err(e) => {
                eprintln!("acko validate: {display}: not valid YAML: {e}");
                return 2;
            }
        }
    }
    if inputs.iter().all(|(_, docs)| docs.is_empty()) {
        eprintln!("acko validate: no YAML documents found in the input");
        return 2;
    }
    let results = check(&inputs);
    match args.output {
        OutputFormat::Text => print_text(&results),
        OutputFormat::Json => match serde_json::to_string_pretty(&results) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("acko validate: cannot print JSON: {e}");
                return 2;
            }
        },
    }
    if results.iter().all(|r| r.valid) {
        0
    } else {
        1
    }
}

fn check(inputs: &[(String, Vec<ParsedDocument>)]) -> Vec<DocumentResult> {
    let templates: Vec<AerospikeClusterTemplate> = inputs
        .iter()
        .flat_map(|(_, docs)| docs)
        .filter_map(|d| match &d.resource {
            Some(Resource::Template(t)) => Some((**t).clone()),
            _ => None,
        })
        .collect();
    let mut results = Vec::new();
    for (file, docs) in inputs {
        for doc in docs {
            let mut problems = doc.problems.clone();
            match &doc.resource {
                Some(Resource::Cluster(cluster)) => {
                    problems.extend(cluster_problems(cluster, &templates));
                }
                Some(Resource::Template(t)) => problems.extend(validate_template(t)),
                None => {}
            }
            doc.annotate(&mut problems);
            results.push(DocumentResult {
                file: file.clone(),
                document: doc.index,
                kind: doc.kind.clone(),
                namespace: doc.namespace.clone(),
                name: doc.name.clone(),
                valid: !problems.has_errors(),
                problems,
            });
        }
    }
    results
}

fn cluster_problems(
    cluster: &acko_api::AerospikeCluster,
    templates: &[AerospikeClusterTemplate],
) -> Problems {
    let Some(reference) = &cluster.spec.template_ref else {
        return validate_cluster(cluster);
    };
    match acko_render::merge_template(cluster, templates) {
        Ok(resolved) => validate_cluster(&resolved),
        Err(acko_render::TemplateError::NotFound { .. }) => {
            let mut p = validate_cluster(cluster);
            p.push(Problem::warning(
                "spec.templateRef.name",
                format!(
                    "template {:?} is not in the input, so the fields it provides were not checked",
                    reference.name
                ),
                "pass the template too, e.g. `acko validate -f template.yaml -f cluster.yaml`",
            ));
            p
        }
        Err(e) => {
            let mut p = validate_cluster(cluster);
            p.error(
                "spec.overrides",
                format!("cannot merge the template: {e}"),
                "fix spec.overrides",
            );
            p
        }
    }
}

fn print_text(results: &[DocumentResult]) {
    for r in results {
        let what = match (&r.kind, &r.namespace, &r.name) {
            (Some(k), Some(ns), Some(n)) => format!("{k} {ns}/{n}"),
            (Some(k), None, Some(n)) => format!("{k} {n}"),
            (Some(k), _, None) => k.clone(),
            (None, _, _) => "document".to_string(),
        };
        let errors = r.problems.errors().count();
        let warnings = r.problems.warnings().count();
        let status = match (errors, warnings) {
            (0, 0) => "valid".to_string(),
            (0, w) => format!("valid, {w} warning(s)"),
            (e, 0) => format!("invalid, {e} error(s)"),
            (e, w) => format!("invalid, {e} error(s), {w} warning(s)"),
        };
        println!("{} (document {}) {what}: {status}", r.file, r.document);
        for p in r.problems.iter() {
            let label = match p.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            match p.line {
                Some(line) => println!("  {}:{line}: {label}: {p}", r.file),
                None => println!("  {label}: {p}"),
            }
        }
    }
}

//! `acko render`: prints every Kubernetes object the operator would create for a cluster, after
//! template merge, defaulting and validation — the same pure code path the operator runs.
//!
//! Input problems are reported like `acko validate` does (one line per problem with its path and
//! hint) and exit with status 1. Output goes to stdout in apply order: multi-document YAML
//! (default) or a JSON array (`-o json`).

use std::path::{Path, PathBuf};

use acko_api::parse::{ParsedDocument, Resource, parse_documents};
use acko_api::validation::ValidatedCluster;
use acko_api::{AerospikeCluster, AerospikeClusterTemplate};
use acko_render::{RenderOptions, merge_template, render_validated};

/// Output format of `acko render`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// Multi-document YAML (`---` between objects).
    Yaml,
    /// One JSON array of objects.
    Json,
}

/// Arguments of `acko render`.
#[derive(Debug, clap::Args)]
pub struct RenderArgs {
    /// File with the AerospikeCluster (and optionally AerospikeClusterTemplate) documents;
    /// `-` reads stdin.
    #[arg(short = 'f', long = "filename", value_name = "CLUSTER.yaml")]
    pub file: PathBuf,
    /// Files with AerospikeClusterTemplate documents referenced by `spec.templateRef`.
    #[arg(long = "template", value_name = "T.yaml")]
    pub templates: Vec<PathBuf>,
    /// Output format.
    #[arg(short = 'o', long = "output", value_enum, default_value = "yaml")]
    pub output: OutputFormat,
    /// Kubernetes cluster DNS domain used in mesh seed addresses.
    #[arg(long, default_value = "cluster.local")]
    pub cluster_domain: String,
    /// Image of the acko-init init container (default: the image of this acko version).
    #[arg(long)]
    pub init_image: Option<String>,
}

/// Runs `acko render` and returns the exit code.
pub fn run(args: RenderArgs) -> i32 {
    match render_to_string(&args) {
        Ok((text, warnings)) => {
            for w in warnings {
                eprintln!("{w}");
            }
            print!("{text}");
            0
        }
        Err(messages) => {
            for m in messages {
                eprintln!("{m}");
            }
            1
        }
    }
}

fn read_input(path: &Path) -> Result<String, String> {
    if path == Path::new("-") {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)
            .map_err(|e| format!("cannot read stdin: {e}"))?;
        return Ok(s);
    }
    std::fs::read_to_string(path).map_err(|e| {
        format!(
            "{}: cannot read the file: {e} (check the path given to -f/--template)",
            path.display()
        )
    })
}

fn parse_file(path: &Path) -> Result<Vec<ParsedDocument>, Vec<String>> {
    let text = read_input(path).map_err(|e| vec![e])?;
    let docs = parse_documents(&text)
        .map_err(|e| vec![format!("{}: invalid YAML: {e}", path.display())])?;
    let mut errors = Vec::new();
    for doc in &docs {
        let mut problems = doc.problems.clone();
        doc.annotate(&mut problems);
        errors.extend(format_problems(
            &path.display().to_string(),
            doc,
            &problems,
            true,
        ));
    }
    if errors.is_empty() {
        Ok(docs)
    } else {
        Err(errors)
    }
}

/// Formats problems as `acko validate` does: `file:line: severity: path: message (hint)`.
/// With `errors_only`, warnings are left out.
fn format_problems(
    file: &str,
    doc: &ParsedDocument,
    problems: &acko_api::Problems,
    errors_only: bool,
) -> Vec<String> {
    problems
        .iter()
        .filter(|p| !errors_only || p.is_error())
        .map(|p| {
            let severity = if p.is_error() { "error" } else { "warning" };
            match p.line {
                Some(line) => format!("{file}:{line}: {severity}: {p}"),
                None => format!("{file}: {}: {severity}: {p}", doc.label()),
            }
        })
        .collect()
}

/// Renders the clusters of `args.file`; returns the output text and the warnings, or every
/// problem found.
pub fn render_to_string(args: &RenderArgs) -> Result<(String, Vec<String>), Vec<String>> {
    let main_docs = parse_file(&args.file)?;
    let file = args.file.display().to_string();
    let mut templates: Vec<AerospikeClusterTemplate> = Vec::new();
    let mut clusters: Vec<(AerospikeCluster, &ParsedDocument)> = Vec::new();
    for doc in &main_docs {
        match &doc.resource {
            Some(Resource::Cluster(c)) => clusters.push(((**c).clone(), doc)),
            Some(Resource::Template(t)) => templates.push((**t).clone()),
            None => {}
        }
    }
    for path in &args.templates {
        for doc in parse_file(path)? {
            if let Some(Resource::Template(t)) = doc.resource {
                templates.push(*t);
            }
        }
    }
    if clusters.is_empty() {
        return Err(vec![format!(
            "{}: no AerospikeCluster document found (kind: AerospikeCluster, apiVersion: acko.io/v1alpha1)",
            args.file.display()
        )]);
    }
    let mut options = RenderOptions {
        cluster_domain: args.cluster_domain.clone(),
        ..RenderOptions::default()
    };
    if let Some(image) = &args.init_image {
        options.init_image = image.clone();
    }

    let mut objects = Vec::new();
    let mut warnings = Vec::new();
    let mut errors = Vec::new();
    for (cluster, doc) in &clusters {
        let label = format!(
            "AerospikeCluster {}/{}",
            cluster.metadata.namespace.as_deref().unwrap_or("default"),
            cluster.metadata.name.as_deref().unwrap_or("?")
        );
        let merged = match merge_template(cluster, &templates) {
            Ok(m) => m,
            Err(e) => {
                errors.push(format!("{label}: error: {e}"));
                continue;
            }
        };
        let validated = match ValidatedCluster::new(&merged) {
            Ok(v) => v,
            Err(mut problems) => {
                doc.annotate(&mut problems);
                errors.extend(format_problems(&file, doc, &problems, false));
                continue;
            }
        };
        let mut found = acko_api::Problems(validated.warnings().to_vec());
        doc.annotate(&mut found);
        warnings.extend(format_problems(&file, doc, &found, false));
        match render_validated(&validated, &options) {
            Ok(rendered) => objects.extend(rendered.to_list()),
            Err(e) => errors.push(format!("{label}: error: {e}")),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let text = match args.output {
        OutputFormat::Json => serde_json::to_string_pretty(&objects)
            .map(|s| s + "\n")
            .map_err(|e| vec![e.to_string()])?,
        OutputFormat::Yaml => {
            let mut out = String::new();
            for o in &objects {
                out.push_str("---\n");
                out.push_str(&serde_saphyr::to_string(o).map_err(|e| vec![e.to_string()])?);
            }
            out
        }
    };
    Ok((text, warnings))
}

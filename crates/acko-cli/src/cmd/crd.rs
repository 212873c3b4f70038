//! `acko crd`: print (or write) the CustomResourceDefinitions generated from the `acko-api`
//! types.

use std::path::PathBuf;

/// Arguments of `acko crd`.
#[derive(Debug, clap::Args)]
pub struct CrdArgs {
    /// Write one file per CRD into this directory (e.g. `deploy/crds`) instead of printing both
    /// to standard output.
    #[arg(short = 'd', long = "output-dir", value_name = "DIR")]
    pub output_dir: Option<PathBuf>,
}

/// Runs `acko crd` and returns the exit code.
pub fn run(args: CrdArgs) -> i32 {
    let Some(dir) = args.output_dir else {
        return match acko_api::crds_yaml() {
            Ok(yaml) => {
                print!("{yaml}");
                0
            }
            Err(e) => {
                eprintln!("acko crd: cannot serialise the CRDs: {e}");
                2
            }
        };
    };
    let files = match acko_api::crd_files() {
        Ok(files) => files,
        Err(e) => {
            eprintln!("acko crd: cannot serialise the CRDs: {e}");
            return 2;
        }
    };
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("acko crd: cannot create {}: {e}", dir.display());
        return 2;
    }
    for (name, yaml) in files {
        let path = dir.join(name);
        if let Err(e) = std::fs::write(&path, yaml) {
            eprintln!("acko crd: cannot write {}: {e}", path.display());
            return 2;
        }
        eprintln!("wrote {}", path.display());
    }
    0
}

//! Where the tests of every crate find the real CE 8.1 replies (`shared/fixtures`), and
//! what they do when the folder is missing: under `CI=true` the test fails (a
//! prerequisite missing in CI must not pass silently); elsewhere it prints why it
//! skips and the caller returns early.

use std::path::PathBuf;

/// The fixture folder: `AEROSPIKE_FIXTURES`, or `shared/fixtures/aerospike-ce-8.1` next
/// to the repository.
pub fn ce81_path() -> PathBuf {
    std::env::var_os("AEROSPIKE_FIXTURES").map_or_else(
        || {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../../shared/fixtures/aerospike-ce-8.1")
        },
        PathBuf::from,
    )
}

/// Whether the environment says this is a CI run (`CI=true` or `CI=1`).
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

/// The fixture folder when it exists. When it is missing: panics under CI, otherwise
/// prints a notice naming `test` and the path, and returns `None` (the test skips).
pub fn ce81_or_skip(test: &str) -> Option<PathBuf> {
    let dir = ce81_path();
    decide(test, dir.join("MANIFEST.tsv").exists(), in_ci(), &dir).then_some(dir)
}

fn decide(test: &str, present: bool, ci: bool, dir: &std::path::Path) -> bool {
    if present {
        return true;
    }
    let why = format!(
        "{test}: the CE 8.1 fixtures are missing at {} (set AEROSPIKE_FIXTURES to a copy)",
        dir.display()
    );
    assert!(!ci, "{why}; CI=true, so this fails instead of skipping");
    eprintln!("SKIPPED {why}");
    false
}

/// One fixture file's value (`command<TAB>value`), when the folder exists (see
/// [`ce81_or_skip`]).
pub fn ce81_value(test: &str, file: &str) -> Option<String> {
    let dir = ce81_or_skip(test)?;
    let text = std::fs::read_to_string(dir.join(file))
        .unwrap_or_else(|e| panic!("{test}: fixture {file} unreadable: {e}"));
    let line = text.strip_suffix('\n').unwrap_or(&text);
    Some(line.split_once('\t').map_or(line, |(_, v)| v).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_fixtures_fail_under_ci_and_skip_elsewhere() {
        let dir = std::path::Path::new("/nonexistent");
        assert!(decide("t", true, true, dir));
        assert!(!decide("t", false, false, dir));
        let ci = std::panic::catch_unwind(|| decide("t", false, true, dir));
        assert!(ci.is_err(), "under CI a missing folder must fail the test");
    }
}

//! Any input: the parser never panics, error spans lie inside the input on character
//! boundaries, and whatever parses prints to text that parses back to the same statements.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    match aql::parse(src) {
        Ok(script) => {
            for s in script {
                let printed = s.statement.to_string();
                let again = aql::parse_statement(&printed)
                    .unwrap_or_else(|e| panic!("printed text does not parse: {printed:?}: {e:?}"));
                assert_eq!(again, s.statement, "{printed}");
            }
        }
        Err(errors) => {
            assert!(!errors.is_empty());
            for e in errors {
                assert!(e.span.start <= e.span.end && e.span.end <= src.len());
                assert!(src.is_char_boundary(e.span.start) && src.is_char_boundary(e.span.end));
            }
        }
    }
});

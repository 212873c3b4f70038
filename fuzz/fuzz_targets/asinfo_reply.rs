//! Every typed info reply parser on arbitrary text: `command\tvalue` lines (the shape of the
//! fixtures the corpus is seeded from) go through the parser chosen for the command; then the
//! value goes through every parser kind. Nothing panics; errors are values.
#![no_main]

use asinfo::parse::{ParserKind, parse_reply};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for line in text.split('\n') {
        let (command, value) = line.split_once('\t').unwrap_or(("statistics", line));
        let _ = parse_reply(command, value);
        for kind in ParserKind::ALL {
            let _ = kind.parse(value);
        }
    }
});

//! Cursor tokens are client input: decoding arbitrary text never panics, and a token that decodes
//! re-encodes to a token that decodes to the same state.
#![no_main]

use acm::cursor::CursorState;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(token) = std::str::from_utf8(data) else {
        return;
    };
    let fp = acm::cursor::fingerprint(&["test", "demo"]);
    for token in [token.to_string(), base64_url(data)] {
        if let Ok(state) = CursorState::decode(&token, fp) {
            let again = CursorState::decode(&state.encode(fp), fp).expect("re-encoded token decodes");
            assert_eq!(again, state);
            let _ = state.to_filter();
        }
    }
});

/// The raw bytes as a token (so the fuzzer reaches the binary decoder, not only base64 errors).
fn base64_url(data: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(data)
}

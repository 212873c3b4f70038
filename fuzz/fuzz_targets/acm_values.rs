//! The manager's lossless JSON value decoder on arbitrary request bodies: never panics, and a
//! decoded value encodes to JSON that decodes to the same value (the encoding is lossless).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(json) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    if let Ok(value) = acm::values::from_json(&json, "value") {
        let encoded = acm::values::to_json(&value);
        let again = acm::values::from_json(&encoded, "value")
            .unwrap_or_else(|e| panic!("encoded value does not decode: {encoded}: {e:?}"));
        assert_eq!(acm::values::to_json(&again), encoded);
    }
    if let serde_json::Value::Object(bins) = &json {
        let _ = acm::values::bins_from_json(bins, "bins");
    }
});

//! aerospike.conf parsing on arbitrary text (users paste configs into the manager and the CLI):
//! never panics, and whatever parses renders to text that parses back and renders the same.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(conf) = aerospike_conf::parse(text) {
        let rendered = aerospike_conf::render(&conf);
        let again = aerospike_conf::parse(&rendered)
            .unwrap_or_else(|e| panic!("rendered text does not parse: {e}\n{rendered}"));
        assert_eq!(aerospike_conf::render(&again), rendered);
    }
});

//! No panic on arbitrary input, for the codec and every parser; codec round trips.

use asinfo::parse::{ParserKind, parser_for};
use asinfo::proto::{self, Decoded, Limits};
use asinfo::reply::classify;
use proptest::prelude::*;

const KINDS: &[ParserKind] = ParserKind::ALL;

/// Strings made of the characters info replies are built from, so the parsers get deep.
fn replyish() -> impl Strategy<Value = String> {
    prop::string::string_regex(r"(ERROR|FAIL|error=|ok|[a-z_\-]{1,8}|[0-9]{1,25}|-1|[=;:,\[\]\(\)\{\}\.+]|msec|null|true|false|units=|buckets=|\t){0,40}")
        .expect("regex")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn parsers_never_panic_on_any_string(s in any::<String>()) {
        for kind in KINDS {
            let _ = kind.parse(&s);
        }
        let _ = classify(&s);
        let _ = parser_for(&s);
    }

    #[test]
    fn parsers_never_panic_on_reply_like_text(s in replyish()) {
        for kind in KINDS {
            let _ = kind.parse(&s);
        }
    }

    #[test]
    fn codec_never_panics_on_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..256), cap in 0u64..512) {
        let _ = proto::decode_frame(&bytes, Limits::new(cap));
        let _ = proto::decode_info_reply(&bytes);
        let _ = proto::decode_info_request(&bytes);
        let _ = proto::match_info_reply(&bytes, &["build", "node"]);
        if bytes.len() >= 8 {
            let mut head = [0u8; 8];
            head.copy_from_slice(&bytes[..8]);
            let h = proto::Header::decode(head);
            let _ = h.check_info(Limits::new(cap));
        }
    }

    #[test]
    fn header_roundtrip(len in 0u64..(1 << 48), ty in any::<u8>()) {
        let h = proto::Header::new(proto::MessageType::from_byte(ty), len);
        let back = proto::Header::decode(h.encode().unwrap());
        prop_assert_eq!(back, h);
    }

    #[test]
    fn request_and_reply_roundtrip(
        cmds in prop::collection::vec("[a-z0-9:;=/_.-]{0,20}", 1..6),
        vals in prop::collection::vec("[ -~\t]{0,40}", 6),
    ) {
        let frame = proto::encode_info_request(&cmds).unwrap();
        let Decoded::Frame { body, consumed, .. } = proto::decode_frame(&frame, Limits::default()).unwrap() else {
            panic!("whole frame not decoded")
        };
        prop_assert_eq!(consumed, frame.len());
        prop_assert_eq!(proto::decode_info_request(body), cmds.clone());
        let pairs: Vec<(String, String)> = cmds.iter().cloned().zip(vals.iter().cloned()).collect();
        let body = proto::encode_info_reply_body(&pairs).unwrap();
        let matched = proto::match_info_reply(&body, &cmds).expect("echoes match");
        prop_assert_eq!(matched, vals[..cmds.len()].to_vec());
    }
}

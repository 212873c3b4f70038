//! The info protocol codec on arbitrary bytes from the network: frame decoding never panics,
//! never reads past the buffer and respects the size cap; a decoded info body splits into lines
//! that re-encode to the same body; request bodies split into commands the encoder accepts.
#![no_main]

use asinfo::proto::{
    self, Decoded, HEADER_LEN, Limits, MessageType, decode_frame, decode_info_reply,
    decode_info_request, match_info_reply,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = Limits::new(1 << 16);
    match decode_frame(data, limits) {
        Ok(Decoded::Frame { body, consumed, header }) => {
            assert_eq!(consumed, HEADER_LEN + body.len());
            assert!(consumed <= data.len());
            assert!(body.len() as u64 <= limits.max_body());
            // A frame re-encodes to the same bytes (for the info type).
            if header.msg_type == MessageType::Info {
                let again = proto::encode_frame(MessageType::Info, body).expect("body under the cap");
                assert_eq!(&again[..], &data[..consumed]);
            }
        }
        Ok(Decoded::Incomplete { needed }) => assert!(needed > data.len()),
        Err(_) => {}
    }
    // The body alone, as a reply: lines split at the first TAB and re-encode to the body.
    if let Ok(lines) = decode_info_reply(data)
        && let Ok(text) = std::str::from_utf8(data)
    {
        let pairs: Vec<(&str, &str)> =
            lines.iter().map(|l| (l.command.as_str(), l.value.as_str())).collect();
        if let Ok(body) = proto::encode_info_reply_body(&pairs)
            && !lines.is_empty()
        {
            let text = text.strip_suffix('\n').unwrap_or(text);
            assert_eq!(std::str::from_utf8(&body).expect("UTF-8 in, UTF-8 out"), format!("{text}\n"));
        }
        let commands: Vec<&str> = lines.iter().map(|l| l.command.as_str()).collect();
        // Matching against the echoed commands never panics (values may hold anything).
        let _ = match_info_reply(data, &commands);
    }
    // The body as a request: every command re-encodes.
    let commands = decode_info_request(data);
    let body = proto::encode_info_request_body(&commands).expect("decoded commands have no newline");
    assert_eq!(decode_info_request(&body), commands);
});

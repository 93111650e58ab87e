//! Fuzzes the transfer-id parser (`--id`): whatever it accepts is safe as one file-name component
//! and bounded; whatever it refuses gets a message that never echoes more than a short, escaped
//! head of the id.
#![no_main]

use freeport_cli::{MAX_TRANSFER_ID_BYTES, TransferId};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match text.parse::<TransferId>() {
        Ok(id) => {
            let id = id.as_str();
            assert_eq!(id, text);
            assert!(!id.is_empty() && id.len() <= MAX_TRANSFER_ID_BYTES);
            assert!(id != "." && id != ".." && !id.starts_with('.') && !id.starts_with('-'));
            assert!(!id.contains(['/', '\\', '\0', '\n', '\r']));
            assert!(!id.chars().any(char::is_whitespace));
        }
        Err(error) => {
            let message = error.to_string();
            assert!(!message.contains('\n'));
            assert!(message.len() < 400, "{} bytes", message.len());
        }
    }
});

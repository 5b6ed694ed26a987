//! `hex::decode` (signature headers): never panics, agrees with the `hex`
//! crate on every input, and undoes `hex::encode`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use receiver::hex;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let decoded = hex::decode(text);
        assert_eq!(decoded, ::hex::decode(text).ok(), "{text:?}");
        if let Some(bytes) = decoded {
            assert_eq!(hex::encode(&bytes), text.to_ascii_lowercase());
        }
    }
    assert_eq!(hex::decode(&hex::encode(data)).as_deref(), Some(data));
});

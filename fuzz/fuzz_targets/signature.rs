//! Slack's v0 signature check: arbitrary headers and bodies are refused or
//! accepted, never a panic, and a body is only accepted with its own
//! signature.
#![no_main]

use libfuzzer_sys::fuzz_target;
use planbot_slack::SigningSecret;

fuzz_target!(|data: &[u8]| {
    let Ok(secret) = SigningSecret::new("fuzzing-secret") else { return };
    let split = data.len() / 3;
    let (timestamp, rest) = data.split_at(split);
    let (signature, body) = rest.split_at(rest.len() / 2);
    let timestamp = String::from_utf8_lossy(timestamp);
    let signature = String::from_utf8_lossy(signature);
    let now = 1_700_000_000;
    let _ = secret.verify(Some(&timestamp), Some(&signature), body, now);
    let signed = secret.sign(&now.to_string(), body);
    assert!(secret.verify(Some(&now.to_string()), Some(&signed), body, now).is_ok());
});

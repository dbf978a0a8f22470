//! What Slack posts (slash commands, interactions, Events API payloads),
//! whatever the bytes: parsed or refused, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use planbot_slack::SlashCommand;
use planbot_slack::events::EventPayload;
use planbot_slack::interaction::Interaction;

fuzz_target!(|data: &[u8]| {
    let _ = SlashCommand::parse(data);
    let _ = Interaction::parse(data);
    let _ = EventPayload::parse(data);
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) {
        let _ = Interaction::from_value(&value);
        let _ = EventPayload::from_value(&value);
        let _ = SlashCommand::from_value(&value);
    }
});

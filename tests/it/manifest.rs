//! manifest.yml is a valid Slack app manifest and matches what we serve.

use serde_json::Value;

fn manifest() -> Value {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/manifest.yml")).expect("manifest.yml");
    serde_yaml_ng::from_str(&text).expect("manifest.yml is YAML")
}

#[test]
fn the_manifest_satisfies_slacks_schema() {
    let schema_text = include_str!("../data/slack-manifest.schema.1.0.0.json");
    let schema: Value = serde_json::from_str(schema_text).expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let manifest = manifest();
    let errors: Vec<String> =
        validator.iter_errors(&manifest).map(|e| format!("{} at {}", e, e.instance_path)).collect();
    assert!(errors.is_empty(), "manifest.yml is not a valid Slack manifest:\n{}", errors.join("\n"));
}

#[test]
fn the_schema_check_catches_a_broken_manifest() {
    let schema: Value = serde_json::from_str(include_str!("../data/slack-manifest.schema.1.0.0.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let mut broken = manifest();
    broken["features"]["slash_commands"][0]["command"] = Value::from("plan");
    broken["settings"]["not_a_setting"] = Value::from(true);
    assert!(validator.iter_errors(&broken).count() >= 2);
}

#[test]
fn the_plan_command_points_at_the_endpoint_we_serve() {
    let manifest = manifest();
    let command = &manifest["features"]["slash_commands"][0];
    assert_eq!(command["command"], "/plan");
    assert!(command["url"].as_str().unwrap().ends_with("/slack/commands"));
    let scopes = manifest["oauth_config"]["scopes"]["bot"].as_array().unwrap();
    for needed in ["commands", "chat:write", "im:write"] {
        assert!(scopes.iter().any(|s| s == needed), "missing scope {needed}");
    }
    for needed in ["im:history", "users:read", "channels:history", "app_mentions:read", "files:write"] {
        assert!(scopes.iter().any(|s| s == needed), "missing scope {needed}");
    }
    let events = &manifest["settings"]["event_subscriptions"];
    assert!(events["request_url"].as_str().unwrap().ends_with("/slack/events"));
    for event in ["message.im", "app_home_opened", "message.channels", "app_mention"] {
        assert!(events["bot_events"].as_array().unwrap().iter().any(|e| e == event), "missing event {event}");
    }
    assert_eq!(manifest["features"]["app_home"]["home_tab_enabled"], true);
    assert_eq!(manifest["features"]["app_home"]["messages_tab_read_only_enabled"], false, "people must be able to DM");
    let interactivity = &manifest["settings"]["interactivity"];
    assert_eq!(interactivity["is_enabled"], true);
    assert!(interactivity["request_url"].as_str().unwrap().ends_with("/slack/interactions"));
}

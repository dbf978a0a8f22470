//! manifest.yml is a valid Slack app manifest and matches what we serve.

use serde_json::Value;

use std::process::Command;

fn manifest() -> Value {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/manifest.yml")).expect("manifest.yml");
    serde_yaml_ng::from_str(&text).expect("manifest.yml is YAML")
}

/// What `planbot manifest ARGS` prints, read as YAML.
fn printed(args: &[&str]) -> Value {
    let output = Command::new(env!("CARGO_BIN_EXE_planbot")).arg("manifest").args(args).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_yaml_ng::from_slice(&output.stdout).expect("the printed manifest is YAML")
}

fn schema_errors(manifest: &Value) -> Vec<String> {
    let schema: Value = serde_json::from_str(include_str!("../data/slack-manifest.schema.1.0.0.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    validator.iter_errors(manifest).map(|e| format!("{} at {}", e, e.instance_path)).collect()
}

#[test]
fn the_manifest_satisfies_slacks_schema() {
    let errors = schema_errors(&manifest());
    assert!(errors.is_empty(), "manifest.yml is not a valid Slack manifest:\n{}", errors.join("\n"));
}

#[test]
fn the_printed_manifest_for_http_has_every_url_on_the_given_host_and_is_valid() {
    let manifest = printed(&["--url", "https://planbot.example.com/"]);
    assert!(schema_errors(&manifest).is_empty(), "{:?}", schema_errors(&manifest));
    let urls = [
        &manifest["features"]["slash_commands"][0]["url"],
        &manifest["settings"]["event_subscriptions"]["request_url"],
        &manifest["settings"]["interactivity"]["request_url"],
    ];
    let expected = ["/slack/commands", "/slack/events", "/slack/interactions"];
    for (url, path) in urls.into_iter().zip(expected) {
        assert_eq!(url.as_str(), Some(format!("https://planbot.example.com{path}").as_str()));
    }
    assert_eq!(manifest["settings"]["socket_mode_enabled"], false);
}

#[test]
fn the_printed_manifest_for_socket_mode_has_no_urls_and_is_valid() {
    let manifest = printed(&["--socket-mode", "--command", "/roadmap"]);
    assert!(schema_errors(&manifest).is_empty(), "{:?}", schema_errors(&manifest));
    assert_eq!(manifest["settings"]["socket_mode_enabled"], true);
    let text = manifest.to_string();
    assert!(!text.contains("url") && !text.contains("herokuapp"), "{text}");
    assert_eq!(manifest["features"]["slash_commands"][0]["command"], "/roadmap");
    assert_eq!(manifest["settings"]["interactivity"]["is_enabled"], true);
}

#[test]
fn a_manifest_for_a_plain_http_url_is_refused_with_the_reason() {
    let output =
        Command::new(env!("CARGO_BIN_EXE_planbot")).args(["manifest", "--url", "http://x.test"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("https://"));
}

#[test]
fn the_scopes_doctor_checks_are_the_ones_the_manifest_asks_for() {
    let asked: Vec<String> = manifest()["oauth_config"]["scopes"]["bot"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(asked, planbot::wiring::BOT_SCOPES);
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
    for needed in ["im:history", "users:read", "channels:history", "groups:history", "app_mentions:read", "files:write"]
    {
        assert!(scopes.iter().any(|s| s == needed), "missing scope {needed}");
    }
    let events = &manifest["settings"]["event_subscriptions"];
    assert!(events["request_url"].as_str().unwrap().ends_with("/slack/events"));
    for event in ["message.im", "app_home_opened", "message.channels", "message.groups", "app_mention"] {
        assert!(events["bot_events"].as_array().unwrap().iter().any(|e| e == event), "missing event {event}");
    }
    assert_eq!(manifest["features"]["app_home"]["home_tab_enabled"], true);
    assert_eq!(manifest["features"]["app_home"]["messages_tab_read_only_enabled"], false, "people must be able to DM");
    let interactivity = &manifest["settings"]["interactivity"];
    assert_eq!(interactivity["is_enabled"], true);
    assert!(interactivity["request_url"].as_str().unwrap().ends_with("/slack/interactions"));
}

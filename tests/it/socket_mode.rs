//! Socket Mode end to end: `planbot serve` with an app-level token and no
//! public URL (no signing secret at all), against the fake Slack's Socket
//! Mode server. The same payloads get the same answers as over HTTP, and a
//! dropped connection or a redelivered envelope loses or doubles nothing.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{Value, json};

use crate::support::fake_slack::{APP_TOKEN, BOT_TOKEN, FakeSlack, dm_channel};
use crate::support::process::{Serve, example_folder};
use crate::support::{TestApp, Writable, databases};

const EDITOR: &str = "U0EDITOR1";
const OPS: &str = "C0OPS";

fn slash_payload(slack: &FakeSlack, text: &str, trigger: &str) -> Value {
    json!({
        "token": "gIkuvaNzQIHg97ATvDxqgjtO", "team_id": "T0001", "team_domain": "autorisen",
        "channel_id": OPS, "channel_name": "autorisen-ops", "user_id": EDITOR, "user_name": "editor",
        "command": "/plan", "text": text, "api_app_id": "A0PLANBOT", "is_enterprise_install": "false",
        "response_url": slack.response_url(&format!("command-{trigger}")), "trigger_id": trigger,
    })
}

fn done_click(slack: &FakeSlack, task: &str, trigger: &str) -> Value {
    json!({
        "type": "block_actions",
        "user": {"id": EDITOR, "username": "editor", "name": "editor", "team_id": "T0001"},
        "api_app_id": "A0PLANBOT", "token": "x", "trigger_id": trigger,
        "team": {"id": "T0001", "domain": "autorisen"},
        "container": {"type": "message", "message_ts": "1700000000.000100", "channel_id": OPS, "is_ephemeral": true},
        "channel": {"id": OPS, "name": "autorisen-ops"},
        "response_url": slack.response_url(&format!("click-{trigger}")),
        "actions": [{"type": "button", "action_id": "task_done", "block_id": "b1", "value": task,
                     "text": {"type": "plain_text", "text": "Done"}, "action_ts": "1700000001.000200"}],
    })
}

fn dm_event(event_id: &str, text: &str) -> Value {
    json!({
        "token": "x", "team_id": "T0001", "api_app_id": "A0PLANBOT", "type": "event_callback",
        "event_id": event_id, "event_time": 1_764_750_000,
        "event": {"type": "message", "channel": dm_channel(EDITOR), "channel_type": "im", "user": EDITOR,
                  "text": text, "ts": "1764750000.000100", "event_ts": "1764750000.000100"},
    })
}

/// `planbot serve` on Socket Mode only, with a writable copy of the
/// example plan.
fn serve(dir: &std::path::Path, slack: &FakeSlack) -> Serve {
    let env: BTreeMap<&str, String> = [
        ("SLACK_APP_TOKEN", APP_TOKEN.to_owned()),
        ("SLACK_BOT_TOKEN", BOT_TOKEN.to_owned()),
        ("SLACK_API_URL", slack.api_url()),
        ("OPS_CHANNEL", OPS.to_owned()),
        ("PLAN_EDITORS", EDITOR.to_owned()),
        ("PLAN_SOURCE", example_folder(dir).display().to_string()),
        ("PLAN_COMMIT_WINDOW_MS", "50".to_owned()),
        ("DATABASE_URL", format!("sqlite://{}", dir.join("planbot.db").display())),
        ("STANDUP_DAYS", "daily".to_owned()),
        ("RUST_LOG", "planbot=debug".to_owned()),
    ]
    .into_iter()
    .collect();
    Serve::spawn(dir, &env)
}

/// The answer the HTTP route gives for the same command on the same plan.
async fn over_http(dir: &std::path::Path, text: &str) -> Value {
    let folder = Arc::new(planbot::source::LocalFolder::new(
        dir.join("plan"),
        "docs/autorisen_project_plan.csv",
        "docs/project_plan.md",
    ));
    let writable =
        Writable { writer: folder.clone(), editors: vec![EDITOR.parse().unwrap()], clock: None, slack: None };
    let app = TestApp::start_with(folder, databases::sqlite().await, Some(writable)).await;
    app.slash(EDITOR, text).await.json()
}

async fn kept_deliveries(dir: &std::path::Path, key_suffix: &str) -> i64 {
    let url = format!("sqlite://{}", dir.join("planbot.db").display());
    let mut db = <sqlx::SqliteConnection as sqlx::Connection>::connect(&url).await.unwrap();
    sqlx::query_scalar("SELECT COUNT(*) FROM inbox WHERE delivery_key LIKE '%' || $1")
        .bind(key_suffix)
        .fetch_one(&mut db)
        .await
        .unwrap()
}

#[tokio::test]
async fn commands_clicks_and_events_arrive_over_socket_mode_and_nothing_is_lost_or_doubled() {
    let dir = tempfile::tempdir().unwrap();
    let slack = FakeSlack::start().await;
    let mut planbot = serve(dir.path(), &slack);
    let health = planbot.wait_up().await;
    assert!(!health.contains("/slack/commands"), "{health}");
    slack.socket.wait_opened(1).await;
    let health = planbot.get("/api/health").unwrap();
    assert!(health.contains(r#""socket_mode":{"state":"connected""#), "{health}");
    assert!(
        planbot.get("/slack/commands").is_some_and(|r| r.starts_with("HTTP/1.1 404")),
        "no HTTP route without a secret"
    );

    // A slash command: the answer is the acknowledgement's payload, the
    // same one the HTTP route gives.
    let envelope = slack.socket.send("slash_commands", slash_payload(&slack, "status DEVOPS-035", "1.1"), true);
    let ack = slack.socket.ack(&envelope).await;
    assert_eq!(ack["envelope_id"], envelope.as_str());
    assert_eq!(ack["payload"], over_http(dir.path(), "status DEVOPS-035").await);
    assert!(ack["payload"].to_string().contains("DEVOPS-035 · Prod deploy"), "{ack}");

    // A click: acknowledged empty, answered through its response_url, and
    // the edit reaches the plan file.
    let click = slack.socket.send("interactive", done_click(&slack, "DEVOPS-035", "2.1"), true);
    assert_eq!(slack.socket.ack(&click).await, json!({"envelope_id": click}));
    let follow_up = slack.wait_for("response_url:click-2.1", 1).await;
    assert!(follow_up[0].body.to_string().contains("Queued: *mark DEVOPS-035 completed*"), "{follow_up:?}");
    let csv = dir.path().join("plan/docs/autorisen_project_plan.csv");
    crate::support::team::wait_until(|| {
        std::fs::read_to_string(&csv)
            .unwrap()
            .lines()
            .any(|l| l.starts_with("DEVOPS-035,") && l.contains(",completed,"))
    })
    .await;

    // A direct message: a standup answer, acknowledged, then answered.
    let join = slack.socket.send("slash_commands", slash_payload(&slack, "standup join", "3.1"), true);
    assert!(slack.socket.ack(&join).await["payload"].to_string().contains("You're in"));
    let dm = slack.socket.send("events_api", dm_event("Ev1", "wrote the deploy script"), false);
    assert_eq!(slack.socket.ack(&dm).await, json!({"envelope_id": dm}));
    crate::support::team::wait_until(|| replies_to_editor(&slack) == 1).await;

    // Slack asks for a fresh connection: planbot opens one and goes on.
    let opened = slack.socket.connections_opened();
    slack.socket.disconnect("refresh_requested");
    slack.socket.wait_opened(opened + 1).await;
    let after = slack.socket.send("slash_commands", slash_payload(&slack, "status AUTH-005", "4.1"), true);
    assert!(slack.socket.ack(&after).await["payload"].to_string().contains("AUTH-005"));

    // A delivery Slack thinks was lost comes again: both are acknowledged,
    // the event is kept and handled once.
    let again = slack.socket.send("events_api", dm_event("Ev2", "and reviewed AUTH-005"), false);
    slack.socket.ack(&again).await;
    slack.socket.redeliver(&again);
    crate::support::team::wait_until(|| slack.socket.acks(&again).0.len() == 2).await;
    assert_eq!(slack.socket.acks(&again).1, 2, "delivered twice");
    assert_eq!(kept_deliveries(dir.path(), ":Ev2").await, 1, "kept once");
    crate::support::team::wait_until(|| replies_to_editor(&slack) == 2).await;

    // A dropped socket: planbot reconnects on its own.
    let opened = slack.socket.connections_opened();
    slack.socket.drop_connections();
    slack.socket.wait_opened(opened + 1).await;
    let last = slack.socket.send("slash_commands", slash_payload(&slack, "blockers", "5.1"), true);
    assert!(slack.socket.ack(&last).await["payload"].to_string().contains("blocked"));

    let status = planbot.terminate();
    assert!(status.success(), "stops cleanly on SIGTERM:\n{}", planbot.log());
    assert_eq!(replies_to_editor(&slack), 2, "one answer per direct message");
}

fn replies_to_editor(slack: &FakeSlack) -> usize {
    slack.messages().iter().filter(|m| m.channel == dm_channel(EDITOR) && m.text.contains("Got it")).count()
}

//! Task-card buttons, modals and "Apply anyway", as Slack delivers them.

use crate::support;

use std::path::PathBuf;
use std::sync::Arc;

use axum::http::StatusCode;
use planbot::slack::web::SlackWeb;
use planbot::source::LocalFolder;
use serde_json::{Value, json};
use support::fake_slack::{self, FakeSlack};
use support::{TestApp, Writable, databases};

const EDITOR: &str = "U0EDITOR1";
const CSV: &str = "docs/autorisen_project_plan.csv";
const MD: &str = "docs/project_plan.md";

struct World {
    dir: tempfile::TempDir,
    slack: FakeSlack,
    app: TestApp,
}

async fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("docs")).unwrap();
    let example = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/autorisen");
    for file in [CSV, MD] {
        std::fs::copy(example.join(file), dir.path().join(file)).unwrap();
    }
    let slack = FakeSlack::start().await;
    let folder = Arc::new(LocalFolder::new(dir.path(), CSV, MD));
    let web = SlackWeb::new(&slack.api_url(), fake_slack::BOT_TOKEN).unwrap();
    let writable =
        Writable { writer: folder.clone(), editors: vec![EDITOR.parse().unwrap()], clock: None, slack: Some(web) };
    let app = TestApp::start_with(folder, databases::sqlite().await, Some(writable)).await;
    World { dir, slack, app }
}

impl World {
    fn csv(&self) -> String {
        std::fs::read_to_string(self.dir.path().join(CSV)).unwrap()
    }

    fn click(&self, action_id: &str, value: &str, trigger: &str) -> Value {
        json!({
            "type": "block_actions", "user": {"id": EDITOR, "username": "erin"}, "trigger_id": trigger,
            "response_url": self.slack.response_url(trigger),
            "container": {"type": "message", "is_ephemeral": true},
            "actions": [{"action_id": action_id, "block_id": "b", "value": value, "type": "button"}]
        })
    }

    fn submit(callback: &str, task: &str, text: &str, view_id: &str) -> Value {
        json!({
            "type": "view_submission", "user": {"id": EDITOR, "username": "erin"},
            "view": {"id": view_id, "hash": "h1", "callback_id": callback, "private_metadata": task,
                     "state": {"values": {"text": {"value": {"type": "plain_text_input", "value": text}}}}}
        })
    }
}

#[tokio::test]
async fn the_task_card_offers_buttons_when_the_plan_can_be_written() {
    let world = world().await;
    let card = world.app.slash(EDITOR, "status DEVOPS-035").await.json();
    let actions =
        card["blocks"].as_array().unwrap().iter().find(|b| b["type"] == "actions").expect("an actions block").clone();
    let ids: Vec<&str> =
        actions["elements"].as_array().unwrap().iter().map(|e| e["action_id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["task_start", "task_done", "task_block", "task_note"]);
    let read_only = support::example_app().await.slash(EDITOR, "status DEVOPS-035").await.json();
    assert!(!read_only["blocks"].to_string().contains("task_done"), "no buttons on a read-only plan");
}

#[tokio::test]
async fn done_from_the_card_is_acknowledged_at_once_and_confirmed_by_response_url() {
    let world = world().await;
    let response = world.app.interact(&world.click("task_done", "DEVOPS-035", "t-1")).await;
    assert_eq!(response.status, StatusCode::OK);
    assert!(response.body.is_empty(), "an empty acknowledgement");
    let follow_up = world.slack.wait_for("response_url:t-1", 1).await;
    assert_eq!(follow_up[0].body["response_type"], "ephemeral");
    assert!(follow_up[0].body.to_string().contains("Queued: *mark DEVOPS-035 completed*"), "{:?}", follow_up[0].body);
    world.app.committer().drain().await.unwrap();
    assert!(world.csv().contains("DEVOPS-035,devops,Prod deploy / Capecraft,devops,completed,"));
}

#[tokio::test]
async fn block_opens_a_modal_and_its_submission_becomes_the_edit() {
    let world = world().await;
    world.app.interact(&world.click("task_block", "FE-004", "t-2")).await;
    let opened = world.slack.wait_for("views.open", 1).await;
    assert_eq!(opened[0].body["trigger_id"], "t-2");
    assert_eq!(opened[0].body["view"]["callback_id"], "task_block");
    assert_eq!(opened[0].body["view"]["private_metadata"], "FE-004");

    let empty = world.app.interact(&World::submit("task_block", "FE-004", "  ", "V1")).await.json();
    assert_eq!(empty["response_action"], "errors");
    assert_eq!(empty["errors"]["text"], "Say why it is blocked.");

    let submitted =
        world.app.interact(&World::submit("task_block", "FE-004", "waiting on the design review", "V1")).await;
    assert_eq!(submitted.status, StatusCode::OK);
    assert!(submitted.body.is_empty(), "the modal closes");
    let again = world.app.interact(&World::submit("task_block", "FE-004", "waiting on the design review", "V1")).await;
    assert_eq!(again.status, StatusCode::OK);
    world.app.committer().drain().await.unwrap();
    let csv = world.csv();
    assert_eq!(csv.matches("blocked: waiting on the design review").count(), 1, "a redelivered submission is one edit");
}

#[tokio::test]
async fn apply_anyway_writes_over_the_newer_value() {
    let world = world().await;
    world.app.slash(EDITOR, "start FE-004").await;
    let text = world.csv().replacen("Login page + form,frontend,blocked", "Login page + form,frontend,deferred", 1);
    std::fs::write(world.dir.path().join(CSV), text).unwrap();
    assert_eq!(world.app.committer().drain().await.unwrap().conflicts, 1);
    let conflict = world.app.store.recent_edits(None, 1).await.unwrap()[0].id;

    world.app.interact(&world.click("apply_anyway", &conflict.to_string(), "t-3")).await;
    let follow_up = world.slack.wait_for("response_url:t-3", 1).await;
    assert!(follow_up[0].body.to_string().contains("Queued again, over the newer value"), "{:?}", follow_up[0].body);
    assert_eq!(world.app.committer().drain().await.unwrap().committed, 1);
    assert!(world.csv().contains("Login page + form,frontend,in-progress"));
}

#[tokio::test]
async fn an_unsigned_interaction_is_refused() {
    let world = world().await;
    let body =
        serde_urlencoded::to_string([("payload", world.click("task_done", "DEVOPS-035", "t-4").to_string())]).unwrap();
    let response = world.app.post("/slack/interactions", body, None, None).await;
    assert_eq!(response.status, StatusCode::UNAUTHORIZED);
}

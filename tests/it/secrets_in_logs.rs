//! No secret reaches the logs: `planbot serve` runs a whole day's worth of
//! work with every integration on and debug logging for every crate, and
//! its log is searched for each token and secret it was given.

use std::collections::BTreeMap;

use serde_json::json;

use crate::support::fake_github::{self, FakeGitHub};
use crate::support::fake_slack::{APP_TOKEN, BOT_TOKEN, FakeSlack, dm_channel};
use crate::support::process::Serve;
use crate::support::slash_form_with_trigger;
use crate::support::team::wait_until;

const SECRET: &str = "signing-secret-5f3c9a1e77b2";
const WEBHOOK_SECRET: &str = "webhook-secret-9d1e6b2c44a0";
const EDITOR: &str = "U0EDITOR1";
const OPS: &str = "C0OPS";
const CSV: &str = "docs/autorisen_project_plan.csv";
const MD: &str = "docs/project_plan.md";
const EXAMPLE_CSV: &str = include_str!("../../examples/autorisen/docs/autorisen_project_plan.csv");
const EXAMPLE_MD: &str = include_str!("../../examples/autorisen/docs/project_plan.md");

fn slash(serve: &Serve, text: &str, n: usize) -> String {
    let body = slash_form_with_trigger(EDITOR, text, &format!("secrets.{n}"));
    serve.post_signed("/slack/commands", "application/x-www-form-urlencoded", &body, SECRET).unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_day_with_debug_logs_shows_no_token_or_secret() {
    let dir = tempfile::tempdir().unwrap();
    let slack = FakeSlack::start().await;
    slack.add_user(EDITOR, "Erin", "UTC");
    slack.add_channel(OPS, "autorisen-ops", false, true);
    let github = FakeGitHub::start(&[(CSV, EXAMPLE_CSV), (MD, EXAMPLE_MD)]).await;
    let env: BTreeMap<&str, String> = [
        ("SLACK_SIGNING_SECRET", SECRET.to_owned()),
        ("SLACK_BOT_TOKEN", BOT_TOKEN.to_owned()),
        ("SLACK_APP_TOKEN", APP_TOKEN.to_owned()),
        ("SLACK_API_URL", slack.api_url()),
        ("OPS_CHANNEL", OPS.to_owned()),
        ("PLAN_EDITORS", EDITOR.to_owned()),
        ("PLAN_SOURCE", format!("github:{}/{}@{}", fake_github::OWNER, fake_github::REPO, fake_github::BRANCH)),
        ("GITHUB_TOKEN", fake_github::TOKEN.to_owned()),
        ("GITHUB_API_URL", github.api_url.clone()),
        ("GITHUB_WEBHOOK_SECRET", WEBHOOK_SECRET.to_owned()),
        ("PLAN_COMMIT_WINDOW_MS", "50".to_owned()),
        ("DATABASE_URL", format!("sqlite://{}", dir.path().join("planbot.db").display())),
        ("STANDUP_DAYS", "daily".to_owned()),
        ("RUST_LOG", "debug".to_owned()),
    ]
    .into_iter()
    .collect();
    let mut serve = Serve::spawn(dir.path(), &env);
    serve.wait_up().await;
    slack.socket.wait_opened(1).await;

    let commands = [
        "help",
        "status",
        "status DEVOPS-035",
        "blockers",
        "milestones",
        "next",
        "owner devops",
        "iam devops",
        "mine",
        "deps DEVOPS-035",
        "search deploy",
        "lint",
        "pending",
        "digest",
        "standup",
        "standup join",
        "away until 2099-01-01",
        "away off",
        "grant <@U0DANA001|dana> frontend",
        "note FE-004 staging passed",
        "done DEVOPS-035",
        "standup send-prompts",
        "standup send-summary",
    ];
    for (n, text) in commands.into_iter().enumerate() {
        assert!(slash(&serve, text, n).starts_with("HTTP/1.1 200"), "{text}");
    }
    let event = json!({"token": "x", "team_id": "T0001", "api_app_id": "A0PLANBOT", "type": "event_callback",
        "event_id": "EvSecrets", "event_time": 1_764_750_000,
        "event": {"type": "message", "channel": dm_channel(EDITOR), "channel_type": "im", "user": EDITOR,
                  "text": "shipped DEVOPS-035", "ts": "1764750000.000100"}});
    serve.post_signed("/slack/events", "application/json", &event.to_string(), SECRET).unwrap();
    let over_socket = slack.socket.send("events_api", event, false);
    slack.socket.ack(&over_socket).await;
    wait_until(|| github.history().iter().any(|m| m.contains("mark DEVOPS-035 completed"))).await;
    let push = json!({"ref": "refs/heads/main", "after": github.head()}).to_string();
    let signature = crate::support::github_signature(WEBHOOK_SECRET, &push);
    let mut hook = std::net::TcpStream::connect(("127.0.0.1", serve.port)).unwrap();
    std::io::Write::write_all(
        &mut hook,
        format!(
            "POST /github/webhook HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\n\
             X-GitHub-Event: push\r\nX-GitHub-Delivery: d1\r\nX-Hub-Signature-256: {signature}\r\n\
             Content-Length: {}\r\n\r\n{push}",
            push.len()
        )
        .as_bytes(),
    )
    .unwrap();
    let mut answer = String::new();
    std::io::Read::read_to_string(&mut hook, &mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 2"), "{answer}");
    assert!(serve.terminate().success());

    let log = serve.log();
    assert!(log.lines().count() > 50, "debug logging was on: {} lines", log.lines().count());
    for (name, secret) in [
        ("SLACK_SIGNING_SECRET", SECRET),
        ("SLACK_BOT_TOKEN", BOT_TOKEN),
        ("SLACK_APP_TOKEN", APP_TOKEN),
        ("GITHUB_TOKEN", fake_github::TOKEN),
        ("GITHUB_WEBHOOK_SECRET", WEBHOOK_SECRET),
    ] {
        assert!(!log.contains(secret), "{name} is in the log");
    }
    assert!(!log.contains("xoxb-") && !log.contains("xapp-"), "no Slack token of any kind is in the log");
}

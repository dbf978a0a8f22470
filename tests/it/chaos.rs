//! Faults the production binary must live through without losing or
//! doubling what people sent: `planbot serve` as a process, killed with
//! SIGKILL at the worst moment, then started again on the same database.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::Timelike;
use serde_json::json;

use crate::support::fake_slack::{BOT_TOKEN, FakeSlack, dm_channel};
use crate::support::process::Serve;
use crate::support::team::wait_until;
use crate::support::{databases, slash_form_with_trigger};

const SECRET: &str = "chaos-signing-secret";
const ANA: &str = "U0ANA0001";
const EDITOR: &str = "U0EDITOR1";
const OPS: &str = "C0OPS";

/// A fixed-offset zone in which it is mid-morning now, so that today's
/// standup is still open (its summary is at 23:00 there) whenever the test
/// runs.
fn morning_zone() -> String {
    let hour = i64::from(chrono::Utc::now().hour());
    let offset = (10 - hour + 36) % 24 - 12;
    // Etc/GMT names count the other way: Etc/GMT-3 is UTC+3.
    if offset == 0 { "Etc/UTC".to_owned() } else { format!("Etc/GMT{:+}", -offset) }
}

fn environment(slack: &FakeSlack, database_url: &str, team_tz: &str) -> BTreeMap<&'static str, String> {
    [
        ("SLACK_SIGNING_SECRET", SECRET.to_owned()),
        ("SLACK_BOT_TOKEN", BOT_TOKEN.to_owned()),
        ("SLACK_API_URL", slack.api_url()),
        ("OPS_CHANNEL", OPS.to_owned()),
        ("PLAN_EDITORS", EDITOR.to_owned()),
        ("DATABASE_URL", database_url.to_owned()),
        ("TEAM_TZ", team_tz.to_owned()),
        ("STANDUP_DAYS", "daily".to_owned()),
        ("STANDUP_SUMMARY_AT", "23:00".to_owned()),
        ("STANDUP_REMIND_AFTER", "off".to_owned()),
        ("TASK_PREVIEWS", "off".to_owned()),
        ("CHANGE_FEED", "off".to_owned()),
    ]
    .into_iter()
    .collect()
}

fn slash(planbot: &Serve, user: &str, text: &str) -> String {
    let body = slash_form_with_trigger(user, text, &format!("chaos.{}", text.len()));
    planbot.post_signed("/slack/commands", "application/x-www-form-urlencoded", &body, SECRET).expect("answered")
}

fn event(planbot: &Serve, event_id: &str, event: serde_json::Value) -> String {
    let body = json!({"token": "x", "team_id": "T0001", "api_app_id": "A0PLANBOT", "type": "event_callback",
                      "event_id": event_id, "event_time": chrono::Utc::now().timestamp(), "event": event});
    planbot.post_signed("/slack/events", "application/json", &body.to_string(), SECRET).expect("answered")
}

async fn a_dm_acknowledged_right_before_a_kill_is_in_the_summary_thread_once(dir: &Path, database_url: &str) {
    let slack = FakeSlack::start().await;
    let team_tz = morning_zone();
    slack.add_user(ANA, "Ana", &team_tz);
    let env = environment(&slack, database_url, &team_tz);
    let mut first = Serve::spawn(dir, &env);
    first.wait_up().await;
    assert!(slash(&first, ANA, "standup join").contains("You're in"));

    // The worker is busy with a Home tab that Slack is slow to take…
    slack.hold("views.publish");
    let opened = json!({"type": "app_home_opened", "user": ANA, "channel": dm_channel(ANA), "tab": "home"});
    assert!(event(&first, "EvHome", opened).starts_with("HTTP/1.1 200"));
    slack.wait_for("held:views.publish", 1).await;
    // …when Ana's answer arrives: acknowledged, then the process dies.
    let text = "shipped the migration fix for SQLite";
    let message = json!({"type": "message", "channel": dm_channel(ANA), "channel_type": "im", "user": ANA,
                         "text": text, "ts": "1764750000.000100"});
    assert!(event(&first, "EvAnswer", message.clone()).starts_with("HTTP/1.1 200"));
    first.kill9();
    slack.release("views.publish");

    let mut second = Serve::spawn(dir, &env);
    second.wait_up().await;
    // Slack, which got its 200, does not send it again; a retry would
    // change nothing either.
    assert!(event(&second, "EvAnswer", message).starts_with("HTTP/1.1 200"));
    wait_until(|| slack.messages().iter().any(|m| m.channel == dm_channel(ANA) && m.text.contains("Got it"))).await;
    let sent = slash(&second, EDITOR, "standup send-summary");
    assert!(sent.contains("summary"), "{sent}\n{}", second.log());
    wait_until(|| slack.messages().iter().any(|m| m.channel == OPS && m.thread_ts.is_none())).await;
    let summary = slack.messages().into_iter().find(|m| m.channel == OPS && m.thread_ts.is_none()).unwrap();
    wait_until(|| !slack.thread(OPS, &summary.ts).is_empty()).await;
    let thread = slack.thread(OPS, &summary.ts);
    let answers: Vec<_> = thread.iter().filter(|m| format!("{} {}", m.text, m.blocks).contains(text)).collect();
    assert_eq!(answers.len(), 1, "the answer is in the thread once: {thread:?}");
    assert!(summary.text.contains("1 of 1 answered"), "{}", summary.text);
    second.terminate();
}

// The requests to planbot block their thread; the fakes need another.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dm_acknowledged_right_before_a_kill_is_kept_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("planbot.db").display());
    a_dm_acknowledged_right_before_a_kill_is_in_the_summary_thread_once(dir.path(), &url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dm_acknowledged_right_before_a_kill_is_kept_on_postgres() {
    let Some((_, url)) = databases::postgres_with_url("a_dm_acknowledged_right_before_a_kill").await else { return };
    let dir = tempfile::tempdir().unwrap();
    a_dm_acknowledged_right_before_a_kill_is_in_the_summary_thread_once(dir.path(), &url).await;
}

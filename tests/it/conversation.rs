//! Task ids that answer for themselves, and the App Home tab, through
//! signed Events API deliveries against the fake Slack.

use crate::support;

use std::sync::Arc;

use planbot::store::Store;
use serde_json::{Value, json};
use support::fake_slack::{BOT_ID, FakeSlack};
use support::team::{Team, text_of, wait_until};

const CHANNEL: &str = "C0TALK";

fn channel_message(event_id: &str, kind: &str, user: &str, text: &str, ts: &str, thread_ts: Option<&str>) -> Value {
    let mut event =
        json!({"type": kind, "channel": CHANNEL, "channel_type": "channel", "user": user, "text": text, "ts": ts});
    if let Some(thread) = thread_ts {
        event["thread_ts"] = json!(thread);
    }
    json!({"token": "x", "team_id": "T0001", "api_app_id": "A1", "type": "event_callback", "event_id": event_id,
           "event_time": 1_761_559_200, "event": event})
}

fn replies_in(team: &Team, thread: &str) -> Vec<String> {
    team.slack
        .messages()
        .iter()
        .filter(|m| m.channel == CHANNEL && m.thread_ts.as_deref() == Some(thread))
        .map(text_of)
        .collect()
}

async fn task_ids_in_conversation_get_their_cards_once_per_thread(store: Arc<dyn Store>) {
    let team = Team::start(store, "2025-10-27T09:00:00Z", FakeSlack::start().await, 4).await;
    let text = "Is DEVOPS-035 still waiting on FE-004? cc <@U0PLANBOT>";
    // Slack retries the delivery, and the mention arrives as its own event.
    for (event_id, retry) in [("Ev1", None), ("Ev1", Some(1)), ("Ev1", Some(2))] {
        let response = team
            .app
            .event(&channel_message(event_id, "message", "U0ANA0001", text, "1761555600.000100", None), retry)
            .await;
        assert_eq!(response.status.as_u16(), 200);
    }
    team.app.event(&channel_message("Ev2", "app_mention", "U0ANA0001", text, "1761555600.000100", None), None).await;
    team.app.inbox_settled().await;
    let replies = replies_in(&team, "1761555600.000100");
    assert_eq!(replies.len(), 1, "one answer for one message: {replies:?}");
    assert!(
        replies[0].contains("DEVOPS-035") && replies[0].contains("FE-004") && replies[0].contains("waits on"),
        "{}",
        replies[0]
    );

    // Later in the same thread: FE-004 was shown already, AUTH-005 is new.
    let follow_up = channel_message(
        "Ev3",
        "message",
        "U0BEN0002",
        "FE-004 waits on AUTH-005",
        "1761555700.000200",
        Some("1761555600.000100"),
    );
    team.app.event(&follow_up, None).await;
    wait_until(|| replies_in(&team, "1761555600.000100").len() == 2).await;
    let second = &replies_in(&team, "1761555600.000100")[1];
    assert!(second.contains("AUTH-005") && !second.contains("FE-004 Login"), "{second}");

    // planbot never answers a bot (itself included).
    let mut own = channel_message("Ev4", "message", "U0PLANBOT", "DOCS-041 is next", "1761555800.000300", None);
    own["event"]["bot_id"] = json!(BOT_ID);
    own["event"]["subtype"] = json!("bot_message");
    team.app.event(&own, None).await;
    team.app.inbox_settled().await;
    assert!(replies_in(&team, "1761555800.000300").is_empty());
}

async fn the_home_tab_shows_a_persons_plan_and_follows_it(store: Arc<dyn Store>) {
    let team = Team::start(store, "2025-10-27T09:00:00Z", FakeSlack::start().await, 4).await;
    team.join_all().await;
    let opened = json!({"token": "x", "team_id": "T0001", "api_app_id": "A1", "type": "event_callback",
        "event_id": "EvHome1", "event_time": 1_761_559_200,
        "event": {"type": "app_home_opened", "user": "U0DEV0004", "channel": "D0DEV0004", "tab": "home"}});
    assert_eq!(team.app.event(&opened, None).await.status.as_u16(), 200);
    wait_until(|| team.slack.home_view("U0DEV0004").is_some()).await;
    let home = team.slack.home_view("U0DEV0004").unwrap().to_string();
    assert!(home.contains("Your plan") && home.contains("DEVOPS-035"), "{home}");
    assert!(home.contains("Your blockers") && home.contains("waits on"), "{home}");
    assert!(home.contains("standup_write"), "today's standup is not answered yet: {home}");

    let home = team.app.home.clone().unwrap();
    assert_eq!(home.refresh().await.unwrap(), 0, "nothing changed, nothing is published");
    team.answer("U0DEV0004", "2025-10-27", "Deploy prep", "none").await;
    assert_eq!(home.refresh().await.unwrap(), 1, "the standup state changed");
    let shown = team.slack.home_view("U0DEV0004").unwrap().to_string();
    assert!(shown.contains("answered ✓"), "{shown}");
}

support::on_both_engines!(
    task_ids_in_conversation_get_their_cards_once_per_thread,
    the_home_tab_shows_a_persons_plan_and_follows_it
);

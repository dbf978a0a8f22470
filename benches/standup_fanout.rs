#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Standup prompt fan-out against the fake Slack of the test support with
//! Slack's per-method limits on: `cargo bench --bench standup_fanout`.
//!
//! 500 people whose time zones are known (profiles are cached for a day)
//! are prompted at once. On the first day each DM channel must be opened
//! (`conversations.open`, tier 3: 50 a window), which sets the bound the
//! limits impose; on the second day the channels are known and only
//! `chat.postMessage` (one per channel per second) remains.
//!
//! Slack's window is a minute; `STANDUP_BENCH_WINDOW_SECS` (default 10)
//! shrinks it so the run takes minutes, not a quarter of an hour. Slack's
//! `Retry-After` is whole seconds, so windows much shorter than 10 s would
//! measure the rounding rather than planbot.

#[allow(dead_code)]
#[path = "../tests/it/support/fake_slack.rs"]
mod fake_slack;
#[allow(dead_code)]
#[path = "../tests/it/support/fake_socket.rs"]
mod fake_socket;

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use fake_slack::{BOT_TOKEN, FakeSlack, Limits, dm_channel};
use planbot::clock::{Clock, ManualClock};
use planbot::slack::SlackUserId;
use planbot::slack::web::SlackWeb;
use planbot::source::{BuiltinExample, LivePlan};
use planbot::standup::{StandupConfig, Standups};
use planbot::store::{self, Membership, Store};

const PEOPLE: usize = 500;
const TIER_3_PER_WINDOW: usize = 50;

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).expect("time").with_timezone(&Utc)
}

#[tokio::main]
async fn main() {
    let window_secs: u64 = std::env::var("STANDUP_BENCH_WINDOW_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(10);
    let window = Duration::from_secs(window_secs);
    let dir = tempfile::tempdir().expect("temp dir");
    let store = store::connect(&format!("sqlite://{}", dir.path().join("bench.db").display())).await.expect("db");
    store.migrate().await.expect("migrations");
    let clock = Arc::new(ManualClock::new(at("2025-10-21T07:30:00Z")));
    let people = join(&store, clock.now()).await;

    let slack = FakeSlack::start_with_limits(Limits::slack_tiers(window)).await;
    let fake_started = Instant::now();
    let web = SlackWeb::new(&slack.api_url(), BOT_TOKEN).expect("client");
    let plan = Arc::new(LivePlan::load(Arc::new(BuiltinExample), clock.clone()).await.expect("plan"));
    let standups = Arc::new(
        Standups::new(store, plan, clock.clone(), chrono_tz::Europe::Berlin, StandupConfig::new(Some("C0OPS".into())))
            .with_slack(web)
            .with_fan_out(32),
    );

    let started = Instant::now();
    let sent = standups.tick().await.expect("tick").prompts;
    let cold = started.elapsed();
    // The last of ceil(N/50) batches cannot start before its window opens.
    let windows_needed = PEOPLE.div_ceil(TIER_3_PER_WINDOW) - 1;
    let bound = (fake_started + window * windows_needed as u32).saturating_duration_since(started);
    let lost = delivered_once(&slack, &people);
    let refused = slack.rate_limited("conversations.open") + slack.rate_limited("chat.postMessage");
    let cold_refused = refused;

    clock.set(at("2025-10-22T07:30:00Z"));
    let started = Instant::now();
    let sent_again = standups.tick().await.expect("tick").prompts;
    let warm = started.elapsed();
    let refused_warm = slack.rate_limited("conversations.open") + slack.rate_limited("chat.postMessage") - refused;

    println!(
        "| Run ({PEOPLE} people, window {window_secs} s) | Prompts | Time | Bound from the limits | Over the bound | 429s | Lost |"
    );
    println!("|---|---|---|---|---|---|---|");
    println!(
        "| First day (DM channels opened) | {sent} | {:.1} s | {:.1} s | {:+.1}% | {cold_refused} | {lost} |",
        cold.as_secs_f64(),
        bound.as_secs_f64(),
        (cold.as_secs_f64() / bound.as_secs_f64() - 1.0) * 100.0
    );
    println!(
        "| Second day (channels known) | {sent_again} | {:.2} s | 0 s (no tier-limited call) | — | {refused_warm} | {} |",
        warm.as_secs_f64(),
        lost_on_day_two(&slack, &people)
    );
}

/// Everyone takes part, their Slack profile (time zone) already known.
async fn join(store: &Arc<dyn Store>, now: DateTime<Utc>) -> Vec<SlackUserId> {
    let mut people = Vec::with_capacity(PEOPLE);
    for n in 0..PEOPLE {
        let user: SlackUserId = format!("U0B{n:06}").parse().expect("user id");
        store.standups().set_membership(&user, Membership::Joined).await.expect("join");
        store
            .standups()
            .save_profile(&user, Some(&format!("Person {n}")), Some("Europe/Berlin"), now)
            .await
            .expect("profile");
        people.push(user);
    }
    people
}

/// People who did not get exactly one message.
fn delivered_once(slack: &FakeSlack, people: &[SlackUserId]) -> usize {
    let messages = slack.messages();
    people.iter().filter(|p| messages.iter().filter(|m| m.channel == dm_channel(p.as_str())).count() != 1).count()
}

fn lost_on_day_two(slack: &FakeSlack, people: &[SlackUserId]) -> usize {
    let messages = slack.messages();
    people.iter().filter(|p| messages.iter().filter(|m| m.channel == dm_channel(p.as_str())).count() != 2).count()
}

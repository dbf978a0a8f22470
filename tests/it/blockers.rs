//! Blockers that get unblocked: how long each has been blocked, who can
//! move it, and the one nudge a stalled blocker earns, against the fake
//! Slack, on a team calendar with a holiday and someone on leave.

use std::sync::Arc;

use crate::support;

use chrono::{Duration, NaiveDate};
use planbot::store::Store;
use support::fake_slack::{FakeSlack, Message};
use support::team::{Team, at, text_of};

const NUDGE: &str = "you can help move";

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

/// Snapshots from Thu 23 Oct to Sun 2 Nov: FE-004 blocked all along,
/// DEVOPS-035 (blocked in the plan) never blocked in a snapshot, so it
/// counts as blocked since today whatever day it is.
async fn keep_history(team: &Team) {
    let text: String = planbot::history::snapshot_text(&team.app.plan.current().plan)
        .lines()
        .map(|line| if line.starts_with("DEVOPS-035 ") { "DEVOPS-035 i".to_owned() } else { line.to_owned() })
        .map(|line| line + "\n")
        .collect();
    let mut on = day("2025-10-23");
    while on <= day("2025-11-02") {
        team.app.store.standups().save_plan_snapshot(on, &text, at("2025-10-23T08:00:00Z")).await.unwrap();
        on += Duration::days(1);
    }
}

async fn team(store: Arc<dyn Store>, start: &str) -> Team {
    let team = Team::start(store, start, FakeSlack::start().await, 4).await;
    team.join_all().await;
    keep_history(&team).await;
    team
}

fn nudges_to(team: &Team, user: &str) -> Vec<Message> {
    team.dms_to(user).into_iter().filter(|m| text_of(m).contains(NUDGE)).collect()
}

fn all_nudges(team: &Team) -> usize {
    support::team::TEAM.iter().map(|(id, ..)| nudges_to(team, id).len()).sum()
}

/// After the day's summary time (12:00 Berlin).
fn afternoon(date: &str) -> String {
    format!("{date}T13:00:00Z")
}

async fn a_stalled_blocker_gets_one_nudge_to_whoever_can_move_it(store: Arc<dyn Store>) {
    let team = team(store, "2025-10-27T08:00:00Z").await;
    // Blocked since Thu 23 Oct: Fri 24 and Mon 27 make two working days.
    assert_eq!(team.tick_at(&afternoon("2025-10-27")).await.nudges, 0);
    assert_eq!(all_nudges(&team), 0);
    // Tue 28 makes three: Ana holds backend, which owns AUTH-005, which FE-004 waits on.
    assert_eq!(team.tick_at(&afternoon("2025-10-28")).await.nudges, 1);
    let to_ana = nudges_to(&team, "U0ANA0001");
    assert_eq!(to_ana.len(), 1);
    let text = text_of(&to_ana[0]);
    assert!(text.contains("FE-004") && text.contains("blocked at least 5 days"), "{text}");
    assert!(text.contains("stalled 3 working days") && text.contains("It waits on"), "{text}");
    assert!(text.contains("\"action_id\":\"task_done\"") && text.contains("\"value\":\"AUTH-005\""), "buttons: {text}");
    assert_eq!(all_nudges(&team), 1, "nobody else: Ben owns the blocked task, not what blocks it");
    // The same day again, on this instance and on a restarted one (the
    // ledger, not memory, says it was sent), and the next day: nothing more.
    assert_eq!(team.tick_at("2025-10-28T16:00:00Z").await.nudges, 0);
    let restarted = team.restart().await;
    assert_eq!(restarted.standups.as_ref().unwrap().tick().await.unwrap().nudges, 0);
    assert_eq!(team.tick_at(&afternoon("2025-10-29")).await.nudges, 0);
    assert_eq!(all_nudges(&team), 1);
}

async fn the_next_nudge_waits_a_whole_span_and_skips_the_holiday(store: Arc<dyn Store>) {
    let team = team(store, "2025-10-28T08:00:00Z").await;
    let skipped = team.app.slash(support::team::EDITOR, "standup skip 2025-10-30 team offsite").await;
    assert!(!skipped.json()["text"].as_str().unwrap_or_default().contains("cannot"), "{}", skipped.body);
    assert_eq!(team.tick_at(&afternoon("2025-10-28")).await.nudges, 1);
    // Wed 29 and Fri 31 are two working days (Thu 30 is the holiday).
    for date in ["2025-10-29", "2025-10-30", "2025-10-31"] {
        assert_eq!(team.tick_at(&afternoon(date)).await.nudges, 0, "{date}");
    }
    // Mon 3 Nov completes the second span.
    assert_eq!(team.tick_at(&afternoon("2025-11-03")).await.nudges, 1);
    assert_eq!(nudges_to(&team, "U0ANA0001").len(), 2);
}

async fn nobody_on_leave_is_nudged(store: Arc<dyn Store>) {
    let team = team(store, "2025-10-27T08:00:00Z").await;
    let away = team.app.slash("U0ANA0001", "away until 2025-10-29").await;
    assert!(away.shown_text().contains("You're away"), "{}", away.body);
    assert_eq!(team.tick_at(&afternoon("2025-10-28")).await.nudges, 0);
    assert_eq!(all_nudges(&team), 0);
}

async fn blockers_show_their_age_and_the_people_to_ask(store: Arc<dyn Store>) {
    let team = team(store, "2025-10-28T08:00:00Z").await;
    // The standup's tick learns people's names from Slack.
    team.tick_at("2025-10-28T13:00:00Z").await;
    let answer = team.app.slash("U0BEN0002", "blockers").await.shown_text();
    assert!(
        answer.contains("*FE-004* Login page + form · frontend · blocked — waits on AUTH-005 · blocked at least 5 days (planbot's history starts 2025-10-23) · stalled 3 working days · ask Ana"),
        "{answer}"
    );
    assert!(answer.contains("DEVOPS-035") && answer.contains("blocked since today · ask Ana, Ben"), "{answer}");
    assert!(!answer.contains("<@"), "names, never mentions: {answer}");
}

async fn a_person_named_in_the_block_reason_is_asked_too(store: Arc<dyn Store>) {
    let team = team(store, "2025-10-28T08:00:00Z").await;
    team.edit_plan(|csv| {
        csv.replace("blocked until backend suite passes (AUTH-005),", "waiting on @Ema for the copy,")
    })
    .await;
    keep_history(&team).await;
    assert_eq!(team.tick_at(&afternoon("2025-10-28")).await.nudges, 2);
    assert_eq!(nudges_to(&team, "U0EMA0005").len(), 1, "Ema is named in the reason");
    assert_eq!(nudges_to(&team, "U0ANA0001").len(), 1, "Ana still owns what it waits on");
}

async fn the_summary_flags_stalled_blockers_and_links_a_reported_one(store: Arc<dyn Store>) {
    let team = team(store, "2025-10-28T07:00:00Z").await;
    team.tick_at("2025-10-28T08:00:00Z").await;
    team.answer("U0BEN0002", "2025-10-28", "login form", "still stuck on FE-004, backend tests red").await;
    team.tick_at("2025-10-28T11:30:00Z").await;
    let summary = text_of(&team.channel_posts()[0]);
    assert!(summary.contains("FE-004") && summary.contains("stalled 3 working days"), "{summary}");
    assert!(summary.contains("raised today by Ben"), "{summary}");
    assert!(!summary.contains("Blockers reported"), "not repeated: {summary}");
}

support::on_both_engines!(
    a_stalled_blocker_gets_one_nudge_to_whoever_can_move_it,
    the_next_nudge_waits_a_whole_span_and_skips_the_holiday,
    nobody_on_leave_is_nudged,
    blockers_show_their_age_and_the_people_to_ask,
    a_person_named_in_the_block_reason_is_asked_too,
    the_summary_flags_stalled_blockers_and_links_a_reported_one,
);

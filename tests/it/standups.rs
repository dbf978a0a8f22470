//! Daily standups end to end: the scheduler against a fake Slack that
//! keeps Slack's contracts, answers through signed interactions and
//! events, on SQLite and PostgreSQL.

use crate::support;

use std::sync::Arc;

use planbot::store::Store;
use serde_json::json;
use support::fake_slack::{FakeSlack, Limits, dm_channel};
use support::team::{EDITOR, OPS, TEAM, Team, at, text_of, wait_until};

async fn a_full_day_for_seven_people_in_four_time_zones(store: Arc<dyn Store>) {
    let team = Team::start(store, "2025-10-20T22:30:00Z", FakeSlack::start().await, 4).await;
    team.join_all().await;
    let away = team.app.slash("U0BEN0002", "away until 2025-10-24").await;
    assert!(away.shown_text().contains("away through Fri 24 Oct"), "{}", away.body);

    // Monday evening in Berlin: Auckland's Tuesday morning has begun, and
    // New York's Monday 09:30 (inside Tuesday's window) is caught up.
    let sent = team.tick_at("2025-10-20T22:30:00Z").await;
    assert_eq!(sent.prompts, 3, "Gia, Ema and Finn");
    assert_eq!(team.dms_to("U0GIA0007").len(), 1);
    let prompt = text_of(&team.dms_to("U0GIA0007")[0]);
    assert!(prompt.contains("Standup · Tue 21 Oct") && prompt.contains("standup_write"), "{prompt}");
    assert!(prompt.contains("23:00 your time"), "Auckland sees the summary time in its own zone: {prompt}");
    // Nothing is sent twice, whoever ticks again.
    assert_eq!(team.tick_at("2025-10-20T22:31:00Z").await.prompts, 0);

    // Kolkata at 09:30 IST = 04:00 UTC.
    assert_eq!(team.tick_at("2025-10-21T04:00:00Z").await.prompts, 2);
    team.answer("U0GIA0007", "2025-10-21", "Rotated the keys", "none").await;
    team.answer("U0EMA0005", "2025-10-21", "Wrote the launch brief", "Waiting on legal <!channel>").await;
    team.answer("U0FIN0006", "2025-10-21", "Docs for AUTH-005", "no").await;
    team.answer("U0CHE0003", "2025-10-21", "Dashboards", "none").await;

    // Devi (Kolkata) has not answered two hours after her prompt.
    let sent = team.tick_at("2025-10-21T06:00:00Z").await;
    assert_eq!(sent.reminders, 1);
    assert_eq!(team.dms_to("U0DEV0004").len(), 2);
    assert!(text_of(&team.dms_to("U0DEV0004")[1]).contains("A reminder"));
    assert!(team.dms_to("U0CHE0003").iter().all(|m| !text_of(m).contains("A reminder")), "Chen answered");

    // Berlin at 09:30 CEST = 07:30 UTC (Ben is away and is not asked).
    assert_eq!(team.tick_at("2025-10-21T07:30:00Z").await.prompts, 1);
    assert!(team.dms_to("U0BEN0002").is_empty(), "people on leave get no prompt");
    let response = team.dm("U0ANA0001", "Finished the login API, starting on ORG-006", "Ev0001", None).await;
    assert_eq!(response.status.as_u16(), 200);
    wait_until(|| team.dms_to("U0ANA0001").len() == 2).await;
    assert!(text_of(&team.dms_to("U0ANA0001")[1]).contains("counts for the standup of Tue 21 Oct"));
    assert_eq!(team.tick_at("2025-10-21T09:40:00Z").await.reminders, 0, "Ana answered: no reminder");

    // The summary at 12:00 Berlin.
    assert_eq!(team.tick_at("2025-10-21T09:59:59Z").await.summaries, 0);
    assert_eq!(team.tick_at("2025-10-21T10:00:00Z").await.summaries, 1);
    assert_eq!(team.tick_at("2025-10-21T10:05:00Z").await.summaries, 0);
    let parents = team.channel_posts();
    assert_eq!(parents.len(), 1);
    let parent = text_of(&parents[0]);
    assert!(parent.contains("Standup · Tue 21 Oct · 5 of 6 answered"), "{parent}");
    assert!(parent.contains("Waiting on legal &lt;!channel&gt;"), "no answer can ping the channel: {parent}");
    assert!(!parent.contains("<!channel>"));
    assert!(parent.contains("Not answered yet:* Devi") || parent.contains("Not answered yet: Devi"), "{parent}");
    assert!(parent.contains("Away:") && parent.contains("Ben (until Fri 24 Oct)"), "{parent}");
    let thread = team.slack.thread(OPS, &parents[0].ts);
    assert_eq!(thread.len(), 5, "one reply per answer");
    let gia = team.dms_to("U0GIA0007");
    assert!(gia[0].updated > 0 && text_of(&gia[0]).contains("Thanks — posted"), "the prompt says thanks");

    // Devi answers late: her answer joins the same thread.
    team.clock.set(at("2025-10-21T11:00:00Z"));
    team.dm("U0DEV0004", "Sorry, late: deploy prep", "Ev0002", None).await;
    wait_until(|| team.slack.thread(OPS, &parents[0].ts).len() == 6).await;
    let late = text_of(team.slack.thread(OPS, &parents[0].ts).last().unwrap());
    assert!(late.contains("Devi") && late.contains("(late)") && late.contains("deploy prep"), "{late}");
    assert_eq!(team.channel_posts().len(), 1, "late answers never make a second summary");

    let today = team.app.slash("U0ANA0001", "standup today").await.shown_text();
    assert!(today.contains("Answered (6)") && today.contains("Away (1)"), "{today}");
}

async fn dst_switch_keeps_everyone_on_local_time(store: Arc<dyn Store>) {
    let team = Team::start(store, "2025-10-26T22:30:00Z", FakeSlack::start().await, 4).await;
    team.join_all().await;
    // Berlin left summer time on Sunday 26 Oct: Monday's 09:30 is 08:30 UTC
    // and the summary 11:00 UTC. New York is still on EDT until 2 Nov.
    assert_eq!(team.tick_at("2025-10-27T08:29:00Z").await.prompts, 5, "Auckland, Kolkata and New York");
    assert_eq!(team.tick_at("2025-10-27T08:30:00Z").await.prompts, 2, "Berlin, an hour later in UTC");
    assert_eq!(team.tick_at("2025-10-27T10:59:00Z").await.summaries, 0);
    assert_eq!(team.tick_at("2025-10-27T11:00:00Z").await.summaries, 1);
    // Tuesday's standup: New York's Monday 09:30 EDT is 13:30 UTC.
    assert_eq!(team.tick_at("2025-10-27T13:29:00Z").await.prompts, 0);
    assert_eq!(team.tick_at("2025-10-27T13:30:00Z").await.prompts, 2);
    // After New York's own switch (2 Nov) its 09:30 is 14:30 UTC.
    assert_eq!(team.tick_at("2025-11-03T14:29:00Z").await.prompts, 0);
    assert_eq!(team.tick_at("2025-11-03T14:30:00Z").await.prompts, 2);
}

async fn a_restart_mid_fan_out_asks_everyone_exactly_once(store: Arc<dyn Store>) {
    // Slack's tier limits at a 2 s scale: conversations.open allows 50 per
    // window, so 120 people take three windows.
    let slack = FakeSlack::start_with_limits(Limits::slack_tiers(std::time::Duration::from_secs(2))).await;
    let first = Team::start(Arc::clone(&store), "2025-10-21T07:30:00Z", slack.clone(), 8).await;
    let people: Vec<String> = (0..120).map(|n| format!("U0P{n:06}")).collect();
    for id in &people {
        slack.add_user(id, id, "Europe/Berlin");
        first.app.slash(id, "standup join").await;
    }
    let running = {
        let standups = Arc::clone(first.standups());
        tokio::spawn(async move { standups.tick().await.unwrap() })
    };
    wait_until(|| slack.calls("chat.postMessage").len() >= 30).await;
    first.standups().stop();
    let before_restart = running.await.unwrap().prompts;
    assert!(before_restart < people.len(), "the first instance stopped part way ({before_restart})");

    let second = Team::start(store, "2025-10-21T07:31:00Z", slack.clone(), 8).await;
    let after_restart = second.standups().tick().await.unwrap().prompts;
    assert_eq!(before_restart + after_restart, people.len());
    for id in &people {
        let prompts = slack.messages().iter().filter(|m| m.channel == dm_channel(id)).count();
        assert_eq!(prompts, 1, "{id} was asked {prompts} times");
    }
}

async fn two_instances_share_the_work_and_send_each_message_once(stores: (Arc<dyn Store>, Arc<dyn Store>)) {
    let slack = FakeSlack::start().await;
    let one = Team::start(stores.0, "2025-10-21T07:30:00Z", slack.clone(), 4).await;
    let two = Team::start(stores.1, "2025-10-21T07:30:00Z", slack.clone(), 4).await;
    one.join_all().await;
    let (a, b) = tokio::join!(one.standups().tick(), two.standups().tick());
    assert_eq!(a.unwrap().prompts + b.unwrap().prompts, TEAM.len());
    one.clock.set(at("2025-10-21T10:00:00Z"));
    two.clock.set(at("2025-10-21T10:00:00Z"));
    let (a, b) = tokio::join!(one.standups().tick(), two.standups().tick());
    assert_eq!(a.unwrap().summaries + b.unwrap().summaries, 1);
    for (id, ..) in TEAM {
        assert_eq!(slack.messages().iter().filter(|m| m.channel == dm_channel(id)).count(), 1, "{id}");
    }
    assert_eq!(one.channel_posts().len(), 1);
}

async fn a_status_change_in_the_form_becomes_a_commit(store: Arc<dyn Store>) {
    let team = Team::start(store, "2025-10-21T07:30:00Z", FakeSlack::start().await, 4).await;
    team.join_all().await;
    // Only granted people change tasks: Devi gets devops.
    let granted = team.app.slash(EDITOR, "grant <@U0DEV0004|devi> devops").await;
    assert!(granted.shown_text().contains("devops"), "{}", granted.body);
    let response = team
        .submit(
            "U0DEV0004",
            "2025-10-21",
            json!({
                "q0": {"value": {"type": "plain_text_input", "value": "Unblocked the deploy"}},
                "task:DEVOPS-035": {"status": {"type": "static_select", "selected_option": {"value": "in-progress"}}},
                "task:DEVOPS-034": {"status": {"type": "static_select", "selected_option": {"value": "completed"}}},
            }),
        )
        .await;
    assert_eq!(response.status.as_u16(), 200);
    let before = team._folder.csv();
    team.app.committer().drain().await.unwrap();
    let after = team._folder.csv();
    let changed: Vec<&str> = after.lines().filter(|l| !before.lines().any(|b| b == *l)).collect();
    assert_eq!(changed.len(), 1, "DEVOPS-034 was done already; only DEVOPS-035 changes: {changed:?}");
    assert!(changed[0].starts_with("DEVOPS-035,") && changed[0].contains(",in-progress,"), "{changed:?}");
    let devi = "U0DEV0004".parse().unwrap();
    let stored = team.app.store.standups().answer("2025-10-21".parse().unwrap(), &devi).await.unwrap();
    assert_eq!(stored.unwrap().responses[0].text, "Unblocked the deploy");

    // Without a grant the same form changes nothing in the plan.
    team.submit(
        "U0ANA0001",
        "2025-10-21",
        json!({
            "q0": {"value": {"type": "plain_text_input", "value": "Login API"}},
            "task:AUTH-004": {"status": {"type": "static_select", "selected_option": {"value": "completed"}}},
        }),
    )
    .await;
    team.app.committer().drain().await.unwrap();
    assert_eq!(team._folder.csv(), after);
}

async fn status_words_in_a_message_are_offered_not_applied(store: Arc<dyn Store>) {
    let team = Team::start(store, "2025-10-21T08:00:00Z", FakeSlack::start().await, 4).await;
    team.join_all().await;
    let before = team._folder.csv();
    // Slack retries an event it thinks was lost: it is handled once.
    for retry in [None, Some(1), Some(2)] {
        let response = team.dm(EDITOR, "AUTH-005 done, FE-004 still blocked", "Ev0100", retry).await;
        assert_eq!(response.status.as_u16(), 200);
    }
    team.app.inbox_settled().await;
    let replies = team.dms_to(EDITOR);
    assert_eq!(replies.len(), 1, "one reply for three deliveries");
    let offer = text_of(&replies[0]);
    assert!(offer.contains("Mark AUTH-005 completed") && offer.contains("standup_apply"), "{offer}");
    assert!(!offer.contains("Mark FE-004"), "FE-004 is blocked already: {offer}");
    team.app.committer().drain().await.unwrap();
    assert_eq!(team._folder.csv(), before, "nothing is applied without the click");

    let click = team
        .app
        .interact(&json!({
            "type": "block_actions", "user": {"id": EDITOR, "username": "editor"}, "trigger_id": "t.1",
            "actions": [{"action_id": "standup_apply", "value": "AUTH-005 completed"}],
        }))
        .await;
    assert_eq!(click.status.as_u16(), 200);
    team.app.inbox_settled().await;
    team.app.committer().drain().await.unwrap();
    assert!(team._folder.csv().lines().any(|l| l.starts_with("AUTH-005,") && l.contains(",completed,")));
}

async fn a_dm_kept_when_planbot_stopped_is_answered_once_after_the_restart(store: Arc<dyn Store>) {
    let team = Team::start(store, "2025-10-21T08:00:00Z", FakeSlack::start().await, 4).await;
    team.join_all().await;
    let ana = TEAM[0].0;
    // SIGTERM: the worker stops; what arrives now is kept, not lost.
    team.app.stop_inbox().await;
    let response = team.dm(ana, "finished the CSRF refactor", "Ev0300", None).await;
    assert_eq!(response.status.as_u16(), 200);
    assert_eq!(team.app.store.inbox().inbox_depth().await.unwrap().pending, 1, "kept before the acknowledgement");
    assert!(team.dms_to(ana).is_empty(), "not answered by a stopped worker");

    let restarted = team.restart().await;
    team.dm(ana, "finished the CSRF refactor", "Ev0300", Some(1)).await;
    restarted.inbox_settled().await;
    let replies = team.dms_to(ana);
    assert_eq!(replies.len(), 1, "answered once: {replies:?}");
    assert!(text_of(&replies[0]).contains("Got it"), "{}", text_of(&replies[0]));
    let day = chrono::NaiveDate::from_ymd_opt(2025, 10, 21).unwrap();
    let answers = team.app.store.standups().answers_on(day).await.unwrap();
    assert_eq!(answers.iter().filter(|a| a.user.as_str() == ana).count(), 1, "{answers:?}");
}

async fn an_edited_answer_replaces_it_before_the_summary_and_updates_the_thread_after(store: Arc<dyn Store>) {
    let team = Team::start(store, "2025-10-21T07:30:00Z", FakeSlack::start().await, 4).await;
    team.join_all().await;
    team.tick_at("2025-10-21T07:30:00Z").await;
    team.answer("U0ANA0001", "2025-10-21", "First draft", "none").await;
    team.answer("U0ANA0001", "2025-10-21", "Second draft", "none").await;
    team.tick_at("2025-10-21T10:00:00Z").await;
    let parent = team.channel_posts().remove(0);
    let thread = team.slack.thread(OPS, &parent.ts);
    assert_eq!(thread.len(), 1);
    assert!(text_of(&thread[0]).contains("Second draft") && !text_of(&thread[0]).contains("First draft"));
    team.clock.set(at("2025-10-21T10:30:00Z"));
    team.answer("U0ANA0001", "2025-10-21", "Third draft", "none").await;
    let thread = team.slack.thread(OPS, &parent.ts);
    assert_eq!(thread.len(), 1, "the reply is updated, not repeated");
    assert!(text_of(&thread[0]).contains("Third draft") && thread[0].updated == 1);
}

async fn a_summary_is_posted_when_nobody_answered_and_caught_up_after_downtime(store: Arc<dyn Store>) {
    let team = Team::start(store, "2025-10-21T07:00:00Z", FakeSlack::start().await, 4).await;
    team.join_all().await;
    // planbot was down from 07:00 to 13:00: the prompts are no longer
    // useful, the summary still is.
    let sent = team.tick_at("2025-10-21T13:00:00Z").await;
    assert_eq!((sent.prompts, sent.summaries), (0, 1));
    let parent = text_of(&team.channel_posts()[0]);
    assert!(parent.contains("0 of 7 answered") && parent.contains("Nobody has answered yet"), "{parent}");
    // After the day is over, a missed summary is not posted at all.
    team.tick_at("2025-10-22T22:30:00Z").await;
    assert_eq!(team.channel_posts().len(), 1, "Wednesday's summary is not posted on Thursday");
}

async fn a_manual_send_slower_than_slack_waits_is_acknowledged_then_reported(store: Arc<dyn Store>) {
    let team = Team::start(store, "2025-10-21T08:00:00Z", FakeSlack::start().await, 4).await;
    team.join_all().await;
    // Slack is slow to open the DM channels: the fan-out takes longer than
    // the 3 s a slash command may take.
    team.slack.hold("conversations.open");
    let url = team.slack.response_url("send-prompts");
    let answer = team.app.slash_answering_to(EDITOR, "standup send-prompts", &url).await;
    assert_eq!(answer.status.as_u16(), 200);
    assert!(answer.shown_text().contains("Working on it"), "{}", answer.body);
    team.slack.release("conversations.open");
    let follow_up = team.slack.wait_for("response_url:send-prompts", 1).await;
    let said = follow_up[0].body.to_string();
    assert!(said.contains("Standup prompts for Tue 21 Oct: 7 sent"), "{said}");
    assert_eq!(follow_up[0].body["response_type"], "ephemeral");
}

async fn holidays_and_membership_commands(store: Arc<dyn Store>) {
    let team = Team::start(store, "2025-12-24T12:00:00Z", FakeSlack::start().await, 4).await;
    team.join_all().await;
    let refused = team.app.slash("U0ANA0001", "standup skip 2025-12-25 Christmas").await.shown_text();
    assert!(refused.contains("Only plan editors"), "{refused}");
    let skipped = team.app.slash(EDITOR, "standup skip 2025-12-25 Christmas").await.shown_text();
    assert!(skipped.contains("No standup on Thu 25 Dec (Christmas)"), "{skipped}");
    let left = team.app.slash("U0GIA0007", "standup leave").await.shown_text();
    assert!(left.contains("left the standup"), "{left}");
    let sent = team.tick_at("2025-12-25T08:00:00Z").await;
    assert_eq!(sent, planbot::standup::Sent::default(), "nobody is asked on a holiday");
    // Friday's prompts go to six people: Gia left.
    let sent = team.tick_at("2025-12-26T09:00:00Z").await;
    assert_eq!(sent.prompts, 6);
    let history = team.app.slash("U0ANA0001", "standup history").await.shown_text();
    assert!(history.contains("No standup answers"), "{history}");
    let bad = team.app.slash("U0ANA0001", "away until tomorrow").await.shown_text();
    assert!(bad.contains("not a date") && bad.contains("YYYY-MM-DD"), "{bad}");
}

support::on_both_engines!(
    a_manual_send_slower_than_slack_waits_is_acknowledged_then_reported,
    a_dm_kept_when_planbot_stopped_is_answered_once_after_the_restart,
    a_full_day_for_seven_people_in_four_time_zones,
    dst_switch_keeps_everyone_on_local_time,
    a_restart_mid_fan_out_asks_everyone_exactly_once,
    a_status_change_in_the_form_becomes_a_commit,
    status_words_in_a_message_are_offered_not_applied,
    an_edited_answer_replaces_it_before_the_summary_and_updates_the_thread_after,
    a_summary_is_posted_when_nobody_answered_and_caught_up_after_downtime,
    holidays_and_membership_commands,
);

#[tokio::test]
async fn two_instances_on_one_sqlite_file() {
    two_instances_share_the_work_and_send_each_message_once(support::databases::sqlite_pair().await).await;
}

#[tokio::test]
async fn two_instances_on_one_postgres() {
    if let Some(stores) = support::databases::postgres_pair("two_instances_on_one_postgres").await {
        two_instances_share_the_work_and_send_each_message_once(stores).await;
    }
}

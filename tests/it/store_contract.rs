//! The store contract, run against SQLite and PostgreSQL alike.

use crate::support;

use std::sync::Arc;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use planbot::plan::{Change, Edit, Status};
use planbot::slack::SlackUserId;
use planbot::store::{CommandRecord, EditState, JobKey, JobKind, JobState, NewEdit, Settlement, Store, UsageCount};

fn user(id: &str) -> SlackUserId {
    id.parse().expect("user id")
}

async fn roles_are_kept_in_the_order_given_and_replaced_whole(store: Arc<dyn Store>) {
    let now = Utc::now();
    assert!(store.roles_of(&user("U1")).await.unwrap().is_empty());
    store.set_roles(&user("U1"), &["devops".into(), "backend".into()], now).await.unwrap();
    assert_eq!(store.roles_of(&user("U1")).await.unwrap(), ["devops", "backend"]);
    store.set_roles(&user("U1"), &["frontend".into()], now).await.unwrap();
    assert_eq!(store.roles_of(&user("U1")).await.unwrap(), ["frontend"]);
}

async fn people_are_found_by_role_ignoring_case(store: Arc<dyn Store>) {
    let now = Utc::now();
    store.set_roles(&user("U2"), &["backend".into()], now).await.unwrap();
    store.set_roles(&user("U1"), &["Backend".into(), "ops".into()], now).await.unwrap();
    store.set_roles(&user("U3"), &["ops".into()], now).await.unwrap();
    assert_eq!(store.people_with_role("BACKEND").await.unwrap(), [user("U1"), user("U2")]);
    assert_eq!(store.people_with_role("infra").await.unwrap(), Vec::<SlackUserId>::new());
}

async fn the_command_log_returns_newest_first_with_every_field(store: Arc<dyn Store>) {
    let first = CommandRecord {
        at: Utc.with_ymd_and_hms(2026, 11, 21, 10, 0, 0).unwrap(),
        user: Some(user("U1")),
        channel: Some("C1".into()),
        verb: "status".into(),
        task_id: Some("DEVOPS-035".into()),
        latency: Duration::from_micros(420),
        outcome: "ok".into(),
    };
    let second = CommandRecord { user: None, channel: None, task_id: None, verb: "help".into(), ..first.clone() };
    store.record_commands(&[first.clone(), second.clone()]).await.unwrap();
    assert_eq!(store.recent_commands(10).await.unwrap(), [second.clone(), first]);
    assert_eq!(store.recent_commands(1).await.unwrap(), [second]);
}

async fn usage_counts_add_up_per_minute_verb_and_outcome(store: Arc<dyn Store>) {
    let minute = Utc.with_ymd_and_hms(2026, 11, 21, 10, 0, 0).unwrap();
    let count = |verb: &str, answered, total_us, max_us| UsageCount {
        minute,
        verb: verb.into(),
        outcome: "answered".into(),
        answered,
        latency_total: Duration::from_micros(total_us),
        latency_max: Duration::from_micros(max_us),
    };
    store.add_usage(&[count("status", 3, 900, 500), count("blockers", 1, 40, 40)]).await.unwrap();
    store.add_usage(&[count("status", 2, 100, 70)]).await.unwrap();
    let later = UsageCount { minute: minute + chrono::Duration::minutes(1), ..count("status", 1, 10, 10) };
    store.add_usage(std::slice::from_ref(&later)).await.unwrap();

    let counted = store.usage_since(minute).await.unwrap();
    assert_eq!(counted, [count("blockers", 1, 40, 40), count("status", 5, 1000, 500), later.clone()]);
    assert_eq!(store.usage_since(later.minute).await.unwrap(), [later]);
}

async fn migrations_can_run_again(store: Arc<dyn Store>) {
    store.migrate().await.expect("a second run is a no-op");
    store.ping().await.expect("database answers");
}

fn new_edit(key: Option<&str>, task: &str, to: Status) -> NewEdit {
    NewEdit {
        applied_by: None,
        idempotency_key: key.map(str::to_owned),
        author_id: user("U1"),
        edit: Edit {
            task: task.parse().unwrap(),
            change: Change::Status { seen: "todo".into(), to },
            author: "dana".into(),
            form: planbot::plan::TaskForm::Csv,
        },
    }
}

async fn queued_edits_round_trip_and_a_repeated_key_is_queued_once(store: Arc<dyn Store>) {
    let now = Utc::now();
    let first = store.enqueue_edits(&[new_edit(Some("t1#0"), "A-1", Status::Completed)], now).await.unwrap();
    let again = store.enqueue_edits(&[new_edit(Some("t1#0"), "A-1", Status::Completed)], now).await.unwrap();
    assert_eq!(first, again);
    let note = NewEdit {
        applied_by: None,
        edit: Edit { change: Change::Note { text: "hi, there".into() }, ..new_edit(None, "B-2", Status::Todo).edit },
        ..new_edit(None, "B-2", Status::Todo)
    };
    store.enqueue_edits(std::slice::from_ref(&note), now).await.unwrap();
    let recent = store.recent_edits(None, 10).await.unwrap();
    assert_eq!(recent.len(), 2);
    assert_eq!(recent[0].edit, note.edit, "newest first, change kept exactly");
    assert_eq!(recent[1].state, EditState::Pending);
    assert_eq!(store.recent_edits(Some(&user("U9")), 10).await.unwrap().len(), 0);
}

async fn a_claimed_edit_is_held_until_its_lease_ends(store: Arc<dyn Store>) {
    let now = Utc::now();
    store.enqueue_edits(&[new_edit(None, "A-1", Status::Completed)], now).await.unwrap();
    let lease = Duration::from_secs(60);
    let claimed = store.claim_edits(now, lease, 10).await.unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].attempts, 1);
    assert!(store.claim_edits(now, lease, 10).await.unwrap().is_empty(), "held by the first claim");
    let after_lease = now + chrono::Duration::seconds(61);
    assert_eq!(store.claim_edits(after_lease, lease, 10).await.unwrap().len(), 1, "a crashed worker's claim expires");
}

async fn concurrent_claims_never_share_an_edit(store: Arc<dyn Store>) {
    let now = Utc::now();
    let edits: Vec<NewEdit> = (0..40).map(|i| new_edit(None, &format!("T-{i}"), Status::Completed)).collect();
    store.enqueue_edits(&edits, now).await.unwrap();
    let lease = Duration::from_secs(60);
    let claims = (0..4).map(|_| {
        let store = Arc::clone(&store);
        tokio::spawn(async move { store.claim_edits(now, lease, 15).await.unwrap() })
    });
    let mut ids: Vec<i64> = Vec::new();
    for claim in claims {
        ids.extend(claim.await.unwrap().iter().map(|e| e.id));
    }
    let claimed = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), claimed, "an edit was claimed twice");
    assert_eq!(claimed, 40);
}

async fn settlements_record_outcomes_and_retries_wait(store: Arc<dyn Store>) {
    let now = Utc::now();
    let ids = store
        .enqueue_edits(
            &[
                new_edit(None, "A-1", Status::Completed),
                new_edit(None, "B-2", Status::Blocked),
                new_edit(None, "C-3", Status::Deferred),
            ],
            now,
        )
        .await
        .unwrap();
    store.claim_edits(now, Duration::from_secs(60), 10).await.unwrap();
    store
        .settle_edits(
            &[
                Settlement::Committed {
                    id: ids[0],
                    commit_ref: "abc123".into(),
                    commit_url: Some("https://example/c/abc123".into()),
                },
                Settlement::Conflict { id: ids[1], current: "in-progress".into() },
                Settlement::Retry { id: ids[2], error: "GitHub answered 502".into(), delay: Duration::from_secs(30) },
            ],
            now,
        )
        .await
        .unwrap();
    let recent = store.recent_edits(None, 10).await.unwrap();
    let by_id = |id: i64| recent.iter().find(|e| e.id == id).unwrap().clone();
    assert_eq!(by_id(ids[0]).state, EditState::Committed);
    assert_eq!(by_id(ids[0]).commit_url.as_deref(), Some("https://example/c/abc123"));
    assert_eq!(by_id(ids[1]).current_value.as_deref(), Some("in-progress"));
    assert_eq!(by_id(ids[2]).last_error.as_deref(), Some("GitHub answered 502"));
    assert!(store.claim_edits(now, Duration::from_secs(60), 10).await.unwrap().is_empty(), "not due yet");
    let due = store.next_edit_due().await.unwrap().expect("one edit still pending");
    assert_eq!(due.timestamp_millis(), now.timestamp_millis() + 30_000);
    let later = now + chrono::Duration::seconds(31);
    assert_eq!(store.claim_edits(later, Duration::from_secs(60), 10).await.unwrap().len(), 1);
}

async fn grants_are_per_role_and_revocable(store: Arc<dyn Store>) {
    let now = Utc::now();
    store.grant_role(&user("U2"), "devops", &user("U1"), now).await.unwrap();
    store.grant_role(&user("U2"), "backend", &user("U1"), now).await.unwrap();
    store.grant_role(&user("U2"), "devops", &user("U1"), now).await.unwrap();
    assert_eq!(store.granted_roles(&user("U2")).await.unwrap(), ["backend", "devops"]);
    assert!(store.revoke_role(&user("U2"), "DEVOPS").await.unwrap());
    assert!(!store.revoke_role(&user("U2"), "devops").await.unwrap());
    assert_eq!(store.granted_roles(&user("U2")).await.unwrap(), ["backend"]);
}

async fn a_scheduled_job_is_claimed_once_retried_when_due_and_never_after_done(store: Arc<dyn Store>) {
    let jobs = store.standups();
    let t0 = Utc.with_ymd_and_hms(2025, 10, 21, 7, 30, 0).unwrap();
    let key = JobKey::person(JobKind::Prompt, "2025-10-21".parse().unwrap(), &user("U1"));
    let lease = Duration::from_secs(600);
    assert!(jobs.claim_job(&key, t0, lease).await.unwrap());
    assert!(!jobs.claim_job(&key, t0, lease).await.unwrap(), "held by its first claimant");
    // The holder died: once its lease runs out, another instance takes over.
    let later = t0 + chrono::Duration::minutes(11);
    assert!(jobs.claim_job(&key, later, lease).await.unwrap());
    // A failed attempt waits for its retry time.
    jobs.retry_job(&key, later + chrono::Duration::minutes(1), "Slack said no").await.unwrap();
    assert!(!jobs.claim_job(&key, later, lease).await.unwrap());
    let record = jobs.job(&key).await.unwrap().unwrap();
    assert_eq!(
        (record.state, record.attempts, record.last_error.as_deref()),
        (JobState::Waiting, 2, Some("Slack said no"))
    );
    assert!(jobs.claim_job(&key, later + chrono::Duration::minutes(1), lease).await.unwrap());
    jobs.finish_job(&key, later, Some("D1 1.2")).await.unwrap();
    // Done is final, whatever the clock says.
    assert!(!jobs.claim_job(&key, later + chrono::Duration::days(3), lease).await.unwrap());
    let done = jobs.job(&key).await.unwrap().unwrap();
    assert_eq!((done.state, done.detail.as_deref()), (JobState::Done, Some("D1 1.2")));
    // Another person's, another day's or another kind's job is its own.
    let other = JobKey::person(JobKind::Reminder, "2025-10-21".parse().unwrap(), &user("U1"));
    assert!(jobs.claim_job(&other, later, lease).await.unwrap());
}

async fn concurrent_job_claims_have_one_winner(store: Arc<dyn Store>) {
    let now = Utc::now();
    let key = JobKey::team(JobKind::Summary, "2025-10-21".parse().unwrap());
    let claims = (0..8).map(|_| {
        let (store, key) = (Arc::clone(&store), key.clone());
        tokio::spawn(async move { store.standups().claim_job(&key, now, Duration::from_secs(60)).await.unwrap() })
    });
    let mut winners = 0;
    for claim in claims {
        winners += usize::from(claim.await.unwrap());
    }
    assert_eq!(winners, 1);
}

async fn events_are_handled_once_and_forgotten_after_an_hour(store: Arc<dyn Store>) {
    let now = Utc::now();
    assert!(store.standups().first_delivery("T1:Ev1", now).await.unwrap());
    assert!(!store.standups().first_delivery("T1:Ev1", now + chrono::Duration::minutes(5)).await.unwrap());
    assert!(store.standups().first_delivery("T2:Ev1", now).await.unwrap(), "event ids are per workspace");
    assert!(store.standups().first_delivery("T1:Ev1", now + chrono::Duration::hours(2)).await.unwrap());
}

async fn a_delivery_is_kept_once_and_claimed_by_one_worker_until_done(store: Arc<dyn Store>) {
    let inbox = store.inbox();
    let now = Utc.with_ymd_and_hms(2026, 12, 3, 9, 0, 0).unwrap();
    let first = inbox.accept_delivery("event:T1:Ev1", "event", r#"{"a":1}"#, now).await.unwrap();
    assert!(first.is_some());
    assert_eq!(inbox.accept_delivery("event:T1:Ev1", "event", r#"{"a":1}"#, now).await.unwrap(), None);
    let depth = inbox.inbox_depth().await.unwrap();
    assert_eq!((depth.pending, depth.failed, depth.oldest_pending), (1, 0, Some(now)));

    let lease = Duration::from_secs(60);
    let claimed = inbox.claim_deliveries(now, lease, 10).await.unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(
        (claimed[0].kind.as_str(), claimed[0].payload.as_str(), claimed[0].attempts),
        ("event", r#"{"a":1}"#, 1)
    );
    assert!(inbox.claim_deliveries(now, lease, 10).await.unwrap().is_empty(), "held while its lease runs");
    let after_lease = now + chrono::Duration::seconds(61);
    let again = inbox.claim_deliveries(after_lease, lease, 10).await.unwrap();
    assert_eq!(again.iter().map(|d| d.attempts).collect::<Vec<_>>(), [2], "a dead worker's delivery is taken over");
    inbox.finish_delivery(again[0].id, after_lease).await.unwrap();
    assert!(inbox.claim_deliveries(after_lease + chrono::Duration::hours(1), lease, 10).await.unwrap().is_empty());
    assert_eq!(inbox.inbox_depth().await.unwrap().pending, 0);
    assert_eq!(inbox.accept_delivery("event:T1:Ev1", "event", "{}", after_lease).await.unwrap(), None);
    assert_eq!(inbox.prune_deliveries(now + chrono::Duration::days(3)).await.unwrap(), 1);
}

async fn a_failed_delivery_waits_for_its_retry_and_a_released_one_is_free_at_once(store: Arc<dyn Store>) {
    let inbox = store.inbox();
    let now = Utc.with_ymd_and_hms(2026, 12, 3, 9, 0, 0).unwrap();
    let lease = Duration::from_secs(60);
    inbox.accept_delivery("click:1", "click", "{}", now).await.unwrap();
    inbox.accept_delivery("click:2", "click", "{}", now).await.unwrap();
    let claimed = inbox.claim_deliveries(now, lease, 10).await.unwrap();
    assert_eq!(claimed.len(), 2);
    let retry_at = now + chrono::Duration::seconds(30);
    inbox.retry_delivery(claimed[0].id, "Slack answered 500", retry_at, false).await.unwrap();
    inbox.release_deliveries(&[claimed[1].id]).await.unwrap();
    let free_now = inbox.claim_deliveries(now, lease, 10).await.unwrap();
    assert_eq!(free_now.iter().map(|d| (d.id, d.attempts)).collect::<Vec<_>>(), [(claimed[1].id, 1)]);
    inbox.finish_delivery(claimed[1].id, now).await.unwrap();
    let due = inbox.claim_deliveries(retry_at, lease, 10).await.unwrap();
    assert_eq!(due.iter().map(|d| d.id).collect::<Vec<_>>(), [claimed[0].id]);
    inbox.retry_delivery(claimed[0].id, "gave up", retry_at, true).await.unwrap();
    let depth = inbox.inbox_depth().await.unwrap();
    assert_eq!((depth.pending, depth.failed), (0, 1));
    assert!(inbox.claim_deliveries(retry_at + chrono::Duration::days(1), lease, 10).await.unwrap().is_empty());
}

async fn concurrent_inbox_claims_never_share_a_delivery(store: Arc<dyn Store>) {
    let now = Utc::now();
    for n in 0..40 {
        store.inbox().accept_delivery(&format!("event:T1:Ev{n}"), "event", "{}", now).await.unwrap();
    }
    let claims = (0..8).map(|_| {
        let store = Arc::clone(&store);
        tokio::spawn(async move { store.inbox().claim_deliveries(now, Duration::from_secs(60), 10).await.unwrap() })
    });
    let mut ids: Vec<i64> = Vec::new();
    for claim in claims {
        ids.extend(claim.await.unwrap().iter().map(|d| d.id));
    }
    let total = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!((total, ids.len()), (40, 40), "every delivery claimed exactly once");
}

support::on_both_engines!(
    a_delivery_is_kept_once_and_claimed_by_one_worker_until_done,
    a_failed_delivery_waits_for_its_retry_and_a_released_one_is_free_at_once,
    concurrent_inbox_claims_never_share_a_delivery,
    a_scheduled_job_is_claimed_once_retried_when_due_and_never_after_done,
    concurrent_job_claims_have_one_winner,
    events_are_handled_once_and_forgotten_after_an_hour,
    roles_are_kept_in_the_order_given_and_replaced_whole,
    people_are_found_by_role_ignoring_case,
    the_command_log_returns_newest_first_with_every_field,
    usage_counts_add_up_per_minute_verb_and_outcome,
    migrations_can_run_again,
    queued_edits_round_trip_and_a_repeated_key_is_queued_once,
    a_claimed_edit_is_held_until_its_lease_ends,
    concurrent_claims_never_share_an_edit,
    settlements_record_outcomes_and_retries_wait,
    grants_are_per_role_and_revocable,
);

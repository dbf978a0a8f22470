//! The store contract, run against SQLite and PostgreSQL alike.

mod support;

use std::sync::Arc;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use planbot::slack::SlackUserId;
use planbot::store::{CommandRecord, Store};

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

async fn migrations_can_run_again(store: Arc<dyn Store>) {
    store.migrate().await.expect("a second run is a no-op");
    store.ping().await.expect("database answers");
}

macro_rules! on_both_engines {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test] async fn $case() { super::$case(super::support::databases::sqlite().await).await; })*
        }
        mod postgres {
            $(#[tokio::test] async fn $case() {
                if let Some(store) = super::support::databases::postgres(stringify!($case)).await {
                    assert_eq!(store.engine(), planbot::store::Engine::Postgres);
                    super::$case(store).await;
                }
            })*
        }
    };
}

on_both_engines!(
    roles_are_kept_in_the_order_given_and_replaced_whole,
    people_are_found_by_role_ignoring_case,
    the_command_log_returns_newest_first_with_every_field,
    migrations_can_run_again,
);

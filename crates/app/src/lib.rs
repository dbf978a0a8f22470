//! The application layer: what planbot does with a payload that arrived,
//! whichever transport brought it.
//!
//! `dispatch` is the top: it decides which service answers a slash
//! command, a click or an event. Below it `command`, `standup`, `digest`,
//! `home`, `feed` and `previews` are peers; they share `views` (how a task
//! looks), `caller` (who asks, what they may change), `history` (the
//! plan's daily snapshots) and `blockers` (their ages, stalls and who can
//! move them), the outbox committer
//! (`writeback`, with `notify` telling authors) and the exactly-once job
//! runner (`jobs`).

pub mod blockers;
pub mod caller;
pub mod command;
pub mod digest;
pub mod dispatch;
pub mod feed;
pub mod history;
pub mod home;
pub mod jobs;
pub mod notify;
pub mod previews;
pub mod standup;
pub mod store_watch;
pub mod views;
pub mod writeback;

/// A plan of the required columns and `rows`, for unit tests.
#[cfg(test)]
pub(crate) fn plan_of(rows: &[&str]) -> planbot_domain::plan::Plan {
    use planbot_domain::plan::{Plan, REQUIRED_COLUMNS};
    let csv = format!("{}\n{}\n", REQUIRED_COLUMNS.join(","), rows.join("\n"));
    Plan::parse(csv, None).expect("test plan parses")
}

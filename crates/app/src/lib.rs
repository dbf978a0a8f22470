//! The application layer: what planbot does with a payload that arrived,
//! whichever transport brought it. `command`, `standup`, `digest`, `home`
//! and `feed` are peers; the outbox committer (`writeback`) and the
//! exactly-once job runner (`jobs`) serve them.

pub mod command;
pub mod digest;
pub mod feed;
pub mod home;
pub mod jobs;
pub mod notify;
pub mod previews;
pub mod standup;
pub mod writeback;

/// A plan of the required columns and `rows`, for unit tests.
#[cfg(test)]
pub(crate) fn plan_of(rows: &[&str]) -> planbot_domain::plan::Plan {
    use planbot_domain::plan::{Plan, REQUIRED_COLUMNS};
    let csv = format!("{}\n{}\n", REQUIRED_COLUMNS.join(","), rows.join("\n"));
    Plan::parse(csv, None).expect("test plan parses")
}

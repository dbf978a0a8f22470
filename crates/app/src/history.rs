//! The plan's statuses day by day, as planbot keeps them: one snapshot a
//! day, one `ID code` line per task. The digest draws its trend from them
//! and the blockers their ages.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};

use planbot_domain::plan::{Plan, Status};
use planbot_store::{Store, StoreError};

/// The snapshots kept for the `days` days before `today`, oldest first.
pub async fn snapshots_before(store: &dyn Store, today: NaiveDate, days: i64) -> Result<Vec<Snapshot>, StoreError> {
    let kept = store.standups().plan_snapshots(today - Duration::days(days), today).await?;
    Ok(kept.into_iter().filter(|(day, _)| *day < today).map(|(day, text)| Snapshot { day, text }).collect())
}

/// The plan's statuses on one day, as stored: one `ID code` line per task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    pub day: NaiveDate,
    pub text: String,
}

fn code(status: Option<Status>) -> char {
    match status {
        Some(Status::Todo) => 't',
        Some(Status::InProgress) => 'i',
        Some(Status::Blocked) => 'b',
        Some(Status::Deferred) => 'd',
        Some(Status::Completed) => 'c',
        None => '?',
    }
}

fn status_of(code: char) -> Option<Status> {
    match code {
        't' => Some(Status::Todo),
        'i' => Some(Status::InProgress),
        'b' => Some(Status::Blocked),
        'd' => Some(Status::Deferred),
        'c' => Some(Status::Completed),
        _ => None,
    }
}

/// Today's plan as a snapshot.
pub fn snapshot_text(plan: &Plan) -> String {
    let mut text = String::with_capacity(plan.tasks().len() * 12);
    for task in plan.tasks() {
        text.push_str(task.id.as_str());
        text.push(' ');
        text.push(code(task.status()));
        text.push('\n');
    }
    text
}

impl Snapshot {
    pub(crate) fn entries(&self) -> impl Iterator<Item = (&str, Option<Status>)> {
        self.text.lines().filter_map(|line| {
            let (id, code) = line.rsplit_once(' ')?;
            Some((id, status_of(code.chars().next()?)))
        })
    }

    pub(crate) fn counts(&self) -> HashMap<Status, u32> {
        let mut counts = HashMap::new();
        for (_, status) in self.entries() {
            if let Some(status) = status {
                *counts.entry(status).or_insert(0) += 1;
            }
        }
        counts
    }
}

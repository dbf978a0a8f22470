//! Types of the edit outbox: what is queued, and how an attempt ended.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::StoreError;
use planbot_domain::people::SlackUserId;
use planbot_domain::plan::{Change, Edit, Status, TaskForm, TaskId};

/// An edit to queue, as acknowledged to its author.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEdit {
    /// Slack's id for the request (a command's `trigger_id`): a request
    /// delivered twice is queued once.
    pub idempotency_key: Option<String>,
    pub author_id: SlackUserId,
    pub edit: Edit,
    /// Someone other than the author who pressed "Apply anyway".
    pub applied_by: Option<Applier>,
}

/// A person who applied someone else's edit over a newer value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applier {
    pub id: SlackUserId,
    pub name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditState {
    Pending,
    Committed,
    Conflict,
    Failed,
}

impl EditState {
    pub fn as_str(self) -> &'static str {
        match self {
            EditState::Pending => "pending",
            EditState::Committed => "committed",
            EditState::Conflict => "conflict",
            EditState::Failed => "failed",
        }
    }

    fn parse(raw: &str) -> Result<EditState, StoreError> {
        [EditState::Pending, EditState::Committed, EditState::Conflict, EditState::Failed]
            .into_iter()
            .find(|state| state.as_str() == raw)
            .ok_or_else(|| StoreError::Corrupt(format!("plan_edits.state {raw:?}")))
    }
}

/// An edit as the outbox holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedEdit {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    pub author_id: SlackUserId,
    pub edit: Edit,
    pub state: EditState,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub commit_ref: Option<String>,
    pub commit_url: Option<String>,
    /// For a conflict: the value a human wrote in the meantime.
    pub current_value: Option<String>,
    pub applied_by: Option<Applier>,
    /// The Slack request it came from (`trigger_id#n`), for the logs.
    pub request_id: Option<String>,
}

/// How one attempt at an edit ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settlement {
    Committed {
        id: i64,
        commit_ref: String,
        commit_url: Option<String>,
    },
    Conflict {
        id: i64,
        current: String,
    },
    Failed {
        id: i64,
        reason: String,
    },
    /// Try again after `delay` (a transient fault), keeping the error.
    Retry {
        id: i64,
        error: String,
        delay: Duration,
    },
}

/// `(kind, seen, value)` as stored.
pub(crate) fn change_columns(change: &Change) -> (&'static str, &str, &str) {
    match change {
        Change::Status { seen, to } => ("status", seen, to.canonical()),
        Change::Owner { seen, to } => ("owner", seen, to),
        Change::Note { text } => ("note", "", text),
        Change::CloseMilestone => ("milestone", "", "done"),
    }
}

/// How a task's file is stored.
pub(crate) fn form_name(form: TaskForm) -> &'static str {
    match form {
        TaskForm::Csv => "csv",
        TaskForm::Markdown => "markdown",
    }
}

row_type! {
    pub(crate) struct EditRow {
        id: i64,
        created_at_ms: i64,
        author_id: String,
        author_name: String,
        task_id: String,
        kind: String,
        seen: String,
        value: String,
        state: String,
        attempts: i32,
        last_error: Option<String>,
        commit_ref: Option<String>,
        commit_url: Option<String>,
        current_value: Option<String>,
        applied_by_id: Option<String>,
        applied_by_name: Option<String>,
        idempotency_key: Option<String>,
        task_form: String,
    }
}

pub(crate) const EDIT_COLUMNS: &str = "id, created_at_ms, author_id, author_name, task_id, kind, seen, value, state, \
     attempts, last_error, commit_ref, commit_url, current_value, applied_by_id, applied_by_name, idempotency_key, task_form";

impl EditRow {
    pub(crate) fn into_queued(self) -> Result<QueuedEdit, StoreError> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("plan_edits {}: {what}", self.id));
        let change = match self.kind.as_str() {
            "status" => Change::Status {
                seen: self.seen.clone(),
                to: self.value.parse::<Status>().map_err(|_| corrupt("status value"))?,
            },
            "owner" => Change::Owner { seen: self.seen.clone(), to: self.value.clone() },
            "note" => Change::Note { text: self.value.clone() },
            "milestone" => Change::CloseMilestone,
            _ => return Err(corrupt("kind")),
        };
        let task = self.task_id.parse::<TaskId>().map_err(|_| corrupt("task id"))?;
        let applied_by = match (self.applied_by_id, self.applied_by_name) {
            (Some(id), Some(name)) => Some(Applier { id: super::shared::parse_user(&id)?, name }),
            _ => None,
        };
        Ok(QueuedEdit {
            id: self.id,
            created_at: DateTime::from_timestamp_millis(self.created_at_ms).ok_or_else(|| corrupt("created_at_ms"))?,
            author_id: super::shared::parse_user(&self.author_id)?,
            edit: Edit {
                task,
                change,
                author: self.author_name,
                form: if self.task_form == "markdown" { TaskForm::Markdown } else { TaskForm::Csv },
            },
            state: EditState::parse(&self.state)?,
            attempts: self.attempts,
            last_error: self.last_error,
            commit_ref: self.commit_ref,
            commit_url: self.commit_url,
            current_value: self.current_value,
            applied_by,
            request_id: self.idempotency_key,
        })
    }
}

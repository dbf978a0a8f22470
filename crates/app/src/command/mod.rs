//! `/plan` questions and plan edits: the grammar, and the answers built
//! from the plan in memory (plus the people store for `iam`, `mine`,
//! write rights and the outbox). Which answer a verb gets is the
//! dispatcher's choice (see the `dispatch` module).

pub mod card;
pub mod edits;
pub mod forecast;
mod grammar;
pub mod help;
pub mod lists;
pub mod overview;
pub mod people;

use chrono::{DateTime, NaiveDate, Utc};

pub use grammar::{Command, EditAction, Request, parse};

use planbot_domain::people::SlackUserId;
use planbot_domain::plan::{Plan, PlanPaths, TaskForm};
use planbot_store::StoreError;

/// What an answer is computed from.
pub struct Context<'a> {
    pub plan: &'a Plan,
    pub now: DateTime<Utc>,
    /// The team's calendar day (answers count days against it).
    pub today: NaiveDate,
    /// How to name the CSV in lint messages and task cards.
    pub plan_path: &'a str,
    /// How to name the Markdown plan likewise.
    pub markdown_path: &'a str,
    /// How to name the plan's home in replies about edits.
    pub source_name: &'a str,
    /// Whether edits can be written back to the plan's home.
    pub writable: bool,
    /// People who may change any task (`PLAN_EDITORS`).
    pub editors: &'a [SlackUserId],
}

impl Context<'_> {
    pub fn paths(&self) -> PlanPaths<'_> {
        PlanPaths { csv: self.plan_path, markdown: self.markdown_path }
    }

    /// `file:LINE` of a task, in whichever file it is written.
    pub fn place_of(&self, task: &planbot_domain::plan::Task) -> String {
        let path = match task.form {
            TaskForm::Csv => self.plan_path,
            TaskForm::Markdown => self.markdown_path,
        };
        format!("{path}:{}", task.line)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error(transparent)]
    Store(#[from] StoreError),
}

//! Changes people ask for, applied to the newest plan at record level.
//!
//! An edit remembers the value its author saw. If the field holds something
//! else by the time the edit is applied, and not the edit's own value, a
//! human changed it in between: the edit is a conflict and nothing is
//! overwritten. Edits to other fields or tasks never conflict.
//!
//! A task of the Markdown plan is edited in its own form: its `- Status:`
//! line is rewritten the way the document's template writes it
//! (`Done — 2026-12-02 — note (initials)`), and nothing else in the file
//! changes. A milestone is closed where it is written.

use chrono::NaiveDate;

use super::markdown::{StatusLine, status_word};
use super::{Column, Plan, PlanEditError, Status, Task, TaskForm, TaskId};

/// The change itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Set a status; completing a task dates it, reopening one undates it.
    Status { seen: String, to: Status },
    /// Hand the task to another owner role.
    Owner { seen: String, to: String },
    /// Add a line to the notes, in the team's `DATE author: text` form (on
    /// a Markdown task: the status line's note, dated and signed).
    Note { text: String },
    /// Close the milestone the edit names (its `task` is the milestone id).
    CloseMilestone,
}

/// One person's change to one task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub task: TaskId,
    pub change: Change,
    /// Who asked, as the notes should name them (an owner role or a name).
    pub author: String,
    /// Which file the task is written in (how the summary words it).
    pub form: TaskForm,
}

/// What applying an edit did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Changed,
    /// The field already holds the new value: nothing to write.
    AlreadyDone,
    /// Someone changed the field since the author saw it.
    Conflict {
        current: String,
    },
    /// The task is gone from the plan.
    NoSuchTask,
}

impl Edit {
    /// A short description for commit messages: `mark DEVOPS-035 completed`.
    pub fn summary(&self) -> String {
        match &self.change {
            Change::Status { to, .. } if self.form == TaskForm::Markdown => {
                format!("mark {} {}", self.task, status_word(*to).to_lowercase())
            }
            Change::Status { to, .. } => format!("mark {} {to}", self.task),
            Change::Owner { to, .. } => format!("assign {} to {to}", self.task),
            Change::Note { .. } => format!("note on {}", self.task),
            Change::CloseMilestone => format!("close milestone {}", self.task),
        }
    }

    /// The summary with what a note says (for commit bodies).
    pub fn detail(&self) -> String {
        match &self.change {
            Change::Note { text } => format!("note on {}: \"{}\"", self.task, text.trim()),
            _ => self.summary(),
        }
    }

    /// Applies the edit to `plan` (dates use `today`), returning the new
    /// plan and what happened. Only the edited task's record changes.
    pub fn apply(&self, plan: &Plan, today: NaiveDate) -> Result<(Plan, Outcome), PlanEditError> {
        if self.change == Change::CloseMilestone {
            return close_milestone(plan, self.task.as_str(), today);
        }
        let Some(task) = plan.task(&self.task) else {
            return Ok((plan.clone(), Outcome::NoSuchTask));
        };
        if task.form == TaskForm::Markdown {
            return self.apply_to_markdown(plan, task, today);
        }
        match &self.change {
            Change::Status { seen, to } => {
                let current = task.get(Column::Status).to_owned();
                if current.parse::<Status>().ok() == Some(*to) {
                    return Ok((plan.clone(), Outcome::AlreadyDone));
                }
                if !same_status(&current, seen) {
                    return Ok((plan.clone(), Outcome::Conflict { current }));
                }
                let dated = task.completion_date.valid().is_some() || !task.get(Column::CompletionDate).is_empty();
                let updated = plan.set_field(&self.task, Column::Status.name(), to.canonical())?;
                let updated = match (to, dated) {
                    (Status::Completed, _) => {
                        updated.set_field(&self.task, Column::CompletionDate.name(), &today.to_string())?
                    }
                    (_, true) => updated.set_field(&self.task, Column::CompletionDate.name(), "")?,
                    (_, false) => updated,
                };
                Ok((updated, Outcome::Changed))
            }
            Change::Owner { seen, to } => {
                let current = task.owner().to_owned();
                if current == *to {
                    return Ok((plan.clone(), Outcome::AlreadyDone));
                }
                if !current.eq_ignore_ascii_case(seen.trim()) {
                    return Ok((plan.clone(), Outcome::Conflict { current }));
                }
                Ok((plan.set_field(&self.task, Column::Owner.name(), to)?, Outcome::Changed))
            }
            Change::Note { text } => {
                let line = format!("{today} {}: {}", self.author, text.trim());
                let notes = task.notes();
                if notes.lines().any(|existing| existing.trim() == line) {
                    return Ok((plan.clone(), Outcome::AlreadyDone));
                }
                let joined = if notes.is_empty() { line } else { format!("{notes}\n{line}") };
                Ok((plan.set_field(&self.task, Column::Notes.name(), &joined)?, Outcome::Changed))
            }
            Change::CloseMilestone => Ok((plan.clone(), Outcome::NoSuchTask)),
        }
    }

    /// A Markdown task: its status line (or owner line) rewritten alone.
    fn apply_to_markdown(&self, plan: &Plan, task: &Task, today: NaiveDate) -> Result<(Plan, Outcome), PlanEditError> {
        let (Some(markdown), Some(section)) = (plan.markdown(), plan.markdown_task(task)) else {
            return Ok((plan.clone(), Outcome::NoSuchTask));
        };
        let missing = |field| PlanEditError::NoMarkdownField(self.task.clone(), field);
        let (field, value) = match &self.change {
            Change::Status { seen, to } => {
                let status = section.status().ok_or_else(|| missing("Status"))?;
                if status.status.as_ref().ok() == Some(to) {
                    return Ok((plan.clone(), Outcome::AlreadyDone));
                }
                if !same_status(status.word, seen) {
                    return Ok((plan.clone(), Outcome::Conflict { current: status.word.to_owned() }));
                }
                (status.field, StatusLine::render(status_word(*to), today, "", &self.author))
            }
            Change::Note { text } => {
                let status = section.status().ok_or_else(|| missing("Status"))?;
                let text = text.trim();
                if status.note == text && status.by == Some(self.author.as_str()) {
                    return Ok((plan.clone(), Outcome::AlreadyDone));
                }
                (status.field, StatusLine::render(status.word, today, text, &self.author))
            }
            Change::Owner { seen, to } => {
                let field = section.owner_field().ok_or_else(|| missing("Owner"))?;
                let current = task.owner().to_owned();
                if current.eq_ignore_ascii_case(to.trim()) {
                    return Ok((plan.clone(), Outcome::AlreadyDone));
                }
                if !current.eq_ignore_ascii_case(seen.trim()) {
                    return Ok((plan.clone(), Outcome::Conflict { current }));
                }
                (field, to.trim().to_owned())
            }
            Change::CloseMilestone => return Ok((plan.clone(), Outcome::NoSuchTask)),
        };
        Ok((plan.with_markdown(markdown.with_value(field, &value))?, Outcome::Changed))
    }
}

/// Marks the milestone `id` done today, in the form its document uses.
fn close_milestone(plan: &Plan, id: &str, today: NaiveDate) -> Result<(Plan, Outcome), PlanEditError> {
    let Some(milestone) = plan.milestones().iter().find(|m| m.id.eq_ignore_ascii_case(id)) else {
        return Err(PlanEditError::UnknownMilestone(id.to_owned()));
    };
    if milestone.done.is_some() {
        return Ok((plan.clone(), Outcome::AlreadyDone));
    }
    let markdown = plan.markdown().ok_or_else(|| PlanEditError::UnknownMilestone(id.to_owned()))?;
    let closed = markdown
        .with_milestone_done(milestone, today)
        .ok_or_else(|| PlanEditError::NoNotesColumn(milestone.id.clone()))?;
    Ok((plan.with_markdown(closed)?, Outcome::Changed))
}

/// `busy` and `in-progress` are the same status; unreadable ones compare
/// as text.
fn same_status(a: &str, b: &str) -> bool {
    match (a.parse::<Status>(), b.parse::<Status>()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a.trim().eq_ignore_ascii_case(b.trim()),
    }
}

#[cfg(test)]
mod tests {
    use super::super::REQUIRED_COLUMNS;
    use super::*;

    fn plan() -> Plan {
        let rows = [
            "DEVOPS-035,devops,Prod deploy,devops,busy,high,,6,,,,\"2025-10-20 devops: waiting, on suite\",",
            "AUTH-001,backend,Design,backend,completed,high,,6,2025-09-30,,,,",
        ];
        Plan::parse(format!("{}\n{}\n", REQUIRED_COLUMNS.join(","), rows.join("\n")), None).unwrap()
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 21).unwrap()
    }

    fn edit(task: &str, change: Change) -> Edit {
        Edit { task: task.parse().unwrap(), change, author: "devops".into(), form: TaskForm::Csv }
    }

    #[test]
    fn completing_writes_the_canonical_status_and_dates_it() {
        let original = plan();
        let done = edit("DEVOPS-035", Change::Status { seen: "busy".into(), to: Status::Completed });
        let (updated, outcome) = done.apply(&original, today()).unwrap();
        assert_eq!(outcome, Outcome::Changed);
        assert!(updated.csv_text().contains("DEVOPS-035,devops,Prod deploy,devops,completed,high,,6,2026-11-21,"));
        assert_eq!(done.summary(), "mark DEVOPS-035 completed");
        let untouched = original.csv_text().lines().nth(2).unwrap();
        assert!(updated.csv_text().contains(untouched), "the other record is byte for byte the same");
    }

    #[test]
    fn reopening_a_completed_task_clears_its_date() {
        let reopen = edit("AUTH-001", Change::Status { seen: "completed".into(), to: Status::InProgress });
        let (updated, _) = reopen.apply(&plan(), today()).unwrap();
        assert!(updated.csv_text().contains("AUTH-001,backend,Design,backend,in-progress,high,,6,,"));
    }

    #[test]
    fn a_field_changed_since_the_author_saw_it_is_a_conflict() {
        let stale = edit("DEVOPS-035", Change::Status { seen: "todo".into(), to: Status::Blocked });
        let (updated, outcome) = stale.apply(&plan(), today()).unwrap();
        assert_eq!(outcome, Outcome::Conflict { current: "busy".into() });
        assert_eq!(updated.csv_text(), plan().csv_text());
    }

    #[test]
    fn an_edit_already_in_the_plan_is_not_written_twice() {
        let again = edit("AUTH-001", Change::Status { seen: "in-progress".into(), to: Status::Completed });
        // Seen as "in-progress" on the card while the file says "busy": the same status.
        let from_card = edit("DEVOPS-035", Change::Status { seen: "in-progress".into(), to: Status::Blocked });
        assert_eq!(from_card.apply(&plan(), today()).unwrap().1, Outcome::Changed);
        assert_eq!(again.apply(&plan(), today()).unwrap().1, Outcome::AlreadyDone);
        let note = edit("DEVOPS-035", Change::Note { text: "suite green".into() });
        let (once, _) = note.apply(&plan(), today()).unwrap();
        assert_eq!(note.apply(&once, today()).unwrap().1, Outcome::AlreadyDone);
    }

    #[test]
    fn notes_are_appended_with_date_and_author_first() {
        let note = edit("DEVOPS-035", Change::Note { text: "suite green, deploying".into() });
        let (updated, _) = note.apply(&plan(), today()).unwrap();
        let task = updated.task(&"DEVOPS-035".parse().unwrap()).unwrap();
        assert_eq!(task.notes(), "2025-10-20 devops: waiting, on suite\n2026-11-21 devops: suite green, deploying");
    }

    #[test]
    fn an_edit_to_a_vanished_task_reports_it() {
        let gone = edit("ZZZ-1", Change::Owner { seen: "x".into(), to: "y".into() });
        assert_eq!(gone.apply(&plan(), today()).unwrap().1, Outcome::NoSuchTask);
    }
}

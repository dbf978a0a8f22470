//! Answers coming in: the "Write update" form (answers plus status
//! changes, which go through the outbox like any edit) and plain direct
//! messages (status words offered as edits to confirm, never applied).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use planbot_slack::SlackView;

use super::messages::{self, APPLY_MENTIONED, day_label};
use super::service::{Recorded, Roster, StandupError, Standups};
use crate::caller::may_change;
use crate::standup::forms::{TaskChoice, read_update, update_form};
use planbot_domain::people::SlackUserId;
use planbot_domain::plan::{Change, Column, Edit, Status, TaskId};
use planbot_domain::standup::{Answer, AnswerSource, Response, mentioned_changes};
use planbot_reply::{Block, Button, Reply, Text};
use planbot_store::{JobKey, JobKind, NewEdit, StoreError};

/// The question a plain message answers.
pub const MESSAGE_QUESTION: &str = "Update";

fn corrupt(error: impl std::fmt::Display) -> StandupError {
    StandupError::Store(StoreError::Corrupt(error.to_string()))
}

impl Standups {
    /// Stores an answer for the standup it counts for and, when that
    /// standup's summary is out, puts it in the thread.
    pub async fn record_answer(
        &self,
        user: &SlackUserId,
        asked_for: Option<NaiveDate>,
        responses: Vec<Response>,
        source: AnswerSource,
    ) -> Result<Recorded, StandupError> {
        let roster = self.roster().await?;
        let now = self.clock.now();
        let day = self.answer_day(&roster, user, asked_for, now).await?;
        let previous = self.store.standups().answer(day, user).await?;
        let answer = Answer { day, user: user.clone(), responses, source, submitted_at: now, reply_ts: None };
        self.store.standups().save_answer(&answer).await?;
        let summary = self.store.standups().summary(day).await?;
        let late = summary.as_ref().is_some_and(|s| previous.as_ref().is_none_or(|p| p.submitted_at > s.posted_at));
        if let Some(summary) = &summary {
            if self.slack.is_some() {
                let stored = self.store.standups().answer(day, user).await?.unwrap_or(answer);
                self.post_thread_reply(summary, &stored, &roster, late).await?;
            }
        }
        let thread = summary.and_then(|s| s.permalink);
        self.thank(day, user, &roster, thread.as_deref()).await;
        Ok(Recorded { day, late, thread })
    }

    /// The form names its day; until that day's summary is out, and on the
    /// day itself, the answer counts for it. A plain message counts for
    /// the open standup, except that someone prompted today who has not
    /// answered is answering today's, late.
    async fn answer_day(
        &self,
        roster: &Roster,
        user: &SlackUserId,
        asked_for: Option<NaiveDate>,
        now: DateTime<Utc>,
    ) -> Result<NaiveDate, StandupError> {
        let calendar = roster.calendar(self.team_tz);
        let today = calendar.team_date(now);
        let open = self.open_day(roster)?;
        if let Some(day) = asked_for {
            let summarised = self.store.standups().summary(day).await?.is_some() || now >= calendar.summary_at(day);
            return Ok(if !summarised || day == today { day } else { open });
        }
        if calendar.is_standup_day(today) && now >= calendar.summary_at(today) {
            let prompted = self.store.standups().job(&JobKey::person(JobKind::Prompt, today, user)).await?;
            let answered = self.store.standups().answer(today, user).await?.is_some();
            if prompted.is_some_and(|job| job.done_at.is_some()) && !answered {
                return Ok(today);
            }
        }
        Ok(open)
    }

    /// The "Write update" form for the standup `day` (as the prompt's
    /// button says), filled in with the person's answer when they gave one.
    pub async fn update_form(&self, user: &SlackUserId, day: NaiveDate) -> Result<SlackView, StandupError> {
        let config = self.config().await?;
        let previous = self.store.standups().answer(day, user).await?;
        let roles = self.store.roles_of(user).await?;
        let loaded = self.plan.current();
        let mut tasks = Vec::new();
        for position in messages::open_tasks(&loaded.plan, &roles) {
            let task = &loaded.plan.tasks()[position];
            let editable = self.writable() && may_change(self.store.as_ref(), &self.editors, user, task).await?;
            tasks.push(TaskChoice {
                id: task.id.clone(),
                title: task.title().to_owned(),
                status: task.status(),
                editable,
            });
        }
        let draft = if previous.is_none() { self.kept_draft(day, user) } else { None };
        update_form(day, &config.questions, previous.as_ref(), draft.as_deref(), &tasks).map_err(corrupt)
    }

    /// A submitted form: status changes are queued as edits (only those the
    /// person may make, only those that change something), then the
    /// answer is recorded.
    pub async fn submit_update(
        &self,
        user: &SlackUserId,
        author: &str,
        day: NaiveDate,
        values: &BTreeMap<String, String>,
        submission_id: &str,
    ) -> Result<(Recorded, usize), StandupError> {
        let config = self.config().await?;
        let (responses, statuses) = read_update(&config.questions, values);
        let queued = self.queue_status_changes(user, author, &statuses, submission_id).await?;
        let recorded = self.record_answer(user, Some(day), responses, AnswerSource::Modal).await?;
        Ok((recorded, queued))
    }

    async fn queue_status_changes(
        &self,
        user: &SlackUserId,
        author: &str,
        statuses: &[(TaskId, Status)],
        submission_id: &str,
    ) -> Result<usize, StandupError> {
        if !self.writable() {
            return Ok(0);
        }
        let loaded = self.plan.current();
        let mut edits = Vec::new();
        for (id, to) in statuses {
            let Some(task) = loaded.plan.task(id) else { continue };
            if task.status() == Some(*to) || !may_change(self.store.as_ref(), &self.editors, user, task).await? {
                continue;
            }
            let change = Change::Status { seen: task.get(Column::Status).to_owned(), to: *to };
            edits.push(NewEdit {
                applied_by: None,
                idempotency_key: Some(format!("{submission_id}#{id}")),
                author_id: user.clone(),
                edit: Edit { task: task.id.clone(), change, author: author.to_owned(), form: task.form },
            });
        }
        if !edits.is_empty() {
            self.store.enqueue_edits(&edits, self.clock.now()).await?;
            if let Some(committer) = &self.committer {
                committer.notify_one();
            }
        }
        Ok(edits.len())
    }

    /// A direct message to planbot: recorded as the person's answer; task
    /// ids with a status word come back as buttons to confirm.
    pub async fn message_received(&self, user: &SlackUserId, text: &str) -> Result<Reply, StandupError> {
        let responses = vec![Response { question: MESSAGE_QUESTION.to_owned(), text: text.to_owned() }];
        let recorded = self.record_answer(user, None, responses, AnswerSource::Message).await?;
        let mut said =
            Text::plain(format!("Got it: your update counts for the standup of {}", day_label(recorded.day)));
        said = match (&recorded.thread, recorded.late) {
            (Some(link), true) => said.and_plain(", and it is in the ").and_link(link, "summary thread").and_plain("."),
            _ => said.and_plain("."),
        };
        let mut blocks = vec![Block::Paragraph(said)];
        let changes = mentioned_changes(text, &self.plan.current().plan);
        if !changes.is_empty() && self.writable() {
            blocks.push(Block::Paragraph(Text::plain("Change the plan too?")));
            blocks.push(Block::Buttons(
                changes
                    .iter()
                    .map(|c| Button {
                        label: format!("Mark {} {}", c.task, c.to.canonical()),
                        action_id: APPLY_MENTIONED,
                        value: format!("{} {}", c.task, c.to.canonical()),
                        primary: false,
                    })
                    .collect(),
            ));
        }
        Ok(Reply::new(blocks))
    }
}

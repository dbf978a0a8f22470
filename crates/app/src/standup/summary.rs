//! The summary: the parent message in the channel (posted once; a retry
//! finds it stored), each answer as a reply in its thread, and the
//! prompts turned into "Thanks — posted".

use std::sync::Arc;

use chrono::NaiveDate;

use super::messages::{self, BlockedLine, Roll};
use super::service::{Outcome, Roster, StandupError, Standups};
use planbot_domain::people::SlackUserId;
use planbot_domain::plan::Status;
use planbot_domain::standup::Answer;
use planbot_slack::web::PostedMessage;
use planbot_store::{JobKey, JobKind, Member, SummaryRecord};

impl Standups {
    /// The summary job for `day`; true when this call posted it.
    pub(crate) async fn summary_job(self: &Arc<Self>, day: NaiveDate) -> Result<bool, StandupError> {
        let key = JobKey::team(JobKind::Summary, day);
        self.run_job(key, || self.post_summary(day)).await
    }

    /// Posts the parent message (once: a retry finds it stored), then each
    /// answer into its thread, then thanks each person who answered.
    async fn post_summary(&self, day: NaiveDate) -> Result<Outcome, StandupError> {
        let roster = self.roster().await?;
        let summary = match self.store.standups().summary(day).await? {
            Some(summary) => summary,
            None => self.post_parent(day, &roster).await?,
        };
        let answers = self.store.standups().answers_on(day).await?;
        for answer in answers.iter().filter(|a| a.reply_ts.is_none()) {
            self.post_thread_reply(&summary, answer, &roster, false).await?;
        }
        for answer in &answers {
            self.thank(day, &answer.user, &roster, summary.permalink.as_deref()).await;
        }
        Ok(Outcome::Sent(format!("{} {}", summary.channel, summary.ts)))
    }

    async fn post_parent(&self, day: NaiveDate, roster: &Roster) -> Result<SummaryRecord, StandupError> {
        let channel = roster.config.channel.clone().ok_or(StandupError::NoChannel)?;
        let answers = self.store.standups().answers_on(day).await?;
        let (away, expected): (Vec<&Member>, Vec<&Member>) = roster.members.iter().partition(|m| m.is_away_on(day));
        let loaded = self.plan.current();
        let mut roles = Vec::new();
        for member in &expected {
            roles.extend(self.store.roles_of(&member.user).await?);
        }
        let report = self.report_for(roster, day).await?;
        let blocked: Vec<BlockedLine> = messages::open_tasks_with_status(&loaded.plan, &roles, Status::Blocked)
            .into_iter()
            .map(|position| BlockedLine { position, note: report.note(position) })
            .collect();
        let roll = Roll { day, answers: &answers, expected, away, mention_missing: roster.config.mention_missing };
        let reply = messages::summary(&loaded.plan, &roll, &blocked);
        let slack = self.slack()?;
        let posted = slack.post(&channel, &reply, None).await?;
        let permalink = match slack.permalink(&posted).await {
            Ok(link) => Some(link),
            Err(error) => {
                tracing::warn!(error = %error, "no permalink for the standup summary");
                None
            }
        };
        let record =
            SummaryRecord { day, channel: posted.channel, ts: posted.ts, permalink, posted_at: self.clock.now() };
        self.store.standups().save_summary(&record).await?;
        Ok(record)
    }

    /// Posts (or, when it is already there, updates) a person's answer in
    /// the summary thread.
    pub(crate) async fn post_thread_reply(
        &self,
        summary: &SummaryRecord,
        answer: &Answer,
        roster: &Roster,
        late: bool,
    ) -> Result<(), StandupError> {
        let name = roster.member(&answer.user).map_or_else(|| answer.user.to_string(), Member::display_name);
        let reply = messages::thread_reply(&name, answer, late);
        let slack = self.slack()?;
        match &answer.reply_ts {
            Some(ts) => {
                let message = PostedMessage { channel: summary.channel.clone(), ts: ts.clone() };
                slack.update(&message, &reply).await?;
            }
            None => {
                let posted = slack.post(&summary.channel, &reply, Some(&summary.ts)).await?;
                self.store.standups().set_answer_reply(answer.day, &answer.user, &posted.ts).await?;
            }
        }
        Ok(())
    }

    /// Turns the person's prompt into "Thanks — posted"; best effort.
    /// `thread` is the summary's permalink, once it is posted.
    pub(crate) async fn thank(&self, day: NaiveDate, user: &SlackUserId, roster: &Roster, thread: Option<&str>) {
        let Ok(Some(job)) = self.store.standups().job(&JobKey::person(JobKind::Prompt, day, user)).await else {
            return;
        };
        let Some(prompt) = job.detail.as_deref().and_then(PostedMessage::from_detail) else { return };
        let tz = roster.member(user).map_or(self.team_tz, |m| self.tz_of(m));
        let summary_at = roster.calendar(self.team_tz).summary_at(day);
        let reply = messages::thanks(day, thread, summary_at, tz);
        if let Ok(slack) = self.slack() {
            if let Err(error) = slack.update(&prompt, &reply).await {
                tracing::warn!(error = %error, user = %user, "could not update the standup prompt");
            }
        }
    }
}

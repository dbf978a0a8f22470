//! The digest service: keeps a daily snapshot of the plan's statuses,
//! gathers the week's facts from planbot's records, and posts the digest
//! (with its chart in the thread) once per week.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;

use super::chart::{ChartError, render_png};
use super::content::{Digest, HISTORY_DAYS, Snapshot, WeekFacts, build, snapshot_text};
use super::schedule::DigestSchedule;
use crate::jobs::{Outcome, run_once};
use planbot_domain::clock::Clock;
use planbot_domain::plan::{Change, Status};
use planbot_slack::web::{SlackWeb, SlackWebError};
use planbot_source::LivePlan;
use planbot_store::{DigestRecord, EditState, JobKey, JobKind, Member, Store, StoreError};

/// Edits looked at for "completed by" and "not written yet".
const EDITS_LOOKED_AT: u32 = 500;

#[derive(Debug, thiserror::Error)]
pub enum DigestError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Slack(#[from] SlackWebError),
    #[error("the chart could not be drawn: {0}")]
    Chart(#[from] ChartError),
    #[error("Slack is not connected here (SLACK_BOT_TOKEN is not set)")]
    NoSlack,
    #[error("no channel for the digest: set OPS_CHANNEL")]
    NoChannel,
}

pub struct Digests {
    store: Arc<dyn Store>,
    plan: Arc<LivePlan>,
    clock: Arc<dyn Clock>,
    team_tz: Tz,
    schedule: DigestSchedule,
    channel: Option<String>,
    slack: Option<SlackWeb>,
    /// The plan load last snapshotted, so an unchanged plan is not
    /// written again every tick.
    snapshotted: Mutex<Option<(NaiveDate, DateTime<Utc>)>>,
}

impl Digests {
    pub fn new(
        store: Arc<dyn Store>,
        plan: Arc<LivePlan>,
        clock: Arc<dyn Clock>,
        team_tz: Tz,
        schedule: DigestSchedule,
        channel: Option<String>,
    ) -> Digests {
        Digests { store, plan, clock, team_tz, schedule, channel, slack: None, snapshotted: Mutex::new(None) }
    }

    pub fn with_slack(mut self, slack: SlackWeb) -> Digests {
        self.slack = Some(slack);
        self
    }

    /// Records today's statuses, then posts the digest if it is due.
    /// True when this call posted it.
    pub async fn tick(&self) -> Result<bool, DigestError> {
        // No snapshot of a plan that is not there: it would read as every
        // task gone.
        if !self.plan.is_loaded() {
            return Ok(false);
        }
        self.snapshot().await?;
        let Some(due) = self.schedule.due(self.clock.now()) else { return Ok(false) };
        if self.slack.is_none() {
            return Ok(false);
        }
        let key = JobKey::team(JobKind::Digest, due.week);
        let posted = run_once(self.store.as_ref(), self.clock.as_ref(), key, || self.post(due.week, due.late)).await?;
        if posted {
            crate::jobs::record_lateness(JobKind::Digest, due.due_at, self.clock.now());
        }
        Ok(posted)
    }

    /// Posts this week's digest now if it was not posted yet (the week
    /// of the last scheduled time, or today's date before the first one).
    pub async fn post_now(&self) -> Result<(NaiveDate, bool), DigestError> {
        self.snapshot().await?;
        let now = self.clock.now();
        let week = self.schedule.due(now).map_or_else(|| now.with_timezone(&self.team_tz).date_naive(), |d| d.week);
        let key = JobKey::team(JobKind::Digest, week);
        let posted = run_once(self.store.as_ref(), self.clock.as_ref(), key, || self.post(week, false)).await?;
        Ok((week, posted))
    }

    /// Keeps today's snapshot up to date with the plan in memory.
    pub async fn snapshot(&self) -> Result<(), DigestError> {
        let loaded = self.plan.current();
        let today = self.clock.now().with_timezone(&self.team_tz).date_naive();
        let marker = Some((today, loaded.loaded_at));
        if *self.snapshotted.lock().unwrap_or_else(|p| p.into_inner()) == marker {
            return Ok(());
        }
        let text = snapshot_text(&loaded.plan);
        self.store.standups().save_plan_snapshot(today, &text, self.clock.now()).await?;
        *self.snapshotted.lock().unwrap_or_else(|p| p.into_inner()) = marker;
        Ok(())
    }

    /// The digest as it would read now for `week`.
    pub async fn build(&self, week: NaiveDate, late: bool) -> Result<Digest, DigestError> {
        let history: Vec<Snapshot> = self
            .store
            .standups()
            .plan_snapshots(week - Duration::days(HISTORY_DAYS), week)
            .await?
            .into_iter()
            .filter(|(day, _)| *day < week)
            .map(|(day, text)| Snapshot { day, text })
            .collect();
        let facts = self.facts(week).await?;
        Ok(build(&self.plan.current().plan, week, &history, &facts, late))
    }

    /// Today's digest (for `/plan digest` and `--dry-run`).
    pub async fn build_now(&self) -> Result<Digest, DigestError> {
        let today = self.clock.now().with_timezone(&self.team_tz).date_naive();
        self.build(today, false).await
    }

    async fn facts(&self, week: NaiveDate) -> Result<WeekFacts, DigestError> {
        let since = week - Duration::days(7);
        let edits = self.store.recent_edits(None, EDITS_LOOKED_AT).await?;
        let mut facts = WeekFacts::default();
        for queued in &edits {
            let day = queued.created_at.with_timezone(&self.team_tz).date_naive();
            match (&queued.state, &queued.edit.change) {
                (EditState::Committed, Change::Status { to: Status::Completed, .. }) if since <= day && day < week => {
                    facts.completed_by.entry(queued.edit.task.clone()).or_insert_with(|| queued.edit.author.clone());
                }
                (EditState::Pending | EditState::Failed | EditState::Conflict, _) => {
                    let why = queued.last_error.as_deref().map(|e| format!(": {e}")).unwrap_or_default();
                    facts.edits_waiting.push(format!(
                        "{} · {} by {}{why}",
                        queued.edit.summary(),
                        queued.state.as_str(),
                        queued.edit.author
                    ));
                }
                _ => {}
            }
        }
        facts.participation = self.participation(since, week).await?;
        Ok(facts)
    }

    /// Answers per person over the standups held last week.
    async fn participation(
        &self,
        since: NaiveDate,
        week: NaiveDate,
    ) -> Result<Vec<(String, usize, usize)>, DigestError> {
        let store = self.store.standups();
        let mut held = 0;
        let mut answered: HashMap<String, usize> = HashMap::new();
        for day in since.iter_days().take_while(|d| *d < week) {
            if store.summary(day).await?.is_none() {
                continue;
            }
            held += 1;
            for answer in store.answers_on(day).await? {
                *answered.entry(answer.user.to_string()).or_insert(0) += 1;
            }
        }
        if held == 0 {
            return Ok(Vec::new());
        }
        let members: Vec<Member> = store.standup_members().await?.into_iter().filter(Member::takes_part).collect();
        let mut rows: Vec<(String, usize, usize)> = members
            .iter()
            .map(|m| (m.display_name(), answered.get(m.user.as_str()).copied().unwrap_or(0), held))
            .collect();
        rows.sort();
        Ok(rows)
    }

    async fn post(&self, week: NaiveDate, late: bool) -> Result<Outcome, DigestError> {
        let slack = self.slack.as_ref().ok_or(DigestError::NoSlack)?;
        let channel = self.channel.clone().ok_or(DigestError::NoChannel)?;
        let digest = self.build(week, late).await?;
        let posted = slack.post(&channel, &digest.reply, None).await?;
        let record = DigestRecord {
            week,
            channel: posted.channel.clone(),
            ts: posted.ts.clone(),
            headline: digest.headline.clone(),
            late,
            posted_at: self.clock.now(),
        };
        self.store.standups().save_digest(&record).await?;
        // The message is out; a chart that fails to upload is logged, not
        // worth a second digest.
        match render_png(&digest.chart) {
            Ok(png) => {
                let name = format!("plan-{week}.png");
                if let Err(error) = slack
                    .upload(&posted.channel, Some(&posted.ts), &name, "Open tasks by status, last 8 weeks", png)
                    .await
                {
                    tracing::warn!(error = %error, "could not upload the digest chart");
                }
            }
            Err(error) => tracing::warn!(error = %error, "could not draw the digest chart"),
        }
        Ok(Outcome::Sent(posted.to_detail()))
    }
}

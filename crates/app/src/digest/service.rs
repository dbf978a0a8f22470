//! The digest service: keeps a daily snapshot of the plan's statuses,
//! gathers the week's facts from planbot's records, and posts the digest
//! once per week: the message with Slack's own chart and status table,
//! then the blocked and milestone tables in its thread. Where Slack
//! refuses those blocks (`invalid_blocks`) or `DIGEST_CHART=png` asks,
//! the chart goes to the thread as a PNG instead.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;

use super::chart::{ChartError, render_png};
use super::content::{CHART_TITLE, Digest, HISTORY_DAYS, WeekFacts, build, snapshot_text};
use super::schedule::DigestSchedule;
use crate::history::snapshots_before;
use crate::jobs::{Outcome, run_once};
use crate::standup::Standups;
use planbot_domain::clock::Clock;
use planbot_domain::plan::{Change, Status};
use planbot_slack::blocks::Style;
use planbot_slack::web::{PostedMessage, SlackWeb, SlackWebError};
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
    #[error("the blockers could not be read: {0}")]
    Blockers(#[from] crate::standup::StandupError),
}

/// How the digest draws its trend (`DIGEST_CHART`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ChartStyle {
    /// Slack's `data_visualization` block, falling back to the PNG when
    /// Slack refuses it.
    #[default]
    Native,
    /// Always the PNG, uploaded in the thread.
    Png,
}

impl std::str::FromStr for ChartStyle {
    type Err = String;

    fn from_str(text: &str) -> Result<ChartStyle, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "native" | "blocks" => Ok(ChartStyle::Native),
            "png" | "image" => Ok(ChartStyle::Png),
            other => Err(format!("`{other}` is not a chart style: use native (Slack's chart block) or png")),
        }
    }
}

/// Slack's answer to blocks it does not accept in this workspace.
const REFUSED_BLOCKS: &str = "invalid_blocks";

pub struct Digests {
    chart_style: ChartStyle,
    store: Arc<dyn Store>,
    plan: Arc<LivePlan>,
    clock: Arc<dyn Clock>,
    team_tz: Tz,
    schedule: DigestSchedule,
    channel: Option<String>,
    slack: Option<SlackWeb>,
    /// The standup service, for the blockers' stalls and who can move them.
    standups: Option<Arc<Standups>>,
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
        Digests {
            chart_style: ChartStyle::default(),
            store,
            plan,
            clock,
            team_tz,
            schedule,
            channel,
            slack: None,
            standups: None,
            snapshotted: Mutex::new(None),
        }
    }

    pub fn with_standups(mut self, standups: Arc<Standups>) -> Digests {
        self.standups = Some(standups);
        self
    }

    pub fn with_chart_style(mut self, chart_style: ChartStyle) -> Digests {
        self.chart_style = chart_style;
        self
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
        let history = snapshots_before(self.store.as_ref(), week, HISTORY_DAYS).await?;
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
        if let Some(standups) = &self.standups {
            facts.blockers = Some(standups.blocker_report().await?);
        }
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
        let (posted, style) = self.post_message(slack, &channel, &digest).await?;
        let record = DigestRecord {
            week,
            channel: posted.channel.clone(),
            ts: posted.ts.clone(),
            headline: digest.headline.clone(),
            late,
            posted_at: self.clock.now(),
        };
        self.store.standups().save_digest(&record).await?;
        // The message is out; what follows in its thread is logged when it
        // fails, not worth a second digest.
        for reply in &digest.thread {
            if let Err(error) = post_falling_back(slack, &posted.channel, reply, Some(&posted.ts), style).await {
                tracing::warn!(error = %error, "could not post a digest table in the thread");
            }
        }
        if digest.has_trend && !style.native_charts {
            self.upload_chart(slack, &digest, &posted).await;
        }
        Ok(Outcome::Sent(posted.to_detail()))
    }

    /// Posts the channel message in the configured style (text if Slack
    /// refuses it); says which style was posted.
    async fn post_message(
        &self,
        slack: &SlackWeb,
        channel: &str,
        digest: &Digest,
    ) -> Result<(PostedMessage, Style), DigestError> {
        let style = match self.chart_style {
            ChartStyle::Native => Style::NATIVE,
            ChartStyle::Png => Style::NATIVE_TABLES,
        };
        Ok(post_falling_back(slack, channel, &digest.reply, None, style).await?)
    }

    async fn upload_chart(&self, slack: &SlackWeb, digest: &Digest, posted: &PostedMessage) {
        match render_png(&digest.chart) {
            Ok(png) => {
                let name = format!("plan-{}.png", digest.week);
                if let Err(error) = slack.upload(&posted.channel, Some(&posted.ts), &name, CHART_TITLE, png).await {
                    tracing::warn!(error = %error, "could not upload the digest chart");
                }
            }
            Err(error) => tracing::warn!(error = %error, "could not draw the digest chart"),
        }
    }
}

/// Posts in `style`, again as text if Slack refuses the native blocks;
/// says which style was posted.
async fn post_falling_back(
    slack: &SlackWeb,
    channel: &str,
    reply: &planbot_reply::Reply,
    thread_ts: Option<&str>,
    style: Style,
) -> Result<(PostedMessage, Style), SlackWebError> {
    match slack.post_in(channel, reply, thread_ts, style).await {
        Err(error) if error.code() == Some(REFUSED_BLOCKS) && style != Style::CLASSIC => {
            tracing::warn!("Slack refused the digest's table or chart block; posting it as text (the chart as a PNG)");
            metrics::counter!("planbot_digest_block_fallbacks_total").increment(1);
            Ok((slack.post_in(channel, reply, thread_ts, Style::CLASSIC).await?, Style::CLASSIC))
        }
        answer => Ok((answer?, style)),
    }
}

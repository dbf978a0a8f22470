//! The standup service: each tick sends the prompts, reminders and
//! summaries that are due, each exactly once (a job keyed by kind, day and
//! person in the store), catching up on any missed while planbot was down
//! as long as they are still useful. Answers are recorded here too.

use std::collections::BTreeSet;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use tokio::sync::{Notify, Semaphore};
use tokio::task::{JoinHandle, JoinSet};

use super::messages;
pub(crate) use crate::jobs::Outcome;
use crate::jobs::run_once;
use planbot_domain::clock::Clock;
use planbot_domain::people::SlackUserId;
use planbot_domain::standup::Calendar;
use planbot_domain::standup::StandupConfig;
use planbot_slack::web::{Profile, SlackWeb, SlackWebError};
use planbot_source::{LivePlan, RepoActivity};
use planbot_store::{JobKey, JobKind, Member, Store, StoreError};

/// Slack profiles (time zone, name) are fetched again after a day.
const PROFILE_TTL: chrono::Duration = chrono::Duration::hours(24);
/// How often the scheduler looks for due work.
pub const TICK_EVERY: Duration = Duration::from_secs(20);
/// Sends in flight at once during a fan-out.
const DEFAULT_FAN_OUT: usize = 16;

#[derive(Debug, thiserror::Error)]
pub enum StandupError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Slack(#[from] SlackWebError),
    #[error("Slack is not connected here (SLACK_BOT_TOKEN is not set)")]
    NoSlack,
    #[error("no summary channel is set: set OPS_CHANNEL or pick one with /plan standup config")]
    NoChannel,
}

/// What a tick (or a manual send) did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Sent {
    pub prompts: usize,
    pub reminders: usize,
    pub summaries: usize,
    /// People sent a nudge about stalled blockers.
    pub nudges: usize,
}

/// A standup day's fixed times, worked out once per tick.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DayTimes {
    pub summary_at: DateTime<Utc>,
    /// Zero when reminders are off (no reminder job is made then).
    pub remind_after: chrono::Duration,
}

/// Everything the standup needs to know at one moment.
pub(crate) struct Roster {
    pub config: StandupConfig,
    pub skipped: BTreeSet<NaiveDate>,
    /// People taking part (whether or not away).
    pub members: Vec<Member>,
}

impl Roster {
    pub fn calendar(&self, team_tz: Tz) -> Calendar<'_> {
        Calendar::new(&self.config, team_tz, &self.skipped)
    }

    pub fn times(&self, team_tz: Tz, day: NaiveDate) -> DayTimes {
        let remind_after = self.config.remind_after.and_then(|d| chrono::Duration::from_std(d).ok());
        DayTimes { summary_at: self.calendar(team_tz).summary_at(day), remind_after: remind_after.unwrap_or_default() }
    }

    pub fn member(&self, user: &SlackUserId) -> Option<&Member> {
        self.members.iter().find(|m| m.user == *user)
    }
}

/// Where an answer went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub day: NaiveDate,
    /// It came after the summary was posted.
    pub late: bool,
    /// The summary thread, when the answer is already in it.
    pub thread: Option<String>,
}

pub struct Standups {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) plan: Arc<LivePlan>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) team_tz: Tz,
    defaults: StandupConfig,
    pub(crate) slack: Option<SlackWeb>,
    pub(crate) editors: Vec<SlackUserId>,
    pub(crate) committer: Option<Arc<Notify>>,
    fan_out: usize,
    /// Working days a blocker may stand still before its nudge (0: never).
    pub(crate) nudge_after: u32,
    /// The day this instance's nudge round last went through.
    pub(crate) nudged_on: std::sync::Mutex<Option<NaiveDate>>,
    /// The plan repository's activity, for drafts (GitHub plans only).
    pub(crate) activity: Option<Arc<dyn RepoActivity>>,
    /// This round's read of that activity, shared by every prompt.
    pub(crate) round: tokio::sync::Mutex<super::drafts::RoundActivity>,
    /// Each person's draft for a day, for their Write update form.
    pub(crate) drafted: std::sync::Mutex<std::collections::HashMap<(NaiveDate, SlackUserId), String>>,
    /// Set on shutdown: sends in flight finish, no new ones start.
    stopping: AtomicBool,
    wake: Notify,
}

impl Standups {
    pub fn new(
        store: Arc<dyn Store>,
        plan: Arc<LivePlan>,
        clock: Arc<dyn Clock>,
        team_tz: Tz,
        defaults: StandupConfig,
    ) -> Standups {
        Standups {
            store,
            plan,
            clock,
            team_tz,
            defaults,
            slack: None,
            editors: Vec::new(),
            committer: None,
            fan_out: DEFAULT_FAN_OUT,
            nudge_after: crate::blockers::DEFAULT_NUDGE_AFTER,
            nudged_on: std::sync::Mutex::new(None),
            activity: None,
            round: tokio::sync::Mutex::new(None),
            drafted: std::sync::Mutex::default(),
            stopping: AtomicBool::new(false),
            wake: Notify::new(),
        }
    }

    pub fn with_slack(mut self, slack: SlackWeb) -> Standups {
        self.slack = Some(slack);
        self
    }

    /// Nudges after `working_days` without a change (`BLOCKER_NUDGE_AFTER`; 0 turns them off).
    pub fn with_nudge_after(mut self, working_days: u32) -> Standups {
        self.nudge_after = working_days;
        self
    }

    /// Drafts prompts from the plan repository's commits and pull requests.
    pub fn with_activity(mut self, activity: Arc<dyn RepoActivity>) -> Standups {
        self.activity = Some(activity);
        self
    }

    pub fn with_editors(mut self, editors: Vec<SlackUserId>) -> Standups {
        self.editors = editors;
        self
    }

    /// Status changes made in answers are queued as plan edits; the
    /// committer is woken after each.
    pub fn with_committer(mut self, committer: Arc<Notify>) -> Standups {
        self.committer = Some(committer);
        self
    }

    pub fn with_fan_out(mut self, sends_in_flight: usize) -> Standups {
        self.fan_out = sends_in_flight.max(1);
        self
    }

    pub fn writable(&self) -> bool {
        self.committer.is_some()
    }

    pub(crate) fn slack(&self) -> Result<&SlackWeb, StandupError> {
        self.slack.as_ref().ok_or(StandupError::NoSlack)
    }

    pub fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    pub fn team_tz(&self) -> Tz {
        self.team_tz
    }

    /// The stored settings, or the defaults from the environment.
    pub async fn config(&self) -> Result<StandupConfig, StandupError> {
        Ok(self.store.standups().standup_config().await?.unwrap_or_else(|| self.defaults.clone()))
    }

    /// Saves an editor's settings; without a channel of their own the
    /// summary keeps going to `OPS_CHANNEL`.
    pub async fn save_config(&self, config: &StandupConfig, by: &SlackUserId) -> Result<(), StandupError> {
        let mut config = config.clone();
        config.channel = config.channel.or_else(|| self.defaults.channel.clone());
        self.store.standups().save_standup_config(&config, by, self.clock.now()).await?;
        Ok(())
    }

    pub(crate) async fn roster(&self) -> Result<Roster, StandupError> {
        let config = self.config().await?;
        let skipped = self.store.standups().skip_days().await?.into_iter().map(|s| s.day).collect();
        let members = self.store.standups().standup_members().await?.into_iter().filter(Member::takes_part).collect();
        Ok(Roster { config, skipped, members })
    }

    /// A person's time zone: what Slack said, else the team's.
    pub(crate) fn tz_of(&self, member: &Member) -> Tz {
        member.tz.as_deref().and_then(|tz| tz.parse().ok()).unwrap_or(self.team_tz)
    }

    /// Stops the scheduler gracefully: sends already started finish (and
    /// are recorded as done), nothing new starts. A restarted instance
    /// picks up whatever was left.
    pub fn stop(&self) {
        self.stopping.store(true, Ordering::SeqCst);
        self.wake.notify_one();
    }

    fn is_stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }

    /// Runs the scheduler until `stop` is called.
    pub fn spawn(self: Arc<Self>) -> JoinHandle<()> {
        tokio::spawn(async move {
            while !self.is_stopping() {
                match self.tick().await {
                    Ok(sent) if sent != Sent::default() => tracing::info!(
                        prompts = sent.prompts,
                        reminders = sent.reminders,
                        summaries = sent.summaries,
                        "standup sends"
                    ),
                    Ok(_) => {}
                    Err(error) => tracing::warn!(error = %error, "standup tick failed"),
                }
                tokio::select! {
                    () = tokio::time::sleep(TICK_EVERY) => {}
                    () = self.wake.notified() => {}
                }
            }
        })
    }

    /// Sends whatever is due now: prompts and reminders until a day's
    /// summary, the summary until the end of its day.
    pub async fn tick(self: &Arc<Self>) -> Result<Sent, StandupError> {
        // Prompts list people's tasks: without a plan there is nothing true
        // to send yet.
        if self.slack.is_none() || !self.plan.is_loaded() {
            return Ok(Sent::default());
        }
        let mut roster = self.roster().await?;
        self.refresh_profiles(&mut roster).await;
        let now = self.clock.now();
        let calendar = roster.calendar(self.team_tz);
        let mut sent = Sent::default();
        for day in calendar.days_in_play(now) {
            if now < calendar.summary_at(day) {
                let due = |m: &&Member| calendar.prompt_at(day, self.tz_of(m)) <= now;
                let prompted: Vec<Member> = roster.members.iter().filter(due).cloned().collect();
                let times = roster.times(self.team_tz, day);
                sent.prompts += self.fan_out(JobKind::Prompt, day, prompted, times).await;
                let reminded: Vec<Member> = roster
                    .members
                    .iter()
                    .filter(|m| calendar.reminder_at(day, self.tz_of(m)).is_some_and(|at| at <= now))
                    .cloned()
                    .collect();
                sent.reminders += self.fan_out(JobKind::Reminder, day, reminded, times).await;
            } else if now < calendar.end_of_day(day) && self.summary_job(day).await? {
                sent.summaries += 1;
                crate::jobs::record_lateness(JobKind::Summary, calendar.summary_at(day), self.clock.now());
            }
        }
        sent.nudges = self.nudge_round(&roster, now).await?;
        Ok(sent)
    }

    /// `send-prompts` by hand: everyone taking part is asked for the
    /// standup now open, once, whatever the time.
    pub async fn send_prompts_now(self: &Arc<Self>) -> Result<(NaiveDate, usize), StandupError> {
        self.slack()?;
        let mut roster = self.roster().await?;
        self.refresh_profiles(&mut roster).await;
        let day = self.open_day(&roster)?;
        let times = roster.times(self.team_tz, day);
        let sent = self.fan_out(JobKind::Prompt, day, roster.members.clone(), times).await;
        Ok((day, sent))
    }

    /// `send-summary` by hand: today's summary (or the open standup's when
    /// today has none), once.
    pub async fn send_summary_now(self: &Arc<Self>) -> Result<(NaiveDate, bool), StandupError> {
        self.slack()?;
        let roster = self.roster().await?;
        let calendar = roster.calendar(self.team_tz);
        let today = calendar.team_date(self.clock.now());
        let day = if calendar.is_standup_day(today) { today } else { self.open_day(&roster)? };
        Ok((day, self.summary_job(day).await?))
    }

    /// The standup answers written now count for, if standups run at all.
    pub async fn open_standup_day(&self) -> Result<Option<NaiveDate>, StandupError> {
        let roster = self.roster().await?;
        Ok(roster.calendar(self.team_tz).day_answering_at(self.clock.now()))
    }

    /// The standup answers written now count for.
    pub(crate) fn open_day(&self, roster: &Roster) -> Result<NaiveDate, StandupError> {
        roster
            .calendar(self.team_tz)
            .day_answering_at(self.clock.now())
            .ok_or_else(|| StandupError::Store(StoreError::Corrupt("no standup days are configured".into())))
    }

    /// Fetches the Slack profile of everyone whose copy is missing or a
    /// day old; a failure keeps the old copy (or the team's time zone).
    async fn refresh_profiles(self: &Arc<Self>, roster: &mut Roster) {
        let now = self.clock.now();
        let stale: Vec<usize> = (0..roster.members.len())
            .filter(|i| roster.members[*i].profile_checked_at.is_none_or(|at| now - at > PROFILE_TTL))
            .collect();
        let permits = Arc::new(Semaphore::new(self.fan_out));
        let mut lookups = JoinSet::new();
        for index in stale {
            let (this, user, permits) = (Arc::clone(self), roster.members[index].user.clone(), Arc::clone(&permits));
            lookups.spawn(async move {
                let _permit = permits.acquire_owned().await;
                (index, this.fetch_profile(&user).await)
            });
        }
        while let Some(Ok((index, fetched))) = lookups.join_next().await {
            match fetched {
                Ok(profile) => {
                    let member = &mut roster.members[index];
                    member.name = profile.name.or(member.name.take());
                    member.tz = profile.tz.or(member.tz.take());
                    member.email = profile.email;
                }
                Err(error) => tracing::warn!(error = %error, "could not read a Slack profile; using the last known"),
            }
        }
    }

    async fn fetch_profile(&self, user: &SlackUserId) -> Result<Profile, StandupError> {
        let profile = self.slack()?.profile(user).await?;
        let now = self.clock.now();
        let store = self.store.standups();
        store.save_profile(user, profile.name.as_deref(), profile.tz.as_deref(), now).await?;
        store.save_email(user, profile.email.as_deref()).await?;
        Ok(profile)
    }

    /// Runs one kind of per-person job for `members`, `fan_out` at a time;
    /// returns how many were sent by this call.
    async fn fan_out(self: &Arc<Self>, kind: JobKind, day: NaiveDate, members: Vec<Member>, times: DayTimes) -> usize {
        let permits = Arc::new(Semaphore::new(self.fan_out));
        let mut sends = JoinSet::new();
        for member in members.into_iter().filter(|m| !m.is_away_on(day)) {
            let (this, permits) = (Arc::clone(self), Arc::clone(&permits));
            sends.spawn(async move {
                let _permit = permits.acquire_owned().await;
                if this.is_stopping() {
                    return false;
                }
                let key = JobKey::person(kind, day, &member.user);
                let outcome = match kind {
                    JobKind::Prompt => this.run_job(key, || this.send_prompt(day, &member, times)).await,
                    _ => this.run_job(key, || this.send_reminder(day, &member, times)).await,
                };
                outcome.unwrap_or_else(|error| {
                    tracing::warn!(error = %error, user = %member.user, job = kind.as_str(), "standup send failed");
                    false
                })
            });
        }
        let mut sent = 0;
        while let Some(done) = sends.join_next().await {
            sent += usize::from(done.unwrap_or(false));
        }
        sent
    }

    /// Runs one job once (see `jobs::run_once`).
    pub(crate) async fn run_job<F, Fut>(&self, key: JobKey, work: F) -> Result<bool, StandupError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Outcome, StandupError>>,
    {
        run_once(self.store.as_ref(), self.clock.as_ref(), key, work).await
    }

    async fn dm_channel(&self, member: &Member) -> Result<String, StandupError> {
        if let Some(channel) = &member.dm_channel {
            return Ok(channel.clone());
        }
        let channel = self.slack()?.open_dm(&member.user).await?;
        self.store.standups().save_dm_channel(&member.user, &channel).await?;
        Ok(channel)
    }

    async fn send_prompt(&self, day: NaiveDate, member: &Member, times: DayTimes) -> Result<Outcome, StandupError> {
        if self.store.standups().answer(day, &member.user).await?.is_some() {
            return Ok(Outcome::Skipped("answered before the prompt"));
        }
        let roles = self.store.roles_of(&member.user).await?;
        let loaded = self.plan.current();
        let tasks = messages::open_tasks(&loaded.plan, &roles);
        let draft = self.draft_for(day, member).await?;
        let reply = messages::prompt(&loaded.plan, day, &tasks, times.summary_at, self.tz_of(member), draft.as_ref());
        let channel = self.dm_channel(member).await?;
        let posted = self.slack()?.post(&channel, &reply, None).await?;
        Ok(Outcome::Sent(posted.to_detail()))
    }

    /// A reminder goes to those who have not answered, once, and never
    /// sooner after their prompt than the configured delay (a prompt
    /// caught up late is not followed by an instant reminder).
    async fn send_reminder(&self, day: NaiveDate, member: &Member, times: DayTimes) -> Result<Outcome, StandupError> {
        let prompt = self.store.standups().job(&JobKey::person(JobKind::Prompt, day, &member.user)).await?;
        let Some(prompted_at) = prompt.and_then(|job| job.done_at) else {
            return Ok(Outcome::Skipped("no prompt was sent"));
        };
        if self.store.standups().answer(day, &member.user).await?.is_some() {
            return Ok(Outcome::Skipped("answered"));
        }
        if prompted_at + times.remind_after > self.clock.now() {
            return Ok(Outcome::Later(prompted_at + times.remind_after));
        }
        let channel = self.dm_channel(member).await?;
        let reply = messages::reminder(day, times.summary_at, self.tz_of(member));
        let posted = self.slack()?.post(&channel, &reply, None).await?;
        Ok(Outcome::Sent(posted.to_detail()))
    }
}

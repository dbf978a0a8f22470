//! What the standups and other scheduled sends keep: members and their
//! Slack profile, settings, holidays, answers, posted summaries, the
//! scheduled-job ledger that makes every send happen once, and the event
//! ids already handled.

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

use super::StoreError;
use planbot_domain::people::SlackUserId;
use planbot_domain::standup::{Answer, StandupConfig};

/// Whether someone joined or left the standup by hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Membership {
    Joined,
    Left,
}

/// Someone who may take part in the standup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub user: SlackUserId,
    /// They claimed an owner role with `/plan iam`.
    pub has_roles: bool,
    pub membership: Option<Membership>,
    pub name: Option<String>,
    /// Their IANA time zone, as Slack reported it.
    pub tz: Option<String>,
    pub profile_checked_at: Option<DateTime<Utc>>,
    pub dm_channel: Option<String>,
    /// The last day of their leave.
    pub away_until: Option<NaiveDate>,
    /// Their e-mail, as their Slack profile shows it (with `users:read.email`).
    pub email: Option<String>,
}

impl Member {
    /// Role holders take part unless they left; others once they join.
    pub fn takes_part(&self) -> bool {
        match self.membership {
            Some(Membership::Joined) => true,
            Some(Membership::Left) => false,
            None => self.has_roles,
        }
    }

    pub fn is_away_on(&self, day: NaiveDate) -> bool {
        self.away_until.is_some_and(|until| day <= until)
    }

    /// Their name, or their id when Slack has not told us yet.
    pub fn display_name(&self) -> String {
        self.name.clone().unwrap_or_else(|| self.user.to_string())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum JobKind {
    Prompt,
    Reminder,
    Summary,
    Digest,
    /// A plan change announced in the ops channel (subject: the version).
    Feed,
    /// A direct message about stalled blockers: one a person a day
    /// (person), and one per blocker, recipient and round (subject).
    Nudge,
}

impl JobKind {
    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::Prompt => "prompt",
            JobKind::Reminder => "reminder",
            JobKind::Summary => "summary",
            JobKind::Digest => "digest",
            JobKind::Feed => "feed",
            JobKind::Nudge => "nudge",
        }
    }
}

/// A scheduled send: at most one per key, ever.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct JobKey {
    pub kind: JobKind,
    pub day: NaiveDate,
    /// `None` for team-wide jobs (a summary, a digest).
    pub person: Option<SlackUserId>,
    /// What else the job is about (a commit, for the change feed).
    pub subject: Option<String>,
}

impl JobKey {
    pub fn team(kind: JobKind, day: NaiveDate) -> JobKey {
        JobKey { kind, day, person: None, subject: None }
    }

    pub fn person(kind: JobKind, day: NaiveDate, person: &SlackUserId) -> JobKey {
        JobKey { kind, day, person: Some(person.clone()), subject: None }
    }

    pub fn about(kind: JobKind, day: NaiveDate, subject: &str) -> JobKey {
        JobKey { kind, day, person: None, subject: Some(subject.to_owned()) }
    }

    /// The key's third column: the person, or the subject, or nothing.
    pub(crate) fn person_column(&self) -> &str {
        match (&self.person, &self.subject) {
            (Some(person), _) => person.as_str(),
            (None, Some(subject)) => subject,
            (None, None) => "",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobState {
    /// Someone holds it until its lease runs out.
    Running,
    /// An attempt failed; it may be tried again later.
    Waiting,
    Done,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobRecord {
    pub state: JobState,
    pub attempts: u32,
    pub done_at: Option<DateTime<Utc>>,
    /// What the send produced (e.g. the message it posted).
    pub detail: Option<String>,
    pub last_error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkipDay {
    pub day: NaiveDate,
    pub reason: Option<String>,
}

/// A summary posted in the channel: its thread takes the answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryRecord {
    pub day: NaiveDate,
    pub channel: String,
    pub ts: String,
    pub permalink: Option<String>,
    pub posted_at: DateTime<Utc>,
}

#[async_trait]
pub trait StandupStore: Send + Sync {
    /// The settings editors saved, if they saved any.
    async fn standup_config(&self) -> Result<Option<StandupConfig>, StoreError>;

    async fn save_standup_config(
        &self,
        config: &StandupConfig,
        by: &SlackUserId,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// Everyone who claimed a role or joined or left by hand.
    async fn standup_members(&self) -> Result<Vec<Member>, StoreError>;

    async fn set_membership(&self, user: &SlackUserId, membership: Membership) -> Result<(), StoreError>;

    async fn save_profile(
        &self,
        user: &SlackUserId,
        name: Option<&str>,
        tz: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    async fn save_dm_channel(&self, user: &SlackUserId, channel: &str) -> Result<(), StoreError>;

    /// The e-mail their Slack profile shows (or `None` when it shows none).
    async fn save_email(&self, user: &SlackUserId, email: Option<&str>) -> Result<(), StoreError>;

    async fn set_away(&self, user: &SlackUserId, until: Option<NaiveDate>) -> Result<(), StoreError>;

    async fn add_skip_day(&self, day: &SkipDay, by: &SlackUserId) -> Result<(), StoreError>;

    /// False when the day was not skipped.
    async fn remove_skip_day(&self, day: NaiveDate) -> Result<bool, StoreError>;

    async fn skip_days(&self) -> Result<Vec<SkipDay>, StoreError>;

    /// Takes the job if it was never taken, its last attempt failed and is
    /// due again, or its holder's lease ran out. Exactly one caller wins,
    /// across instances sharing the database. A done job is never taken.
    async fn claim_job(&self, key: &JobKey, now: DateTime<Utc>, lease: Duration) -> Result<bool, StoreError>;

    async fn finish_job(&self, key: &JobKey, now: DateTime<Utc>, detail: Option<&str>) -> Result<(), StoreError>;

    /// Gives a failed attempt back, to be tried again from `retry_at`.
    async fn retry_job(&self, key: &JobKey, retry_at: DateTime<Utc>, error: &str) -> Result<(), StoreError>;

    async fn job(&self, key: &JobKey) -> Result<Option<JobRecord>, StoreError>;

    /// Stores (or replaces) a person's answer for its day, keeping the
    /// thread reply it was posted as.
    async fn save_answer(&self, answer: &Answer) -> Result<(), StoreError>;

    async fn answer(&self, day: NaiveDate, user: &SlackUserId) -> Result<Option<Answer>, StoreError>;

    async fn answers_on(&self, day: NaiveDate) -> Result<Vec<Answer>, StoreError>;

    /// A person's answers, newest first.
    async fn answers_of(&self, user: &SlackUserId, limit: u32) -> Result<Vec<Answer>, StoreError>;

    async fn set_answer_reply(&self, day: NaiveDate, user: &SlackUserId, ts: &str) -> Result<(), StoreError>;

    async fn save_summary(&self, summary: &SummaryRecord) -> Result<(), StoreError>;

    async fn summary(&self, day: NaiveDate) -> Result<Option<SummaryRecord>, StoreError>;

    /// Summaries newest first.
    async fn recent_summaries(&self, limit: u32) -> Result<Vec<SummaryRecord>, StoreError>;

    /// True the first time an event id is seen. Ids older than an hour are
    /// forgotten (Slack stops retrying after about six minutes).
    async fn first_delivery(&self, event_id: &str, now: DateTime<Utc>) -> Result<bool, StoreError>;

    /// Keeps (or replaces) the plan's statuses for `day`, as JSON.
    async fn save_plan_snapshot(&self, day: NaiveDate, statuses: &str, now: DateTime<Utc>) -> Result<(), StoreError>;

    /// Snapshots from `from` to `to` inclusive, oldest first.
    async fn plan_snapshots(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<(NaiveDate, String)>, StoreError>;

    async fn save_digest(&self, digest: &DigestRecord) -> Result<(), StoreError>;

    async fn last_digest(&self) -> Result<Option<DigestRecord>, StoreError>;

    /// True the first time `task` is previewed in a thread.
    async fn first_preview(
        &self,
        channel: &str,
        thread_ts: &str,
        task: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;

    /// What was last published on a person's Home tab (a fingerprint of
    /// its content) and when.
    async fn home_view(&self, user: &SlackUserId) -> Result<Option<(DateTime<Utc>, String)>, StoreError>;

    async fn save_home_view(&self, user: &SlackUserId, fingerprint: &str, now: DateTime<Utc>)
    -> Result<(), StoreError>;

    /// Everyone who has opened the Home tab.
    async fn home_viewers(&self) -> Result<Vec<SlackUserId>, StoreError>;
}

/// A Monday digest as posted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestRecord {
    /// The Monday it belongs to.
    pub week: NaiveDate,
    pub channel: String,
    pub ts: String,
    pub headline: String,
    /// Posted after planbot came back from downtime.
    pub late: bool,
    pub posted_at: DateTime<Utc>,
}

pub(crate) fn parse_day(raw: &str) -> Result<NaiveDate, StoreError> {
    raw.parse().map_err(|_| StoreError::Corrupt(format!("{raw:?} is not a date")))
}

pub(crate) fn from_ms(ms: i64) -> Result<DateTime<Utc>, StoreError> {
    DateTime::from_timestamp_millis(ms).ok_or_else(|| StoreError::Corrupt(format!("{ms} is not a time")))
}

row_type! {
    pub(crate) struct MemberRow {
        slack_user_id: String,
        has_roles: i32,
        membership: Option<String>,
        display_name: Option<String>,
        tz: Option<String>,
        profile_checked_at_ms: Option<i64>,
        dm_channel: Option<String>,
        away_until: Option<String>,
        email: Option<String>,
    }
}

impl MemberRow {
    pub(crate) fn into_member(self) -> Result<Member, StoreError> {
        Ok(Member {
            user: super::shared::parse_user(&self.slack_user_id)?,
            has_roles: self.has_roles != 0,
            membership: match self.membership.as_deref() {
                Some("joined") => Some(Membership::Joined),
                Some("left") => Some(Membership::Left),
                _ => None,
            },
            name: self.display_name,
            tz: self.tz,
            profile_checked_at: self.profile_checked_at_ms.map(from_ms).transpose()?,
            dm_channel: self.dm_channel,
            away_until: self.away_until.as_deref().map(parse_day).transpose()?,
            email: self.email,
        })
    }
}

row_type! {
    pub(crate) struct JobRow {
        state: String,
        attempts: i32,
        done_at_ms: Option<i64>,
        detail: Option<String>,
        last_error: Option<String>,
    }
}

impl JobRow {
    pub(crate) fn into_record(self) -> Result<JobRecord, StoreError> {
        let state = match self.state.as_str() {
            "running" => JobState::Running,
            "waiting" => JobState::Waiting,
            "done" => JobState::Done,
            other => return Err(StoreError::Corrupt(format!("job state {other:?}"))),
        };
        Ok(JobRecord {
            state,
            attempts: u32::try_from(self.attempts).unwrap_or(0),
            done_at: self.done_at_ms.map(from_ms).transpose()?,
            detail: self.detail,
            last_error: self.last_error,
        })
    }
}

row_type! {
    pub(crate) struct AnswerRow {
        day: String,
        slack_user_id: String,
        responses: String,
        source: String,
        submitted_at_ms: i64,
        reply_ts: Option<String>,
    }
}

impl AnswerRow {
    pub(crate) fn into_answer(self) -> Result<Answer, StoreError> {
        Ok(Answer {
            day: parse_day(&self.day)?,
            user: super::shared::parse_user(&self.slack_user_id)?,
            responses: serde_json::from_str(&self.responses).map_err(|e| StoreError::Corrupt(e.to_string()))?,
            source: planbot_domain::standup::AnswerSource::parse(&self.source),
            submitted_at: from_ms(self.submitted_at_ms)?,
            reply_ts: self.reply_ts,
        })
    }
}

row_type! {
    pub(crate) struct SummaryRow {
        day: String,
        channel: String,
        ts: String,
        permalink: Option<String>,
        posted_at_ms: i64,
    }
}

impl SummaryRow {
    pub(crate) fn into_record(self) -> Result<SummaryRecord, StoreError> {
        Ok(SummaryRecord {
            day: parse_day(&self.day)?,
            channel: self.channel,
            ts: self.ts,
            permalink: self.permalink,
            posted_at: from_ms(self.posted_at_ms)?,
        })
    }
}

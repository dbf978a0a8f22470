//! Standup drafts from real work: the prompt and the Write update form
//! start with what the person did since their last answer, from the plan
//! repository's commits and pull requests (read once per prompt round and
//! shared by everyone) and the plan changes they made through planbot.
//! Only people who linked a GitHub login (`/plan iam github:LOGIN`), or
//! whose Slack profile shows an e-mail (`users:read.email`), get one:
//! their work is what they authored under that login or e-mail, and what
//! names their tasks. Nothing is posted until they send.

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::service::{StandupError, Standups};
use planbot_domain::people::SlackUserId;
use planbot_domain::plan::Plan;
use planbot_domain::standup::draft::{Activity, Draft, DraftLine, WorkKind, Worker, draft};
use planbot_store::{EditState, Member};

/// How far back a draft looks when the person never answered.
pub const DRAFT_WINDOW: Duration = Duration::days(7);
/// Plan changes through planbot looked at per person.
const EDITS_LOOKED_AT: u32 = 50;

/// The round's shared read of the repository: for one standup day, the
/// activity (or `None` when GitHub could not be read: plain prompts).
pub(crate) type RoundActivity = Option<(NaiveDate, Option<Arc<Activity>>)>;

impl Standups {
    /// The draft for `member`'s prompt on `day`, when they linked GitHub
    /// and did something; kept for their Write update form.
    pub(crate) async fn draft_for(&self, day: NaiveDate, member: &Member) -> Result<Option<Draft>, StandupError> {
        let logins: Vec<String> = self.store.github_login(&member.user).await?.into_iter().collect();
        let emails: Vec<String> = member.email.iter().cloned().collect();
        if logins.is_empty() && emails.is_empty() {
            return Ok(None);
        }
        let Some(activity) = self.round_activity(day).await else { return Ok(None) };
        let since = self.last_answered(&member.user).await?;
        let roles = self.store.roles_of(&member.user).await?;
        let loaded = self.plan.current();
        let worker = Worker { logins: &logins, emails: &emails, roles: &roles, since };
        let mut drafted = draft(&loaded.plan, &activity, &worker);
        drafted.lines.extend(self.plan_changes(&member.user, since).await?);
        if drafted.is_empty() {
            return Ok(None);
        }
        self.keep_draft(day, &member.user, drafted.as_text());
        Ok(Some(drafted))
    }

    /// One read of the repository per standup day, whoever asks first;
    /// the others wait for it and share it.
    async fn round_activity(&self, day: NaiveDate) -> Option<Arc<Activity>> {
        let source = self.activity.as_ref()?;
        let mut round = self.round.lock().await;
        if let Some((kept_day, activity)) = round.as_ref() {
            if *kept_day == day {
                return activity.clone();
            }
        }
        let since = self.clock.now() - DRAFT_WINDOW;
        let loaded = self.plan.current();
        let plan: &Plan = &loaded.plan;
        let names_a_task = |pull: &planbot_domain::standup::draft::PullRequest| {
            !plan.tasks_named_in(&format!("{} {}", pull.title, pull.branch)).is_empty()
        };
        let activity = match source.activity(since, &names_a_task).await {
            Ok(activity) => Some(Arc::new(activity)),
            Err(error) => {
                tracing::warn!(error = %error, "no standup drafts this round: the repository's activity could not be read");
                None
            }
        };
        *round = Some((day, activity.clone()));
        activity
    }

    /// The person's last answer, or the draft window's start.
    async fn last_answered(&self, user: &SlackUserId) -> Result<DateTime<Utc>, StandupError> {
        let floor = self.clock.now() - DRAFT_WINDOW;
        let last = self.store.standups().answers_of(user, 1).await?.into_iter().next();
        Ok(last.map_or(floor, |answer| answer.submitted_at.max(floor)))
    }

    /// Plan changes the person made through planbot since `since`, written.
    async fn plan_changes(&self, user: &SlackUserId, since: DateTime<Utc>) -> Result<Vec<DraftLine>, StandupError> {
        let edits = self.store.recent_edits(Some(user), EDITS_LOOKED_AT).await?;
        Ok(edits
            .into_iter()
            .filter(|queued| queued.created_at > since && queued.state == EditState::Committed)
            .map(|queued| DraftLine {
                kind: WorkKind::PlanChange,
                text: queued.edit.summary(),
                url: queued.commit_url.clone().unwrap_or_default(),
                tasks: vec![queued.edit.task.clone()],
            })
            .collect())
    }

    fn keep_draft(&self, day: NaiveDate, user: &SlackUserId, text: String) {
        let mut kept = self.drafted.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        kept.retain(|(kept_day, _), _| *kept_day >= day);
        kept.insert((day, user.clone()), text);
    }

    /// The draft the person's prompt offered for `day`, for their form.
    pub(crate) fn kept_draft(&self, day: NaiveDate, user: &SlackUserId) -> Option<String> {
        let kept = self.drafted.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        kept.get(&(day, user.clone())).cloned()
    }
}

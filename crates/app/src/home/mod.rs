//! The App Home tab: a person's own plan at a glance. Published when they
//! open it, and again when what it shows changes (checked every
//! `REFRESH_EVERY`, only for people who have opened it).

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use planbot_slack::SlackView;
use serde_json::json;
use sha2::{Digest as _, Sha256};
use tokio::task::JoinHandle;

use crate::standup::messages::{WRITE_UPDATE, day_label, open_tasks};
use crate::standup::{StandupError, Standups};
use crate::views::actions_for;
use crate::views::task_line;
use planbot_domain::people::SlackUserId;
use planbot_domain::plan::Status;
use planbot_reply::{Block, Button, Reply, Text};
use planbot_slack::blocks::message_content;
use planbot_store::{DigestRecord, StoreError};

/// How often the tabs of people who opened them are checked for changes.
pub const REFRESH_EVERY: Duration = Duration::from_secs(30);
/// Upcoming milestones shown.
const MILESTONES_SHOWN: usize = 3;

pub struct Home {
    standups: Arc<Standups>,
}

/// What every tab shows alike, read once per refresh rather than per
/// person.
struct TeamState {
    /// The standup answers count for now, if standups run.
    open_day: Option<NaiveDate>,
    last_digest: Option<DigestRecord>,
}

impl Home {
    pub fn new(standups: Arc<Standups>) -> Home {
        Home { standups }
    }

    async fn team_state(&self) -> Result<TeamState, StandupError> {
        Ok(TeamState {
            open_day: self.standups.open_standup_day().await?,
            last_digest: self.standups.store.standups().last_digest().await?,
        })
    }

    /// What the tab shows `user` now.
    async fn content(&self, user: &SlackUserId, team: &TeamState) -> Result<Reply, StandupError> {
        let store = &self.standups.store;
        let roles = store.roles_of(user).await?;
        let loaded = self.standups.plan.current();
        let plan = &loaded.plan;
        let today = self.standups.clock().today();
        let mut blocks = vec![Block::Heading(Text::plain("Your plan"))];
        if roles.is_empty() {
            blocks.push(Block::Paragraph(
                Text::plain("Tell planbot which owner roles are yours with ").and_code("/plan iam ROLE").and_plain("."),
            ));
        }
        let mine = open_tasks(plan, &roles);
        for &position in &mine {
            blocks.push(Block::Paragraph(task_line(plan, position)));
            if self.standups.writable() {
                blocks.push(actions_for(&plan.tasks()[position]));
            }
        }
        let blockers: Vec<Text> = mine
            .iter()
            .filter(|&&p| plan.tasks()[p].status() == Some(Status::Blocked) || !plan.unmet_dependencies(p).is_empty())
            .map(|&p| {
                let waits = plan.unmet_dependencies(p);
                let line = task_line(plan, p);
                if waits.is_empty() { line } else { line.and_plain(format!(" · waits on {}", waits.join(", "))) }
            })
            .collect();
        if !blockers.is_empty() {
            blocks.push(Block::list(Some(Text::bold("Your blockers")), blockers));
        }
        let mut upcoming: Vec<_> = plan.milestones().iter().filter(|m| m.target.is_some_and(|t| t >= today)).collect();
        upcoming.sort_by_key(|m| m.target);
        let milestones: Vec<Text> = upcoming
            .iter()
            .take(MILESTONES_SHOWN)
            .map(|m| {
                let left = m.days_left(today).unwrap_or(0);
                Text::bold(&m.id).and_plain(format!(" {} · {left} days left", m.title))
            })
            .collect();
        if !milestones.is_empty() {
            blocks.push(Block::list(Some(Text::bold("Next milestones")), milestones));
        }
        blocks.extend(self.standup_state(user, team.open_day).await?);
        if let Some(digest) = &team.last_digest {
            blocks.push(Block::Note(Text::plain(format!(
                "Last digest ({}): {}",
                day_label(digest.week),
                digest.headline
            ))));
        }
        Ok(Reply::new(blocks))
    }

    async fn standup_state(&self, user: &SlackUserId, open_day: Option<NaiveDate>) -> Result<Vec<Block>, StandupError> {
        let Some(day) = open_day else { return Ok(Vec::new()) };
        let answered = self.standups.store.standups().answer(day, user).await?.is_some();
        let label = format!("Standup {}", day_label(day));
        Ok(if answered {
            vec![Block::Paragraph(Text::bold(label).and_plain(": answered ✓"))]
        } else {
            vec![
                Block::Paragraph(Text::bold(label).and_plain(": not answered yet")),
                Block::Buttons(vec![Button {
                    label: "Write update".into(),
                    action_id: WRITE_UPDATE,
                    value: day.to_string(),
                    primary: true,
                }]),
            ]
        })
    }

    /// Publishes `user`'s tab if its content changed since the last
    /// publish (or `always`, when they just opened it).
    pub async fn publish(&self, user: &SlackUserId, always: bool) -> Result<bool, StandupError> {
        let team = self.team_state().await?;
        self.publish_with(user, always, &team).await
    }

    async fn publish_with(&self, user: &SlackUserId, always: bool, team: &TeamState) -> Result<bool, StandupError> {
        let reply = self.content(user, team).await?;
        let blocks = message_content(&reply).blocks.unwrap_or_default();
        let view_json = json!({"type": "home", "blocks": blocks});
        let fingerprint = hex::encode(Sha256::digest(view_json.to_string().as_bytes()));
        let store = self.standups.store.standups();
        let unchanged = store.home_view(user).await?.is_some_and(|(_, previous)| previous == fingerprint);
        if unchanged && !always {
            return Ok(false);
        }
        let view: SlackView =
            serde_json::from_value(view_json).map_err(|e| StandupError::Store(StoreError::Corrupt(e.to_string())))?;
        self.standups.slack()?.publish_home(user, view).await?;
        store.save_home_view(user, &fingerprint, self.standups.clock().now()).await?;
        Ok(true)
    }

    /// Re-publishes every opened tab whose content changed.
    pub async fn refresh(&self) -> Result<usize, StandupError> {
        if !self.standups.plan.is_loaded() {
            return Ok(0);
        }
        let team = self.team_state().await?;
        let mut published = 0;
        for user in self.standups.store.standups().home_viewers().await? {
            published += usize::from(self.publish_with(&user, false, &team).await?);
        }
        Ok(published)
    }

    pub fn spawn(self: Arc<Self>) -> JoinHandle<()> {
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(REFRESH_EVERY).await;
                if self.standups.slack.is_none() {
                    continue;
                }
                if let Err(error) = self.refresh().await {
                    tracing::warn!(error = %error, "could not refresh Home tabs");
                }
            }
        })
    }
}

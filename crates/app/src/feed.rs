//! The plan change feed: each new version of the plan (a human commit, a
//! merged PR, or planbot's own commit) is announced once in the ops
//! channel, per commit, with the fields that changed, the author and a
//! link. "Once" holds across instances: each announcement is a job keyed
//! by the commit in the scheduled-job ledger.

use std::sync::Arc;

use crate::jobs::{Outcome, run_once};
use planbot_domain::clock::Clock;
use planbot_domain::plan::Plan;
use planbot_domain::plan::diff::{TaskChange, changes};
use planbot_reply::{Block, Reply, Text};
use planbot_slack::web::{SlackWeb, SlackWebError};
use planbot_source::{LivePlan, LoadedPlan, OnChange, PlanVersion, SourceError};
use planbot_store::{JobKey, JobKind, Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Slack(#[from] SlackWebError),
    #[error("could not read the plan's history: {0}")]
    Source(#[from] SourceError),
}

pub struct ChangeFeed {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    slack: SlackWeb,
    channel: String,
    /// How many new versions this feed has finished with (announced, or
    /// left to the instance that announced them first).
    handled: tokio::sync::watch::Sender<u64>,
}

impl ChangeFeed {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, slack: SlackWeb, channel: String) -> ChangeFeed {
        ChangeFeed { store, clock, slack, channel, handled: tokio::sync::watch::Sender::new(0) }
    }

    /// Waits until this feed has finished with `count` new versions since
    /// it started, so a caller can know an announcement is not still coming.
    pub async fn handled(&self, count: u64) {
        let mut seen = self.handled.subscribe();
        // The sender lives in `self`, so the channel cannot close under us.
        let _ = seen.wait_for(|handled| *handled >= count).await;
    }

    /// Listens to `live`: every new version is announced in the background.
    pub fn follow(self: Arc<Self>, live: &Arc<LivePlan>) {
        let source = Arc::clone(live);
        let listener: OnChange = Arc::new(move |before, after| {
            // The first version after a start without a plan is not news.
            if !before.is_loaded {
                return;
            }
            let (feed, live) = (Arc::clone(&self), Arc::clone(&source));
            tokio::spawn(async move {
                if let Err(error) = feed.announce(&live, &before, &after).await {
                    tracing::warn!(error = %error, "could not announce a plan change");
                }
                feed.handled.send_modify(|handled| *handled += 1);
            });
        });
        live.on_change(listener);
    }

    /// Announces the versions between `before` and `after`; returns how
    /// many messages this call posted.
    pub async fn announce(&self, live: &LivePlan, before: &LoadedPlan, after: &LoadedPlan) -> Result<usize, FeedError> {
        let versions = live.source().revisions_between(before.fingerprint(), after.fingerprint()).await?;
        let mut previous: Option<Plan> = None;
        let mut posted = 0;
        for version in versions {
            let at_version = match &version.files {
                Some(files) => match files.parse() {
                    Ok(plan) if plan.is_whole() => Some(plan),
                    // A commit that broke the file: the next one is diffed
                    // against the last good version.
                    _ => continue,
                },
                None => None,
            };
            let old = previous.as_ref().unwrap_or(&before.plan);
            let new = at_version.as_ref().unwrap_or(&after.plan);
            let found = changes(old, new);
            let lost = found.iter().filter(|c| matches!(c, TaskChange::Removed { .. })).count();
            let reply = if lost * 4 > old.tasks().len() && lost > 1 {
                mass_removal(&version, lost, old.tasks().len())
            } else {
                message(&version, &found)
            };
            if !found.is_empty() && self.post_once(&version, reply).await? {
                posted += 1;
            }
            if let Some(plan) = at_version {
                previous = Some(plan);
            }
        }
        Ok(posted)
    }

    async fn post_once(&self, version: &PlanVersion, reply: Reply) -> Result<bool, FeedError> {
        // The version alone identifies the announcement: whichever day an
        // instance notices it, it is the same job.
        let key = JobKey::about(JobKind::Feed, chrono::NaiveDate::default(), &version.id);
        run_once(self.store.as_ref(), self.clock.as_ref(), key, || async {
            let posted = self.slack.post(&self.channel, &reply, None).await?;
            Ok::<_, FeedError>(Outcome::Sent(posted.to_detail()))
        })
        .await
    }
}

/// A version that dropped more than a quarter of the tasks at once is not
/// a list of removals: it is said for what it is.
pub fn mass_removal(version: &PlanVersion, lost: usize, had: usize) -> Reply {
    let mut head = Text::bold(format!("⚠️ The plan lost {lost} of its {had} tasks at once"));
    if let Some(author) = &version.author {
        head = head.and_plain(format!(" in a change by {author}"));
    }
    if let Some(url) = &version.url {
        head = head.and_plain(" · ").and_link(url, version.id.chars().take(7).collect::<String>());
    }
    let hint = Text::plain(
        "If that was not meant (a file cut short, a bad merge), restore the rows from the previous commit.",
    );
    Reply::new(vec![Block::Paragraph(head), Block::Note(hint)])
}

/// `Plan changed by Dana · abc1234` and one line per change.
pub fn message(version: &PlanVersion, found: &[TaskChange]) -> Reply {
    let mut head = Text::bold("Plan changed");
    if let Some(author) = &version.author {
        head = head.and_plain(format!(" by {author}"));
    }
    if let Some(url) = &version.url {
        head = head.and_plain(" · ").and_link(url, version.id.chars().take(7).collect::<String>());
    }
    let items = found
        .iter()
        .map(|change| match change {
            TaskChange::Field { id, field, from, to } => {
                let from = if from.is_empty() { "(empty)" } else { from };
                let to = if to.is_empty() { "(empty)" } else { to };
                Text::bold(id).and_plain(format!(" {field} {from} → {to}"))
            }
            TaskChange::Added { id, title } => Text::bold(id).and_plain(format!(" added: {title}")),
            TaskChange::Removed { id } => Text::bold(id).and_plain(" removed"),
        })
        .collect();
    Reply::new(vec![Block::Paragraph(head), Block::list(None, items)])
}

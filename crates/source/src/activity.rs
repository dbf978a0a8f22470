//! What happened in the plan's repository (commits, merged and open pull
//! requests with their failing checks), for standup drafts. The app asks
//! through this port; GitHub's crate answers.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use planbot_domain::standup::draft::{Activity, PullRequest};

use crate::SourceError;

#[async_trait]
pub trait RepoActivity: Send + Sync + 'static {
    /// Commits on the plan's branch and pull requests merged since
    /// `since`, and the open pull requests; the failing checks are read
    /// only for open pull requests `wants_checks` picks (those that name a
    /// task), one read each.
    async fn activity(
        &self,
        since: DateTime<Utc>,
        wants_checks: &(dyn for<'p> Fn(&'p PullRequest) -> bool + Sync),
    ) -> Result<Activity, SourceError>;
}

//! What the configuration names, opened for whoever needs it (the
//! command line and the go-live check): the plan's home, the Slack app's
//! scopes, and the database as logs may name it.

use std::sync::Arc;

use crate::config::PlanSourceConfig;
use crate::github::{GitHubActivity, GitHubClient, GitHubError, GitHubPlan};
use crate::source::{BuiltinExample, LocalFolder, PlanSource, RepoActivity};
use crate::writeback::PlanWriter;

/// The bot scopes the manifest asks for (`planbot doctor` checks the
/// granted ones cover them).
pub const BOT_SCOPES: [&str; 12] = [
    "commands",
    "chat:write",
    "im:write",
    "im:history",
    "users:read",
    "users:read.email",
    "channels:history",
    "groups:history",
    "channels:read",
    "groups:read",
    "app_mentions:read",
    "files:write",
];

/// Where the plan is read from and, when it can be, written back to.
pub struct PlanHome {
    pub source: Arc<dyn PlanSource>,
    pub writer: Option<Arc<dyn PlanWriter>>,
    /// The repository's commits and pull requests (a GitHub plan only).
    pub activity: Option<Arc<dyn RepoActivity>>,
}

pub fn plan_home(config: &PlanSourceConfig) -> Result<PlanHome, GitHubError> {
    Ok(match config {
        // Compiled into the binary: nothing to write back to.
        PlanSourceConfig::Builtin => PlanHome { source: Arc::new(BuiltinExample), writer: None, activity: None },
        PlanSourceConfig::Local { root, csv, markdown } => {
            let folder = Arc::new(LocalFolder::new(root, csv, markdown));
            PlanHome { source: folder.clone(), writer: Some(folder), activity: None }
        }
        PlanSourceConfig::GitHub { repo, csv, markdown, api_url, auth } => {
            let client = GitHubClient::with_auth(api_url, auth.clone())?;
            let activity = Arc::new(GitHubActivity::new(client.clone(), repo.clone()));
            let plan = Arc::new(GitHubPlan::new(client, repo.clone(), csv, markdown));
            PlanHome { source: plan.clone(), writer: Some(plan), activity: Some(activity) }
        }
    })
}

/// Where the data lives, without a password: a SQLite path or a
/// PostgreSQL host and database.
pub fn describe_database(url: &str) -> String {
    if let Some(path) = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) {
        return format!("sqlite {path}");
    }
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let host_and_db = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
    let without_query = host_and_db.split('?').next().unwrap_or_default();
    format!("postgres {without_query}")
}

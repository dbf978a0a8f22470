//! The plan in a GitHub repository: read by conditional requests (a `304`
//! costs no rate limit), written as one commit per batch through the Git
//! Data API with `force: false`, so a human's push is never overwritten.

mod access;
mod activity;
mod app;
mod client;
mod plan_repo;
mod webhook;

pub use access::RepoAccess;
pub use activity::GitHubActivity;
pub use app::{AppCredentials, AppKeyError};
pub use client::{GitHubAuth, GitHubClient, GitHubError, GitHubToken};
pub use plan_repo::GitHubPlan;
pub use webhook::{WebhookSecret, verify_webhook};

use std::fmt;
use std::str::FromStr;

pub const DEFAULT_API_URL: &str = "https://api.github.com";

/// `github:OWNER/REPO@BRANCH` (branch `main` when left out).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoRef {
    pub owner: String,
    pub repo: String,
    pub branch: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a GitHub plan source (expected github:OWNER/REPO@BRANCH)")]
pub struct InvalidRepoRef(pub String);

impl FromStr for RepoRef {
    type Err = InvalidRepoRef;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let invalid = || InvalidRepoRef(raw.to_owned());
        let rest = raw.trim().strip_prefix("github:").ok_or_else(invalid)?;
        let (path, branch) = rest.split_once('@').unwrap_or((rest, "main"));
        let (owner, repo) = path.split_once('/').ok_or_else(invalid)?;
        let name_ok = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
        let branch_ok = !branch.is_empty() && !branch.contains(['?', '#', ' ', '\\']);
        if !(name_ok(owner) && name_ok(repo) && branch_ok) {
            return Err(invalid());
        }
        Ok(RepoRef { owner: owner.to_owned(), repo: repo.to_owned(), branch: branch.to_owned() })
    }
}

impl fmt::Display for RepoRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "github:{}/{}@{}", self.owner, self.repo, self.branch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_sources_name_owner_repo_and_branch() {
        let full: RepoRef = "github:autorisen/autorisen@develop".parse().unwrap();
        assert_eq!(
            (full.owner.as_str(), full.repo.as_str(), full.branch.as_str()),
            ("autorisen", "autorisen", "develop")
        );
        assert_eq!("github:a/b".parse::<RepoRef>().unwrap().branch, "main");
        assert_eq!(full.to_string(), "github:autorisen/autorisen@develop");
        for bad in ["autorisen/autorisen", "github:autorisen", "github:/x", "github:a/b@", "github:a b/c"] {
            assert!(bad.parse::<RepoRef>().is_err(), "{bad}");
        }
    }
}

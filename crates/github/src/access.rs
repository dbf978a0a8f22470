//! What the configured credentials may do with the plan's repository: the
//! go-live check asks before the first edit finds out the hard way.

use serde::Deserialize;

use super::{GitHubError, GitHubPlan};

/// The repository as the credentials see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoAccess {
    pub full_name: String,
    /// `Some(false)`: the token may read but not push. `None`: GitHub did
    /// not say (an App installation; its Contents permission decides).
    pub can_push: Option<bool>,
}

#[derive(Deserialize)]
struct Repository {
    full_name: String,
    permissions: Option<Permissions>,
}

#[derive(Deserialize)]
struct Permissions {
    push: bool,
}

impl GitHubPlan {
    /// `GET /repos/{owner}/{repo}`: readable at all, and may we push?
    pub async fn access(&self) -> Result<RepoAccess, GitHubError> {
        let path = format!("/repos/{}/{}", self.repo.owner, self.repo.repo);
        let repository: Repository = self.client.get(&path, false, None).await?.json()?;
        Ok(RepoAccess {
            full_name: repository.full_name,
            can_push: repository.permissions.map(|permissions| permissions.push),
        })
    }
}

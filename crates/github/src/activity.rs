//! The repository's recent work for standup drafts, through GitHub's REST
//! API: the branch's commits since a moment, pull requests merged since
//! then, the open ones, and the check runs of open pull requests that name
//! a task. Every read is conditional (`If-None-Match`): an unchanged page
//! answers `304`, which GitHub does not count against the rate limit.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Deserialize;

use super::{GitHubClient, GitHubError, RepoRef};
use planbot_domain::standup::draft::{Activity, Commit, PullRequest};
use planbot_source::{RepoActivity, SourceError};

/// GitHub's largest page.
const PER_PAGE: usize = 100;
/// Pages read at most per list (10,000 items): a draft needs the recent ones.
const MAX_PAGES: usize = 100;
/// A rate-limit wait this short is waited out; a longer one gives up, and
/// the prompts go without drafts.
const MAX_WAIT: Duration = Duration::from_secs(60);
/// Answers kept for conditional reads.
const MAX_CACHED: usize = 512;
/// Check-run conclusions that mean the check failed.
const FAILED: [&str; 3] = ["failure", "timed_out", "action_required"];

pub struct GitHubActivity {
    client: GitHubClient,
    repo: RepoRef,
    /// path → (ETag, body) of the last full answer.
    answers: Mutex<HashMap<String, (String, Vec<u8>)>>,
}

#[derive(Deserialize)]
struct ListedCommit {
    sha: String,
    html_url: String,
    commit: CommitBody,
    author: Option<Account>,
}

#[derive(Deserialize)]
struct CommitBody {
    message: String,
    author: Option<GitAuthor>,
}

#[derive(Deserialize)]
struct GitAuthor {
    email: Option<String>,
    date: Option<DateTime<Utc>>,
}

#[derive(Deserialize)]
struct Account {
    login: String,
}

#[derive(Deserialize)]
struct ListedPull {
    number: u64,
    title: String,
    html_url: String,
    user: Option<Account>,
    head: Head,
    merged_at: Option<DateTime<Utc>>,
    updated_at: DateTime<Utc>,
}

#[derive(Deserialize)]
struct Head {
    #[serde(rename = "ref")]
    branch: String,
    sha: String,
}

#[derive(Deserialize)]
struct CheckRuns {
    check_runs: Vec<CheckRun>,
}

#[derive(Deserialize)]
struct CheckRun {
    name: String,
    conclusion: Option<String>,
}

impl GitHubActivity {
    pub fn new(client: GitHubClient, repo: RepoRef) -> GitHubActivity {
        GitHubActivity { client, repo, answers: Mutex::default() }
    }

    fn path(&self, rest: &str) -> String {
        format!("/repos/{}/{}/{rest}", self.repo.owner, self.repo.repo)
    }

    /// A JSON answer, conditionally; a short rate-limit wait is waited out.
    async fn get<T: for<'de> Deserialize<'de>>(&self, path: &str) -> Result<T, GitHubError> {
        let mut waits = 0;
        loop {
            let etag = self.lock().get(path).map(|(etag, _)| etag.clone());
            match self.client.get(path, false, etag.as_deref()).await {
                Ok(answer) if answer.not_modified => {
                    let kept = self.lock().get(path).map(|(_, body)| body.clone()).unwrap_or_default();
                    return serde_json::from_slice(&kept).map_err(|e| GitHubError::Server {
                        status: 304,
                        message: format!("the kept answer no longer reads: {e}"),
                    });
                }
                Ok(answer) => {
                    let parsed = answer.json()?;
                    if let Some(etag) = answer.etag {
                        let mut answers = self.lock();
                        if answers.len() >= MAX_CACHED {
                            answers.clear();
                        }
                        answers.insert(path.to_owned(), (etag, answer.body));
                    }
                    return Ok(parsed);
                }
                Err(GitHubError::RateLimited(wait)) if wait <= MAX_WAIT && waits < 3 => {
                    waits += 1;
                    tracing::info!(wait_s = wait.as_secs(), "GitHub asked to wait before the next activity read");
                    tokio::time::sleep(wait).await;
                }
                Err(error) => return Err(error),
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (String, Vec<u8>)>> {
        self.answers.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    async fn commits(&self, since: DateTime<Utc>) -> Result<Vec<Commit>, GitHubError> {
        let since_text = since.to_rfc3339_opts(SecondsFormat::Secs, true);
        let mut commits = Vec::new();
        for page in 1..=MAX_PAGES {
            let query = format!("commits?sha={}&since={since_text}&per_page={PER_PAGE}&page={page}", self.repo.branch);
            let listed: Vec<ListedCommit> = self.get(&self.path(&query)).await?;
            let full = listed.len() == PER_PAGE;
            commits.extend(listed.into_iter().map(|c| {
                let author = c.commit.author;
                Commit {
                    sha: c.sha,
                    url: c.html_url,
                    message: c.commit.message,
                    author_login: c.author.map(|a| a.login),
                    author_email: author.as_ref().and_then(|a| a.email.clone()),
                    at: author.and_then(|a| a.date).unwrap_or(since),
                }
            }));
            if !full {
                break;
            }
        }
        Ok(commits)
    }

    /// Pull requests in `state`, newest update first, until one was last
    /// updated before `since` (a merge updates it, so none older is newer).
    async fn pulls(&self, state: &str, since: Option<DateTime<Utc>>) -> Result<Vec<ListedPull>, GitHubError> {
        let mut pulls = Vec::new();
        for page in 1..=MAX_PAGES {
            let query = format!("pulls?state={state}&sort=updated&direction=desc&per_page={PER_PAGE}&page={page}");
            let listed: Vec<ListedPull> = self.get(&self.path(&query)).await?;
            let full = listed.len() == PER_PAGE;
            let reached_older = since.is_some_and(|since| listed.last().is_some_and(|p| p.updated_at < since));
            pulls.extend(listed);
            if !full || reached_older {
                break;
            }
        }
        Ok(pulls)
    }

    async fn failing_checks(&self, head_sha: &str) -> Result<Vec<String>, GitHubError> {
        let runs: CheckRuns =
            self.get(&self.path(&format!("commits/{head_sha}/check-runs?per_page={PER_PAGE}"))).await?;
        Ok(runs
            .check_runs
            .into_iter()
            .filter(|run| run.conclusion.as_deref().is_some_and(|c| FAILED.contains(&c)))
            .map(|run| run.name)
            .collect())
    }
}

fn pull_request(pull: ListedPull) -> PullRequest {
    PullRequest {
        number: pull.number,
        title: pull.title,
        url: pull.html_url,
        branch: pull.head.branch,
        author_login: pull.user.map(|u| u.login),
        merged_at: pull.merged_at,
        failing_checks: Vec::new(),
    }
}

#[async_trait]
impl RepoActivity for GitHubActivity {
    async fn activity(
        &self,
        since: DateTime<Utc>,
        wants_checks: &(dyn for<'p> Fn(&'p PullRequest) -> bool + Sync),
    ) -> Result<Activity, SourceError> {
        let remote = |e: GitHubError| SourceError::Remote(format!("reading {}'s activity: {e}", self.repo));
        let commits = self.commits(since).await.map_err(remote)?;
        let merged = self
            .pulls("closed", Some(since))
            .await
            .map_err(remote)?
            .into_iter()
            .filter(|p| p.merged_at.is_some_and(|at| at >= since))
            .map(pull_request)
            .collect();
        let mut open = Vec::new();
        for listed in self.pulls("open", None).await.map_err(remote)? {
            let head = listed.head.sha.clone();
            let mut pull = pull_request(listed);
            if wants_checks(&pull) {
                pull.failing_checks = self.failing_checks(&head).await.map_err(remote)?;
            }
            open.push(pull);
        }
        Ok(Activity { commits, merged, open })
    }
}

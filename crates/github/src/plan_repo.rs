//! The plan files in a GitHub repository, as a source and as a writer.

use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;
use serde::Deserialize;
use serde_json::json;

use super::client::tree_body;
use super::{GitHubClient, GitHubError, RepoRef};
use planbot_source::{Fingerprint, PlanFiles, PlanSource, PlanVersion, SourceError};
use planbot_source::{Head, PlanWriter, Revision, WriteError, Written};

/// What a steady state needs without asking GitHub again: the branch's
/// ETag, and the files and tree of commits already read (commits never
/// change, so these never go stale).
#[derive(Default)]
struct Cache {
    ref_etag: Option<String>,
    head: Option<String>,
    /// planbot just moved the branch itself: the reload that follows
    /// needs no request (the next read asks GitHub again).
    head_is_ours: bool,
    files: HashMap<String, PlanFiles>,
    commits: HashMap<String, CommitInfo>,
}

/// What planbot needs of a commit; commits never change.
#[derive(Clone)]
struct CommitInfo {
    tree: String,
    author: Option<String>,
    url: Option<String>,
}

pub struct GitHubPlan {
    pub(crate) client: GitHubClient,
    pub(crate) repo: RepoRef,
    csv_path: String,
    markdown_path: String,
    cache: Mutex<Cache>,
}

#[derive(Deserialize)]
struct GitRef {
    object: GitObject,
}

#[derive(Deserialize)]
struct GitObject {
    sha: String,
}

#[derive(Deserialize)]
struct GitCommit {
    sha: String,
    tree: GitObject,
    html_url: Option<String>,
    author: Option<GitPerson>,
    #[serde(default)]
    parents: Vec<GitObject>,
}

#[derive(Deserialize)]
struct GitPerson {
    name: Option<String>,
}

impl From<GitHubError> for WriteError {
    fn from(error: GitHubError) -> WriteError {
        match error {
            GitHubError::Unauthorized(message) => WriteError::Unauthorized(message),
            GitHubError::RateLimited(wait) => WriteError::RateLimited(wait),
            GitHubError::Moved { .. } => WriteError::Stale,
            other => WriteError::Transient(other.to_string()),
        }
    }
}

impl GitHubPlan {
    pub fn new(client: GitHubClient, repo: RepoRef, csv_path: &str, markdown_path: &str) -> GitHubPlan {
        GitHubPlan {
            client,
            repo,
            csv_path: csv_path.trim_start_matches('/').to_owned(),
            markdown_path: markdown_path.trim_start_matches('/').to_owned(),
            cache: Mutex::default(),
        }
    }

    fn repo_path(&self, rest: &str) -> String {
        format!("/repos/{}/{}/{rest}", self.repo.owner, self.repo.repo)
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, Cache> {
        self.cache.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The branch's head commit, by conditional request.
    async fn head_sha(&self) -> Result<String, GitHubError> {
        let (etag, known) = {
            let mut cache = self.cache();
            if std::mem::take(&mut cache.head_is_ours) {
                if let Some(head) = cache.head.clone() {
                    return Ok(head);
                }
            }
            (cache.ref_etag.clone(), cache.head.clone())
        };
        // Without a known head a 304 would tell us nothing: ask plainly.
        let etag = etag.filter(|_| known.is_some());
        let path = self.repo_path(&format!("git/ref/heads/{}", self.repo.branch));
        let answer = self.client.get(&path, false, etag.as_deref()).await?;
        if let (true, Some(head)) = (answer.not_modified, known) {
            return Ok(head);
        }
        let sha = answer.json::<GitRef>()?.object.sha;
        let mut cache = self.cache();
        cache.ref_etag = answer.etag;
        cache.head = Some(sha.clone());
        Ok(sha)
    }

    /// Both files from the same commit.
    async fn files_at(&self, sha: &str) -> Result<PlanFiles, GitHubError> {
        let cached = self.cache().files.get(sha).cloned();
        if let Some(files) = cached {
            return Ok(files);
        }
        let csv = self.file_at(&self.csv_path, sha).await?;
        let markdown = self.file_at(&self.markdown_path, sha).await?;
        if csv.is_none() && markdown.is_none() {
            return Err(GitHubError::NotFound(format!("{} or {}", self.csv_path, self.markdown_path)));
        }
        let files = PlanFiles { csv, markdown };
        let mut cache = self.cache();
        // Only the newest commits matter; keep the cache small.
        if cache.files.len() > 8 {
            cache.files.clear();
        }
        cache.files.insert(sha.to_owned(), files.clone());
        Ok(files)
    }

    async fn file_at(&self, path: &str, sha: &str) -> Result<Option<String>, GitHubError> {
        match self.client.get(&self.repo_path(&format!("contents/{path}?ref={sha}")), true, None).await {
            Ok(answer) => planbot_source::utf8_text(path, answer.file_bytes()?)
                .map(Some)
                .map_err(|error| GitHubError::Rejected { status: 200, message: error.to_string() }),
            Err(GitHubError::NotFound(_)) => Ok(None),
            Err(other) => Err(other),
        }
    }

    async fn commit_info(&self, commit: &str) -> Result<CommitInfo, GitHubError> {
        let cached = self.cache().commits.get(commit).cloned();
        if let Some(info) = cached {
            return Ok(info);
        }
        let answer = self.client.get(&self.repo_path(&format!("git/commits/{commit}")), false, None).await?;
        let found = answer.json::<GitCommit>()?;
        let info = CommitInfo {
            tree: found.tree.sha,
            author: found.author.and_then(|a| a.name),
            url: found.html_url.or_else(|| self.commit_url(commit)),
        };
        self.cache().commits.insert(commit.to_owned(), info.clone());
        Ok(info)
    }

    fn commit_url(&self, sha: &str) -> Option<String> {
        Some(format!("https://github.com/{}/{}/commit/{sha}", self.repo.owner, self.repo.repo))
    }
}

/// Commits looked at between two versions before giving up on naming each.
const MAX_COMMITS_WALKED: usize = 20;

fn source_error(error: GitHubError) -> SourceError {
    SourceError::Remote(error.to_string())
}

#[async_trait]
impl PlanSource for GitHubPlan {
    fn describe(&self) -> String {
        self.repo.to_string()
    }

    fn csv_display_path(&self) -> String {
        self.csv_path.clone()
    }

    fn markdown_display_path(&self) -> String {
        self.markdown_path.clone()
    }

    async fn fingerprint(&self) -> Result<Fingerprint, SourceError> {
        Ok(Fingerprint(self.head_sha().await.map_err(source_error)?))
    }

    /// The commits from `from` (exclusive) to `to`, oldest first, found by
    /// walking first parents back from `to`. Too long a walk (a rewritten
    /// branch, a huge merge) is reported as one change.
    async fn revisions_between(&self, from: &Fingerprint, to: &Fingerprint) -> Result<Vec<PlanVersion>, SourceError> {
        let mut walked = Vec::new();
        let mut sha = to.0.clone();
        while sha != from.0 && walked.len() < MAX_COMMITS_WALKED {
            let answer = self.client.get(&self.repo_path(&format!("git/commits/{sha}")), false, None).await;
            let commit = answer.and_then(|a| a.json::<GitCommit>()).map_err(source_error)?;
            let files = self.files_at(&commit.sha).await.map_err(source_error)?;
            let url = commit.html_url.clone().or_else(|| self.commit_url(&commit.sha));
            let author = commit.author.and_then(|a| a.name);
            walked.push(PlanVersion { id: commit.sha.clone(), author, url, files: Some(files) });
            match commit.parents.first() {
                Some(parent) => sha = parent.sha.clone(),
                None => break,
            }
        }
        if sha != from.0 {
            return Ok(vec![PlanVersion { id: to.0.clone(), author: None, url: self.commit_url(&to.0), files: None }]);
        }
        walked.reverse();
        Ok(walked)
    }

    async fn load(&self) -> Result<PlanFiles, SourceError> {
        let known = self.cache().head.clone();
        let sha = match known {
            Some(sha) => sha,
            None => self.head_sha().await.map_err(source_error)?,
        };
        self.files_at(&sha).await.map_err(source_error)
    }
}

#[async_trait]
impl PlanWriter for GitHubPlan {
    async fn read_head(&self) -> Result<Head, WriteError> {
        let revision = self.head_sha().await?;
        let files = self.files_at(&revision).await?;
        Ok(Head { files, revision })
    }

    /// Tree on `base_tree`, a commit whose parent is the head we read,
    /// and a ref update that must be a fast forward.
    async fn write(
        &self,
        head: &Head,
        csv: Option<&str>,
        markdown: Option<&str>,
        message: &str,
    ) -> Result<Written, WriteError> {
        let base_tree = self.commit_info(&head.revision).await?.tree;
        let files: Vec<(&str, &str)> = [(self.csv_path.as_str(), csv), (self.markdown_path.as_str(), markdown)]
            .into_iter()
            .filter_map(|(path, text)| text.map(|text| (path, text)))
            .collect();
        let tree: GitObject =
            self.client.post(&self.repo_path("git/trees"), tree_body(&base_tree, &files)).await?.json()?;
        let body = json!({"message": message, "tree": tree.sha, "parents": [head.revision]});
        let commit: GitCommit = self.client.post(&self.repo_path("git/commits"), body).await?.json()?;
        let update = json!({"sha": commit.sha, "force": false});
        self.client.patch(&self.repo_path(&format!("git/refs/heads/{}", self.repo.branch)), update).await?;
        let mut cache = self.cache();
        cache.head = Some(commit.sha.clone());
        cache.head_is_ours = true;
        let url = commit.html_url.clone().or_else(|| self.commit_url(&commit.sha));
        let info = CommitInfo { tree: tree.sha, author: commit.author.and_then(|a| a.name), url: url.clone() };
        cache.commits.insert(commit.sha.clone(), info);
        // What we wrote is what the new commit holds: no need to read it back.
        let written = PlanFiles {
            csv: csv.map(str::to_owned).or_else(|| head.files.csv.clone()),
            markdown: markdown.map(str::to_owned).or_else(|| head.files.markdown.clone()),
        };
        cache.files.insert(commit.sha.clone(), written);
        drop(cache);
        Ok(Written { commit_ref: commit.sha, url })
    }

    async fn describe_revision(&self, revision: &str) -> Revision {
        match self.commit_info(revision).await {
            Ok(info) => Revision { url: info.url, author: info.author },
            Err(_) => Revision { url: self.commit_url(revision), author: None },
        }
    }
}

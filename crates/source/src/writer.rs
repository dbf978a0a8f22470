//! A home the plan can be written back to: read its head, write on top
//! of it, or learn that it moved (`Stale`) and start again.

use async_trait::async_trait;

use crate::PlanFiles;

/// The plan files at one revision of their home.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub files: PlanFiles,
    /// Identifies the revision the files were read at (a commit sha, or
    /// a fingerprint for a folder).
    pub revision: String,
}

/// What a write produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub commit_ref: String,
    pub url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WriteError {
    /// The plan changed since `read_head`: read again and re-apply.
    #[error("the plan changed while writing; starting again from the new version")]
    Stale,
    /// Worth retrying after a pause (network, 5xx, a locked file).
    #[error("{0}")]
    Transient(String),
    /// The far side asked us to wait this long.
    #[error("rate limited for {0:?}")]
    RateLimited(std::time::Duration),
    /// Credentials were refused: edits stay queued until they are fixed.
    #[error("not authorised: {0}")]
    Unauthorized(String),
}

/// A home the plan can be written back to.
#[async_trait]
pub trait PlanWriter: Send + Sync + 'static {
    async fn read_head(&self) -> Result<Head, WriteError>;

    /// Writes the files that changed (`None`: leave that file as it is)
    /// on top of `head`, or fails with `Stale` if the home moved on.
    async fn write(
        &self,
        head: &Head,
        csv: Option<&str>,
        markdown: Option<&str>,
        message: &str,
    ) -> Result<Written, WriteError>;

    /// What a person can learn about `revision`: a link to it, and who
    /// made it (for "someone changed it first" messages).
    async fn describe_revision(&self, _revision: &str) -> Revision {
        Revision::default()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Revision {
    pub url: Option<String>,
    pub author: Option<String>,
}

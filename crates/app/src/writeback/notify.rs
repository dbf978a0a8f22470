//! Telling people what happened to their edits, and the ops channel what
//! needs a human. The committer decides what to say; a `Notifier` (Slack
//! in production) delivers it.

use async_trait::async_trait;

use planbot_store::QueuedEdit;

/// How an edit ended, as its author should hear it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Written {
        commit_ref: String,
        url: Option<String>,
    },
    /// Someone else changed the field first; `url` shows the version
    /// planbot found and `by` who made it, when known.
    Conflict {
        current: String,
        url: Option<String>,
        by: Option<String>,
    },
    Failed {
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub edit: QueuedEdit,
    pub outcome: Outcome,
}

#[async_trait]
pub trait Notifier: Send + Sync + 'static {
    /// Tell each author how their edit ended.
    async fn edits_settled(&self, notices: &[Notice]);

    /// Something the team must fix (credentials, a plan that no longer
    /// parses). Sent once per problem, not once per attempt.
    async fn alert(&self, message: &str);
}

//! planbot's own state (who holds which owner role, the command log) in
//! SQLite (the embedded default) or PostgreSQL (production, shared by
//! several instances). One trait, one implementation per engine, each with
//! its own migrations folder embedded in the binary.

/// A struct read from a row by column names, as `#[derive(sqlx::FromRow)]`
/// writes it (without sqlx's proc-macro crate, which builds a second sqlx
/// for the host).
macro_rules! row_type {
    ($(#[$meta:meta])* $vis:vis struct $name:ident { $($field:ident: $ty:ty),* $(,)? }) => {
        $(#[$meta])*
        $vis struct $name {
            $($field: $ty),*
        }

        impl<'r, R: ::sqlx::Row> ::sqlx::FromRow<'r, R> for $name
        where
            &'r str: ::sqlx::ColumnIndex<R>,
            $($ty: ::sqlx::Decode<'r, R::Database> + ::sqlx::Type<R::Database>,)*
        {
            fn from_row(row: &'r R) -> Result<Self, ::sqlx::Error> {
                Ok($name { $($field: row.try_get(stringify!($field))?),* })
            }
        }
    };
}

mod command_log;
mod inbox;
mod migrations;
pub(crate) mod outbox;
mod postgres;
mod shared;
mod sqlite;
mod standup_queries;
pub(crate) mod standups;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

pub use command_log::{CommandLog, spawn_command_log};
pub use inbox::{Delivery, InboxDepth, InboxStore};
pub use outbox::{Applier, EditState, NewEdit, QueuedEdit, Settlement};
pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;
pub use standups::{
    DigestRecord, JobKey, JobKind, JobRecord, JobState, Member, Membership, SkipDay, StandupStore, SummaryRecord,
};

use planbot_domain::people::SlackUserId;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    pub fn name(self) -> &'static str {
        match self {
            Engine::Sqlite => "sqlite",
            Engine::Postgres => "postgres",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("DATABASE_URL must start with sqlite: or postgres:// (got a URL starting {scheme:?})")]
    UnsupportedUrl { scheme: String },
    #[error(
        "cannot reach PostgreSQL at {server} ({reason}): check the host and port in DATABASE_URL, and that the \
         server runs and accepts connections from here"
    )]
    Unreachable { server: String, reason: String },
    #[error("the database file {path} was deleted or replaced while planbot ran; restart it so nothing more is lost")]
    FileGone { path: String },
    #[error("{path} is read-only: planbot cannot save anything")]
    ReadOnly { path: String },
    #[error("the database did not answer within {0:?}")]
    Slow(Duration),
    #[error("the database file cannot be checked: {0}")]
    File(#[from] std::io::Error),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("stored value is not valid: {0}")]
    Corrupt(String),
}

/// One answered `/plan` command.
#[derive(Debug, Clone, PartialEq)]
pub struct CommandRecord {
    pub at: DateTime<Utc>,
    pub user: Option<SlackUserId>,
    pub channel: Option<String>,
    pub verb: String,
    pub task_id: Option<String>,
    pub latency: Duration,
    pub outcome: String,
}

/// How often one question was answered in one minute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageCount {
    /// The minute's start.
    pub minute: DateTime<Utc>,
    pub verb: String,
    pub outcome: String,
    pub answered: u64,
    pub latency_total: Duration,
    pub latency_max: Duration,
}

#[async_trait]
pub trait Store: Send + Sync + 'static {
    fn engine(&self) -> Engine;

    /// Standups, holidays, scheduled jobs and handled events.
    fn standups(&self) -> &dyn StandupStore;

    /// Deliveries acknowledged to Slack and not yet worked off.
    fn inbox(&self) -> &dyn InboxStore;

    /// Applies the embedded migrations that have not run yet.
    async fn migrate(&self) -> Result<(), StoreError>;

    /// Proves the database answers (for `/api/health`).
    async fn ping(&self) -> Result<(), StoreError>;

    /// Proves the database can be written now (`/api/health`).
    async fn check_writable(&self) -> Result<(), StoreError>;

    /// The embedded migrations this database has not run yet.
    async fn pending_migrations(&self) -> Result<Vec<String>, StoreError>;

    /// The owner roles a person claimed, in the order they gave them.
    async fn roles_of(&self, user: &SlackUserId) -> Result<Vec<String>, StoreError>;

    /// Replaces a person's owner roles.
    async fn set_roles(&self, user: &SlackUserId, roles: &[String], now: DateTime<Utc>) -> Result<(), StoreError>;

    /// Links (or, with `None`, unlinks) a person's GitHub login.
    async fn link_github(&self, user: &SlackUserId, login: Option<&str>, now: DateTime<Utc>) -> Result<(), StoreError>;

    /// The GitHub login a person linked, if any.
    async fn github_login(&self, user: &SlackUserId) -> Result<Option<String>, StoreError>;

    /// Everyone who claimed a role (case-insensitive), by user id.
    async fn people_with_role(&self, role: &str) -> Result<Vec<SlackUserId>, StoreError>;

    async fn record_commands(&self, records: &[CommandRecord]) -> Result<(), StoreError>;

    /// The newest commands first.
    async fn recent_commands(&self, limit: u32) -> Result<Vec<CommandRecord>, StoreError>;

    /// Adds `counts` to the minutes they belong to.
    async fn add_usage(&self, counts: &[UsageCount]) -> Result<(), StoreError>;

    /// The counted questions from `since` on, oldest minute first.
    async fn usage_since(&self, since: DateTime<Utc>) -> Result<Vec<UsageCount>, StoreError>;

    /// Lets `user` change the tasks of `role` (granted by an editor).
    async fn grant_role(
        &self,
        user: &SlackUserId,
        role: &str,
        by: &SlackUserId,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// Takes a grant back; false when there was none.
    async fn revoke_role(&self, user: &SlackUserId, role: &str) -> Result<bool, StoreError>;

    async fn granted_roles(&self, user: &SlackUserId) -> Result<Vec<String>, StoreError>;

    /// Queues edits in one transaction and returns their ids. An edit whose
    /// idempotency key is already queued is not queued again; its existing
    /// id is returned.
    async fn enqueue_edits(&self, edits: &[NewEdit], now: DateTime<Utc>) -> Result<Vec<i64>, StoreError>;

    /// Takes up to `limit` due pending edits for `lease`, oldest first.
    /// Two workers never hold the same edit: PostgreSQL skips rows another
    /// transaction has locked, and a lease keeps them until it runs out.
    async fn claim_edits(&self, now: DateTime<Utc>, lease: Duration, limit: u32)
    -> Result<Vec<QueuedEdit>, StoreError>;

    /// Records how attempts ended (and releases their claims).
    async fn settle_edits(&self, settlements: &[Settlement], now: DateTime<Utc>) -> Result<(), StoreError>;

    /// When the next pending edit becomes due (its creation or its retry
    /// time, whichever is later), if any is pending.
    async fn next_edit_due(&self) -> Result<Option<DateTime<Utc>>, StoreError>;

    async fn edit_by_id(&self, id: i64) -> Result<Option<QueuedEdit>, StoreError>;

    /// Edits still to be written, and when the oldest of them was queued.
    async fn outbox_depth(&self) -> Result<(u64, Option<DateTime<Utc>>), StoreError>;

    /// Edits newest first, one author's or everyone's.
    async fn recent_edits(&self, author: Option<&SlackUserId>, limit: u32) -> Result<Vec<QueuedEdit>, StoreError>;
}

/// Opens the database `url` names. Migrations are not run here: `serve`
/// and `migrate` run them, so a release phase can own that step.
pub async fn connect(url: &str) -> Result<Arc<dyn Store>, StoreError> {
    if url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteStore::connect(url).await?))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(PostgresStore::connect(url).await?))
    } else {
        let scheme = url.split(':').next().unwrap_or_default().chars().take(16).collect();
        Err(StoreError::UnsupportedUrl { scheme })
    }
}

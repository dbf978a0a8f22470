//! The embedded default: one SQLite file, created on first start.

use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};

use chrono::{DateTime, NaiveDate, Utc};

use super::inbox::impl_inbox_queries;
use super::shared::impl_store_queries;
use super::standup_queries::impl_standup_queries;
use super::{Engine, StoreError};
use planbot_domain::people::SlackUserId;

pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    const MIGRATOR: Migrator = sqlx::migrate!("../../migrations/sqlite");

    pub async fn connect(url: &str) -> Result<SqliteStore, StoreError> {
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        // WAL lets the command log write while commands read; an in-memory
        // database lives in one connection, so it must not be pooled wider.
        let (options, connections) =
            if in_memory { (options, 1) } else { (options.journal_mode(SqliteJournalMode::Wal), 4) };
        let pool = SqlitePoolOptions::new().max_connections(connections).connect_with(options).await?;
        Ok(SqliteStore { pool })
    }
}

impl_store_queries!(SqliteStore, Engine::Sqlite, lock_claimed_rows: "");
impl_standup_queries!(SqliteStore);
impl_inbox_queries!(SqliteStore, lock_claimed_rows: "");

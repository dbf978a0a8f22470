//! The embedded default: one SQLite file, created on first start.

use std::str::FromStr;
use std::time::Duration;

use super::migrations::{self, Embedded};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};

use chrono::{DateTime, NaiveDate, Utc};

use super::inbox::impl_inbox_queries;
use super::shared::impl_store_queries;
use super::standup_queries::impl_standup_queries;
use super::{Engine, StoreError};
use planbot_domain::people::SlackUserId;

pub struct SqliteStore {
    pool: SqlitePool,
    /// The database file, and its identity when opened (`None` in memory).
    file: Option<OpenedFile>,
}

/// A file is the same one while its device and inode are.
struct OpenedFile {
    path: std::path::PathBuf,
    identity: (u64, u64),
}

fn identity(path: &std::path::Path) -> std::io::Result<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    let metadata = std::fs::metadata(path)?;
    Ok((metadata.dev(), metadata.ino()))
}

impl SqliteStore {
    const MIGRATIONS: Embedded = migrations::SQLITE;

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
        let path = options.get_filename().to_owned();
        let pool = SqlitePoolOptions::new().max_connections(connections).connect_with(options).await?;
        let file = if in_memory { None } else { Some(OpenedFile { identity: identity(&path)?, path }) };
        Ok(SqliteStore { pool, file })
    }

    /// The file planbot opened is still there, is the same file, and may
    /// still be written: a deleted or replaced file keeps working for the
    /// open connections, and every write after that would be lost.
    fn check_file(&self) -> Result<(), StoreError> {
        let Some(file) = &self.file else { return Ok(()) };
        let shown = file.path.display().to_string();
        match identity(&file.path) {
            Err(_) => return Err(StoreError::FileGone { path: shown }),
            Ok(now) if now != file.identity => return Err(StoreError::FileGone { path: shown }),
            Ok(_) => {}
        }
        let readonly = std::fs::metadata(&file.path).map(|m| m.permissions().readonly()).unwrap_or(true);
        if readonly {
            return Err(StoreError::ReadOnly { path: shown });
        }
        Ok(())
    }

    async fn check_writable(&self) -> Result<(), StoreError> {
        self.check_file()?;
        // Taking the write lock and letting it go proves writes can start.
        let mut connection = self.pool.acquire().await?;
        sqlx::query("BEGIN IMMEDIATE").execute(&mut *connection).await?;
        sqlx::query("ROLLBACK").execute(&mut *connection).await?;
        Ok(())
    }
}

impl_store_queries!(SqliteStore, Engine::Sqlite, lock_claimed_rows: "");
impl_standup_queries!(SqliteStore);
impl_inbox_queries!(SqliteStore, lock_claimed_rows: "");

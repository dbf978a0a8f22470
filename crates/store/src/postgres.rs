//! The production engine, shared by every planbot instance.

use std::str::FromStr;
use std::time::Duration;

use super::migrations::{self, Embedded};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

use chrono::{DateTime, NaiveDate, Utc};

use super::inbox::impl_inbox_queries;
use super::shared::impl_store_queries;
use super::standup_queries::impl_standup_queries;
use super::{Engine, StoreError};
use planbot_domain::people::SlackUserId;

pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    const MIGRATIONS: Embedded = migrations::POSTGRES;

    /// Connects within 5 s, or says which server did not answer.
    pub async fn connect(url: &str) -> Result<PostgresStore, StoreError> {
        let options = PgConnectOptions::from_str(url)?.application_name("planbot");
        let server = format!("{}:{}", options.get_host(), options.get_port());
        let pool = PgPoolOptions::new()
            .max_connections(10)
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options)
            .await
            .map_err(|error| match error {
                sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::Tls(_) => {
                    StoreError::Unreachable { server, reason: error.to_string() }
                }
                other => StoreError::Database(other),
            })?;
        Ok(PostgresStore { pool })
    }

    /// A read-only server (a standby, or `default_transaction_read_only`)
    /// would fail every write.
    async fn check_writable(&self) -> Result<(), StoreError> {
        let read_only: String =
            sqlx::query_scalar("SELECT current_setting('transaction_read_only')").fetch_one(&self.pool).await?;
        if read_only == "on" {
            return Err(StoreError::ReadOnly { path: "the PostgreSQL server".into() });
        }
        Ok(())
    }
}

impl_store_queries!(PostgresStore, Engine::Postgres, lock_claimed_rows: " FOR UPDATE SKIP LOCKED");
impl_standup_queries!(PostgresStore);
impl_inbox_queries!(PostgresStore, lock_claimed_rows: " FOR UPDATE SKIP LOCKED");

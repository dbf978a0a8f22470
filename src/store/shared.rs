//! The queries both engines run word for word. SQLite and PostgreSQL both
//! accept `$N` placeholders and `ON CONFLICT`, so the SQL is written once
//! and this macro gives each engine's store the same implementation.

macro_rules! impl_store_queries {
    ($store:ty, $engine:expr) => {
        #[async_trait::async_trait]
        impl $crate::store::Store for $store {
            fn engine(&self) -> $crate::store::Engine {
                $engine
            }

            async fn migrate(&self) -> Result<(), $crate::store::StoreError> {
                Self::MIGRATOR.run(&self.pool).await?;
                Ok(())
            }

            async fn ping(&self) -> Result<(), $crate::store::StoreError> {
                sqlx::query("SELECT 1").execute(&self.pool).await?;
                Ok(())
            }

            async fn roles_of(
                &self,
                user: &$crate::slack::SlackUserId,
            ) -> Result<Vec<String>, $crate::store::StoreError> {
                let roles = sqlx::query_scalar(
                    "SELECT role FROM person_roles WHERE slack_user_id = $1 ORDER BY position",
                )
                .bind(user.as_str())
                .fetch_all(&self.pool)
                .await?;
                Ok(roles)
            }

            async fn set_roles(
                &self,
                user: &$crate::slack::SlackUserId,
                roles: &[String],
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<(), $crate::store::StoreError> {
                let mut tx = self.pool.begin().await?;
                sqlx::query(
                    "INSERT INTO people (slack_user_id, created_at_ms, updated_at_ms) VALUES ($1, $2, $2) \
                     ON CONFLICT (slack_user_id) DO UPDATE SET updated_at_ms = excluded.updated_at_ms",
                )
                .bind(user.as_str())
                .bind(now.timestamp_millis())
                .execute(&mut *tx)
                .await?;
                sqlx::query("DELETE FROM person_roles WHERE slack_user_id = $1")
                    .bind(user.as_str())
                    .execute(&mut *tx)
                    .await?;
                for (position, role) in (0i32..).zip(roles) {
                    sqlx::query("INSERT INTO person_roles (slack_user_id, role, position) VALUES ($1, $2, $3)")
                        .bind(user.as_str())
                        .bind(role)
                        .bind(position)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn people_with_role(
                &self,
                role: &str,
            ) -> Result<Vec<$crate::slack::SlackUserId>, $crate::store::StoreError> {
                let ids: Vec<String> = sqlx::query_scalar(
                    "SELECT slack_user_id FROM person_roles WHERE LOWER(role) = LOWER($1) ORDER BY slack_user_id",
                )
                .bind(role)
                .fetch_all(&self.pool)
                .await?;
                ids.iter().map(|id| $crate::store::shared::parse_user(id)).collect()
            }

            async fn record_commands(
                &self,
                records: &[$crate::store::CommandRecord],
            ) -> Result<(), $crate::store::StoreError> {
                let mut tx = self.pool.begin().await?;
                for record in records {
                    sqlx::query(
                        "INSERT INTO command_log (at_ms, slack_user_id, channel_id, verb, task_id, latency_us, outcome) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(record.at.timestamp_millis())
                    .bind(record.user.as_ref().map(|u| u.as_str().to_owned()))
                    .bind(record.channel.clone())
                    .bind(record.verb.clone())
                    .bind(record.task_id.clone())
                    .bind(i64::try_from(record.latency.as_micros()).unwrap_or(i64::MAX))
                    .bind(record.outcome.clone())
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn recent_commands(
                &self,
                limit: u32,
            ) -> Result<Vec<$crate::store::CommandRecord>, $crate::store::StoreError> {
                let rows: Vec<$crate::store::shared::CommandRow> = sqlx::query_as(
                    "SELECT at_ms, slack_user_id, channel_id, verb, task_id, latency_us, outcome \
                     FROM command_log ORDER BY id DESC LIMIT $1",
                )
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map($crate::store::shared::CommandRow::into_record).collect()
            }
        }
    };
}

pub(crate) use impl_store_queries;

use std::time::Duration;

use super::{CommandRecord, StoreError};
use crate::slack::SlackUserId;

pub(crate) fn parse_user(raw: &str) -> Result<SlackUserId, StoreError> {
    raw.parse().map_err(|err: crate::slack::InvalidSlackUserId| StoreError::Corrupt(err.to_string()))
}

#[derive(sqlx::FromRow)]
pub(crate) struct CommandRow {
    at_ms: i64,
    slack_user_id: Option<String>,
    channel_id: Option<String>,
    verb: String,
    task_id: Option<String>,
    latency_us: i64,
    outcome: String,
}

impl CommandRow {
    pub(crate) fn into_record(self) -> Result<CommandRecord, StoreError> {
        let at = chrono::DateTime::from_timestamp_millis(self.at_ms)
            .ok_or_else(|| StoreError::Corrupt(format!("command_log.at_ms {}", self.at_ms)))?;
        Ok(CommandRecord {
            at,
            user: self.slack_user_id.as_deref().map(parse_user).transpose()?,
            channel: self.channel_id,
            verb: self.verb,
            task_id: self.task_id,
            latency: Duration::from_micros(u64::try_from(self.latency_us).unwrap_or(0)),
            outcome: self.outcome,
        })
    }
}

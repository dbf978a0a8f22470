//! The queries both engines run word for word. SQLite and PostgreSQL both
//! accept `$N` placeholders and `ON CONFLICT`, so the SQL is written once
//! and this macro gives each engine's store the same implementation.

macro_rules! impl_store_queries {
    ($store:ty, $engine:expr, lock_claimed_rows: $lock:expr) => {
        #[async_trait::async_trait]
        impl $crate::Store for $store {
            fn engine(&self) -> $crate::Engine {
                $engine
            }

            fn standups(&self) -> &dyn $crate::StandupStore {
                self
            }

            fn inbox(&self) -> &dyn $crate::InboxStore {
                self
            }

            async fn migrate(&self) -> Result<(), $crate::StoreError> {
                Self::MIGRATIONS.migrator().await?.run(&self.pool).await?;
                Ok(())
            }

            async fn ping(&self) -> Result<(), $crate::StoreError> {
                sqlx::query("SELECT 1").execute(&self.pool).await?;
                Ok(())
            }

            async fn outbox_depth(
                &self,
            ) -> Result<(u64, Option<chrono::DateTime<chrono::Utc>>), $crate::StoreError> {
                let (pending, oldest): (i64, Option<i64>) = sqlx::query_as(
                    "SELECT COUNT(*), MIN(created_at_ms) FROM plan_edits WHERE state = 'pending'",
                )
                .fetch_one(&self.pool)
                .await?;
                Ok((u64::try_from(pending).unwrap_or(0), oldest.and_then(chrono::DateTime::from_timestamp_millis)))
            }

            async fn check_writable(&self) -> Result<(), $crate::StoreError> {
                <$store>::check_writable(self).await
            }

            async fn pending_migrations(&self) -> Result<Vec<String>, $crate::StoreError> {
                // Before the first migration the ledger table does not exist.
                let ledger = sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success");
                let applied: Vec<i64> = match ledger.fetch_all(&self.pool).await {
                    Ok(versions) => versions,
                    Err(sqlx::Error::Database(_)) => Vec::new(),
                    Err(other) => return Err(other.into()),
                };
                Ok(Self::MIGRATIONS
                    .migrator()
                    .await?
                    .iter()
                    .filter(|migration| !migration.migration_type.is_down_migration())
                    .filter(|migration| !applied.contains(&migration.version))
                    .map(|migration| format!("{} {}", migration.version, migration.description))
                    .collect())
            }

            async fn roles_of(
                &self,
                user: &::planbot_domain::people::SlackUserId,
            ) -> Result<Vec<String>, $crate::StoreError> {
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
                user: &::planbot_domain::people::SlackUserId,
                roles: &[String],
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<(), $crate::StoreError> {
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

            async fn link_github(
                &self,
                user: &::planbot_domain::people::SlackUserId,
                login: Option<&str>,
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<(), $crate::StoreError> {
                match login {
                    Some(login) => {
                        sqlx::query(
                            "INSERT INTO github_logins (slack_user_id, login, linked_at_ms) VALUES ($1, $2, $3) \
                             ON CONFLICT (slack_user_id) DO UPDATE SET login = excluded.login, \
                             linked_at_ms = excluded.linked_at_ms",
                        )
                        .bind(user.as_str())
                        .bind(login)
                        .bind(now.timestamp_millis())
                        .execute(&self.pool)
                        .await?;
                    }
                    None => {
                        sqlx::query("DELETE FROM github_logins WHERE slack_user_id = $1")
                            .bind(user.as_str())
                            .execute(&self.pool)
                            .await?;
                    }
                }
                Ok(())
            }

            async fn github_login(
                &self,
                user: &::planbot_domain::people::SlackUserId,
            ) -> Result<Option<String>, $crate::StoreError> {
                let login = sqlx::query_scalar("SELECT login FROM github_logins WHERE slack_user_id = $1")
                    .bind(user.as_str())
                    .fetch_optional(&self.pool)
                    .await?;
                Ok(login)
            }

            async fn people_with_role(
                &self,
                role: &str,
            ) -> Result<Vec<::planbot_domain::people::SlackUserId>, $crate::StoreError> {
                let ids: Vec<String> = sqlx::query_scalar(
                    "SELECT slack_user_id FROM person_roles WHERE LOWER(role) = LOWER($1) ORDER BY slack_user_id",
                )
                .bind(role)
                .fetch_all(&self.pool)
                .await?;
                ids.iter().map(|id| $crate::shared::parse_user(id)).collect()
            }

            async fn record_commands(
                &self,
                records: &[$crate::CommandRecord],
            ) -> Result<(), $crate::StoreError> {
                if records.is_empty() {
                    return Ok(());
                }
                // One statement per batch: the log is written under every
                // answer's load, and a row costs far less than a statement.
                let mut insert = sqlx::QueryBuilder::new(
                    "INSERT INTO command_log (at_ms, slack_user_id, channel_id, verb, task_id, latency_us, outcome) ",
                );
                insert.push_values(records, |mut row, record| {
                    row.push_bind(record.at.timestamp_millis())
                        .push_bind(record.user.as_ref().map(|u| u.as_str()))
                        .push_bind(record.channel.as_deref())
                        .push_bind(record.verb.as_str())
                        .push_bind(record.task_id.as_deref())
                        .push_bind(i64::try_from(record.latency.as_micros()).unwrap_or(i64::MAX))
                        .push_bind(record.outcome.as_str());
                });
                // Each batch size is its own statement text; caching them
                // would fill the connection's statement cache with one-offs.
                insert.build().persistent(false).execute(&self.pool).await?;
                Ok(())
            }

            async fn recent_commands(
                &self,
                limit: u32,
            ) -> Result<Vec<$crate::CommandRecord>, $crate::StoreError> {
                let rows: Vec<$crate::shared::CommandRow> = sqlx::query_as(
                    "SELECT at_ms, slack_user_id, channel_id, verb, task_id, latency_us, outcome \
                     FROM command_log ORDER BY id DESC LIMIT $1",
                )
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map($crate::shared::CommandRow::into_record).collect()
            }

            async fn add_usage(&self, counts: &[$crate::UsageCount]) -> Result<(), $crate::StoreError> {
                let mut tx = self.pool.begin().await?;
                for count in counts {
                    sqlx::query(
                        "INSERT INTO command_usage (minute_ms, verb, outcome, answered, latency_us_total, latency_us_max) \
                         VALUES ($1, $2, $3, $4, $5, $6) \
                         ON CONFLICT (minute_ms, verb, outcome) DO UPDATE SET \
                         answered = command_usage.answered + excluded.answered, \
                         latency_us_total = command_usage.latency_us_total + excluded.latency_us_total, \
                         latency_us_max = CASE WHEN excluded.latency_us_max > command_usage.latency_us_max \
                         THEN excluded.latency_us_max ELSE command_usage.latency_us_max END",
                    )
                    .bind(count.minute.timestamp_millis())
                    .bind(count.verb.as_str())
                    .bind(count.outcome.as_str())
                    .bind(i64::try_from(count.answered).unwrap_or(i64::MAX))
                    .bind($crate::shared::micros(count.latency_total))
                    .bind($crate::shared::micros(count.latency_max))
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn usage_since(
                &self,
                since: ::chrono::DateTime<::chrono::Utc>,
            ) -> Result<Vec<$crate::UsageCount>, $crate::StoreError> {
                let rows: Vec<$crate::shared::UsageRow> = sqlx::query_as(
                    "SELECT minute_ms, verb, outcome, answered, latency_us_total, latency_us_max \
                     FROM command_usage WHERE minute_ms >= $1 ORDER BY minute_ms, verb, outcome",
                )
                .bind(since.timestamp_millis())
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map($crate::shared::UsageRow::into_count).collect()
            }

            async fn grant_role(
                &self,
                user: &::planbot_domain::people::SlackUserId,
                role: &str,
                by: &::planbot_domain::people::SlackUserId,
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<(), $crate::StoreError> {
                sqlx::query(
                    "INSERT INTO role_grants (slack_user_id, role, granted_by, granted_at_ms) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (slack_user_id, role) DO UPDATE SET granted_by = excluded.granted_by, \
                     granted_at_ms = excluded.granted_at_ms",
                )
                .bind(user.as_str())
                .bind(role)
                .bind(by.as_str())
                .bind(now.timestamp_millis())
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn revoke_role(
                &self,
                user: &::planbot_domain::people::SlackUserId,
                role: &str,
            ) -> Result<bool, $crate::StoreError> {
                let done = sqlx::query("DELETE FROM role_grants WHERE slack_user_id = $1 AND LOWER(role) = LOWER($2)")
                    .bind(user.as_str())
                    .bind(role)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected() > 0)
            }

            async fn granted_roles(
                &self,
                user: &::planbot_domain::people::SlackUserId,
            ) -> Result<Vec<String>, $crate::StoreError> {
                let roles = sqlx::query_scalar("SELECT role FROM role_grants WHERE slack_user_id = $1 ORDER BY role")
                    .bind(user.as_str())
                    .fetch_all(&self.pool)
                    .await?;
                Ok(roles)
            }

            async fn enqueue_edits(
                &self,
                edits: &[$crate::NewEdit],
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<Vec<i64>, $crate::StoreError> {
                let mut tx = self.pool.begin().await?;
                let mut ids = Vec::with_capacity(edits.len());
                for new in edits {
                    let (kind, seen, value) = $crate::outbox::change_columns(&new.edit.change);
                    let inserted: Option<i64> = sqlx::query_scalar(
                        "INSERT INTO plan_edits (idempotency_key, created_at_ms, author_id, author_name, task_id, kind, \
                         seen, value, state, next_attempt_at_ms, applied_by_id, applied_by_name, task_form) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $2, $9, $10, $11) \
                         ON CONFLICT (idempotency_key) DO NOTHING RETURNING id",
                    )
                    .bind(new.idempotency_key.as_deref())
                    .bind(now.timestamp_millis())
                    .bind(new.author_id.as_str())
                    .bind(&new.edit.author)
                    .bind(new.edit.task.as_str())
                    .bind(kind)
                    .bind(seen)
                    .bind(value)
                    .bind(new.applied_by.as_ref().map(|applier| applier.id.as_str()))
                    .bind(new.applied_by.as_ref().map(|applier| applier.name.as_str()))
                    .bind($crate::outbox::form_name(new.edit.form))
                    .fetch_optional(&mut *tx)
                    .await?;
                    let id = match inserted {
                        Some(id) => id,
                        None => {
                            sqlx::query_scalar("SELECT id FROM plan_edits WHERE idempotency_key = $1")
                                .bind(new.idempotency_key.as_deref())
                                .fetch_one(&mut *tx)
                                .await?
                        }
                    };
                    ids.push(id);
                }
                tx.commit().await?;
                Ok(ids)
            }

            async fn claim_edits(
                &self,
                now: chrono::DateTime<chrono::Utc>,
                lease: std::time::Duration,
                limit: u32,
            ) -> Result<Vec<$crate::QueuedEdit>, $crate::StoreError> {
                let now_ms = now.timestamp_millis();
                let lease_ms = i64::try_from(lease.as_millis()).unwrap_or(i64::MAX);
                let sql = format!(
                    "UPDATE plan_edits SET claimed_until_ms = $1, attempts = attempts + 1 WHERE id IN (\
                     SELECT id FROM plan_edits WHERE state = 'pending' AND next_attempt_at_ms <= $2 \
                     AND (claimed_until_ms IS NULL OR claimed_until_ms < $2) ORDER BY id LIMIT $3{}) RETURNING {}",
                    $lock,
                    $crate::outbox::EDIT_COLUMNS
                );
                let rows: Vec<$crate::outbox::EditRow> = sqlx::query_as(&sql)
                    .bind(now_ms.saturating_add(lease_ms))
                    .bind(now_ms)
                    .bind(i64::from(limit))
                    .fetch_all(&self.pool)
                    .await?;
                let mut edits: Vec<_> = rows.into_iter().map(|row| row.into_queued()).collect::<Result<_, _>>()?;
                edits.sort_by_key(|edit: &$crate::QueuedEdit| edit.id);
                Ok(edits)
            }

            async fn settle_edits(
                &self,
                settlements: &[$crate::Settlement],
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<(), $crate::StoreError> {
                use $crate::Settlement;
                let now_ms = now.timestamp_millis();
                let mut tx = self.pool.begin().await?;
                for settlement in settlements {
                    let query = match settlement {
                        Settlement::Committed { id, commit_ref, commit_url } => sqlx::query(
                            "UPDATE plan_edits SET state = 'committed', commit_ref = $2, commit_url = $3, \
                             settled_at_ms = $4, claimed_until_ms = NULL, last_error = NULL WHERE id = $1",
                        )
                        .bind(*id)
                        .bind(commit_ref.clone())
                        .bind(commit_url.clone())
                        .bind(now_ms),
                        Settlement::Conflict { id, current } => sqlx::query(
                            "UPDATE plan_edits SET state = 'conflict', current_value = $2, settled_at_ms = $3, \
                             claimed_until_ms = NULL WHERE id = $1",
                        )
                        .bind(*id)
                        .bind(current.clone())
                        .bind(now_ms),
                        Settlement::Failed { id, reason } => sqlx::query(
                            "UPDATE plan_edits SET state = 'failed', last_error = $2, settled_at_ms = $3, \
                             claimed_until_ms = NULL WHERE id = $1",
                        )
                        .bind(*id)
                        .bind(reason.clone())
                        .bind(now_ms),
                        Settlement::Retry { id, error, delay } => sqlx::query(
                            "UPDATE plan_edits SET last_error = $2, next_attempt_at_ms = $3, claimed_until_ms = NULL \
                             WHERE id = $1",
                        )
                        .bind(*id)
                        .bind(error.clone())
                        .bind(now_ms.saturating_add(i64::try_from(delay.as_millis()).unwrap_or(i64::MAX))),
                    };
                    query.execute(&mut *tx).await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn next_edit_due(
                &self,
            ) -> Result<Option<chrono::DateTime<chrono::Utc>>, $crate::StoreError> {
                let due: Option<i64> = sqlx::query_scalar(
                    "SELECT MIN(CASE WHEN claimed_until_ms IS NOT NULL AND claimed_until_ms > next_attempt_at_ms \
                     THEN claimed_until_ms ELSE next_attempt_at_ms END) FROM plan_edits WHERE state = 'pending'",
                )
                .fetch_one(&self.pool)
                .await?;
                Ok(due.and_then(chrono::DateTime::from_timestamp_millis))
            }

            async fn edit_by_id(
                &self,
                id: i64,
            ) -> Result<Option<$crate::QueuedEdit>, $crate::StoreError> {
                let sql = format!("SELECT {} FROM plan_edits WHERE id = $1", $crate::outbox::EDIT_COLUMNS);
                let row: Option<$crate::outbox::EditRow> =
                    sqlx::query_as(&sql).bind(id).fetch_optional(&self.pool).await?;
                row.map(|row| row.into_queued()).transpose()
            }

            async fn recent_edits(
                &self,
                author: Option<&::planbot_domain::people::SlackUserId>,
                limit: u32,
            ) -> Result<Vec<$crate::QueuedEdit>, $crate::StoreError> {
                let sql = format!(
                    "SELECT {} FROM plan_edits WHERE ($1 IS NULL OR author_id = $1) ORDER BY id DESC LIMIT $2",
                    $crate::outbox::EDIT_COLUMNS
                );
                let rows: Vec<$crate::outbox::EditRow> = sqlx::query_as(&sql)
                    .bind(author.map(|a| a.as_str().to_owned()))
                    .bind(i64::from(limit))
                    .fetch_all(&self.pool)
                    .await?;
                rows.into_iter().map(|row| row.into_queued()).collect()
            }
        }
    };
}

pub(crate) use impl_store_queries;

use std::time::Duration;

use super::{CommandRecord, StoreError, UsageCount};
use planbot_domain::people::SlackUserId;

pub(crate) fn parse_user(raw: &str) -> Result<SlackUserId, StoreError> {
    raw.parse().map_err(|err: planbot_domain::people::InvalidSlackUserId| StoreError::Corrupt(err.to_string()))
}

row_type! {
    pub(crate) struct CommandRow {
        at_ms: i64,
        slack_user_id: Option<String>,
        channel_id: Option<String>,
        verb: String,
        task_id: Option<String>,
        latency_us: i64,
        outcome: String,
    }
}

/// Microseconds as the database stores them.
pub(crate) fn micros(duration: Duration) -> i64 {
    i64::try_from(duration.as_micros()).unwrap_or(i64::MAX)
}

row_type! {
    pub(crate) struct UsageRow {
        minute_ms: i64,
        verb: String,
        outcome: String,
        answered: i64,
        latency_us_total: i64,
        latency_us_max: i64,
    }
}

impl UsageRow {
    pub(crate) fn into_count(self) -> Result<UsageCount, StoreError> {
        let minute = chrono::DateTime::from_timestamp_millis(self.minute_ms)
            .ok_or_else(|| StoreError::Corrupt(format!("command_usage.minute_ms {}", self.minute_ms)))?;
        let micros = |value: i64| Duration::from_micros(u64::try_from(value).unwrap_or(0));
        Ok(UsageCount {
            minute,
            verb: self.verb,
            outcome: self.outcome,
            answered: u64::try_from(self.answered).unwrap_or(0),
            latency_total: micros(self.latency_us_total),
            latency_max: micros(self.latency_us_max),
        })
    }
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

//! The inbox: deliveries acknowledged to Slack whose work is still to do.
//! Accepting a delivery and recognising a redelivery of it are one
//! statement (a unique key), so nothing is acknowledged that is not kept.

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::StoreError;

/// One kept delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub id: i64,
    /// The delivery's own id (`event:T…:Ev…`, `click:<trigger_id>`): what
    /// the logs name it by, end to end.
    pub key: String,
    /// What it is (`event`, `click`): how the worker reads the payload.
    pub kind: String,
    /// The payload as Slack sent it (JSON).
    pub payload: String,
    pub received_at: DateTime<Utc>,
    /// Attempts so far, this one included.
    pub attempts: u32,
}

/// How deep the inbox is, for health and metrics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InboxDepth {
    pub pending: u64,
    pub failed: u64,
    /// When the oldest pending delivery arrived.
    pub oldest_pending: Option<DateTime<Utc>>,
}

#[async_trait]
pub trait InboxStore: Send + Sync {
    /// Keeps a delivery unless one with the same key is kept already.
    /// `Some(id)` for a first delivery, `None` for a redelivery.
    async fn accept_delivery(
        &self,
        key: &str,
        kind: &str,
        payload: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<i64>, StoreError>;

    /// Takes up to `limit` due deliveries for `lease`, oldest first. Two
    /// workers never hold the same one.
    async fn claim_deliveries(
        &self,
        now: DateTime<Utc>,
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<Delivery>, StoreError>;

    async fn finish_delivery(&self, id: i64, now: DateTime<Utc>) -> Result<(), StoreError>;

    /// Tries again at `at`, or gives up (`failed`) when `give_up` is set.
    async fn retry_delivery(&self, id: i64, error: &str, at: DateTime<Utc>, give_up: bool) -> Result<(), StoreError>;

    /// Hands claimed deliveries back at once (a graceful stop).
    async fn release_deliveries(&self, ids: &[i64]) -> Result<(), StoreError>;

    async fn inbox_depth(&self) -> Result<InboxDepth, StoreError>;

    /// Forgets finished deliveries that arrived before `before` (Slack
    /// redelivers within minutes; a day of keys is plenty).
    async fn prune_deliveries(&self, before: DateTime<Utc>) -> Result<u64, StoreError>;
}

macro_rules! impl_inbox_queries {
    ($store:ty, lock_claimed_rows: $lock:expr) => {
        #[async_trait::async_trait]
        impl $crate::InboxStore for $store {
            async fn accept_delivery(
                &self,
                key: &str,
                kind: &str,
                payload: &str,
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<Option<i64>, $crate::StoreError> {
                let id: Option<i64> = sqlx::query_scalar(
                    "INSERT INTO inbox (delivery_key, kind, payload, received_at_ms, next_attempt_at_ms) \
                     VALUES ($1, $2, $3, $4, $4) ON CONFLICT (delivery_key) DO NOTHING RETURNING id",
                )
                .bind(key)
                .bind(kind)
                .bind(payload)
                .bind(now.timestamp_millis())
                .fetch_optional(&self.pool)
                .await?;
                Ok(id)
            }

            async fn claim_deliveries(
                &self,
                now: chrono::DateTime<chrono::Utc>,
                lease: std::time::Duration,
                limit: u32,
            ) -> Result<Vec<$crate::Delivery>, $crate::StoreError> {
                let now_ms = now.timestamp_millis();
                let lease_ms = i64::try_from(lease.as_millis()).unwrap_or(i64::MAX);
                let sql = format!(
                    "UPDATE inbox SET lease_until_ms = $1, attempts = attempts + 1 WHERE id IN (\
                     SELECT id FROM inbox WHERE state = 'pending' AND next_attempt_at_ms <= $2 \
                     AND (lease_until_ms IS NULL OR lease_until_ms < $2) ORDER BY id LIMIT $3{}) \
                     RETURNING id, delivery_key, kind, payload, received_at_ms, CAST(attempts AS BIGINT)",
                    $lock
                );
                let rows: Vec<(i64, String, String, String, i64, i64)> = sqlx::query_as(&sql)
                    .bind(now_ms.saturating_add(lease_ms))
                    .bind(now_ms)
                    .bind(i64::from(limit))
                    .fetch_all(&self.pool)
                    .await?;
                let mut deliveries: Vec<$crate::Delivery> = rows
                    .into_iter()
                    .map(|(id, key, kind, payload, received_at_ms, attempts)| $crate::Delivery {
                        id,
                        key,
                        kind,
                        payload,
                        received_at: chrono::DateTime::from_timestamp_millis(received_at_ms).unwrap_or_default(),
                        attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
                    })
                    .collect();
                deliveries.sort_by_key(|delivery| delivery.id);
                Ok(deliveries)
            }

            async fn finish_delivery(
                &self,
                id: i64,
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<(), $crate::StoreError> {
                sqlx::query(
                    "UPDATE inbox SET state = 'done', done_at_ms = $2, lease_until_ms = NULL, last_error = NULL \
                     WHERE id = $1",
                )
                .bind(id)
                .bind(now.timestamp_millis())
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn retry_delivery(
                &self,
                id: i64,
                error: &str,
                at: chrono::DateTime<chrono::Utc>,
                give_up: bool,
            ) -> Result<(), $crate::StoreError> {
                sqlx::query(
                    "UPDATE inbox SET state = $2, last_error = $3, next_attempt_at_ms = $4, lease_until_ms = NULL \
                     WHERE id = $1",
                )
                .bind(id)
                .bind(if give_up { "failed" } else { "pending" })
                .bind(error)
                .bind(at.timestamp_millis())
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn release_deliveries(&self, ids: &[i64]) -> Result<(), $crate::StoreError> {
                for id in ids {
                    sqlx::query(
                        "UPDATE inbox SET lease_until_ms = NULL, attempts = attempts - 1 \
                         WHERE id = $1 AND state = 'pending'",
                    )
                    .bind(*id)
                    .execute(&self.pool)
                    .await?;
                }
                Ok(())
            }

            async fn inbox_depth(&self) -> Result<$crate::InboxDepth, $crate::StoreError> {
                let (pending, failed, oldest): (i64, i64, Option<i64>) = sqlx::query_as(
                    "SELECT COALESCE(SUM(CASE WHEN state = 'pending' THEN 1 ELSE 0 END), 0), \
                     COALESCE(SUM(CASE WHEN state = 'failed' THEN 1 ELSE 0 END), 0), \
                     MIN(CASE WHEN state = 'pending' THEN received_at_ms END) FROM inbox",
                )
                .fetch_one(&self.pool)
                .await?;
                Ok($crate::InboxDepth {
                    pending: u64::try_from(pending).unwrap_or(0),
                    failed: u64::try_from(failed).unwrap_or(0),
                    oldest_pending: oldest.and_then(chrono::DateTime::from_timestamp_millis),
                })
            }

            async fn prune_deliveries(&self, before: chrono::DateTime<chrono::Utc>) -> Result<u64, $crate::StoreError> {
                let pruned = sqlx::query("DELETE FROM inbox WHERE state = 'done' AND received_at_ms < $1")
                    .bind(before.timestamp_millis())
                    .execute(&self.pool)
                    .await?;
                Ok(pruned.rows_affected())
            }
        }
    };
}

pub(crate) use impl_inbox_queries;

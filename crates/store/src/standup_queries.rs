//! The standup queries, word for word the same on both engines (see
//! `shared.rs` for why one macro serves both).

macro_rules! impl_standup_queries {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl $crate::StandupStore for $store {
            async fn standup_config(&self) -> Result<Option<::planbot_domain::standup::StandupConfig>, StoreError> {
                let stored: Option<String> = sqlx::query_scalar("SELECT config FROM standup_config WHERE id = 1")
                    .fetch_optional(&self.pool)
                    .await?;
                stored
                    .map(|json| serde_json::from_str(&json).map_err(|e| StoreError::Corrupt(e.to_string())))
                    .transpose()
            }

            async fn save_standup_config(
                &self,
                config: &::planbot_domain::standup::StandupConfig,
                by: &SlackUserId,
                now: DateTime<Utc>,
            ) -> Result<(), StoreError> {
                let json = serde_json::to_string(config).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                sqlx::query(
                    "INSERT INTO standup_config (id, config, updated_by, updated_at_ms) VALUES (1, $1, $2, $3) \
                     ON CONFLICT (id) DO UPDATE SET config = excluded.config, updated_by = excluded.updated_by, \
                     updated_at_ms = excluded.updated_at_ms",
                )
                .bind(json)
                .bind(by.as_str())
                .bind(now.timestamp_millis())
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn standup_members(&self) -> Result<Vec<$crate::Member>, StoreError> {
                let rows: Vec<$crate::standups::MemberRow> = sqlx::query_as(
                    "SELECT ids.slack_user_id, \
                     CASE WHEN EXISTS (SELECT 1 FROM person_roles r WHERE r.slack_user_id = ids.slack_user_id) \
                     THEN 1 ELSE 0 END AS has_roles, \
                     m.membership, m.display_name, m.tz, m.profile_checked_at_ms, m.dm_channel, m.away_until, \
                     m.email \
                     FROM (SELECT slack_user_id FROM people UNION SELECT slack_user_id FROM standup_members) ids \
                     LEFT JOIN standup_members m ON m.slack_user_id = ids.slack_user_id \
                     ORDER BY ids.slack_user_id",
                )
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map($crate::standups::MemberRow::into_member).collect()
            }

            async fn set_membership(
                &self,
                user: &SlackUserId,
                membership: $crate::Membership,
            ) -> Result<(), StoreError> {
                let value = match membership {
                    $crate::Membership::Joined => "joined",
                    $crate::Membership::Left => "left",
                };
                sqlx::query(
                    "INSERT INTO standup_members (slack_user_id, membership) VALUES ($1, $2) \
                     ON CONFLICT (slack_user_id) DO UPDATE SET membership = excluded.membership",
                )
                .bind(user.as_str())
                .bind(value)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn save_profile(
                &self,
                user: &SlackUserId,
                name: Option<&str>,
                tz: Option<&str>,
                now: DateTime<Utc>,
            ) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO standup_members (slack_user_id, display_name, tz, profile_checked_at_ms) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT (slack_user_id) DO UPDATE SET \
                     display_name = excluded.display_name, tz = excluded.tz, \
                     profile_checked_at_ms = excluded.profile_checked_at_ms",
                )
                .bind(user.as_str())
                .bind(name)
                .bind(tz)
                .bind(now.timestamp_millis())
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn save_email(&self, user: &SlackUserId, email: Option<&str>) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO standup_members (slack_user_id, email) VALUES ($1, $2) \
                     ON CONFLICT (slack_user_id) DO UPDATE SET email = excluded.email",
                )
                .bind(user.as_str())
                .bind(email)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn save_dm_channel(&self, user: &SlackUserId, channel: &str) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO standup_members (slack_user_id, dm_channel) VALUES ($1, $2) \
                     ON CONFLICT (slack_user_id) DO UPDATE SET dm_channel = excluded.dm_channel",
                )
                .bind(user.as_str())
                .bind(channel)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn set_away(&self, user: &SlackUserId, until: Option<NaiveDate>) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO standup_members (slack_user_id, away_until) VALUES ($1, $2) \
                     ON CONFLICT (slack_user_id) DO UPDATE SET away_until = excluded.away_until",
                )
                .bind(user.as_str())
                .bind(until.map(|d| d.to_string()))
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn add_skip_day(&self, day: &$crate::SkipDay, by: &SlackUserId) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO standup_skip_days (day, reason, added_by) VALUES ($1, $2, $3) \
                     ON CONFLICT (day) DO UPDATE SET reason = excluded.reason, added_by = excluded.added_by",
                )
                .bind(day.day.to_string())
                .bind(day.reason.as_deref())
                .bind(by.as_str())
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn remove_skip_day(&self, day: NaiveDate) -> Result<bool, StoreError> {
                let done = sqlx::query("DELETE FROM standup_skip_days WHERE day = $1")
                    .bind(day.to_string())
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected() > 0)
            }

            async fn skip_days(&self) -> Result<Vec<$crate::SkipDay>, StoreError> {
                let rows: Vec<(String, Option<String>)> =
                    sqlx::query_as("SELECT day, reason FROM standup_skip_days ORDER BY day")
                        .fetch_all(&self.pool)
                        .await?;
                rows.into_iter()
                    .map(|(day, reason)| {
                        Ok($crate::SkipDay { day: $crate::standups::parse_day(&day)?, reason })
                    })
                    .collect()
            }

            async fn claim_job(
                &self,
                key: &$crate::JobKey,
                now: DateTime<Utc>,
                lease: std::time::Duration,
            ) -> Result<bool, StoreError> {
                let now_ms = now.timestamp_millis();
                let lease_ms = now_ms.saturating_add(i64::try_from(lease.as_millis()).unwrap_or(i64::MAX));
                // The insert wins for the first caller; a conflicting caller
                // takes the row over only when it is free to take.
                let claimed: Option<i32> = sqlx::query_scalar(
                    "INSERT INTO scheduled_jobs (kind, day, person, state, attempts, lease_until_ms, created_at_ms) \
                     VALUES ($1, $2, $3, 'running', 1, $4, $5) \
                     ON CONFLICT (kind, day, person) DO UPDATE SET state = 'running', \
                     attempts = scheduled_jobs.attempts + 1, lease_until_ms = excluded.lease_until_ms \
                     WHERE (scheduled_jobs.state = 'waiting' AND scheduled_jobs.next_attempt_at_ms <= $5) \
                     OR (scheduled_jobs.state = 'running' AND scheduled_jobs.lease_until_ms < $5) \
                     RETURNING attempts",
                )
                .bind(key.kind.as_str())
                .bind(key.day.to_string())
                .bind(key.person_column())
                .bind(lease_ms)
                .bind(now_ms)
                .fetch_optional(&self.pool)
                .await?;
                Ok(claimed.is_some())
            }

            async fn finish_job(
                &self,
                key: &$crate::JobKey,
                now: DateTime<Utc>,
                detail: Option<&str>,
            ) -> Result<(), StoreError> {
                sqlx::query(
                    "UPDATE scheduled_jobs SET state = 'done', done_at_ms = $4, detail = $5, lease_until_ms = NULL, \
                     last_error = NULL WHERE kind = $1 AND day = $2 AND person = $3",
                )
                .bind(key.kind.as_str())
                .bind(key.day.to_string())
                .bind(key.person_column())
                .bind(now.timestamp_millis())
                .bind(detail)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn retry_job(
                &self,
                key: &$crate::JobKey,
                retry_at: DateTime<Utc>,
                error: &str,
            ) -> Result<(), StoreError> {
                sqlx::query(
                    "UPDATE scheduled_jobs SET state = 'waiting', next_attempt_at_ms = $4, last_error = $5, \
                     lease_until_ms = NULL WHERE kind = $1 AND day = $2 AND person = $3 AND state <> 'done'",
                )
                .bind(key.kind.as_str())
                .bind(key.day.to_string())
                .bind(key.person_column())
                .bind(retry_at.timestamp_millis())
                .bind(error)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn job(&self, key: &$crate::JobKey) -> Result<Option<$crate::JobRecord>, StoreError> {
                let row: Option<$crate::standups::JobRow> = sqlx::query_as(
                    "SELECT state, attempts, done_at_ms, detail, last_error FROM scheduled_jobs \
                     WHERE kind = $1 AND day = $2 AND person = $3",
                )
                .bind(key.kind.as_str())
                .bind(key.day.to_string())
                .bind(key.person_column())
                .fetch_optional(&self.pool)
                .await?;
                row.map($crate::standups::JobRow::into_record).transpose()
            }

            async fn save_answer(&self, answer: &::planbot_domain::standup::Answer) -> Result<(), StoreError> {
                let responses =
                    serde_json::to_string(&answer.responses).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                sqlx::query(
                    "INSERT INTO standup_answers (day, slack_user_id, responses, source, submitted_at_ms, reply_ts) \
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (day, slack_user_id) DO UPDATE SET \
                     responses = excluded.responses, source = excluded.source, \
                     submitted_at_ms = excluded.submitted_at_ms, \
                     reply_ts = COALESCE(standup_answers.reply_ts, excluded.reply_ts)",
                )
                .bind(answer.day.to_string())
                .bind(answer.user.as_str())
                .bind(responses)
                .bind(answer.source.as_str())
                .bind(answer.submitted_at.timestamp_millis())
                .bind(answer.reply_ts.as_deref())
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn answer(
                &self,
                day: NaiveDate,
                user: &SlackUserId,
            ) -> Result<Option<::planbot_domain::standup::Answer>, StoreError> {
                let row: Option<$crate::standups::AnswerRow> = sqlx::query_as(
                    "SELECT day, slack_user_id, responses, source, submitted_at_ms, reply_ts FROM standup_answers \
                     WHERE day = $1 AND slack_user_id = $2",
                )
                .bind(day.to_string())
                .bind(user.as_str())
                .fetch_optional(&self.pool)
                .await?;
                row.map($crate::standups::AnswerRow::into_answer).transpose()
            }

            async fn answers_on(&self, day: NaiveDate) -> Result<Vec<::planbot_domain::standup::Answer>, StoreError> {
                let rows: Vec<$crate::standups::AnswerRow> = sqlx::query_as(
                    "SELECT day, slack_user_id, responses, source, submitted_at_ms, reply_ts FROM standup_answers \
                     WHERE day = $1 ORDER BY submitted_at_ms, slack_user_id",
                )
                .bind(day.to_string())
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map($crate::standups::AnswerRow::into_answer).collect()
            }

            async fn answers_of(
                &self,
                user: &SlackUserId,
                limit: u32,
            ) -> Result<Vec<::planbot_domain::standup::Answer>, StoreError> {
                let rows: Vec<$crate::standups::AnswerRow> = sqlx::query_as(
                    "SELECT day, slack_user_id, responses, source, submitted_at_ms, reply_ts FROM standup_answers \
                     WHERE slack_user_id = $1 ORDER BY day DESC LIMIT $2",
                )
                .bind(user.as_str())
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map($crate::standups::AnswerRow::into_answer).collect()
            }

            async fn set_answer_reply(&self, day: NaiveDate, user: &SlackUserId, ts: &str) -> Result<(), StoreError> {
                sqlx::query("UPDATE standup_answers SET reply_ts = $3 WHERE day = $1 AND slack_user_id = $2")
                    .bind(day.to_string())
                    .bind(user.as_str())
                    .bind(ts)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn save_summary(&self, summary: &$crate::SummaryRecord) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO standup_summaries (day, channel, ts, permalink, posted_at_ms) \
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (day) DO NOTHING",
                )
                .bind(summary.day.to_string())
                .bind(&summary.channel)
                .bind(&summary.ts)
                .bind(summary.permalink.as_deref())
                .bind(summary.posted_at.timestamp_millis())
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn summary(&self, day: NaiveDate) -> Result<Option<$crate::SummaryRecord>, StoreError> {
                let row: Option<$crate::standups::SummaryRow> = sqlx::query_as(
                    "SELECT day, channel, ts, permalink, posted_at_ms FROM standup_summaries WHERE day = $1",
                )
                .bind(day.to_string())
                .fetch_optional(&self.pool)
                .await?;
                row.map($crate::standups::SummaryRow::into_record).transpose()
            }

            async fn recent_summaries(&self, limit: u32) -> Result<Vec<$crate::SummaryRecord>, StoreError> {
                let rows: Vec<$crate::standups::SummaryRow> = sqlx::query_as(
                    "SELECT day, channel, ts, permalink, posted_at_ms FROM standup_summaries \
                     ORDER BY day DESC LIMIT $1",
                )
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map($crate::standups::SummaryRow::into_record).collect()
            }

            async fn first_delivery(&self, event_id: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
                let forget_before = now.timestamp_millis() - 3_600_000;
                sqlx::query("DELETE FROM seen_events WHERE seen_at_ms < $1")
                    .bind(forget_before)
                    .execute(&self.pool)
                    .await?;
                let inserted = sqlx::query(
                    "INSERT INTO seen_events (event_id, seen_at_ms) VALUES ($1, $2) ON CONFLICT (event_id) DO NOTHING",
                )
                .bind(event_id)
                .bind(now.timestamp_millis())
                .execute(&self.pool)
                .await?;
                Ok(inserted.rows_affected() == 1)
            }

            async fn save_plan_snapshot(
                &self,
                day: NaiveDate,
                statuses: &str,
                now: DateTime<Utc>,
            ) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO plan_snapshots (day, statuses, taken_at_ms) VALUES ($1, $2, $3) \
                     ON CONFLICT (day) DO UPDATE SET statuses = excluded.statuses, taken_at_ms = excluded.taken_at_ms",
                )
                .bind(day.to_string())
                .bind(statuses)
                .bind(now.timestamp_millis())
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn plan_snapshots(
                &self,
                from: NaiveDate,
                to: NaiveDate,
            ) -> Result<Vec<(NaiveDate, String)>, StoreError> {
                let rows: Vec<(String, String)> = sqlx::query_as(
                    "SELECT day, statuses FROM plan_snapshots WHERE day >= $1 AND day <= $2 ORDER BY day",
                )
                .bind(from.to_string())
                .bind(to.to_string())
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter()
                    .map(|(day, statuses)| Ok(($crate::standups::parse_day(&day)?, statuses)))
                    .collect()
            }

            async fn save_digest(&self, digest: &$crate::DigestRecord) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO digests (week, channel, ts, headline, late, posted_at_ms) \
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (week) DO NOTHING",
                )
                .bind(digest.week.to_string())
                .bind(&digest.channel)
                .bind(&digest.ts)
                .bind(&digest.headline)
                .bind(i32::from(digest.late))
                .bind(digest.posted_at.timestamp_millis())
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn last_digest(&self) -> Result<Option<$crate::DigestRecord>, StoreError> {
                let row: Option<(String, String, String, String, i32, i64)> = sqlx::query_as(
                    "SELECT week, channel, ts, headline, late, posted_at_ms FROM digests ORDER BY week DESC LIMIT 1",
                )
                .fetch_optional(&self.pool)
                .await?;
                row.map(|(week, channel, ts, headline, late, posted_at_ms)| {
                    Ok($crate::DigestRecord {
                        week: $crate::standups::parse_day(&week)?,
                        channel,
                        ts,
                        headline,
                        late: late != 0,
                        posted_at: $crate::standups::from_ms(posted_at_ms)?,
                    })
                })
                .transpose()
            }

            async fn first_preview(
                &self,
                channel: &str,
                thread_ts: &str,
                task: &str,
                now: DateTime<Utc>,
            ) -> Result<bool, StoreError> {
                let inserted = sqlx::query(
                    "INSERT INTO task_previews (channel, thread_ts, task_id, shown_at_ms) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (channel, thread_ts, task_id) DO NOTHING",
                )
                .bind(channel)
                .bind(thread_ts)
                .bind(task)
                .bind(now.timestamp_millis())
                .execute(&self.pool)
                .await?;
                Ok(inserted.rows_affected() == 1)
            }

            async fn home_view(&self, user: &SlackUserId) -> Result<Option<(DateTime<Utc>, String)>, StoreError> {
                let row: Option<(i64, String)> = sqlx::query_as(
                    "SELECT published_at_ms, fingerprint FROM home_views WHERE slack_user_id = $1",
                )
                .bind(user.as_str())
                .fetch_optional(&self.pool)
                .await?;
                row.map(|(at, fingerprint)| Ok(($crate::standups::from_ms(at)?, fingerprint))).transpose()
            }

            async fn save_home_view(
                &self,
                user: &SlackUserId,
                fingerprint: &str,
                now: DateTime<Utc>,
            ) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO home_views (slack_user_id, published_at_ms, fingerprint) VALUES ($1, $2, $3) \
                     ON CONFLICT (slack_user_id) DO UPDATE SET published_at_ms = excluded.published_at_ms, \
                     fingerprint = excluded.fingerprint",
                )
                .bind(user.as_str())
                .bind(now.timestamp_millis())
                .bind(fingerprint)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn home_viewers(&self) -> Result<Vec<SlackUserId>, StoreError> {
                let ids: Vec<String> = sqlx::query_scalar("SELECT slack_user_id FROM home_views ORDER BY slack_user_id")
                    .fetch_all(&self.pool)
                    .await?;
                ids.iter().map(|id| $crate::shared::parse_user(id)).collect()
            }
        }
    };
}

pub(crate) use impl_standup_queries;

//! Blockers that get unblocked: a blocked task that has not moved for
//! `BLOCKER_NUDGE_AFTER` working days earns one direct message to the
//! people who can move it, with its card and buttons; again only after the
//! same span passes once more. One message a person a day at most, none on
//! a day off or a holiday, none to someone on leave.
//!
//! Each blocker, recipient and round is a job in the ledger (the round's
//! day and `ID user`), and each person's day another: a restart, a second
//! instance or a retry never sends a nudge twice.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};

use super::service::{Outcome, Roster, StandupError, Standups};
use crate::blockers::{BlockerReport, BlockerRow, HISTORY_DAYS, blocked_tasks, stall, unblockers};
use crate::history::snapshots_before;
use crate::jobs::{JOB_LEASE, RETRY_AFTER};
use crate::views::{actions_for, task_line};
use planbot_domain::people::SlackUserId;
use planbot_domain::plan::Plan;
use planbot_reply::{Block, Reply, Text};
use planbot_store::{JobKey, JobKind, JobState};

impl Standups {
    /// The blocked tasks today: ages, stalls and who can move each.
    pub async fn blocker_report(&self) -> Result<BlockerReport, StandupError> {
        let roster = self.roster().await?;
        let today = roster.calendar(self.team_tz).team_date(self.clock.now());
        self.report_for(&roster, today).await
    }

    pub(crate) async fn report_for(&self, roster: &Roster, today: NaiveDate) -> Result<BlockerReport, StandupError> {
        let loaded = self.plan.current();
        let history = snapshots_before(self.store.as_ref(), today, HISTORY_DAYS).await?;
        let calendar = roster.calendar(self.team_tz);
        let mut rows = Vec::new();
        for blocked in blocked_tasks(&loaded.plan, &history, today) {
            let stall = stall(&blocked, &calendar, today, self.nudge_after);
            let ask = unblockers(self.store.as_ref(), &loaded.plan, blocked.position, &roster.members).await?;
            rows.push(BlockerRow { blocked, stall, ask });
        }
        let history_from = history.iter().map(|s| s.day).filter(|day| *day < today).min();
        Ok(BlockerReport { today, history_from, nudge_after: self.nudge_after, rows })
    }

    /// Sends the nudges due today, once the day's summary time has come;
    /// how many people were messaged.
    pub(crate) async fn nudge_round(&self, roster: &Roster, now: DateTime<Utc>) -> Result<usize, StandupError> {
        let calendar = roster.calendar(self.team_tz);
        let today = calendar.team_date(now);
        if self.nudge_after == 0 || !calendar.is_standup_day(today) || now < calendar.summary_at(today) {
            return Ok(0);
        }
        // A round that went through is not worked out again every tick.
        if *self.nudged_on.lock().unwrap_or_else(|p| p.into_inner()) == Some(today) {
            return Ok(0);
        }
        let report = self.report_for(roster, today).await?;
        let plan = self.plan.current();
        let mut due: BTreeMap<SlackUserId, Vec<(usize, JobKey)>> = BTreeMap::new();
        for (at, row) in report.rows.iter().enumerate() {
            let Some(stall) = &row.stall else { continue };
            let id = &plan.plan.tasks()[row.blocked.position].id;
            for person in &row.ask {
                if roster.member(&person.user).is_some_and(|m| m.is_away_on(today)) {
                    continue;
                }
                let key = JobKey::about(JobKind::Nudge, stall.round_day, &format!("{id} {}", person.user));
                let job = self.store.standups().job(&key).await?;
                if job.is_none_or(|job| job.state != JobState::Done) {
                    due.entry(person.user.clone()).or_default().push((at, key));
                }
            }
        }
        let mut sent = 0;
        for (user, items) in due {
            let key = JobKey::person(JobKind::Nudge, today, &user);
            if self.run_job(key, || self.send_nudge(&user, &plan.plan, &report, &items)).await? {
                sent += 1;
            }
        }
        *self.nudged_on.lock().unwrap_or_else(|p| p.into_inner()) = Some(today);
        Ok(sent)
    }

    /// One direct message about every blocker in `items` still unclaimed.
    async fn send_nudge(
        &self,
        user: &SlackUserId,
        plan: &Plan,
        report: &BlockerReport,
        items: &[(usize, JobKey)],
    ) -> Result<Outcome, StandupError> {
        let jobs = self.store.standups();
        let mut claimed = Vec::new();
        for (at, key) in items {
            if jobs.claim_job(key, self.clock.now(), JOB_LEASE).await? {
                claimed.push((&report.rows[*at], key));
            }
        }
        if claimed.is_empty() {
            return Ok(Outcome::Skipped("already nudged"));
        }
        let rows: Vec<&BlockerRow> = claimed.iter().map(|(row, _)| *row).collect();
        let reply = nudge_message(plan, report, &rows);
        match self.slack()?.direct_message(user, &reply).await {
            Ok(posted) => {
                for (_, key) in &claimed {
                    jobs.finish_job(key, self.clock.now(), Some(&posted.to_detail())).await?;
                }
                metrics::counter!("planbot_blocker_nudges_total").increment(claimed.len() as u64);
                Ok(Outcome::Sent(posted.to_detail()))
            }
            Err(error) => {
                for (_, key) in &claimed {
                    jobs.retry_job(key, self.clock.now() + RETRY_AFTER, &error.to_string()).await?;
                }
                Err(error.into())
            }
        }
    }
}

/// The nudge: each stalled blocker's card with its buttons, then the
/// unfinished work it waits on, each with the buttons that move it.
pub fn nudge_message(plan: &Plan, report: &BlockerReport, rows: &[&BlockerRow]) -> Reply {
    let heading = if rows.len() == 1 { "A blocker you can help move" } else { "Blockers you can help move" };
    let mut blocks = vec![Block::Heading(Text::bold(heading))];
    for row in rows {
        let position = row.blocked.position;
        let task = &plan.tasks()[position];
        blocks.push(Block::Paragraph(task_line(plan, position).and_plain(report.note(position))));
        let reason = task.status_reason().trim();
        if !reason.is_empty() {
            blocks.push(Block::Note(Text::plain(format!("Why: {}", planbot_reply::clip(reason, 300)))));
        }
        blocks.push(actions_for(task));
        for &dependency in plan.dependencies_of(position).iter().filter(|&&d| !plan.tasks()[d].is_done()) {
            blocks.push(Block::Paragraph(Text::plain("It waits on ").and(task_line(plan, dependency))));
            blocks.push(actions_for(&plan.tasks()[dependency]));
        }
    }
    blocks.push(Block::Note(Text::plain(format!(
        "planbot asks once every {} working days while a task stays blocked, never on a holiday or while you are away. Nothing changes without your click.",
        report.nudge_after
    ))));
    Reply::new(blocks)
}

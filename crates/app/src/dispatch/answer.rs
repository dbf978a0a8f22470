//! `/plan …`: which service answers which verb.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, Utc};

use super::{App, DispatchError, RenderedAnswer};
use crate::caller::Caller;
use crate::command::{self, Command, Context, Request, card, edits, forecast, help, lists, overview, people};
use crate::standup;
use planbot_reply::{Reply, Text, Visibility, clip};
use planbot_slack::SlashCommand;
use planbot_source::LoadedPlan;
use planbot_store::CommandRecord;
use tracing::Instrument;

/// Slack wants the acknowledgement within 3 s; what is not answered by
/// then is answered through `response_url`.
pub const ACK_DEADLINE: Duration = Duration::from_millis(2500);

/// The plan as it is now, and the names answers use for it.
pub struct PlanSnapshot {
    loaded: Arc<LoadedPlan>,
    plan_path: String,
    markdown_path: String,
    source_name: String,
    now: DateTime<Utc>,
    today: NaiveDate,
}

impl PlanSnapshot {
    pub fn loaded(&self) -> &LoadedPlan {
        &self.loaded
    }

    pub(crate) fn context<'a>(&'a self, app: &'a App) -> Context<'a> {
        Context {
            plan: &self.loaded.plan,
            now: self.now,
            today: self.today,
            plan_path: &self.plan_path,
            markdown_path: &self.markdown_path,
            source_name: &self.source_name,
            writable: app.writable(),
            editors: &app.editors,
        }
    }
}

impl App {
    pub fn snapshot(&self) -> PlanSnapshot {
        PlanSnapshot {
            loaded: self.plan.current(),
            plan_path: self.plan.source().csv_display_path(),
            markdown_path: self.plan.source().markdown_display_path(),
            source_name: self.plan.source().describe(),
            now: self.clock.now(),
            today: self.clock.today(),
        }
    }

    /// A slash command: the answer travels in the acknowledgement. Edits
    /// are queued before it returns; the committer is woken for them. An
    /// answer that needs the database, Slack or GitHub and is not ready
    /// within [`ACK_DEADLINE`] is acknowledged with "working on it" and
    /// follows through the command's `response_url`.
    pub async fn slash_command(self: &Arc<Self>, slash: &SlashCommand) -> Result<Reply, DispatchError> {
        if !slash.command.eq_ignore_ascii_case(&self.command_name) {
            return Ok(self.not_my_command(&slash.command));
        }
        self.reply_to(slash, command::parse(&slash.text)).await
    }

    /// Answers a slash command of planbot's own, already parsed.
    async fn reply_to(self: &Arc<Self>, slash: &SlashCommand, request: Request) -> Result<Reply, DispatchError> {
        if request.command.answered_from_memory() {
            return self.answer_slash(slash, &request).await;
        }
        let visibility = request.visibility;
        let mut answering = Box::pin({
            let (app, slash) = (Arc::clone(self), slash.clone());
            async move { app.answer_slash(&slash, &request).await }
        });
        match tokio::time::timeout(ACK_DEADLINE, &mut answering).await {
            Ok(outcome) => outcome,
            Err(_) => {
                self.finish_later(answering, slash.response_url.clone(), visibility);
                Ok(Reply::message(Text::plain("Working on it: the answer follows here in a moment.")))
            }
        }
    }

    /// A slash command's acknowledgement as Slack receives it. A plan
    /// question is answered from the answers already rendered for this
    /// plan version and day when there is one; anything else is answered
    /// as [`App::slash_command`] does, then rendered.
    pub async fn slash_command_rendered(
        self: &Arc<Self>,
        slash: &SlashCommand,
    ) -> Result<RenderedAnswer, DispatchError> {
        if !slash.command.eq_ignore_ascii_case(&self.command_name) {
            return Ok(render(&self.not_my_command(&slash.command)));
        }
        let request = command::parse(&slash.text);
        if !(request.command.answered_from_memory() && self.plan.is_loaded()) {
            return Ok(render(&self.reply_to(slash, request).await?));
        }
        let started = Instant::now();
        let (plan, today) = (self.plan.current(), self.clock.today());
        if let Some(answer) = self.answers.get(&plan, today, &request) {
            let request_id = slash.trigger_id.as_deref().unwrap_or("");
            let verb = request.command.verb();
            let _span =
                tracing::info_span!("command", request_id, user = %slash.user_id, verb, cached = true).entered();
            let outcome = if answer.refused { Outcome::Refused } else { Outcome::Answered };
            self.record(slash, &request, started.elapsed(), outcome);
            return Ok(answer);
        }
        let answer = render(&self.answer_slash(slash, &request).await?);
        // Kept under the version it was answered from: a plan reloaded
        // meanwhile starts a new set.
        if Arc::ptr_eq(&plan, &self.plan.current()) {
            self.answers.put(&plan, today, &request, answer.clone());
        }
        Ok(answer)
    }

    async fn answer_slash(&self, slash: &SlashCommand, request: &Request) -> Result<Reply, DispatchError> {
        let span = tracing::info_span!(
            "command",
            request_id = slash.trigger_id.as_deref().unwrap_or(""),
            user = %slash.user_id,
            verb = request.command.verb()
        );
        self.answer_slash_in_span(slash, request).instrument(span).await
    }

    async fn answer_slash_in_span(&self, slash: &SlashCommand, request: &Request) -> Result<Reply, DispatchError> {
        let started = Instant::now();
        let caller =
            Caller { user: &slash.user_id, name: slash.user_name.as_deref(), request_id: slash.trigger_id.as_deref() };
        let outcome = self.answer(request, Some(&caller)).await;
        if matches!(request.command, Command::Edit { .. } | Command::CloseMilestone(_)) {
            self.wake_committer();
        }
        let counted = match &outcome {
            Ok(reply) if reply.refused => Outcome::Refused,
            Ok(_) => Outcome::Answered,
            Err(_) => Outcome::Failed,
        };
        self.record(slash, request, started.elapsed(), counted);
        outcome
    }

    /// The rest of a slow answer, delivered through `response_url`.
    fn finish_later(
        &self,
        answering: impl Future<Output = Result<Reply, DispatchError>> + Send + 'static,
        response_url: Option<String>,
        visibility: Visibility,
    ) {
        let responder = self.responder.clone();
        tokio::spawn(async move {
            let reply = answering.await.unwrap_or_else(|error| {
                tracing::error!(error = %error, "command failed");
                error.apology()
            });
            let (Some(url), Some(responder)) = (response_url, responder) else {
                tracing::warn!("a slow answer had no response_url to go to");
                return;
            };
            if let Err(error) = responder.send(&url, &reply.with_visibility(visibility)).await {
                tracing::warn!(error = %error, "could not deliver a slow answer through response_url");
            }
        });
    }

    /// Answers a request from whoever `caller` is (the command line may
    /// not know).
    pub async fn answer(&self, request: &Request, caller: Option<&Caller<'_>>) -> Result<Reply, DispatchError> {
        if request.command.needs_plan() && !self.plan.is_loaded() {
            return Ok(self.no_plan_yet());
        }
        let snapshot = self.snapshot();
        let ctx = snapshot.context(self);
        let store = self.store.as_ref();
        let user = caller.map(|c| c.user);
        let reply = match &request.command {
            Command::IAm(names) => people::iam(&ctx, store, user, names).await?,
            Command::Mine => people::mine(&ctx, store, user).await?,
            Command::Edit { tasks, action } => edits::edit(&ctx, store, caller, tasks, action).await?,
            Command::CloseMilestone(id) => edits::close_milestone(&ctx, store, caller, id).await?,
            Command::Grant { user: who, role } => edits::grant(&ctx, store, caller, who, role, false).await?,
            Command::Revoke { user: who, role } => edits::grant(&ctx, store, caller, who, role, true).await?,
            Command::Pending => edits::pending(&ctx, store, caller).await?,
            Command::Standup(words) => match &self.standups {
                Some(standups) => standup::commands::standup(standups, caller, words).await?,
                None => not_running("Standups are"),
            },
            Command::Away(words) => match &self.standups {
                Some(standups) => standup::commands::away(standups, caller, words).await?,
                None => not_running("Standups are"),
            },
            Command::Digest => match &self.digests {
                Some(digests) => digests.build_now().await?.preview(),
                None => not_running("The digest is"),
            },
            Command::Help => help::help(&ctx, None),
            Command::Overview => overview::overview(&ctx),
            Command::Status(id) => card::task_card(&ctx, id),
            Command::Blockers => {
                let report = match &self.standups {
                    Some(standups) => Some(standups.blocker_report().await?),
                    None => None,
                };
                overview::blockers(&ctx, report.as_ref())
            }
            Command::Milestones => overview::milestones(&ctx),
            Command::Forecast => forecast::forecast(&ctx),
            Command::Next(owner) => lists::next(&ctx, owner.as_deref()),
            Command::Owner(name) => lists::owner(&ctx, name),
            Command::Deps(id) => card::dependencies(&ctx, id),
            Command::Search(words) => lists::search(&ctx, words),
            Command::Lint => lists::lint(&ctx),
            Command::Unknown { typed, hint } => help::help(&ctx, Some((typed, *hint))),
        };
        if !request.command.answered_from_memory() {
            // Kept answers may read what this command could have written
            // (roles, holidays, leave: `blockers` names people and counts
            // working days), and the plan version does not show it.
            self.answers.clear();
        }
        Ok(reply.with_visibility(request.visibility))
    }

    /// Said while the plan's home could not be read since the start.
    fn no_plan_yet(&self) -> Reply {
        let reason = self.plan.last_error().unwrap_or_else(|| "it is still loading".to_owned());
        Reply::message(Text::plain(format!(
            "planbot has no plan to answer from yet: it could not read {} ({}). It keeps trying on its own; \
             /api/health shows the state. Please ask again in a minute.",
            self.plan.source().describe(),
            clip(&reason, 300)
        )))
        .refusal()
    }

    /// Another app's command sent to planbot's URL changes nothing.
    fn not_my_command(&self, typed: &str) -> Reply {
        tracing::warn!(command = typed, expected = %self.command_name, "refused a slash command planbot does not own");
        Reply::message(Text::plain("planbot only answers ").and_code(self.command_name.clone()).and_plain(format!(
            "; {} is not its command. Check the Slack app's slash command settings.",
            clip(typed, 40)
        )))
        .refusal()
    }

    /// One structured log line and one metric per answered command, and a
    /// command-log row for one that acts for someone (a question about the
    /// plan is only counted in the log's per-minute usage).
    fn record(&self, slash: &SlashCommand, request: &Request, latency: Duration, outcome: Outcome) {
        let verb = request.command.verb();
        let ok = outcome != Outcome::Failed;
        metrics::counter!("planbot_commands_total", "verb" => verb, "outcome" => outcome.name()).increment(1);
        let task_id = request.command.task_argument();
        tracing::info!(
            user = %slash.user_id,
            channel = slash.channel_id.as_deref().unwrap_or(""),
            verb,
            task_id = task_id.unwrap_or(""),
            latency_us = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX),
            ok,
            "answered /plan"
        );
        let Some(log) = &self.command_log else { return };
        if request.command.answered_from_memory() {
            // A question about the plan: counted, not logged one by one.
            log.count(self.clock.now(), verb, outcome.name(), latency);
            return;
        }
        log.record(CommandRecord {
            at: self.clock.now(),
            user: Some(slash.user_id.clone()),
            channel: slash.channel_id.clone(),
            verb: verb.to_owned(),
            task_id: task_id.map(str::to_owned),
            latency,
            outcome: if ok { "ok" } else { "error" }.to_owned(),
        });
    }
}

/// A reply as the JSON body of Slack's acknowledgement.
fn render(reply: &Reply) -> RenderedAnswer {
    let body = planbot_slack::blocks::command_response(reply);
    // A `Value` always serialises; the fallback keeps the type honest.
    let json = serde_json::to_vec(&body).unwrap_or_else(|_| b"{}".to_vec());
    RenderedAnswer { json: bytes::Bytes::from(json), refused: reply.refused }
}

/// How a command ended, as counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Answered,
    Refused,
    Failed,
}

impl Outcome {
    fn name(self) -> &'static str {
        match self {
            Outcome::Answered => "answered",
            Outcome::Refused => "refused",
            Outcome::Failed => "failed",
        }
    }
}

fn not_running(what: &str) -> Reply {
    Reply::message(Text::plain(format!("{what} not running here.")))
}

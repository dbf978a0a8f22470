//! `planbot ask`: a /plan command answered in the terminal. Edits are
//! queued like Slack's and written to the plan folder before it returns.

use std::process::ExitCode;
use std::sync::Arc;

use chrono::NaiveDate;
use clap::Args;

use super::{CliError, PlanHome, open_store, plan_home};
use crate::clock::{Clock, FixedClock, TeamClock};
use tokio::sync::Notify;

use crate::command::{self, Command};
use crate::config::{Config, Needs};
use crate::slack::SlackUserId;
use crate::source::LivePlan;
use crate::writeback::Committer;
use planbot_app::caller::Caller;
use planbot_app::dispatch::Parts;
use planbot_reply::render_text;

#[derive(Debug, Args)]
pub struct AskArgs {
    /// Ask as this Slack user (for `iam`, `mine` and edits), e.g. U024BE7LH.
    #[arg(long = "as", value_name = "USER_ID")]
    user: Option<SlackUserId>,
    /// Answer as if today were this date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    today: Option<NaiveDate>,
    /// What you would type after /plan, e.g. "status DEVOPS-035".
    #[arg(required = true, num_args = 1.., value_name = "TEXT")]
    text: Vec<String>,
}

pub async fn ask(args: AskArgs) -> Result<ExitCode, CliError> {
    let config = Config::from_env(Needs::Offline)?;
    let store = open_store(&config.database_url).await?;
    let clock: Arc<dyn Clock> = match args.today.and_then(|day| day.and_hms_opt(12, 0, 0)) {
        Some(noon) => Arc::new(FixedClock(noon.and_utc())),
        None => Arc::new(TeamClock(config.team_tz)),
    };
    let PlanHome { source, writer, .. } = plan_home(&config.plan_source)?;
    let live = Arc::new(LivePlan::load(source, Arc::clone(&clock)).await?);
    let request = command::parse(&args.text.join(" "));
    let mut parts = Parts::new(Arc::clone(&live), Arc::clone(&store), Arc::clone(&clock));
    // Whoever runs planbot on this machine can edit the plan files anyway:
    // on the command line the person named by --as counts as an editor.
    parts.editors = config.editors.clone();
    parts.editors.extend(args.user.clone());
    // The committer runs right here once the answer is printed.
    parts.committer = writer.as_ref().map(|_| Arc::new(Notify::new()));
    parts.services = Some(super::services(&config));
    let app = parts.assemble();
    let caller = args.user.as_ref().map(|user| Caller { user, name: None, request_id: None });
    let reply = app.answer(&request, caller.as_ref()).await.map_err(|err| CliError::Usage(err.to_string()))?;
    print!("{}", render_text(&reply));
    // Scripts can tell a refusal (no right, unknown id, bad input) apart.
    if reply.refused {
        return Ok(ExitCode::FAILURE);
    }
    if let (Command::Edit { .. } | Command::CloseMilestone(_), Some(writer)) = (&request.command, writer) {
        write_now(Committer::new(Arc::clone(&store), writer, clock).with_live_plan(live)).await?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes what was just queued and says how it went.
async fn write_now(committer: Committer) -> Result<(), CliError> {
    let report = committer.drain().await?;
    if report.committed > 0 {
        println!(
            "Written: {} change(s) ({}).",
            report.committed,
            report.last_commit.unwrap_or_else(|| "no change needed".into())
        );
    }
    let unwritten = report.conflicts + report.failed + report.retrying;
    if unwritten > 0 {
        println!("Not written yet: {unwritten} change(s); `planbot ask --as YOUR_ID pending` says why.");
    }
    Ok(())
}

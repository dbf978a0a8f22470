//! `planbot standup send-prompts | send-summary`: an operator's hand on
//! the schedule. The job ledger still allows one send per person per day,
//! so running these next to a serving instance never doubles a message.

use secrecy::ExposeSecret;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Subcommand;

use super::{CliError, open_store, plan_home};
use crate::clock::{Clock, TeamClock};
use crate::config::{Config, Needs};
use crate::slack::web::SlackWeb;
use crate::source::LivePlan;
use crate::standup::Standups;

#[derive(Debug, Subcommand)]
pub enum StandupCommand {
    /// Ask everyone taking part for the open standup now (once a day each).
    SendPrompts,
    /// Post today's summary now, unless it is out already.
    SendSummary,
}

pub async fn standup(command: StandupCommand) -> Result<ExitCode, CliError> {
    let config = Config::from_env(Needs::Offline)?;
    let Some(token) = &config.slack_bot_token else {
        return Err(CliError::Usage("SLACK_BOT_TOKEN is required to send standup messages".into()));
    };
    let store = open_store(&config.database_url).await?;
    let clock: Arc<dyn Clock> = Arc::new(TeamClock(config.team_tz));
    let home = plan_home(&config.plan_source)?;
    let live = Arc::new(LivePlan::load(home.source, Arc::clone(&clock)).await?);
    let web =
        SlackWeb::new(&config.slack_api_url, token.0.expose_secret()).map_err(|e| CliError::Usage(e.to_string()))?;
    let standups = Arc::new(
        Standups::new(store, live, clock, config.team_tz, config.standup.clone())
            .with_slack(web)
            .with_editors(config.editors.clone()),
    );
    let failed = |e: crate::standup::StandupError| CliError::Usage(e.to_string());
    match command {
        StandupCommand::SendPrompts => {
            let (day, sent) = standups.send_prompts_now().await.map_err(failed)?;
            println!("standup {day}: {sent} prompt(s) sent (people asked already were skipped)");
        }
        StandupCommand::SendSummary => {
            let (day, posted) = standups.send_summary_now().await.map_err(failed)?;
            let what = if posted { "summary posted" } else { "summary was already posted; nothing sent" };
            println!("standup {day}: {what}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

//! `planbot ask`: a /plan question answered in the terminal.

use std::process::ExitCode;
use std::sync::Arc;

use chrono::NaiveDate;
use clap::Args;

use super::{CliError, open_store, plan_source};
use crate::clock::{Clock, SystemClock};
use crate::command::{self, Context, render_text};
use crate::config::{Config, Needs};
use crate::slack::SlackUserId;
use crate::source::LivePlan;

#[derive(Debug, Args)]
pub struct AskArgs {
    /// Ask as this Slack user (for `iam` and `mine`), e.g. U024BE7LH.
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
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let live = LivePlan::load(plan_source(&config.plan_source), Arc::clone(&clock)).await?;
    let loaded = live.current();
    let plan_path = live.source().csv_display_path();
    let ctx = Context { plan: &loaded.plan, today: args.today.unwrap_or_else(|| clock.today()), plan_path: &plan_path };
    let request = command::parse(&args.text.join(" "));
    let reply = command::respond(&request, &ctx, store.as_ref(), args.user.as_ref())
        .await
        .map_err(|err| CliError::Usage(err.to_string()))?;
    print!("{}", render_text(&reply));
    Ok(ExitCode::SUCCESS)
}

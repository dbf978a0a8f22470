//! `planbot digest`: the weekly digest by hand. `--dry-run` prints it as
//! text and writes the chart, with no Slack at all; without it the digest
//! is posted now (still once per week, like the scheduled one).

use secrecy::ExposeSecret;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Args;

use super::{CliError, open_store, plan_home};
use crate::clock::{Clock, TeamClock};
use crate::config::{Config, Needs};
use crate::digest::Digests;
use crate::digest::chart::render_png;
use crate::slack::web::SlackWeb;
use crate::source::LivePlan;
use planbot_reply::render_text;

#[derive(Debug, Args)]
pub struct DigestArgs {
    /// Print the digest instead of posting it.
    #[arg(long)]
    dry_run: bool,
    /// With --dry-run: write the chart to this PNG file.
    #[arg(long, value_name = "FILE", requires = "dry_run")]
    out: Option<PathBuf>,
}

pub async fn digest(args: DigestArgs) -> Result<ExitCode, CliError> {
    let config = Config::from_env(Needs::Offline)?;
    let store = open_store(&config.database_url).await?;
    let clock: Arc<dyn Clock> = Arc::new(TeamClock(config.team_tz));
    let home = plan_home(&config.plan_source)?;
    let live = Arc::new(LivePlan::load(home.source, Arc::clone(&clock)).await?);
    let mut digests =
        Digests::new(store, live, clock, config.team_tz, config.digest_schedule, config.ops_channel.clone())
            .with_chart_style(config.digest_chart);
    let failed = |e: crate::digest::DigestError| CliError::Usage(e.to_string());
    if args.dry_run {
        digests.snapshot().await.map_err(failed)?;
        let digest = digests.build_now().await.map_err(failed)?;
        print!("{}", render_text(&digest.preview()));
        if let Some(path) = args.out {
            let png = render_png(&digest.chart).map_err(|e| CliError::Usage(e.to_string()))?;
            std::fs::write(&path, png)
                .map_err(|source| CliError::Io { context: format!("cannot write {}", path.display()), source })?;
            println!("chart written to {}", path.display());
        }
        return Ok(ExitCode::SUCCESS);
    }
    let Some(token) = &config.slack_bot_token else {
        return Err(CliError::Usage("SLACK_BOT_TOKEN is required to post the digest (or use --dry-run)".into()));
    };
    digests = digests.with_slack(
        SlackWeb::new(&config.slack_api_url, token.0.expose_secret()).map_err(|e| CliError::Usage(e.to_string()))?,
    );
    let (week, posted) = digests.post_now().await.map_err(failed)?;
    println!("digest for the week of {week}: {}", if posted { "posted" } else { "already posted; nothing sent" });
    Ok(ExitCode::SUCCESS)
}

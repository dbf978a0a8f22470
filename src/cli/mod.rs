//! The `planbot` binary's commands.

mod ask;
mod bench;
mod check;
mod digest;
mod doctor;
pub mod manifest;
mod serve;
mod standup;

use serve::services;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};

use crate::config::{Config, ConfigError, Needs, PlanSourceConfig};
use crate::source::LoadError;
use crate::store::{self, Store, StoreError};
use crate::wiring;
pub(crate) use crate::wiring::PlanHome;

#[derive(Debug, Parser)]
#[command(name = "planbot", version, about = "Runs the autorisen project plan from Slack")]
pub struct Cli {
    #[command(subcommand)]
    command: CliCommand,
}

#[derive(Debug, Subcommand)]
enum CliCommand {
    /// Serve the Slack endpoints on 0.0.0.0:$PORT (needs SLACK_SIGNING_SECRET).
    Serve,
    /// Answer a /plan question here, printing what Slack would show.
    Ask(ask::AskArgs),
    /// Lint the plan; exits 1 when it has errors.
    Check {
        /// A plan folder or CSV file (default: PLAN_SOURCE).
        path: Option<PathBuf>,
    },
    /// Apply database migrations (Heroku's release phase runs this).
    Migrate,
    /// Measure load, request and memory performance.
    Bench(bench::BenchArgs),
    /// Print the weekly digest (--dry-run) or post it now (once a week).
    Digest(digest::DigestArgs),
    /// Check everything planbot needs (database, plan, GitHub, Slack, Socket
    /// Mode) and say what to fix; exits 1 when something needs fixing.
    Doctor,
    /// Print the Slack app manifest for HTTP (--url) or Socket Mode.
    Manifest(manifest::ManifestArgs),
    /// Send standup prompts or the summary by hand (still once a day).
    #[command(subcommand)]
    Standup(standup::StandupCommand),
}

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    Config(#[from] ConfigError),
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Load(#[from] LoadError),
    #[error("{context}: {source}")]
    Io { context: String, source: std::io::Error },
    #[error("{0}")]
    Usage(String),
}

/// Parses the command line, runs the command, and turns failures into a
/// message and an exit code (never a panic or a backtrace).
pub async fn run() -> ExitCode {
    let cli = Cli::parse();
    // Benchmarks measure planbot, not the terminal: per-request logs are off
    // unless RUST_LOG asks for them.
    let default_filter = match cli.command {
        CliCommand::Serve | CliCommand::Migrate => "planbot=info,tower_http=warn,sqlx=warn",
        // The terminal commands print their answer; logs only for trouble.
        CliCommand::Ask(_) | CliCommand::Check { .. } | CliCommand::Bench(_) | CliCommand::Manifest(_) => "warn",
        CliCommand::Doctor => "error",
        CliCommand::Standup(_) | CliCommand::Digest(_) => "planbot=info",
    };
    init_tracing(default_filter);
    let result = match cli.command {
        CliCommand::Serve => serve::serve().await,
        CliCommand::Ask(args) => ask::ask(args).await,
        CliCommand::Check { path } => check::check(path).await,
        CliCommand::Migrate => migrate().await,
        CliCommand::Bench(args) => bench::bench(args).await,
        CliCommand::Standup(command) => standup::standup(command).await,
        CliCommand::Digest(args) => digest::digest(args).await,
        CliCommand::Manifest(args) => manifest::manifest(args),
        CliCommand::Doctor => doctor::doctor().await,
    };
    match result {
        Ok(code) => code,
        Err(err @ CliError::Config(_)) => {
            eprint!("{err}");
            ExitCode::from(2)
        }
        Err(err) => {
            eprintln!("planbot: {err}");
            ExitCode::FAILURE
        }
    }
}

/// Logs go to stderr: JSON when `LOG_FORMAT=json` (the default on Heroku,
/// where `DYNO` is set), otherwise text, with colours only on a terminal.
fn init_tracing(default_filter: &str) {
    use std::io::IsTerminal;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_filter));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    let format = std::env::var("LOG_FORMAT").ok();
    let json = match format {
        Some(format) => format.eq_ignore_ascii_case("json"),
        None => std::env::var_os("DYNO").is_some(),
    };
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

/// The plan's home as the configuration names it, with a client error
/// told as a usage error.
pub(crate) fn plan_home(config: &PlanSourceConfig) -> Result<PlanHome, CliError> {
    wiring::plan_home(config).map_err(|e| CliError::Usage(e.to_string()))
}

pub(crate) async fn open_store(url: &str) -> Result<Arc<dyn Store>, CliError> {
    let store = store::connect(url).await?;
    store.migrate().await?;
    Ok(store)
}

async fn migrate() -> Result<ExitCode, CliError> {
    let config = Config::from_env(Needs::Offline)?;
    let store = open_store(&config.database_url).await?;
    println!("database migrations applied ({})", store.engine().name());
    Ok(ExitCode::SUCCESS)
}

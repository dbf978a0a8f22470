//! `planbot serve`: the Slack and GitHub endpoints, the plan reloader and
//! the committer, wired from the configuration.

use secrecy::ExposeSecret;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio::task::JoinHandle;

use super::{CliError, PlanHome, open_store, plan_home};
use crate::clock::{Clock, TeamClock};
use crate::config::{Config, Needs, PlanSourceConfig};
use crate::digest::Digests;
use crate::feed::ChangeFeed;
use crate::home::Home;
use crate::http::{AppState, GitHubWebhook, MetricsEndpoint, router};
use crate::notify::SlackNotifier;
use crate::slack::web::SlackWeb;
use crate::socket::SocketMode;
use crate::source::{LivePlan, OnBroken, spawn_reloader};
use crate::standup::Standups;
use crate::store::{Store, spawn_command_log};
use crate::writeback::{Committer, Notifier, PlanWriter};
use planbot_app::dispatch::{App, InboxWorker, Parts, Services};
use planbot_slack::probe::{SlackProbe, looks_like_channel_id};

/// How long queued command-log records get to reach the database on exit.
const LOG_FLUSH_TIMEOUT: Duration = Duration::from_secs(5);
/// How long standup sends in flight get to finish (Heroku allows 30 s).
const SCHEDULER_STOP_TIMEOUT: Duration = Duration::from_secs(15);

pub async fn serve() -> Result<ExitCode, CliError> {
    let config = with_ops_channel_resolved(Config::from_env(Needs::SlackServer)?).await;
    // Before anything counts, so that nothing counted is lost.
    match crate::metrics::install() {
        Ok(handle) => drop(crate::metrics::spawn_upkeep(handle)),
        Err(error) => tracing::warn!(error = %error, "metrics are off: the recorder did not install"),
    }
    let running = Running::start(&config).await?;
    go_live_check(&config);
    let listener = TcpListener::bind(("0.0.0.0", config.port))
        .await
        .map_err(|source| CliError::Io { context: format!("cannot listen on 0.0.0.0:{}", config.port), source })?;
    running.announce(&config);
    axum::serve(listener, router(Arc::new(running.http_state(&config))))
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|source| CliError::Io { context: "server stopped".into(), source })?;
    running.stop().await;
    Ok(ExitCode::SUCCESS)
}

/// Everything `serve` runs besides the HTTP listener.
struct Running {
    app: Arc<App>,
    loops: Loops,
    socket: Option<SocketMode>,
    reloader: JoinHandle<()>,
    reload_now: Arc<Notify>,
    committer: Option<JoinHandle<()>>,
    log_writer: JoinHandle<()>,
}

impl Running {
    async fn start(config: &Config) -> Result<Running, CliError> {
        let store = open_store(&config.database_url).await?;
        let clock: Arc<dyn Clock> = Arc::new(TeamClock(config.team_tz));
        let PlanHome { source, writer, activity } = plan_home(&config.plan_source)?;
        let live = Arc::new(LivePlan::start(source, Arc::clone(&clock)).await?);
        let (slack_web, notifier) = slack_integrations(config)?;
        let reload_now = Arc::new(Notify::new());
        let reloader =
            spawn_reloader(Arc::clone(&live), config.plan_refresh, Arc::clone(&reload_now), alerts(&notifier));
        let committer = writer.map(|writer| committer(config, &store, writer, &clock, &live, &notifier));
        let (command_log, log_writer) = spawn_command_log(Arc::clone(&store));

        let mut parts = Parts::new(live, store, clock);
        parts.editors = config.editors.clone();
        parts.committer = committer.as_ref().map(Committer::waker);
        parts.slack = slack_web;
        parts.command_log = Some(command_log);
        parts.activity = activity;
        parts.services = Some(services(config));
        let app = Arc::new(parts.assemble().with_command_name(config.slash_command.clone()));
        let loops = Loops::spawn(&app, notifier.clone().map(|n| n as Arc<dyn Notifier>));
        follow_changes(config, &app);
        let socket = socket_mode(config, &app).await?;
        let committer = committer.map(Committer::spawn);
        Ok(Running { app, loops, socket, reloader, reload_now, committer, log_writer })
    }

    fn http_state(&self, config: &Config) -> AppState {
        let mut state = AppState::new(Arc::clone(&self.app), config.signing_secret.clone());
        state.metrics = crate::metrics::install()
            .map(|handle| MetricsEndpoint { handle, token: config.metrics_token.clone() })
            .ok();
        state.github_webhook = github_webhook(config, Arc::clone(&self.reload_now));
        state.socket_mode = self.socket.as_ref().map(SocketMode::status);
        state
    }

    /// One line that says what runs: database, plan, transports.
    fn announce(&self, config: &Config) {
        let mut transports = Vec::new();
        if config.signing_secret.is_some() {
            transports.push(format!("HTTP on port {}", config.port));
        }
        if self.socket.is_some() {
            transports.push("Socket Mode".to_owned());
        }
        tracing::info!(
            database = %crate::wiring::describe_database(&config.database_url),
            plan_source = %self.app.plan().source().describe(),
            tasks = self.app.plan().current().plan.tasks().len(),
            transports = %transports.join(" and "),
            health_port = config.port,
            "planbot is running"
        );
    }

    /// Socket Mode stops taking payloads, requests and deliveries in
    /// flight finish, the rest waits for the next start.
    async fn stop(self) {
        if let Some(socket) = &self.socket {
            socket.stop().await;
        }
        self.loops.stop().await;
        self.reloader.abort();
        // Queued edits are safe in the outbox; the next start writes them.
        if let Some(task) = self.committer {
            task.abort();
        }
        drop(self.app);
        // The app (and with it every command-log sender) is gone now, so
        // the writer drains its queue and ends.
        if tokio::time::timeout(LOG_FLUSH_TIMEOUT, self.log_writer).await.is_err() {
            tracing::warn!("command log did not flush in time");
        }
        tracing::info!("planbot stopped");
    }
}

/// `OPS_CHANNEL` may be a name (`#autorisen-ops`); Slack's methods want
/// the id, so a name is looked up once here.
async fn with_ops_channel_resolved(mut config: Config) -> Config {
    let (Some(named), Some(token)) = (&config.ops_channel, &config.slack_bot_token) else { return config };
    if looks_like_channel_id(named) {
        return config;
    }
    let found = match SlackProbe::new(&config.slack_api_url, token.0.expose_secret()) {
        Ok(probe) => probe.channel(named).await,
        Err(error) => Err(error),
    };
    match found {
        Ok(Some(channel)) => {
            tracing::info!(channel = %named, id = %channel.id, "OPS_CHANNEL found");
            config.ops_channel = Some(channel.id.clone());
            config.standup.channel = Some(channel.id);
        }
        Ok(None) => {
            tracing::warn!(channel = %named, "OPS_CHANNEL names no channel planbot can see; `planbot doctor` says why")
        }
        Err(error) => tracing::warn!(channel = %named, error = %error, "OPS_CHANNEL could not be looked up"),
    }
    config
}

/// The go-live check, once, in the background: one summary in the log.
fn go_live_check(config: &Config) {
    let config = config.clone();
    tokio::spawn(async move {
        let report = crate::doctor::examine(&config).await;
        if report.passed() {
            tracing::info!("go-live check passed: database, plan, Slack and Socket Mode are ready");
        } else {
            tracing::warn!(fix = %report.fixes(), "go-live check: some things need fixing (`planbot doctor` for details)");
        }
    });
}

/// Socket Mode, when an app-level token is set.
async fn socket_mode(config: &Config, app: &Arc<App>) -> Result<Option<SocketMode>, CliError> {
    let Some(token) = &config.slack_app_token else { return Ok(None) };
    let socket = SocketMode::start(Arc::clone(app), &config.slack_api_url, token.0.expose_secret())
        .await
        .map_err(|error| CliError::Usage(format!("Socket Mode did not start: {error}")))?;
    Ok(Some(socket))
}

/// How the standup, the digest and the Home tab run, from the settings.
pub(super) fn services(config: &Config) -> Services {
    Services {
        team_tz: config.team_tz,
        standup: config.standup.clone(),
        digest_schedule: config.digest_schedule,
        digest_chart: config.digest_chart,
        blocker_nudge_after: config.blocker_nudge_after,
        digest_channel: config.ops_channel.clone(),
        task_previews: config.task_previews,
        fan_out: None,
    }
}

/// The inbox worker, the standup scheduler, the digest and the Home tab's
/// refresh.
struct Loops {
    inbox: InboxWorker,
    standups: Option<Arc<Standups>>,
    scheduler: Option<JoinHandle<()>>,
    others: Vec<JoinHandle<()>>,
}

impl Loops {
    fn spawn(app: &Arc<App>, notifier: Option<Arc<dyn Notifier>>) -> Loops {
        let inbox = app.spawn_inbox();
        let standups = app.standups().cloned();
        let scheduler = standups.clone().map(Standups::spawn);
        let mut others = vec![planbot_app::store_watch::spawn(Arc::clone(app.store()), notifier)];
        others.extend(app.digests().cloned().map(spawn_digests));
        others.extend(app.home().cloned().map(Home::spawn));
        Loops { inbox, standups, scheduler, others }
    }

    /// Deliveries and standup sends in flight finish; nothing new starts.
    async fn stop(self) {
        self.others.iter().for_each(JoinHandle::abort);
        self.inbox.stop().await;
        if let Some(standups) = &self.standups {
            standups.stop();
        }
        let Some(scheduler) = self.scheduler else { return };
        if tokio::time::timeout(SCHEDULER_STOP_TIMEOUT, scheduler).await.is_err() {
            tracing::warn!("standup sends still in flight at exit; their jobs are retried after their lease");
        }
    }
}

/// The Web API client and the notifier that uses it, when a bot token is set.
fn slack_integrations(config: &Config) -> Result<(Option<SlackWeb>, Option<Arc<SlackNotifier>>), CliError> {
    let Some(token) = &config.slack_bot_token else {
        tracing::warn!("SLACK_BOT_TOKEN is not set: authors will not be told when their edits are written");
        return Ok((None, None));
    };
    let web =
        SlackWeb::new(&config.slack_api_url, token.0.expose_secret()).map_err(|e| CliError::Usage(e.to_string()))?;
    let notifier = Arc::new(SlackNotifier::new(web.clone(), config.ops_channel.clone()));
    Ok((Some(web), Some(notifier)))
}

/// Announces plan changes in the ops channel (`CHANGE_FEED`, on by default).
fn follow_changes(config: &Config, app: &App) {
    let (true, Some(web), Some(channel)) = (config.change_feed, app.slack(), &config.ops_channel) else {
        return;
    };
    let feed = ChangeFeed::new(Arc::clone(app.store()), Arc::clone(app.clock()), web.clone(), channel.clone());
    Arc::new(feed).follow(app.plan());
}

/// Snapshots the plan daily and posts the digest when due.
fn spawn_digests(digests: Arc<Digests>) -> JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match digests.tick().await {
                Ok(true) => tracing::info!("weekly digest posted"),
                Ok(false) => {}
                Err(error) => tracing::warn!(error = %error, "digest tick failed"),
            }
            tokio::time::sleep(crate::standup::TICK_EVERY).await;
        }
    })
}

/// A broken plan is announced in the ops channel.
fn alerts(notifier: &Option<Arc<SlackNotifier>>) -> Option<OnBroken> {
    let notifier = notifier.clone()?;
    Some(Arc::new(move |message: String| {
        let notifier = Arc::clone(&notifier);
        tokio::spawn(async move { notifier.alert(&message).await });
    }))
}

fn committer(
    config: &Config,
    store: &Arc<dyn Store>,
    writer: Arc<dyn PlanWriter>,
    clock: &Arc<dyn Clock>,
    live: &Arc<LivePlan>,
    notifier: &Option<Arc<SlackNotifier>>,
) -> Committer {
    let committer = Committer::new(Arc::clone(store), writer, Arc::clone(clock))
        .with_live_plan(Arc::clone(live))
        .with_window(config.commit_window);
    match notifier {
        Some(notifier) => committer.with_notifier(notifier.clone()),
        None => committer,
    }
}

/// Push webhooks, when the plan lives on GitHub and a secret is set.
fn github_webhook(config: &Config, reload_now: Arc<Notify>) -> Option<GitHubWebhook> {
    match (&config.plan_source, &config.github_webhook_secret) {
        (PlanSourceConfig::GitHub { repo, .. }, Some(secret)) => {
            Some(GitHubWebhook::new(secret.clone(), &repo.branch, reload_now))
        }
        _ => None,
    }
}

/// Heroku sends SIGTERM and waits 30 s; Ctrl-C does the same locally.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown requested; finishing requests in flight");
}

#[cfg(test)]
mod tests {
    use crate::wiring::describe_database;

    #[test]
    fn the_database_is_named_without_its_password() {
        assert_eq!(describe_database("sqlite://planbot.db"), "sqlite planbot.db");
        let named = describe_database("postgres://planbot:s3cret@db.example.com:5432/planbot?sslmode=require");
        assert_eq!(named, "postgres db.example.com:5432/planbot");
        assert!(!named.contains("s3cret"));
    }
}

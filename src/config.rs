//! Configuration, read from the environment once at start and checked
//! whole: every problem is reported at once, with the variable to set.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use secrecy::SecretString;

use crate::github::{AppCredentials, DEFAULT_API_URL, GitHubAuth, GitHubToken, RepoRef, WebhookSecret};
use crate::slack::{SigningSecret, SlackUserId};
use crate::source::{BuiltinExample, DEFAULT_CSV_PATH, DEFAULT_MD_PATH};

pub const DEFAULT_PORT: u16 = 3000;
pub const DEFAULT_DATABASE_URL: &str = "sqlite://planbot.db";
const DEFAULT_REFRESH_SECS: u64 = 2;
/// A GitHub plan is polled less often: push webhooks bring changes sooner.
const DEFAULT_GITHUB_REFRESH_SECS: u64 = 60;
const DEFAULT_COMMIT_WINDOW_MS: u64 = 2000;

/// Where the plan is read from.
#[derive(Debug, Clone)]
pub enum PlanSourceConfig {
    /// The example plan compiled into the binary.
    Builtin,
    /// A folder holding the plan files at the given relative paths.
    Local { root: PathBuf, csv: PathBuf, markdown: PathBuf },
    /// A branch of a GitHub repository.
    GitHub { repo: RepoRef, csv: String, markdown: String, api_url: String, auth: GitHubAuth },
}

#[derive(Debug, Clone)]
pub struct Config {
    pub port: u16,
    pub database_url: String,
    pub plan_source: PlanSourceConfig,
    pub plan_refresh: Duration,
    /// Present for `serve`; the offline commands need no Slack secrets.
    pub signing_secret: Option<SigningSecret>,
    /// Slack users who may change any task (`PLAN_EDITORS`).
    pub editors: Vec<SlackUserId>,
    /// Edits queued this close together are written as one change.
    pub commit_window: Duration,
    /// Verifies GitHub push webhooks; without it `/github/webhook` is off.
    pub github_webhook_secret: Option<WebhookSecret>,
    /// Lets planbot message people and the ops channel (Web API).
    pub slack_bot_token: Option<SlackBotToken>,
    /// Turns on Socket Mode: Slack's payloads over a WebSocket planbot
    /// opens, with no public URL (`SLACK_APP_TOKEN`, `xapp-…`).
    pub slack_app_token: Option<SlackAppToken>,
    /// The slash command planbot answers (`SLASH_COMMAND`, `/plan`).
    pub slash_command: String,
    /// A bearer token `GET /metrics` requires (`METRICS_TOKEN`).
    pub metrics_token: Option<SecretString>,
    pub slack_api_url: String,
    /// Where alerts go (a channel id, or `#autorisen-ops`).
    pub ops_channel: Option<String>,
    /// The team's time zone: dates written to the plan are its days.
    pub team_tz: chrono_tz::Tz,
    /// The standup settings until an editor saves others
    /// (`STANDUP_DAYS`, `STANDUP_PROMPT_AT`, `STANDUP_REMIND_AFTER`,
    /// `STANDUP_SUMMARY_AT`; the channel is `OPS_CHANNEL`).
    pub standup: crate::standup::StandupConfig,
    /// When the weekly digest is posted (`DIGEST_SCHEDULE`, `mon 10:00 UTC`).
    pub digest_schedule: crate::digest::DigestSchedule,
    /// How the digest draws its trend (`DIGEST_CHART`: `native`, or `png`).
    pub digest_chart: crate::digest::ChartStyle,
    /// Working days a blocked task may stand still before the people who
    /// can move it get a nudge (`BLOCKER_NUDGE_AFTER`, 3; 0 turns it off).
    pub blocker_nudge_after: u32,
    /// Whether task ids in conversation get their cards (`TASK_PREVIEWS`).
    pub task_previews: bool,
    /// Whether plan changes are announced in `OPS_CHANNEL` (`CHANGE_FEED`).
    pub change_feed: bool,
}

/// The bot token (`xoxb-…`); `secrecy` keeps it out of `Debug` and logs.
#[derive(Clone, Debug)]
pub struct SlackBotToken(pub SecretString);

/// The app-level token (`xapp-…`) that opens Socket Mode connections.
#[derive(Clone, Debug)]
pub struct SlackAppToken(pub SecretString);

/// What a command needs beyond the common settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// `serve`: a way for Slack to reach planbot, the signing secret (HTTP)
    /// or the app-level token (Socket Mode), or both.
    SlackServer,
    /// `ask`, `check`, `migrate`, `bench`: nothing secret.
    Offline,
}

/// One setting that is missing or malformed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub variable: &'static str,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ConfigError(pub Vec<Problem>);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "planbot cannot start; fix these settings (environment variables):")?;
        for problem in &self.0 {
            writeln!(f, "  {}: {}", problem.variable, problem.message)?;
        }
        Ok(())
    }
}

impl Config {
    pub fn from_env(needs: Needs) -> Result<Config, ConfigError> {
        Config::from_lookup(needs, |name| std::env::var(name).ok())
    }

    /// Reads settings through `lookup` (the environment, or a map in tests).
    pub fn from_lookup(needs: Needs, lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let get = |name: &str| lookup(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let mut problems = Vec::new();
        let mut problem = |variable: &'static str, message: String| problems.push(Problem { variable, message });

        let port = parse_number(&get, &mut problem, "PORT", DEFAULT_PORT, "must be a TCP port number from 1 to 65535");
        let database_url = get("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
        if !["sqlite:", "postgres://", "postgresql://"].iter().any(|scheme| database_url.starts_with(scheme)) {
            problem("DATABASE_URL", "must start with sqlite: (e.g. sqlite://planbot.db) or postgres://".into());
        } else if sqlite_without_a_file(&database_url) {
            problem("DATABASE_URL", "names no SQLite file; give one, e.g. sqlite://planbot.db".into());
        }
        let plan_source = plan_source(&get, &mut problem);
        let default_refresh = match plan_source {
            PlanSourceConfig::GitHub { .. } => DEFAULT_GITHUB_REFRESH_SECS,
            _ => DEFAULT_REFRESH_SECS,
        };
        let refresh_secs = parse_number(
            &get,
            &mut problem,
            "PLAN_REFRESH_SECS",
            default_refresh,
            "must be a whole number of seconds, at least 1",
        );
        let (slack_bot_token, slack_app_token) = slack_tokens(&get, &mut problem);
        let signing_secret = signing_secret(&get, &mut problem, needs, slack_app_token.is_some());
        let slash_command = get("SLASH_COMMAND").unwrap_or_else(|| "/plan".to_owned());
        if !slash_command.starts_with('/') || slash_command.len() < 2 || slash_command.contains(char::is_whitespace) {
            problem("SLASH_COMMAND", "must be a slash command such as /plan".into());
        }
        let editors = editors(&get, &mut problem);
        let team_tz = match get("TEAM_TZ").map(|name| name.parse::<chrono_tz::Tz>()) {
            None => chrono_tz::UTC,
            Some(Ok(tz)) => tz,
            Some(Err(_)) => {
                problem("TEAM_TZ", "must be an IANA time zone name, e.g. Africa/Johannesburg or UTC".into());
                chrono_tz::UTC
            }
        };
        let window_ms = parse_number(
            &get,
            &mut problem,
            "PLAN_COMMIT_WINDOW_MS",
            DEFAULT_COMMIT_WINDOW_MS,
            "must be a whole number of milliseconds, at least 1",
        );
        let standup = standup_defaults(&get, &mut problem);
        let digest_schedule = match get("DIGEST_SCHEDULE").map(|text| crate::digest::DigestSchedule::parse(&text)) {
            None => crate::digest::DigestSchedule::default(),
            Some(Ok(schedule)) => schedule,
            Some(Err(error)) => {
                problem("DIGEST_SCHEDULE", error.to_string());
                crate::digest::DigestSchedule::default()
            }
        };
        let digest_chart = get("DIGEST_CHART").map_or(Ok(crate::digest::ChartStyle::default()), |text| text.parse());
        let digest_chart = digest_chart.unwrap_or_else(|message| {
            problem("DIGEST_CHART", message);
            crate::digest::ChartStyle::default()
        });
        let blocker_nudge_after = match get("BLOCKER_NUDGE_AFTER").map(|text| text.parse::<u32>()) {
            None => crate::blockers::DEFAULT_NUDGE_AFTER,
            Some(Ok(days)) => days,
            Some(Err(_)) => {
                problem("BLOCKER_NUDGE_AFTER", "must be a whole number of working days (0 turns nudges off)".into());
                crate::blockers::DEFAULT_NUDGE_AFTER
            }
        };
        let task_previews = switch(&get, &mut problem, "TASK_PREVIEWS");
        let change_feed = switch(&get, &mut problem, "CHANGE_FEED");
        if problems.is_empty() {
            let plan_refresh = Duration::from_secs(refresh_secs);
            let commit_window = Duration::from_millis(window_ms);
            let github_webhook_secret = get("GITHUB_WEBHOOK_SECRET").map(WebhookSecret::new);
            let slack_api_url = get("SLACK_API_URL").unwrap_or_else(|| crate::slack::web::DEFAULT_API_URL.to_owned());
            let ops_channel = get("OPS_CHANNEL");
            let standup = crate::standup::StandupConfig { channel: ops_channel.clone(), ..standup };
            Ok(Config {
                port,
                database_url,
                plan_source,
                plan_refresh,
                signing_secret,
                editors,
                commit_window,
                github_webhook_secret,
                slack_bot_token,
                slack_app_token,
                slash_command,
                metrics_token: get("METRICS_TOKEN").map(SecretString::from),
                slack_api_url,
                ops_channel,
                team_tz,
                standup,
                digest_schedule,
                digest_chart,
                blocker_nudge_after,
                task_previews,
                change_feed,
            })
        } else {
            Err(ConfigError(problems))
        }
    }
}

/// `sqlite://` or `sqlite:` alone: SQLite would make a throwaway database
/// that loses every role, edit and standup at exit.
fn sqlite_without_a_file(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("sqlite:") else { return false };
    let path = rest.trim_start_matches("//").split('?').next().unwrap_or_default();
    path.trim().is_empty()
}

/// A positive whole number, or the default when unset.
fn parse_number<T: std::str::FromStr + PartialOrd + Default>(
    get: &dyn Fn(&str) -> Option<String>,
    problem: &mut dyn FnMut(&'static str, String),
    variable: &'static str,
    default: T,
    requirement: &str,
) -> T {
    match get(variable).map(|raw| raw.parse::<T>()) {
        None => default,
        Some(Ok(value)) if value > T::default() => value,
        Some(_) => {
            problem(variable, requirement.to_owned());
            default
        }
    }
}

/// `U024BE7LH,U0G9QF9C6`: every id must be a Slack user id.
fn editors(get: &dyn Fn(&str) -> Option<String>, problem: &mut dyn FnMut(&'static str, String)) -> Vec<SlackUserId> {
    let raw = get("PLAN_EDITORS").unwrap_or_default();
    let mut editors = Vec::new();
    for entry in raw.split([',', ' ']).map(str::trim).filter(|e| !e.is_empty()) {
        match entry.parse() {
            Ok(user) => editors.push(user),
            Err(err) => problem("PLAN_EDITORS", format!("{err}; list Slack user ids separated by commas")),
        }
    }
    editors
}

/// Without a signing secret Slack cannot reach planbot over HTTP; that
/// is fine when Socket Mode (an app token) brings the payloads instead.
fn signing_secret(
    get: &dyn Fn(&str) -> Option<String>,
    problem: &mut dyn FnMut(&'static str, String),
    needs: Needs,
    socket_mode: bool,
) -> Option<SigningSecret> {
    match (needs, get("SLACK_SIGNING_SECRET")) {
        (_, Some(secret)) => SigningSecret::new(&secret).ok(),
        (Needs::SlackServer, None) if !socket_mode => {
            let hint = "not set; copy it from your Slack app's Basic Information → App Credentials \
                        (or set SLACK_APP_TOKEN to use Socket Mode, with no public URL)";
            problem("SLACK_SIGNING_SECRET", hint.to_owned());
            None
        }
        (_, None) => None,
    }
}

/// The bot token (`xoxb-…`) and the app-level token (`xapp-…`); the
/// other kinds (`xoxp-` user tokens) are refused with the reason.
fn slack_tokens(
    get: &dyn Fn(&str) -> Option<String>,
    problem: &mut dyn FnMut(&'static str, String),
) -> (Option<SlackBotToken>, Option<SlackAppToken>) {
    let bot = get("SLACK_BOT_TOKEN");
    if bot.as_deref().is_some_and(|token| !token.starts_with("xoxb-")) {
        let hint = "must be the bot token (xoxb-…) from OAuth & Permissions, not a user (xoxp-) or app (xapp-) token";
        problem("SLACK_BOT_TOKEN", hint.to_owned());
    }
    let app = get("SLACK_APP_TOKEN");
    if app.as_deref().is_some_and(|token| !token.starts_with("xapp-")) {
        let hint =
            "must be an app-level token (xapp-…) with connections:write, from Basic Information → App-Level Tokens";
        problem("SLACK_APP_TOKEN", hint.to_owned());
    }
    (bot.map(|t| SlackBotToken(SecretString::from(t))), app.map(|t| SlackAppToken(SecretString::from(t))))
}

fn plan_source(
    get: &dyn Fn(&str) -> Option<String>,
    problem: &mut dyn FnMut(&'static str, String),
) -> PlanSourceConfig {
    let Some(source) = get("PLAN_SOURCE") else {
        return PlanSourceConfig::Builtin;
    };
    if source == BuiltinExample::NAME {
        return PlanSourceConfig::Builtin;
    }
    let csv = get("PLAN_CSV_PATH").unwrap_or_else(|| DEFAULT_CSV_PATH.to_owned());
    let markdown = get("PLAN_MD_PATH").unwrap_or_else(|| DEFAULT_MD_PATH.to_owned());
    if source.starts_with("github:") {
        return github_source(get, problem, &source, csv, markdown);
    }
    let root = PathBuf::from(&source);
    let (csv, markdown) = (PathBuf::from(csv), PathBuf::from(markdown));
    if !root.is_dir() {
        problem("PLAN_SOURCE", format!("{source:?} is not a folder (or use {})", BuiltinExample::NAME));
    } else if !root.join(&csv).is_file() && !root.join(&markdown).is_file() {
        // Either form is a plan; a team may keep only one of them.
        problem(
            "PLAN_CSV_PATH",
            format!(
                "no plan at {} nor at {} (PLAN_MD_PATH)",
                root.join(&csv).display(),
                root.join(&markdown).display()
            ),
        );
    }
    PlanSourceConfig::Local { root, csv, markdown }
}

fn github_source(
    get: &dyn Fn(&str) -> Option<String>,
    problem: &mut dyn FnMut(&'static str, String),
    source: &str,
    csv: String,
    markdown: String,
) -> PlanSourceConfig {
    let repo = source.parse::<RepoRef>().unwrap_or_else(|err| {
        problem("PLAN_SOURCE", err.to_string());
        RepoRef { owner: String::new(), repo: String::new(), branch: String::new() }
    });
    let auth = github_auth(get, problem);
    let api_url = get("GITHUB_API_URL").unwrap_or_else(|| DEFAULT_API_URL.to_owned());
    if !(api_url.starts_with("https://") || api_url.starts_with("http://")) {
        problem("GITHUB_API_URL", "must be an http(s) URL, e.g. https://api.github.com".into());
    }
    PlanSourceConfig::GitHub { repo, csv, markdown, api_url, auth }
}

/// A token, or a GitHub App (id, private key, installation id).
fn github_auth(get: &dyn Fn(&str) -> Option<String>, problem: &mut dyn FnMut(&'static str, String)) -> GitHubAuth {
    if let Some(token) = get("GITHUB_TOKEN") {
        return GitHubAuth::Token(GitHubToken::new(token));
    }
    match (get("GITHUB_APP_ID"), get("GITHUB_APP_PRIVATE_KEY"), get("GITHUB_INSTALLATION_ID")) {
        (Some(app_id), Some(key), Some(installation)) => match AppCredentials::new(&app_id, &installation, &key) {
            Ok(app) => GitHubAuth::App(std::sync::Arc::new(app)),
            Err(err) => {
                problem("GITHUB_APP_PRIVATE_KEY", err.to_string());
                GitHubAuth::Token(GitHubToken::new(String::new()))
            }
        },
        (None, None, None) => {
            let hint = "not set; a GitHub plan needs GITHUB_TOKEN (Contents: read and write) or a GitHub App \
                        (GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY, GITHUB_INSTALLATION_ID)";
            problem("GITHUB_TOKEN", hint.to_owned());
            GitHubAuth::Token(GitHubToken::new(String::new()))
        }
        _ => {
            problem(
                "GITHUB_APP_ID",
                "a GitHub App needs all of GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY and GITHUB_INSTALLATION_ID".into(),
            );
            GitHubAuth::Token(GitHubToken::new(String::new()))
        }
    }
}

/// An `on`/`off` setting, on unless turned off.
fn switch(
    get: &impl Fn(&str) -> Option<String>,
    problem: &mut impl FnMut(&'static str, String),
    name: &'static str,
) -> bool {
    match get(name).map(|v| v.to_ascii_lowercase()) {
        None => true,
        Some(v) if ["on", "true", "1", "yes"].contains(&v.as_str()) => true,
        Some(v) if ["off", "false", "0", "no"].contains(&v.as_str()) => false,
        Some(_) => {
            problem(name, "must be on or off".into());
            true
        }
    }
}

/// The standup defaults from `STANDUP_*`.
fn standup_defaults(
    get: &impl Fn(&str) -> Option<String>,
    problem: &mut impl FnMut(&'static str, String),
) -> crate::standup::StandupConfig {
    use crate::standup::{StandupConfig, Weekdays, parse_delay, parse_time};
    let mut config = StandupConfig::new(None);
    if let Some(days) = get("STANDUP_DAYS") {
        match Weekdays::parse(&days) {
            Ok(days) => config.days = days,
            Err(error) => problem("STANDUP_DAYS", error.to_string()),
        }
    }
    for (variable, slot) in
        [("STANDUP_PROMPT_AT", &mut config.prompt_at), ("STANDUP_SUMMARY_AT", &mut config.summary_at)]
    {
        if let Some(time) = get(variable) {
            match parse_time(&time) {
                Ok(time) => *slot = time,
                Err(error) => problem(variable, error.to_string()),
            }
        }
    }
    if let Some(delay) = get("STANDUP_REMIND_AFTER") {
        match parse_delay(&delay) {
            Ok(delay) => config.remind_after = delay,
            Err(error) => problem("STANDUP_REMIND_AFTER", error.to_string()),
        }
    }
    config
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn config(needs: Needs, vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::from_lookup(needs, |name| vars.get(name).cloned())
    }

    #[test]
    fn standup_settings_come_from_the_environment_and_bad_ones_are_all_named() {
        let ok = config(
            Needs::Offline,
            &[("STANDUP_DAYS", "sun-thu"), ("STANDUP_REMIND_AFTER", "off"), ("OPS_CHANNEL", "C0OPS")],
        )
        .unwrap();
        assert_eq!(ok.standup.days.to_string(), "mon,tue,wed,thu,sun");
        assert_eq!((ok.standup.remind_after, ok.standup.channel.as_deref()), (None, Some("C0OPS")));
        let wrong = config(
            Needs::Offline,
            &[("STANDUP_DAYS", "weekdays"), ("STANDUP_PROMPT_AT", "9.30"), ("STANDUP_REMIND_AFTER", "soon")],
        )
        .unwrap_err()
        .to_string();
        for variable in ["STANDUP_DAYS", "STANDUP_PROMPT_AT", "STANDUP_REMIND_AFTER"] {
            assert!(wrong.contains(variable), "{variable} missing from: {wrong}");
        }
    }

    #[test]
    fn offline_commands_need_nothing() {
        let config = config(Needs::Offline, &[]).unwrap();
        assert_eq!(config.port, 3000);
        assert_eq!(config.database_url, "sqlite://planbot.db");
        assert!(matches!(config.plan_source, PlanSourceConfig::Builtin));
        assert!(config.signing_secret.is_none());
    }

    #[test]
    fn every_problem_is_listed_at_once_with_its_variable() {
        let err = config(
            Needs::SlackServer,
            &[("PORT", "http"), ("DATABASE_URL", "mysql://x"), ("PLAN_SOURCE", "/no/such/dir")],
        )
        .unwrap_err();
        let variables: Vec<&str> = err.0.iter().map(|p| p.variable).collect();
        assert_eq!(variables, ["PORT", "DATABASE_URL", "PLAN_SOURCE", "SLACK_SIGNING_SECRET"]);
        assert!(err.to_string().contains("SLACK_SIGNING_SECRET: not set"));
    }

    #[test]
    fn editors_are_slack_user_ids() {
        let config = config(Needs::Offline, &[("PLAN_EDITORS", "U024BE7LH, W0G9QF9C6")]).unwrap();
        assert_eq!(config.editors.len(), 2);
        let err = config_err(&[("PLAN_EDITORS", "U024BE7LH,dana")]);
        assert!(err.contains("PLAN_EDITORS: \"dana\" is not a Slack user id"), "{err}");
    }

    fn config_err(vars: &[(&str, &str)]) -> String {
        config(Needs::Offline, vars).unwrap_err().to_string()
    }

    #[test]
    fn a_github_plan_needs_a_token_and_polls_every_minute() {
        let err = config_err(&[("PLAN_SOURCE", "github:autorisen/autorisen@main")]);
        assert!(err.contains("GITHUB_TOKEN: not set"), "{err}");
        let config =
            config(Needs::Offline, &[("PLAN_SOURCE", "github:autorisen/autorisen"), ("GITHUB_TOKEN", "t")]).unwrap();
        assert_eq!(config.plan_refresh, Duration::from_secs(60));
        assert!(matches!(config.plan_source, PlanSourceConfig::GitHub { ref repo, .. } if repo.branch == "main"));
        assert!(config_err(&[("PLAN_SOURCE", "github:nope"), ("GITHUB_TOKEN", "t")]).contains("PLAN_SOURCE"));
    }

    #[test]
    fn the_team_time_zone_is_an_iana_name() {
        assert_eq!(
            config(Needs::Offline, &[("TEAM_TZ", "Africa/Johannesburg")]).unwrap().team_tz,
            chrono_tz::Africa::Johannesburg
        );
        assert!(config_err(&[("TEAM_TZ", "Mars/Olympus")]).contains("TEAM_TZ"));
    }

    #[test]
    fn the_error_never_echoes_a_database_password() {
        let err = config(Needs::Offline, &[("DATABASE_URL", "mysql://user:hunter2@db/x")]).unwrap_err();
        assert!(!err.to_string().contains("hunter2"));
    }
}

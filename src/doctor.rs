//! The go-live check: everything planbot needs from the database, the
//! plan's home, Slack and Socket Mode, asked for real, each answered with
//! "ok" or what to do. `planbot doctor` prints it (exit 1 on anything to
//! fix); `serve` runs it once at start and logs it as one summary.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use secrecy::ExposeSecret;
use serde_json::Value;

use crate::config::{Config, PlanSourceConfig};
use crate::wiring::{BOT_SCOPES, PlanHome, describe_database, plan_home};
use planbot_domain::plan::Severity;
use planbot_github::{GitHubClient, GitHubError, GitHubPlan};
use planbot_slack::probe::{ProbeError, SlackProbe};

/// How long Socket Mode gets to say hello.
const HELLO_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Ok(String),
    /// What is wrong and what to do about it.
    Fix(String),
    /// Not configured, so not checked (and why that is fine or not).
    Skipped(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub area: &'static str,
    pub verdict: Verdict,
}

fn ok(area: &'static str, text: impl Into<String>) -> Finding {
    Finding { area, verdict: Verdict::Ok(text.into()) }
}

fn fix(area: &'static str, text: impl Into<String>) -> Finding {
    Finding { area, verdict: Verdict::Fix(text.into()) }
}

fn skipped(area: &'static str, text: impl Into<String>) -> Finding {
    Finding { area, verdict: Verdict::Skipped(text.into()) }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report(pub Vec<Finding>);

impl Report {
    pub fn passed(&self) -> bool {
        !self.0.iter().any(|finding| matches!(finding.verdict, Verdict::Fix(_)))
    }

    /// One line per finding: `ok`, `FIX` or `skip`, the area, the words.
    pub fn render(&self) -> String {
        self.0
            .iter()
            .map(|finding| {
                let (mark, text) = match &finding.verdict {
                    Verdict::Ok(text) => ("ok  ", text),
                    Verdict::Fix(text) => ("FIX ", text),
                    Verdict::Skipped(text) => ("skip", text),
                };
                format!("{mark} {:<9} {text}\n", finding.area)
            })
            .collect()
    }

    /// The things to fix, joined for one log line.
    pub fn fixes(&self) -> String {
        let fixes: Vec<String> = self
            .0
            .iter()
            .filter_map(|finding| match &finding.verdict {
                Verdict::Fix(text) => Some(format!("{}: {text}", finding.area)),
                _ => None,
            })
            .collect();
        fixes.join("; ")
    }
}

/// Runs every check the configuration allows.
pub async fn examine(config: &Config) -> Report {
    let mut findings = database(config).await;
    findings.extend(plan(config).await);
    findings.extend(slack(config).await);
    findings.push(socket_mode(config).await);
    Report(findings)
}

async fn database(config: &Config) -> Vec<Finding> {
    let where_ = describe_database(&config.database_url);
    let store = match planbot_store::connect(&config.database_url).await {
        Ok(store) => store,
        Err(error) => return vec![fix("database", error.to_string())],
    };
    if let Err(error) = store.ping().await {
        return vec![fix("database", format!("{where_} does not answer: {error}"))];
    }
    match store.pending_migrations().await {
        Ok(pending) if pending.is_empty() => vec![ok("database", format!("{where_}: reachable, migrations current"))],
        Ok(pending) => vec![fix(
            "database",
            format!(
                "{where_}: {} migration(s) not applied ({}); run `planbot migrate` (Heroku's release phase runs it)",
                pending.len(),
                pending.join(", ")
            ),
        )],
        Err(error) => vec![fix("database", format!("{where_}: cannot read its migrations: {error}"))],
    }
}

async fn plan(config: &Config) -> Vec<Finding> {
    let mut findings = Vec::new();
    if let PlanSourceConfig::GitHub { repo, api_url, auth, csv, markdown } = &config.plan_source {
        let client = match GitHubClient::with_auth(api_url, auth.clone()) {
            Ok(client) => client,
            Err(error) => return vec![fix("github", error.to_string())],
        };
        let github = GitHubPlan::new(client, repo.clone(), csv, markdown);
        match github_access(&github, &repo.to_string()).await {
            Ok(finding) => findings.push(finding),
            Err(finding) => return vec![finding],
        }
    }
    let home = match plan_home(&config.plan_source) {
        Ok(PlanHome { source, .. }) => source,
        Err(error) => return vec![fix("plan", error.to_string())],
    };
    findings.push(plan_files(home).await);
    findings
}

async fn github_access(github: &GitHubPlan, repo: &str) -> Result<Finding, Finding> {
    match github.access().await {
        Ok(access) if access.can_push == Some(false) => Err(fix(
            "github",
            format!(
                "the credentials can read {} but not push: give the token Contents: Read and write",
                access.full_name
            ),
        )),
        Ok(access) => Ok(ok("github", format!("{} readable and writable", access.full_name))),
        Err(GitHubError::Unauthorized(reason)) => Err(fix(
            "github",
            format!(
                "GitHub refused the credentials ({reason}): check GITHUB_TOKEN, or the GitHub App's id, key and installation"
            ),
        )),
        Err(GitHubError::NotFound(_)) => Err(fix(
            "github",
            format!(
                "{repo} is not visible to these credentials: check PLAN_SOURCE, and that the token or App has access to it"
            ),
        )),
        Err(error) => Err(fix("github", error.to_string())),
    }
}

/// Both files are there and parse; how much each one yields.
async fn plan_files(source: Arc<dyn planbot_source::PlanSource>) -> Finding {
    let files = match source.load().await {
        Ok(files) => files,
        Err(error) => return fix("plan", format!("{}: {error}", source.describe())),
    };
    if files.markdown.is_none() {
        return fix(
            "plan",
            format!("{} has no Markdown plan: add it or set PLAN_MD_PATH (milestones come from it)", source.describe()),
        );
    }
    let plan = match files.parse() {
        Ok(plan) => plan,
        Err(error) => return fix("plan", format!("{}: {error}", source.csv_display_path())),
    };
    let errors = plan.lint().iter().filter(|d| d.severity == Severity::Error).count();
    let summary =
        format!("{}: {} tasks, {} milestones", source.describe(), plan.tasks().len(), plan.milestones().len());
    if errors > 0 {
        return fix("plan", format!("{summary}, {errors} lint error(s): run `planbot check` to see them"));
    }
    ok("plan", summary)
}

async fn slack(config: &Config) -> Vec<Finding> {
    let Some(token) = &config.slack_bot_token else {
        return vec![fix(
            "slack",
            "SLACK_BOT_TOKEN is not set: copy the Bot User OAuth Token (xoxb-…) from OAuth & Permissions",
        )];
    };
    let probe = match SlackProbe::new(&config.slack_api_url, token.0.expose_secret()) {
        Ok(probe) => probe,
        Err(error) => return vec![fix("slack", error.to_string())],
    };
    let identity = match probe.identity().await {
        Ok(identity) => identity,
        Err(error) => return vec![fix("slack", refused_token(&error))],
    };
    let mut findings = vec![ok("slack", format!("bot token works: @{} in {}", identity.user, identity.team))];
    let missing: Vec<&str> = BOT_SCOPES.into_iter().filter(|s| !identity.scopes.iter().any(|g| g == s)).collect();
    findings.push(if missing.is_empty() {
        ok("scopes", "every scope the manifest asks for is granted")
    } else {
        fix(
            "scopes",
            format!(
                "the bot token lacks {}: update the app from `planbot manifest` and reinstall it to the workspace",
                missing.join(", ")
            ),
        )
    });
    findings.push(ops_channel(config, &probe).await);
    findings
}

fn refused_token(error: &ProbeError) -> String {
    match error.code() {
        Some("invalid_auth" | "not_authed" | "token_revoked" | "account_inactive") => format!(
            "Slack refused SLACK_BOT_TOKEN ({}): copy the current Bot User OAuth Token (xoxb-…) from OAuth & Permissions",
            error.code().unwrap_or_default()
        ),
        _ => error.to_string(),
    }
}

async fn ops_channel(config: &Config, probe: &SlackProbe) -> Finding {
    let Some(named) = &config.ops_channel else {
        return fix(
            "channel",
            "OPS_CHANNEL is not set: name the ops channel (#autorisen-ops, autorisen-ops or its id)",
        );
    };
    match probe.channel(named).await {
        Ok(Some(channel)) if channel.is_member => {
            ok("channel", format!("#{} ({}): planbot is a member", channel.name, channel.id))
        }
        Ok(Some(channel)) => {
            fix("channel", format!("invite @planbot to #{0}: type /invite @planbot in #{0}", channel.name))
        }
        Ok(None) => fix(
            "channel",
            format!(
                "no channel {named} is visible to planbot: check OPS_CHANNEL; a private channel shows once you \
                 /invite @planbot in it"
            ),
        ),
        Err(error) => fix("channel", format!("cannot look up {named}: {error}")),
    }
}

/// With an app token: a Socket Mode connection opens and Slack says hello.
async fn socket_mode(config: &Config) -> Finding {
    let Some(token) = &config.slack_app_token else {
        return skipped("socket", "SLACK_APP_TOKEN is not set: Slack reaches planbot over HTTP");
    };
    match say_hello(&config.slack_api_url, token.0.expose_secret()).await {
        Ok(connections) => ok("socket", format!("Socket Mode connects ({connections} connection(s) open)")),
        Err(problem) => fix("socket", problem),
    }
}

async fn say_hello(api_url: &str, app_token: &str) -> Result<u64, String> {
    let probe = SlackProbe::new(api_url, app_token).map_err(|e| e.to_string())?;
    let url = probe.open_socket().await.map_err(|error| match error.code() {
        Some("invalid_auth" | "not_authed" | "not_allowed_token_type") => format!(
            "Slack refused SLACK_APP_TOKEN ({}): create an app-level token with connections:write under Basic \
             Information → App-Level Tokens",
            error.code().unwrap_or_default()
        ),
        _ => format!("{error}; is Socket Mode turned on for the app (`planbot manifest --socket-mode`)?"),
    })?;
    let connected = tokio::time::timeout(HELLO_TIMEOUT, async {
        let (mut socket, _) = tokio_tungstenite::connect_async(url.as_str()).await.map_err(|e| e.to_string())?;
        while let Some(frame) = socket.next().await {
            let text = frame.map_err(|e| e.to_string())?.into_text().map_err(|e| e.to_string())?;
            let hello: Value = serde_json::from_str(text.as_str()).unwrap_or_default();
            if hello["type"] == "hello" {
                let _ = socket.close(None).await;
                return Ok(hello["num_connections"].as_u64().unwrap_or(1));
            }
        }
        Err("the connection closed before Slack said hello".to_owned())
    })
    .await;
    connected.unwrap_or_else(|_| Err(format!("Slack did not say hello within {HELLO_TIMEOUT:?}")))
}

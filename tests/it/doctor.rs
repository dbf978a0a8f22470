//! `planbot doctor`, the go-live check, against the fake Slack and the fake
//! GitHub: all ok, then each thing it names as broken, one at a time.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

use crate::support::fake_github::{self, FakeGitHub};
use crate::support::fake_slack::{APP_TOKEN, BOT_TOKEN, FakeSlack};
use crate::support::process::BIN;

const CSV: &str = "docs/autorisen_project_plan.csv";
const MD: &str = "docs/project_plan.md";
const EXAMPLE_CSV: &str = include_str!("../../examples/autorisen/docs/autorisen_project_plan.csv");
const EXAMPLE_MD: &str = include_str!("../../examples/autorisen/docs/project_plan.md");

/// A workspace and a repository where everything is right.
struct World {
    dir: tempfile::TempDir,
    slack: FakeSlack,
    github: FakeGitHub,
    env: BTreeMap<&'static str, String>,
}

impl World {
    async fn healthy() -> World {
        let dir = tempfile::tempdir().unwrap();
        let slack = FakeSlack::start().await;
        slack.add_channel("C0GENERAL", "general", false, true);
        slack.add_channel("C0RANDOM", "random", false, false);
        slack.add_channel("G0AUTOPS", "autorisen-ops", true, true);
        let github = FakeGitHub::start(&[(CSV, EXAMPLE_CSV), (MD, EXAMPLE_MD)]).await;
        let env = [
            ("SLACK_SIGNING_SECRET", "doctor-secret".to_owned()),
            ("SLACK_BOT_TOKEN", BOT_TOKEN.to_owned()),
            ("SLACK_APP_TOKEN", APP_TOKEN.to_owned()),
            ("SLACK_API_URL", slack.api_url()),
            ("OPS_CHANNEL", "#autorisen-ops".to_owned()),
            ("PLAN_SOURCE", format!("github:{}/{}@{}", fake_github::OWNER, fake_github::REPO, fake_github::BRANCH)),
            ("GITHUB_TOKEN", fake_github::TOKEN.to_owned()),
            ("GITHUB_API_URL", github.api_url.clone()),
            ("DATABASE_URL", format!("sqlite://{}", dir.path().join("planbot.db").display())),
        ]
        .into_iter()
        .collect();
        World { dir, slack, github, env }
    }

    /// Runs `planbot COMMAND` off the runtime, which serves the fakes.
    async fn run(&self, command: &'static str) -> Output {
        let dir = self.dir.path().to_owned();
        let env = self.env.clone();
        tokio::task::spawn_blocking(move || planbot(&dir, command, &env)).await.unwrap()
    }

    /// `doctor`, after `migrate`: its output, and whether it passed.
    async fn doctor(&self) -> (String, bool) {
        assert!(self.run("migrate").await.status.success());
        let output = self.run("doctor").await;
        assert!(output.status.code().is_some_and(|code| code <= 1), "{}", String::from_utf8_lossy(&output.stderr));
        (String::from_utf8_lossy(&output.stdout).into_owned(), output.status.success())
    }
}

fn planbot(dir: &Path, command: &str, env: &BTreeMap<&'static str, String>) -> Output {
    Command::new(BIN).arg(command).current_dir(dir).env_clear().envs(env).output().unwrap()
}

/// The line for `area`, e.g. `FIX  channel   invite @planbot …`.
fn line<'a>(report: &'a str, area: &str) -> &'a str {
    report
        .lines()
        .find(|l| l.split_whitespace().nth(1) == Some(area))
        .unwrap_or_else(|| panic!("no {area} line in:\n{report}"))
}

fn assert_fix(report: &str, passed: bool, area: &str, says: &str) {
    assert!(!passed, "doctor passed although {area} is broken:\n{report}");
    let line = line(report, area);
    assert!(line.starts_with("FIX"), "{line}");
    assert!(line.contains(says), "{line:?} should say {says:?}");
}

#[tokio::test]
async fn everything_in_order_passes_with_one_line_per_check() {
    let world = World::healthy().await;
    let (report, passed) = world.doctor().await;
    assert!(passed, "{report}");
    for area in ["transport", "database", "github", "plan", "slack", "scopes", "channel", "socket"] {
        assert!(line(&report, area).starts_with("ok"), "{report}");
    }
    assert!(line(&report, "plan").contains("34 tasks"), "{report}");
    assert!(line(&report, "channel").contains("#autorisen-ops (G0AUTOPS)"), "found by name across pages: {report}");
    assert!(report.ends_with("planbot is ready.\n"), "{report}");
}

#[tokio::test]
async fn a_refused_bot_token_says_where_to_copy_the_right_one() {
    let mut world = World::healthy().await;
    world.env.insert("SLACK_BOT_TOKEN", "xoxb-revoked".into());
    let (report, passed) = world.doctor().await;
    assert_fix(&report, passed, "slack", "Slack refused SLACK_BOT_TOKEN (invalid_auth)");
    assert!(line(&report, "slack").contains("OAuth & Permissions"));
}

#[tokio::test]
async fn missing_scopes_are_named_with_the_way_to_grant_them() {
    let world = World::healthy().await;
    let granted: Vec<&str> =
        planbot::wiring::BOT_SCOPES.into_iter().filter(|s| *s != "groups:history" && *s != "files:write").collect();
    world.slack.set_scopes(&granted);
    let (report, passed) = world.doctor().await;
    assert_fix(&report, passed, "scopes", "lacks groups:history, files:write");
    assert!(line(&report, "scopes").contains("reinstall"));
}

#[tokio::test]
async fn a_channel_planbot_is_not_in_asks_for_the_invite() {
    let mut world = World::healthy().await;
    world.env.insert("OPS_CHANNEL", "random".into());
    let (report, passed) = world.doctor().await;
    assert_fix(&report, passed, "channel", "invite @planbot to #random: type /invite @planbot in #random");
}

#[tokio::test]
async fn an_unknown_channel_is_named_and_the_private_case_explained() {
    let mut world = World::healthy().await;
    world.env.insert("OPS_CHANNEL", "#autorisen-opps".into());
    let (report, passed) = world.doctor().await;
    assert_fix(&report, passed, "channel", "no channel #autorisen-opps is visible to planbot");
    assert!(line(&report, "channel").contains("/invite @planbot"));
}

#[tokio::test]
async fn a_channel_id_is_checked_directly() {
    let mut world = World::healthy().await;
    world.env.insert("OPS_CHANNEL", "C0GENERAL".into());
    let (report, passed) = world.doctor().await;
    assert!(passed, "{report}");
    assert!(line(&report, "channel").contains("#general (C0GENERAL)"), "{report}");
}

#[tokio::test]
async fn an_app_token_that_cannot_open_socket_mode_says_how_to_make_one() {
    let mut world = World::healthy().await;
    world.env.insert("SLACK_APP_TOKEN", "xapp-1-wrong".into());
    let (report, passed) = world.doctor().await;
    assert_fix(&report, passed, "socket", "Slack refused SLACK_APP_TOKEN (invalid_auth)");
    assert!(line(&report, "socket").contains("connections:write"));
}

#[tokio::test]
async fn a_read_only_github_token_is_told_to_get_write_access() {
    let world = World::healthy().await;
    world.github.make_token_read_only();
    let (report, passed) = world.doctor().await;
    assert_fix(&report, passed, "github", "can read autorisen/autorisen but not push");
    assert!(line(&report, "github").contains("Contents: Read and write"));
}

#[tokio::test]
async fn refused_github_credentials_are_named() {
    let mut world = World::healthy().await;
    world.env.insert("GITHUB_TOKEN", "ghp_wrong".into());
    let (report, passed) = world.doctor().await;
    assert_fix(&report, passed, "github", "GitHub refused the credentials");
}

#[tokio::test]
async fn a_plan_without_its_markdown_file_is_reported() {
    let mut world = World::healthy().await;
    world.env.insert("PLAN_MD_PATH", "docs/no_such_plan.md".into());
    let (report, passed) = world.doctor().await;
    assert_fix(&report, passed, "plan", "has no Markdown plan");
}

#[tokio::test]
async fn a_database_behind_on_migrations_is_told_to_migrate() {
    let world = World::healthy().await;
    let output = world.run("doctor").await;
    let report = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{report}");
    assert!(line(&report, "database").contains("not applied") && report.contains("run `planbot migrate`"), "{report}");
}

#[tokio::test]
async fn a_postgres_server_that_does_not_answer_is_named_with_the_fix() {
    let mut world = World::healthy().await;
    world.env.insert("DATABASE_URL", "postgres://planbot:hunter2@127.0.0.1:1/planbot".into());
    let output = world.run("doctor").await;
    let report = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{report}");
    let database = line(&report, "database");
    assert!(database.contains("cannot reach PostgreSQL at 127.0.0.1:1"), "{database}");
    assert!(database.contains("check the host and port in DATABASE_URL"), "{database}");
    assert!(!report.contains("hunter2"), "never the password: {report}");
}

#[tokio::test]
async fn without_a_signing_secret_or_app_token_slack_has_no_way_in() {
    let mut world = World::healthy().await;
    world.env.remove("SLACK_SIGNING_SECRET");
    world.env.remove("SLACK_APP_TOKEN");
    let (report, passed) = world.doctor().await;
    assert_fix(&report, passed, "transport", "set SLACK_SIGNING_SECRET (HTTP, with a public URL) or SLACK_APP_TOKEN");
    assert!(line(&report, "socket").starts_with("skip"), "{report}");
}

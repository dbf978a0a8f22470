//! Plan edits committed to GitHub (a fake that follows GitHub's contract),
//! through conflicts, outages, rate limits and bad credentials.

use crate::support;

use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use planbot::clock::{Clock, ManualClock};
use planbot::github::{GitHubClient, GitHubPlan, GitHubToken, RepoRef};
use planbot::store::{EditState, Store};
use support::fake_github::{self, FakeGitHub, Fault};
use support::{TestApp, Writable, databases};

const EDITOR: &str = "U0EDITOR1";
const CSV: &str = "docs/autorisen_project_plan.csv";
const MD: &str = "docs/project_plan.md";
const EXAMPLE_CSV: &str = include_str!("../../examples/autorisen/docs/autorisen_project_plan.csv");
const EXAMPLE_MD: &str = include_str!("../../examples/autorisen/docs/project_plan.md");

struct Setup {
    github: FakeGitHub,
    app: TestApp,
    clock: Arc<ManualClock>,
}

fn plan_on(github: &FakeGitHub, token: &str) -> Arc<GitHubPlan> {
    let client = GitHubClient::new(&github.api_url, GitHubToken::new(token)).unwrap();
    let repo = RepoRef {
        owner: fake_github::OWNER.into(),
        repo: fake_github::REPO.into(),
        branch: fake_github::BRANCH.into(),
    };
    Arc::new(GitHubPlan::new(client, repo, CSV, MD))
}

async fn setup_with(store: Arc<dyn Store>) -> Setup {
    let github = FakeGitHub::start(&[(CSV, EXAMPLE_CSV), (MD, EXAMPLE_MD)]).await;
    let plan = plan_on(&github, fake_github::TOKEN);
    let clock = Arc::new(ManualClock::new(chrono::Utc::now() + chrono::Duration::seconds(1)));
    let writable = Writable {
        writer: plan.clone(),
        editors: vec![EDITOR.parse().unwrap()],
        clock: Some(clock.clone()),
        slack: None,
    };
    let app = TestApp::start_with(plan, store, Some(writable)).await;
    Setup { github, app, clock }
}

async fn setup() -> Setup {
    setup_with(databases::sqlite().await).await
}

fn line_of<'a>(text: &'a str, id: &str) -> &'a str {
    text.lines().find(|line| line.starts_with(&format!("{id},"))).unwrap_or_default()
}

#[tokio::test]
async fn an_edit_becomes_one_commit_in_the_teams_convention() {
    let Setup { github, app, .. } = setup().await;
    app.slash(EDITOR, "done DEVOPS-035").await;
    let report = app.committer().drain().await.unwrap();
    assert_eq!(report.committed, 1);

    let history = github.history();
    assert_eq!(history.len(), 2);
    let message = &history[0];
    assert!(message.starts_with("docs(plan): mark DEVOPS-035 completed\n\n"), "{message}");
    assert!(message.contains(&format!("asked by roadrunner, {EDITOR}")), "{message}");

    let csv = github.file(CSV).unwrap();
    assert!(line_of(&csv, "DEVOPS-035").contains(",completed,"));
    let changed: Vec<&str> = csv.lines().filter(|line| !EXAMPLE_CSV.lines().any(|l| l == *line)).collect();
    assert_eq!(changed.len(), 1, "only the edited record differs: {changed:?}");
    let markdown = github.file(MD).unwrap();
    assert!(!markdown.contains("| DEVOPS-035 |"), "the PLAN block is regenerated in the same commit");

    let recent = app.store.recent_edits(None, 5).await.unwrap();
    assert_eq!(recent[0].commit_ref.as_deref(), Some(github.head().as_str()));
    assert_eq!(
        recent[0].commit_url.as_deref(),
        Some(format!("https://github.com/autorisen/autorisen/commit/{}", github.head()).as_str())
    );
}

#[tokio::test]
async fn a_human_commit_to_another_field_mid_write_is_kept_and_both_land() {
    let Setup { github, app, clock } = setup().await;
    app.slash(EDITOR, "done DEVOPS-035").await;
    github.human_commit_before_next_write(CSV, "Prod deploy / Capecraft,", "Prod deploy / Capecraft v2,");
    // The first write finds the branch moved (422 not a fast forward) and is
    // retried from the new head.
    let first = app.committer().drain().await.unwrap();
    assert_eq!(first.retrying, 1);
    clock.advance(Duration::from_secs(2));
    let second = app.committer().drain().await.unwrap();
    assert_eq!(second.committed, 1);
    let line = line_of(&github.file(CSV).unwrap(), "DEVOPS-035").to_owned();
    assert!(line.starts_with("DEVOPS-035,devops,Prod deploy / Capecraft v2,devops,completed,"), "{line}");
    assert!(github.requests().iter().any(|r| r.starts_with("PATCH") && r.ends_with("422")));
}

#[tokio::test]
async fn a_human_change_to_the_same_field_is_reported_not_clobbered() {
    let Setup { github, app, .. } = setup().await;
    app.slash(EDITOR, "start FE-004").await;
    github.human_commit(CSV, "Login page + form,frontend,blocked", "Login page + form,frontend,deferred");
    let head_before = github.head();
    let report = app.committer().drain().await.unwrap();
    assert_eq!(report.conflicts, 1);
    assert_eq!(github.head(), head_before, "no commit was made");
    let pending = app.slash(EDITOR, "pending").await.shown_text();
    assert!(pending.contains("someone changed it to \"deferred\" first"), "{pending}");
}

#[tokio::test]
async fn github_down_for_a_while_then_the_edit_lands_once() {
    let Setup { github, app, clock } = setup().await;
    app.slash(EDITOR, "note AUTH-005 suite green").await;
    let outage = Fault { status: 502, delay: Duration::ZERO, headers: vec![], message: "Bad Gateway" };
    github.fail_next(3, outage);
    for _ in 0..3 {
        let report = app.committer().drain().await.unwrap();
        assert_eq!(report.retrying, 1);
        let queued = &app.store.recent_edits(None, 1).await.unwrap()[0];
        assert!(queued.last_error.as_deref().unwrap_or_default().contains("502"), "{queued:?}");
        assert_eq!(app.committer().drain().await.unwrap(), Default::default(), "backing off: not due yet");
        clock.advance(Duration::from_secs(20));
    }
    assert_eq!(app.committer().drain().await.unwrap().committed, 1);
    assert_eq!(github.file(CSV).unwrap().matches("suite green").count(), 1);
    assert_eq!(github.history().len(), 2);
}

#[tokio::test]
async fn contents_sent_as_base64_json_read_the_same() {
    let github = FakeGitHub::start(&[(CSV, EXAMPLE_CSV), (MD, EXAMPLE_MD)]).await;
    github.serve_contents_as_json();
    let plan = plan_on(&github, fake_github::TOKEN);
    let files = planbot::writeback::PlanWriter::read_head(plan.as_ref()).await.unwrap().files;
    assert_eq!(files.csv.as_deref(), Some(EXAMPLE_CSV));
    assert_eq!(files.markdown.as_deref(), Some(EXAMPLE_MD));
}

#[tokio::test]
async fn an_edit_queued_before_a_crash_is_committed_once_after_restart() {
    let github = FakeGitHub::start(&[(CSV, EXAMPLE_CSV), (MD, EXAMPLE_MD)]).await;
    let store = databases::sqlite().await;
    let start = |store| {
        let plan = plan_on(&github, fake_github::TOKEN);
        let writable =
            Writable { writer: plan.clone(), editors: vec![EDITOR.parse().unwrap()], clock: None, slack: None };
        TestApp::start_with(plan, store, Some(writable))
    };
    let before = start(Arc::clone(&store)).await;
    before.slash(EDITOR, "done DEVOPS-035").await;
    drop(before);
    let after = start(store).await;
    assert_eq!(after.committer().drain().await.unwrap().committed, 1);
    assert_eq!(after.committer().drain().await.unwrap().committed, 0);
    assert_eq!(github.history().len(), 2, "exactly one commit");
}

#[tokio::test]
async fn slow_answers_are_waited_for() {
    let Setup { github, app, .. } = setup().await;
    app.slash(EDITOR, "done DEVOPS-035").await;
    let slow = Fault { status: 0, delay: Duration::from_millis(300), headers: vec![], message: "" };
    github.fail_next(3, slow);
    assert_eq!(app.committer().drain().await.unwrap().committed, 1);
}

#[tokio::test]
async fn a_rate_limit_is_waited_out_for_exactly_as_long_as_github_asks() {
    let Setup { github, app, clock } = setup().await;
    app.slash(EDITOR, "done DEVOPS-035").await;
    github.fail_next(
        1,
        Fault {
            status: 429,
            delay: Duration::ZERO,
            headers: vec![("retry-after", "30".into())],
            message: "rate limited",
        },
    );
    assert_eq!(app.committer().drain().await.unwrap().retrying, 1);
    clock.advance(Duration::from_secs(25));
    assert_eq!(app.committer().drain().await.unwrap().committed, 0, "still inside Retry-After");
    clock.advance(Duration::from_secs(10));
    assert_eq!(app.committer().drain().await.unwrap().committed, 1);
}

#[tokio::test]
async fn a_secondary_rate_limit_403_is_waited_out_too() {
    let Setup { github, app, clock } = setup().await;
    app.slash(EDITOR, "done DEVOPS-035").await;
    let reset = (clock.now().timestamp() + 90).to_string();
    let limit = Fault {
        status: 403,
        delay: Duration::ZERO,
        headers: vec![("x-ratelimit-remaining", "0".into()), ("x-ratelimit-reset", reset)],
        message: "API rate limit exceeded",
    };
    github.fail_next(1, limit);
    assert_eq!(app.committer().drain().await.unwrap().retrying, 1);
    let due = app.store.next_edit_due().await.unwrap().unwrap();
    assert!((due - clock.now()).num_seconds() >= 60, "waits for the reset, not a blind retry");
}

#[tokio::test]
async fn refused_credentials_keep_the_edit_queued() {
    let github = FakeGitHub::start(&[(CSV, EXAMPLE_CSV), (MD, EXAMPLE_MD)]).await;
    let reader = plan_on(&github, fake_github::TOKEN);
    let bad_writer = plan_on(&github, "ghp_revoked");
    let writable = Writable { writer: bad_writer, editors: vec![EDITOR.parse().unwrap()], clock: None, slack: None };
    let app = TestApp::start_with(reader, databases::sqlite().await, Some(writable)).await;
    app.slash(EDITOR, "done DEVOPS-035").await;
    assert_eq!(app.committer().drain().await.unwrap().retrying, 1);
    let queued = &app.store.recent_edits(None, 1).await.unwrap()[0];
    assert_eq!(queued.state, EditState::Pending);
    assert!(queued.last_error.as_deref().unwrap_or_default().contains("not authorised"), "{queued:?}");
    assert_eq!(github.history().len(), 1);
}

#[tokio::test]
async fn steady_state_reads_cost_one_conditional_request() {
    let Setup { github, app, .. } = setup().await;
    github.clear_requests();
    app.plan.refresh().await.unwrap();
    assert_eq!(github.requests(), ["GET /repos/autorisen/autorisen/git/ref/heads/main -> 304"]);

    app.slash(EDITOR, "done DEVOPS-035").await;
    github.clear_requests();
    app.committer().drain().await.unwrap();
    let requests = github.requests();
    let writes: Vec<&String> = requests.iter().filter(|r| !r.starts_with("GET")).collect();
    assert_eq!(writes.len(), 3, "tree, commit, ref update: {requests:?}");
    assert!(requests[0].ends_with("304"), "the write starts from a conditional read: {requests:?}");
    assert!(!requests.iter().any(|r| r.contains("/contents/")), "files written are not read back: {requests:?}");
    let reads = requests.len() - writes.len();
    assert!(reads <= 2, "a conditional ref read, and the head commit's tree on the first write only: {requests:?}");
    github.clear_requests();
    app.slash(EDITOR, "note DEVOPS-035 deployed").await;
    app.committer().drain().await.unwrap();
    let next = github.requests();
    assert_eq!(next.len(), 4, "steady state: one ref read and three writes: {next:?}");
}

#[tokio::test]
async fn fifty_edits_from_ten_people_land_in_one_commit() {
    let Setup { github, app, .. } = setup().await;
    let backend = ["AUTH-004", "AUTH-005", "ORG-006", "ORG-007", "AIGW-009"];
    for person in 0..10 {
        app.slash(EDITOR, &format!("grant <@U0PERSON{person}> backend")).await;
    }
    for round in 0..5 {
        for person in 0..10 {
            let task = backend[(person + round) % backend.len()];
            app.slash(&format!("U0PERSON{person}"), &format!("note {task} update {round}-{person}")).await;
        }
    }
    assert_eq!(app.committer().drain().await.unwrap().committed, 50);
    assert_eq!(github.history().len(), 2, "one commit for the batch");
    assert!(github.history()[0].starts_with("docs(plan): 50 changes from Slack"));
    let csv = github.file(CSV).unwrap();
    for line in EXAMPLE_CSV.lines().filter(|line| !backend.iter().any(|id| line.starts_with(id))) {
        assert!(csv.contains(line), "untouched record changed: {line}");
    }
}

#[tokio::test]
async fn two_committers_on_one_postgres_never_commit_an_edit_twice() {
    let Some(store) = databases::postgres("two_committers_on_one_postgres_never_commit_an_edit_twice").await else {
        return;
    };
    let Setup { github, app, .. } = setup_with(Arc::clone(&store)).await;
    let other = planbot::writeback::Committer::new(
        store,
        plan_on(&github, fake_github::TOKEN),
        Arc::new(planbot::clock::SystemClock),
    );
    for task in ["AUTH-004", "AUTH-005", "ORG-006", "ORG-007"] {
        app.slash(EDITOR, &format!("note {task} from the ops review")).await;
    }
    let (a, b) = tokio::join!(app.committer().drain(), other.drain());
    let (a, b) = (a.unwrap(), b.unwrap());
    for _ in 0..3 {
        app.committer().drain().await.unwrap();
    }
    assert!(a.committed + b.committed >= 4);
    assert_eq!(github.file(CSV).unwrap().matches("from the ops review").count(), 4, "each note exactly once");
}

mod webhook {
    use super::*;
    use planbot::github::WebhookSecret;

    #[tokio::test]
    async fn a_signed_push_to_the_plan_branch_reloads_and_redeliveries_are_ignored() {
        let notify = Arc::new(tokio::sync::Notify::new());
        let hook = planbot::http::GitHubWebhook::new(WebhookSecret::new("hook-secret"), "main", Arc::clone(&notify));
        let app = TestApp::start_webhook(hook).await;
        let body = r#"{"ref":"refs/heads/main","after":"abc"}"#;
        let sign = |secret: &str| support::github_signature(secret, body);

        let forged = app.github_push(body, &sign("wrong"), "d-1").await;
        assert_eq!(forged, StatusCode::UNAUTHORIZED);
        assert_eq!(app.github_push(body, &sign("hook-secret"), "d-1").await, StatusCode::ACCEPTED);
        tokio::time::timeout(Duration::from_secs(1), notify.notified()).await.expect("the reloader is woken");
        assert_eq!(app.github_push(body, &sign("hook-secret"), "d-1").await, StatusCode::OK);
        assert!(
            tokio::time::timeout(Duration::from_millis(100), notify.notified()).await.is_err(),
            "a redelivery does not reload again"
        );
    }
}

mod notifications {
    use super::*;
    use planbot::notify::SlackNotifier;
    use planbot::slack::web::SlackWeb;
    use support::fake_slack::{self, FakeSlack};

    async fn setup_with_slack() -> (Setup, FakeSlack) {
        let slack = FakeSlack::start().await;
        let github = FakeGitHub::start(&[(CSV, EXAMPLE_CSV), (MD, EXAMPLE_MD)]).await;
        let plan = plan_on(&github, fake_github::TOKEN);
        let clock = Arc::new(ManualClock::new(chrono::Utc::now() + chrono::Duration::seconds(1)));
        let web = SlackWeb::new(&slack.api_url(), fake_slack::BOT_TOKEN).unwrap();
        let notifier = Arc::new(SlackNotifier::new(web, Some("C0OPS".into())));
        let writable = Writable {
            writer: plan.clone(),
            editors: vec![EDITOR.parse().unwrap()],
            clock: Some(clock.clone()),
            slack: None,
        };
        let app = TestApp::start_with_notifier(plan, databases::sqlite().await, writable, notifier).await;
        (Setup { github, app, clock }, slack)
    }

    #[tokio::test]
    async fn the_author_gets_a_direct_message_with_the_commit_link() {
        let (Setup { github, app, .. }, slack) = setup_with_slack().await;
        app.slash(EDITOR, "done DEVOPS-035").await;
        app.committer().drain().await.unwrap();
        let opened = slack.wait_for("conversations.open", 1).await;
        assert_eq!(opened[0].body["users"], EDITOR, "users is a comma-separated string, as Slack documents");
        let message = &slack.wait_for("chat.postMessage", 1).await[0].body;
        assert_eq!(message["channel"], format!("D{EDITOR}"));
        let text = message["blocks"].to_string();
        let link = format!("<https://github.com/autorisen/autorisen/commit/{}|{}>", github.head(), &github.head()[..7]);
        assert!(text.contains("Written: *mark DEVOPS-035 completed*") && text.contains(&link), "{text}");
    }

    #[tokio::test]
    async fn a_conflict_shows_both_values_and_offers_to_apply_anyway() {
        let (Setup { github, app, .. }, slack) = setup_with_slack().await;
        app.slash(EDITOR, "start FE-004").await;
        github.human_commit(CSV, "Login page + form,frontend,blocked", "Login page + form,frontend,deferred");
        app.committer().drain().await.unwrap();
        let message = slack.wait_for("chat.postMessage", 1).await[0].body.to_string();
        assert!(
            message
                .contains("Not written: *mark FE-004 in-progress*. Dana Ndlovu changed it to \\\"deferred\\\" first"),
            "{message}"
        );
        assert!(message.contains("\"action_id\":\"apply_anyway\""), "{message}");
        assert!(message.contains(&format!("commit/{}", github.head())), "links the version planbot found: {message}");
    }

    #[tokio::test]
    async fn an_edit_applied_anyway_by_an_editor_names_both_in_the_commit_and_tells_both() {
        const AUTHOR: &str = "U0FRAN001";
        let (Setup { github, app, .. }, slack) = setup_with_slack().await;
        app.slash(EDITOR, &format!("grant <@{AUTHOR}|fran> frontend")).await;
        app.slash(AUTHOR, "start FE-004").await;
        github.human_commit(CSV, "Login page + form,frontend,blocked", "Login page + form,frontend,deferred");
        assert_eq!(app.committer().drain().await.unwrap().conflicts, 1);
        let conflict = app.store.recent_edits(None, 1).await.unwrap()[0].id;

        let click = serde_json::json!({
            "type": "block_actions", "user": {"id": EDITOR, "username": "erin"}, "trigger_id": "t-apply",
            "actions": [{"action_id": "apply_anyway", "value": conflict.to_string(), "type": "button"}],
        });
        assert_eq!(app.interact(&click).await.status.as_u16(), 200);
        app.inbox_settled().await;
        assert_eq!(app.committer().drain().await.unwrap().committed, 1);
        let message = github.history().remove(0);
        assert!(
            message.contains(&format!("asked by roadrunner, {AUTHOR}; applied anyway by erin, {EDITOR}")),
            "{message}"
        );
        for person in [AUTHOR, EDITOR] {
            let told = slack.calls("chat.postMessage").iter().any(|c| {
                c.body["channel"] == format!("D{person}") && c.body.to_string().contains("Written: *mark FE-004")
            });
            assert!(told, "{person} is told it was written: {:?}", slack.calls("chat.postMessage"));
        }
    }

    #[tokio::test]
    async fn refused_credentials_alert_the_ops_channel_once() {
        let slack = FakeSlack::start().await;
        let github = FakeGitHub::start(&[(CSV, EXAMPLE_CSV), (MD, EXAMPLE_MD)]).await;
        let web = SlackWeb::new(&slack.api_url(), fake_slack::BOT_TOKEN).unwrap();
        let notifier = Arc::new(SlackNotifier::new(web, Some("C0OPS".into())));
        let clock = Arc::new(ManualClock::new(chrono::Utc::now() + chrono::Duration::seconds(1)));
        let writable = Writable {
            writer: plan_on(&github, "ghp_revoked"),
            editors: vec![EDITOR.parse().unwrap()],
            clock: Some(clock.clone()),
            slack: None,
        };
        let app = TestApp::start_with_notifier(
            plan_on(&github, fake_github::TOKEN),
            databases::sqlite().await,
            writable,
            notifier,
        )
        .await;
        app.slash(EDITOR, "done DEVOPS-035").await;
        app.committer().drain().await.unwrap();
        clock.advance(Duration::from_secs(3600));
        app.committer().drain().await.unwrap();
        // The committer posts its alert before a drain returns.
        let alerts: Vec<_> =
            slack.calls("chat.postMessage").into_iter().filter(|c| c.body["channel"] == "C0OPS").collect();
        assert_eq!(alerts.len(), 1, "{alerts:?}");
        assert!(alerts[0].body.to_string().contains("cannot write the plan"), "{:?}", alerts[0].body);
    }
}

mod github_app {
    use super::*;
    use planbot::github::{AppCredentials, GitHubAuth};

    const KEY: &str = include_str!("../data/github-app-test-key.pem");

    fn app_plan(github: &FakeGitHub, key: &str) -> Arc<GitHubPlan> {
        let app = AppCredentials::new(fake_github::APP_ID, fake_github::INSTALLATION_ID, key).unwrap();
        let client = GitHubClient::with_auth(&github.api_url, GitHubAuth::App(Arc::new(app))).unwrap();
        let repo = RepoRef {
            owner: fake_github::OWNER.into(),
            repo: fake_github::REPO.into(),
            branch: fake_github::BRANCH.into(),
        };
        Arc::new(GitHubPlan::new(client, repo, CSV, MD))
    }

    #[tokio::test]
    async fn an_app_installation_token_is_minted_once_and_renewed_when_refused() {
        let github = FakeGitHub::start(&[(CSV, EXAMPLE_CSV), (MD, EXAMPLE_MD)]).await;
        // Heroku config vars often carry the PEM with literal \n sequences.
        let plan = app_plan(&github, &KEY.replace('\n', "\\n"));
        let writable =
            Writable { writer: plan.clone(), editors: vec![EDITOR.parse().unwrap()], clock: None, slack: None };
        let app = TestApp::start_with(plan, databases::sqlite().await, Some(writable)).await;
        app.slash(EDITOR, "done DEVOPS-035").await;
        assert_eq!(app.committer().drain().await.unwrap().committed, 1);
        let minted = |github: &FakeGitHub| github.requests().iter().filter(|r| r.contains("access_tokens")).count();
        assert_eq!(minted(&github), 1, "one token for every request so far");

        github.revoke_installation_tokens();
        app.slash(EDITOR, "note DEVOPS-035 deployed").await;
        assert_eq!(app.committer().drain().await.unwrap().committed, 1, "a refused token is replaced, not fatal");
        assert_eq!(minted(&github), 2);
    }

    #[tokio::test]
    async fn a_jwt_from_the_wrong_key_is_refused() {
        let github = FakeGitHub::start(&[(CSV, EXAMPLE_CSV), (MD, EXAMPLE_MD)]).await;
        let other_key = std::process::Command::new("openssl").args(["genrsa", "-traditional", "2048"]).output();
        let Ok(other_key) = other_key else { return };
        let plan = app_plan(&github, &String::from_utf8_lossy(&other_key.stdout));
        let error = planbot::writeback::PlanWriter::read_head(plan.as_ref()).await.unwrap_err();
        assert!(matches!(error, planbot::writeback::WriteError::Unauthorized(_)), "{error:?}");
    }
}

#[tokio::test]
async fn the_binary_commits_to_github_from_its_configuration_alone() {
    let github = FakeGitHub::start(&[(CSV, EXAMPLE_CSV), (MD, EXAMPLE_MD)]).await;
    let dir = tempfile::tempdir().unwrap();
    let api_url = github.api_url.clone();
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_planbot"))
            .args(["ask", "--as", EDITOR, "block", "DEVOPS-033", "waiting", "on", "runners"])
            .current_dir(dir.path())
            .env("PLAN_SOURCE", "github:autorisen/autorisen@main")
            .env("GITHUB_TOKEN", fake_github::TOKEN)
            .env("GITHUB_API_URL", api_url)
            .env("TEAM_TZ", "Africa/Johannesburg")
            .env_remove("DATABASE_URL")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("Written: 2 change(s)"),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        github.history()[0].starts_with("docs(plan): mark DEVOPS-033 blocked; note on DEVOPS-033"),
        "{:?}",
        github.history()
    );
    assert!(github.file(CSV).unwrap().contains(": blocked: waiting on runners"));
}

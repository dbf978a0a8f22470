//! Health endpoints and live reloading of a plan folder.

use crate::support;

use std::sync::Arc;

use axum::http::StatusCode;
use planbot::source::LocalFolder;

const CSV: &str = "docs/autorisen_project_plan.csv";
const MD: &str = "docs/project_plan.md";
const EXAMPLE_CSV: &str = include_str!("../../examples/autorisen/docs/autorisen_project_plan.csv");
const EXAMPLE_MD: &str = include_str!("../../examples/autorisen/docs/project_plan.md");
use planbot::clock::ManualClock;
use support::{TestApp, USER, Writable, csv, databases, example_app};

#[tokio::test]
async fn alive_and_heartbeat_answer_without_a_signature() {
    let app = example_app().await;
    let alive = app.get("/alive").await;
    assert_eq!(alive.status, StatusCode::OK);
    let heartbeat = app.get("/").await;
    assert_eq!(heartbeat.json()["service"], "planbot");
}

#[tokio::test]
async fn health_reports_the_plan_and_the_database() {
    let app = example_app().await;
    let health = app.get("/api/health").await.json();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(health["task_count"], 34, "27 CSV rows and 7 Markdown task sections");
    assert_eq!(health["lint_errors"], 0);
    assert_eq!(health["database"], "sqlite");
    assert_eq!(health["database_ok"], true);
    assert!(health["plan_source"].as_str().unwrap().starts_with("builtin:autorisen"));
    assert!(health["loaded_at"].as_str().unwrap().contains('T'));
}

struct PlanFolder {
    dir: tempfile::TempDir,
}

impl PlanFolder {
    fn new(csv_text: &str) -> PlanFolder {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("docs")).unwrap();
        let folder = PlanFolder { dir };
        folder.write(csv_text);
        folder
    }

    fn write(&self, csv_text: &str) {
        // A different length guarantees a new fingerprint even on file
        // systems with coarse modification times.
        std::fs::write(self.dir.path().join("docs/autorisen_project_plan.csv"), csv_text).unwrap();
    }

    fn source(&self) -> Arc<LocalFolder> {
        Arc::new(LocalFolder::new(self.dir.path(), "docs/autorisen_project_plan.csv", "docs/project_plan.md"))
    }
}

#[tokio::test]
async fn an_edited_plan_file_is_picked_up_on_refresh() {
    let folder = PlanFolder::new(&csv(&["A-1,,first,ops,todo,,,,,,,,"]));
    let app = TestApp::start(folder.source(), databases::sqlite().await).await;
    folder.write(&csv(&["A-1,,first,ops,completed,,,,2025-10-01,,,,", "B-2,,second task,ops,todo,,A-1,,,,,,"]));
    assert!(app.plan.refresh().await.expect("reloads"));
    let shown = app.slash(USER, "status B-2").await.shown_text();
    assert!(shown.contains("second task"), "{shown}");
    assert!(!app.plan.refresh().await.expect("unchanged"), "no change, no reload");
}

/// Answers are rendered once per plan version and day; asking again
/// after either changes must never show the old answer.
#[tokio::test]
async fn the_same_question_is_answered_afresh_when_the_plan_or_the_day_changes() {
    let folder = PlanFolder::new(&csv(&["A-1,,first,ops,todo,,,,,,,,"]));
    let milestones = "| ID | Milestone | Target |\n|---|---|---|\n| M1 | Launch | 2030-01-02 |\n";
    std::fs::write(folder.dir.path().join("docs/project_plan.md"), milestones).unwrap();
    let noon = chrono::DateTime::parse_from_rfc3339("2030-01-01T12:00:00Z").unwrap().to_utc();
    let clock = Arc::new(ManualClock::new(noon));
    let writable = Writable { writer: folder.source(), editors: vec![], clock: Some(clock.clone()), slack: None };
    let app = TestApp::start_with(folder.source(), databases::sqlite().await, Some(writable)).await;

    for _ in 0..2 {
        let shown = app.slash(USER, "milestones").await.shown_text();
        assert!(shown.contains("*M1* Launch — target 2030-01-02 · due tomorrow"), "{shown}");
        assert!(app.slash(USER, "status A-1").await.shown_text().contains("*Status*\ntodo"));
    }
    clock.advance(std::time::Duration::from_secs(2 * 24 * 3600));
    let shown = app.slash(USER, "milestones").await.shown_text();
    assert!(shown.contains("⚠️ *M1* Launch — overdue since 2030-01-02"), "the next day's answer: {shown}");

    folder.write(&csv(&["A-1,,first,ops,completed,,,,2030-01-03,,,,"]));
    assert!(app.plan.refresh().await.expect("reloads"));
    let shown = app.slash(USER, "status A-1").await.shown_text();
    assert!(shown.contains("*Status*\ncompleted"), "the new plan's answer: {shown}");
}

#[tokio::test]
async fn a_broken_plan_never_replaces_the_last_good_one() {
    let folder = PlanFolder::new(&csv(&["A-1,,first,ops,todo,,,,,,,,"]));
    let app = TestApp::start(folder.source(), databases::sqlite().await).await;
    folder.write("id,task,status\nA-1,header lost most columns,todo\nB-2,x,todo\n");
    assert!(app.plan.refresh().await.is_err());

    let shown = app.slash(USER, "status A-1").await.shown_text();
    assert!(shown.contains("first"), "still answers from the last good plan: {shown}");
    let answer = app.get("/api/health").await;
    assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE, "not ready while the newest plan is broken");
    let health = answer.json();
    assert_eq!(health["status"], "degraded");
    assert!(health["reasons"][0].as_str().unwrap().starts_with("the newest plan is not in use"), "{health}");
    assert_eq!(health["task_count"], 1);
    let error = health["plan_error"].as_str().expect("plan_error is shown");
    assert!(error.contains("lacks the columns phase, owner"), "{error}");

    folder.write(&csv(&["A-1,,first,ops,todo,,,,,,,,", "C-3,,fixed again,ops,todo,,,,,,,,"]));
    assert!(app.plan.refresh().await.expect("reloads"));
    let health = app.get("/api/health").await.json();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["task_count"], 2);
    assert!(health["plan_error"].is_null());
}

#[tokio::test]
async fn the_reloader_notices_a_change_without_being_asked() {
    let folder = PlanFolder::new(&csv(&["A-1,,first,ops,todo,,,,,,,,"]));
    let app = TestApp::start(folder.source(), databases::sqlite().await).await;
    let reloader = planbot::source::spawn_reloader(
        Arc::clone(&app.plan),
        std::time::Duration::from_millis(20),
        Default::default(),
        None,
    );
    folder.write(&csv(&["A-1,,first,ops,todo,,,,,,,,", "B-2,,arrived by itself,ops,todo,,,,,,,,"]));
    let mut seen = false;
    for _ in 0..250 {
        if app.plan.current().plan.tasks().len() == 2 {
            seen = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    reloader.abort();
    assert!(seen, "the plan was not reloaded within 5 s");
}

#[tokio::test]
async fn a_broken_version_is_reported_once() {
    let folder = PlanFolder::new(&csv(&["A-1,,first,ops,todo,,,,,,,,"]));
    let app = TestApp::start(folder.source(), databases::sqlite().await).await;
    let reports = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let sink = Arc::clone(&reports);
    let on_broken: planbot::source::OnBroken = Arc::new(move |message| sink.lock().unwrap().push(message));
    let reloader = planbot::source::spawn_reloader(
        Arc::clone(&app.plan),
        std::time::Duration::from_millis(10),
        Default::default(),
        Some(on_broken),
    );
    folder.write("id,task\nA-1,lost columns\n");
    support::team::wait_until(|| !reports.lock().unwrap().is_empty()).await;
    // The broken version is not reported again however often it is seen:
    // let the reloader look at it several more times, then count.
    let seen = app.plan.last_error();
    for _ in 0..5 {
        assert!(app.plan.refresh().await.is_ok_and(|replaced| !replaced));
    }
    reloader.abort();
    assert_eq!(app.plan.last_error(), seen);
    let reports = reports.lock().unwrap();
    assert_eq!(reports.len(), 1, "{reports:?}");
    assert!(reports[0].contains("cannot be used") && reports[0].contains("lacks the columns"), "{}", reports[0]);
}

#[tokio::test]
async fn a_plan_home_that_is_down_at_start_is_retried_until_it_loads() {
    use support::fake_github::{self, FakeGitHub, Fault};
    let github = FakeGitHub::start(&[(CSV, EXAMPLE_CSV), (MD, EXAMPLE_MD)]).await;
    // Down at start, and still down at the first retry.
    github.fail_next(
        2,
        Fault { status: 503, delay: std::time::Duration::ZERO, headers: vec![], message: "GitHub is down" },
    );
    let client =
        planbot::github::GitHubClient::new(&github.api_url, planbot::github::GitHubToken::new(fake_github::TOKEN))
            .unwrap();
    let repo = format!("github:{}/{}@{}", fake_github::OWNER, fake_github::REPO, fake_github::BRANCH).parse().unwrap();
    let source = Arc::new(planbot::github::GitHubPlan::new(client, repo, CSV, MD));
    let clock: Arc<dyn planbot::clock::Clock> = Arc::new(planbot::clock::SystemClock);
    let live = Arc::new(planbot::source::LivePlan::start(source, clock).await.unwrap());
    assert!(!live.is_loaded());
    assert!(live.last_error().unwrap().contains("503"), "{:?}", live.last_error());

    let app = TestApp::start_with_plan(Arc::clone(&live), databases::sqlite().await).await;
    let health = app.get("/api/health").await;
    assert_eq!(health.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(health.json()["reasons"][0].as_str().unwrap().starts_with("the plan is not loaded"), "{}", health.body);
    let answer = app.slash(USER, "status DEVOPS-035").await;
    assert!(answer.shown_text().contains("planbot has no plan to answer from yet"), "{}", answer.body);
    assert!(answer.shown_text().contains("GitHub is down"), "says why: {}", answer.body);
    assert_eq!(app.slash(USER, "help").await.status, StatusCode::OK);

    let reloader = planbot::source::spawn_reloader(
        Arc::clone(&live),
        std::time::Duration::from_secs(60),
        Default::default(),
        None,
    );
    // Retries back off from one second, far below the 60 s poll.
    support::team::wait_until_within(std::time::Duration::from_secs(30), || live.is_loaded()).await;
    reloader.abort();
    assert_eq!(app.get("/api/health").await.status, StatusCode::OK);
    assert!(app.slash(USER, "status DEVOPS-035").await.shown_text().contains("Prod deploy"));
}

#[tokio::test]
async fn serve_starts_and_answers_while_github_is_unreachable() {
    let dir = tempfile::tempdir().unwrap();
    let env: std::collections::BTreeMap<&str, String> = [
        ("SLACK_SIGNING_SECRET", "secret".to_owned()),
        ("DATABASE_URL", "sqlite://serve.db".to_owned()),
        ("PLAN_SOURCE", "github:autorisen/autorisen@main".to_owned()),
        ("GITHUB_TOKEN", "ghp_unused".to_owned()),
        ("GITHUB_API_URL", "http://127.0.0.1:1".to_owned()),
    ]
    .into_iter()
    .collect();
    let mut serve = support::process::Serve::spawn(dir.path(), &env);
    let health = serve.wait_up().await;
    assert!(health.starts_with("HTTP/1.1 503"), "{health}");
    assert!(health.contains("the plan is not loaded") && health.contains("cannot reach GitHub"), "{health}");
    let form = support::slash_form(USER, "blockers");
    let answer = serve.post_signed("/slack/commands", "application/x-www-form-urlencoded", &form, "secret").unwrap();
    assert!(answer.starts_with("HTTP/1.1 200") && answer.contains("no plan to answer from yet"), "{answer}");
    assert!(serve.terminate().success());
}

#[tokio::test]
async fn a_sqlite_file_made_read_only_or_deleted_under_planbot_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("planbot.db");
    let store = planbot::store::connect(&format!("sqlite://{}", file.display())).await.unwrap();
    store.migrate().await.unwrap();
    let app = TestApp::start(Arc::new(planbot::source::BuiltinExample), Arc::clone(&store)).await;
    assert_eq!(app.get("/api/health").await.status, StatusCode::OK);

    let mut permissions = std::fs::metadata(&file).unwrap().permissions();
    permissions.set_readonly(true);
    std::fs::set_permissions(&file, permissions.clone()).unwrap();
    let health = app.get("/api/health").await;
    assert_eq!(health.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(health.body.contains("is read-only: planbot cannot save anything"), "{}", health.body);
    let mut reported = None;
    let first = planbot::store_watch::check(store.as_ref(), &mut reported).await;
    assert!(first.is_some_and(|problem| problem.contains("read-only")));
    assert_eq!(planbot::store_watch::check(store.as_ref(), &mut reported).await, None, "told once");

    #[allow(clippy::permissions_set_readonly_false)]
    permissions.set_readonly(false);
    std::fs::set_permissions(&file, permissions).unwrap();
    std::fs::remove_file(&file).unwrap();
    let health = app.get("/api/health").await;
    assert_eq!(health.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(health.body.contains("was deleted or replaced while planbot ran"), "{}", health.body);
    let deleted = planbot::store_watch::check(store.as_ref(), &mut reported).await;
    assert!(deleted.is_some_and(|problem| problem.contains("deleted")), "a new problem is told too");
}

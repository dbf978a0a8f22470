//! Health endpoints and live reloading of a plan folder.

use crate::support;

use std::sync::Arc;

use axum::http::StatusCode;
use planbot::source::LocalFolder;
use support::{TestApp, USER, csv, databases, example_app};

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
    assert_eq!(health["task_count"], 27);
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

#[tokio::test]
async fn a_broken_plan_never_replaces_the_last_good_one() {
    let folder = PlanFolder::new(&csv(&["A-1,,first,ops,todo,,,,,,,,"]));
    let app = TestApp::start(folder.source(), databases::sqlite().await).await;
    folder.write("id,task,status\nA-1,header lost most columns,todo\nB-2,x,todo\n");
    assert!(app.plan.refresh().await.is_err());

    let shown = app.slash(USER, "status A-1").await.shown_text();
    assert!(shown.contains("first"), "still answers from the last good plan: {shown}");
    let health = app.get("/api/health").await.json();
    assert_eq!(health["status"], "degraded");
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
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    reloader.abort();
    let reports = reports.lock().unwrap();
    assert_eq!(reports.len(), 1, "{reports:?}");
    assert!(reports[0].contains("no longer parses") && reports[0].contains("lacks the columns"), "{}", reports[0]);
}

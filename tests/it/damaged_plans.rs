//! A plan file that is not whole (cut short, mis-quoted, a broken header,
//! bytes that are not UTF-8, a record without its id) is never served:
//! planbot keeps answering from the last good version, says `degraded`
//! with the first error and its line, and write-back waits for a whole file.

use crate::support;

use std::sync::Arc;

use axum::http::StatusCode;
use planbot::clock::ManualClock;
use planbot::source::LocalFolder;
use support::{TestApp, USER, Writable, databases};

const EDITOR: &str = "U0EDITOR1";
const HEADER: &str = "id,phase,task,owner,status,priority,dependencies,estimated_hours,completion_date,artifacts,verification,notes,codex_hints";
const TASKS: usize = 70;

/// A whole plan of seventy tasks, `T-001` … `T-070`.
fn whole_plan() -> String {
    let mut text = format!("{HEADER}\n");
    for n in 1..=TASKS {
        text.push_str(&format!("T-{n:03},build,Task number {n},ops,todo,medium,,2,,,,,\n"));
    }
    text
}

/// The whole plan with record `n` (1-based, line `n + 1`) replaced.
fn with_record(n: usize, record: &str) -> String {
    let whole = whole_plan();
    let mut lines: Vec<&str> = whole.lines().collect();
    lines[n] = record;
    lines.join("\n") + "\n"
}

struct Folder {
    dir: tempfile::TempDir,
}

impl Folder {
    fn new() -> Folder {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("docs")).unwrap();
        let folder = Folder { dir };
        folder.write(whole_plan().as_bytes());
        folder
    }

    fn write(&self, bytes: &[u8]) {
        std::fs::write(self.dir.path().join("docs/plan.csv"), bytes).unwrap();
    }

    fn source(&self) -> Arc<LocalFolder> {
        Arc::new(LocalFolder::new(self.dir.path(), "docs/plan.csv", "docs/plan.md"))
    }
}

/// Each way the team's CSV has arrived broken, and the line where it breaks.
fn damaged_versions() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let whole = whole_plan();
    // Cut off in the middle of the 25th record, as an interrupted upload.
    let cut_at = whole.find("T-025,build,Task").unwrap() + 12;
    vec![
        (
            "cut off mid-file",
            whole.as_bytes()[..cut_at].to_vec(),
            ":26: error: this record has 3 fields, fewer than the header's 13",
        ),
        (
            "a row with nine fields missing",
            with_record(40, "T-040,build,Task number 40,ops").into_bytes(),
            ":41: error: this record has 4 fields, fewer than the header's 13",
        ),
        (
            "an unterminated quote that swallows the rows after it",
            with_record(30, "T-030,build,\"Task number 30,ops,todo,medium,,2,,,,,").into_bytes(),
            ":31: error: a quote opened here is never closed",
        ),
        (
            "a header with status twice",
            whole.replacen(HEADER, &format!("{HEADER},status"), 1).replace(",,,,,\n", ",,,,,,\n").into_bytes(),
            ":1: error: the header names the column \"status\" twice",
        ),
        (
            "a header name left empty",
            whole.replacen(HEADER, &format!("{HEADER},"), 1).replace(",,,,,\n", ",,,,,,\n").into_bytes(),
            ":1: error: header column 14 has no name",
        ),
        (
            "bytes that are not UTF-8",
            {
                let mut bytes = with_record(12, "T-012,build,Caf\u{e9} task,ops,todo,medium,,2,,,,,").into_bytes();
                let at = bytes.windows(2).position(|w| w == "é".as_bytes()).unwrap();
                bytes.splice(at..at + 2, [0xE9]);
                bytes
            },
            ":13: error: the file is not UTF-8 text (byte 16 of that line is not)",
        ),
        (
            "a record whose id cell is empty",
            with_record(55, ",build,Task number 55,ops,todo,medium,,2,,,,,").into_bytes(),
            ":56: error: this record has no id: its id cell is empty",
        ),
    ]
}

#[tokio::test]
async fn each_damaged_version_is_refused_with_its_line_and_the_last_good_plan_stays() {
    let folder = Folder::new();
    let app = TestApp::start(folder.source(), databases::sqlite().await).await;
    for (case, bytes, expected) in damaged_versions() {
        folder.write(&bytes);
        let error = app.plan.refresh().await.expect_err(case).to_string();
        assert!(error.contains(expected), "{case}: {error}");

        let health = app.get("/api/health").await;
        assert_eq!(health.status, StatusCode::SERVICE_UNAVAILABLE, "{case}");
        let health = health.json();
        assert_eq!(health["status"], "degraded", "{case}");
        assert_eq!(health["task_count"], TASKS, "{case}: the whole plan is still served");
        assert!(health["plan_error"].as_str().unwrap().contains(expected), "{case}: {health}");
        let card = app.slash(USER, "status T-070").await.shown_text();
        assert!(card.contains("Task number 70"), "{case}: {card}");
    }
    folder.write(whole_plan().replace("Task number 70", "Task seventy").as_bytes());
    assert!(app.plan.refresh().await.expect("a whole file loads again"));
    assert_eq!(app.get("/api/health").await.json()["status"], "ok");
}

#[tokio::test]
async fn write_back_waits_while_the_file_is_damaged_and_lands_once_it_is_whole() {
    let folder = Folder::new();
    let clock = Arc::new(ManualClock::new(chrono::Utc::now() + chrono::Duration::seconds(1)));
    let writable = Writable {
        writer: folder.source(),
        editors: vec![EDITOR.parse().unwrap()],
        clock: Some(clock.clone()),
        slack: None,
    };
    let app = TestApp::start_with(folder.source(), databases::sqlite().await, Some(writable)).await;
    app.slash(EDITOR, "done T-003").await;
    let whole = whole_plan();
    let cut = whole[..whole.find("T-025,build,Task").unwrap() + 12].to_owned();
    folder.write(cut.as_bytes());

    let report = app.committer().drain().await.unwrap();
    assert_eq!((report.committed, report.retrying), (0, 1));
    let waiting = &app.store.recent_edits(None, 1).await.unwrap()[0];
    let reason = waiting.last_error.as_deref().unwrap_or_default();
    assert!(
        reason.contains("the plan file is damaged") && reason.contains("edits wait until it is whole again"),
        "{reason}"
    );
    let on_disk = std::fs::read_to_string(folder.dir.path().join("docs/plan.csv")).unwrap();
    assert_eq!(on_disk, cut, "a damaged file is never written over");

    folder.write(whole_plan().as_bytes());
    clock.advance(std::time::Duration::from_secs(120));
    let report = app.committer().drain().await.unwrap();
    assert_eq!(report.committed, 1);
    let on_disk = std::fs::read_to_string(folder.dir.path().join("docs/plan.csv")).unwrap();
    assert!(on_disk.contains("T-003,build,Task number 3,ops,completed,"), "{on_disk}");
    assert_eq!(on_disk.lines().count(), TASKS + 1);
}

#[test]
fn check_names_each_damage_at_its_line_and_fails() {
    for (case, bytes, expected) in damaged_versions() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("plan.csv"), bytes).unwrap();
        let output = std::process::Command::new(support::process::BIN)
            .args(["check", "plan.csv"])
            .current_dir(dir.path())
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert_eq!(output.status.code(), Some(1), "{case}: {stdout}");
        assert!(stdout.contains(&format!("plan.csv{expected}")), "{case}: {stdout}");
    }
}

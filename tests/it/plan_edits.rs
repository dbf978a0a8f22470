//! Changing the plan from Slack: rights, the outbox, and writing to a plan
//! folder without losing or clobbering anyone's edit.

use crate::support;

use std::path::PathBuf;
use std::sync::Arc;

use planbot::source::LocalFolder;
use planbot::store::Store;
use support::{TestApp, Writable, databases};

const EDITOR: &str = "U0EDITOR1";
const DANA: &str = "U0DANA001";
const CSV: &str = "docs/autorisen_project_plan.csv";
const MD: &str = "docs/project_plan.md";

/// A copy of the example plan in a temporary folder.
struct Folder {
    dir: tempfile::TempDir,
}

impl Folder {
    fn new() -> Folder {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("docs")).unwrap();
        let example = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/autorisen");
        for file in [CSV, MD] {
            std::fs::copy(example.join(file), dir.path().join(file)).unwrap();
        }
        Folder { dir }
    }

    fn read(&self, file: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(file)).unwrap()
    }

    /// A person edits the file by hand (a different length, so the change
    /// is seen even on coarse file clocks).
    fn human_edit(&self, from: &str, to: &str) {
        let text = self.read(CSV);
        assert!(text.contains(from), "fixture lacks {from:?}");
        std::fs::write(self.dir.path().join(CSV), text.replacen(from, to, 1)).unwrap();
    }

    fn source(&self) -> Arc<LocalFolder> {
        Arc::new(LocalFolder::new(self.dir.path(), CSV, MD))
    }
}

async fn app_on(folder: &Folder, store: Arc<dyn Store>) -> TestApp {
    let writable =
        Writable { writer: folder.source(), editors: vec![EDITOR.parse().unwrap()], clock: None, slack: None };
    TestApp::start_with(folder.source(), store, Some(writable)).await
}

/// Lines of `after` that are not in `before`.
fn added_lines(before: &str, after: &str) -> Vec<String> {
    after.lines().filter(|line| !before.lines().any(|b| b == *line)).map(str::to_owned).collect()
}

#[tokio::test]
async fn an_editor_marks_a_task_done_and_only_that_record_changes() {
    let folder = Folder::new();
    let before = folder.read(CSV);
    let app = app_on(&folder, databases::sqlite().await).await;

    let reply = app.slash(EDITOR, "done DEVOPS-035").await.shown_text();
    assert!(reply.contains("Queued: *mark DEVOPS-035 completed*"), "{reply}");
    assert_eq!(folder.read(CSV), before, "nothing is written before the committer runs");

    let report = app.committer().drain().await.unwrap();
    assert_eq!(report.committed, 1);
    let after = folder.read(CSV);
    let today = chrono::Utc::now().date_naive().to_string();
    let changed = added_lines(&before, &after);
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert!(changed[0].starts_with(&format!(
        "DEVOPS-035,devops,Prod deploy / Capecraft,devops,completed,high,\"AUTH-005, FE-004\",6,{today},"
    )));
    assert_eq!(before.lines().count(), after.lines().count());

    let markdown = folder.read(MD);
    assert!(!markdown.contains("| DEVOPS-035 |"), "a completed task leaves the open high-priority block");
    assert!(markdown.starts_with(&folder_md_head()), "text outside the block is untouched");

    let card = app.slash(EDITOR, "status DEVOPS-035").await.shown_text();
    assert!(card.contains("*Status*\ncompleted"), "answers use the written plan: {card}");
}

fn folder_md_head() -> String {
    let example =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/autorisen").join(MD)).unwrap();
    example[..example.find("<!-- PLAN:BEGIN -->").unwrap()].to_owned()
}

#[tokio::test]
async fn people_without_rights_are_told_who_can_grant_them() {
    let folder = Folder::new();
    let app = app_on(&folder, databases::sqlite().await).await;
    app.slash(DANA, "iam frontend").await;
    let refused = app.slash(DANA, "note FE-004 design approved").await.shown_text();
    assert!(refused.contains("You can't change FE-004 yet"), "iam alone grants nothing: {refused}");
    assert!(refused.contains(&format!("Editors: {EDITOR}.")), "{refused}");
    assert!(!refused.contains("<@"), "editors are named, never pinged: {refused}");

    let not_editor = app.slash(DANA, &format!("grant <@{DANA}|dana> frontend")).await.shown_text();
    assert!(not_editor.contains("Only plan editors"), "{not_editor}");

    let granted = app.slash(EDITOR, &format!("grant <@{DANA}|dana> Frontend")).await.shown_text();
    assert!(granted.contains(&format!("{DANA} (frontend) can now change frontend's tasks.")), "{granted}");
    assert!(!granted.contains("<@"), "{granted}");
    let queued = app.slash(DANA, "note FE-004 design approved").await.shown_text();
    assert!(queued.contains("Queued"), "{queued}");
    let other_role = app.slash(DANA, "done DEVOPS-035").await.shown_text();
    assert!(other_role.contains("You can't change DEVOPS-035 yet"), "a grant covers one role: {other_role}");

    app.slash(EDITOR, &format!("revoke <@{DANA}> frontend")).await;
    let revoked = app.slash(DANA, "note FE-004 again").await.shown_text();
    assert!(revoked.contains("You can't change FE-004 yet"), "{revoked}");

    // Once Slack told planbot the editor's name (the standup reads profiles),
    // refusals use it.
    let editor = EDITOR.parse().unwrap();
    app.store.standups().save_profile(&editor, Some("Ed Kamau"), None, chrono::Utc::now()).await.unwrap();
    let refused = app.slash(DANA, "note FE-004 once more").await.shown_text();
    assert!(refused.contains("Editors: Ed Kamau."), "{refused}");
}

#[tokio::test]
async fn a_field_a_human_changed_first_is_never_overwritten() {
    let folder = Folder::new();
    let app = app_on(&folder, databases::sqlite().await).await;
    app.slash(EDITOR, "start FE-004").await;
    folder.human_edit(
        "FE-004,frontend,Login page + form,frontend,blocked",
        "FE-004,frontend,Login page + form,frontend,deferred",
    );

    let report = app.committer().drain().await.unwrap();
    assert_eq!(report.conflicts, 1);
    assert!(
        folder.read(CSV).contains("FE-004,frontend,Login page + form,frontend,deferred"),
        "the human's value stays"
    );
    let pending = app.slash(EDITOR, "pending").await.shown_text();
    assert!(
        pending.contains("mark FE-004 in-progress · someone changed it to \"deferred\" first; nothing was overwritten"),
        "{pending}"
    );
}

#[tokio::test]
async fn a_human_edit_to_another_field_of_the_same_task_is_kept_alongside() {
    let folder = Folder::new();
    let app = app_on(&folder, databases::sqlite().await).await;
    app.slash(EDITOR, "done DEVOPS-035").await;
    folder
        .human_edit("Prod deploy / Capecraft,devops,blocked,high", "Prod deploy / Capecraft (v2),devops,blocked,high");

    let report = app.committer().drain().await.unwrap();
    assert_eq!(report.committed, 1);
    let after = folder.read(CSV);
    assert!(
        after.contains("DEVOPS-035,devops,Prod deploy / Capecraft (v2),devops,completed,high"),
        "both changes land"
    );
}

#[tokio::test]
async fn a_request_slack_delivers_twice_is_queued_once() {
    let folder = Folder::new();
    let app = app_on(&folder, databases::sqlite().await).await;
    app.slash_with_trigger(EDITOR, "note AUTH-005 suite green", "777.888.abc").await;
    app.slash_with_trigger(EDITOR, "note AUTH-005 suite green", "777.888.abc").await;
    app.committer().drain().await.unwrap();
    let notes = folder.read(CSV).matches("suite green").count();
    assert_eq!(notes, 1);
    assert_eq!(app.store.recent_edits(None, 10).await.unwrap().len(), 1);
}

#[tokio::test]
async fn edits_queued_before_a_crash_are_written_once_after_restart() {
    let folder = Folder::new();
    let store = databases::sqlite().await;
    let before_crash = app_on(&folder, Arc::clone(&store)).await;
    before_crash.slash(EDITOR, "block AUTH-005 waiting on CI runners").await;
    drop(before_crash);

    let after_restart = app_on(&folder, Arc::clone(&store)).await;
    assert_eq!(after_restart.committer().drain().await.unwrap().committed, 2);
    assert_eq!(after_restart.committer().drain().await.unwrap().committed, 0, "nothing is written twice");
    let text = folder.read(CSV);
    assert!(text.contains("AUTH-005,auth,Security hardening & tests,backend,blocked,"));
    assert_eq!(text.matches("blocked: waiting on CI runners").count(), 1);
}

#[tokio::test]
async fn fifty_edits_from_ten_people_land_together_and_touch_only_their_records() {
    let folder = Folder::new();
    let before = folder.read(CSV);
    let app = app_on(&folder, databases::sqlite().await).await;
    let people: Vec<String> = (0..10).map(|i| format!("U0PERSON{i}")).collect();
    for person in &people {
        app.slash(EDITOR, &format!("grant <@{person}> backend")).await;
    }
    let backend = ["AUTH-004", "AUTH-005", "ORG-006", "ORG-007", "AIGW-009"];
    for round in 0..5 {
        for (index, person) in people.iter().enumerate() {
            let task = backend[(index + round) % backend.len()];
            let reply = app.slash(person, &format!("note {task} update {round}-{index}")).await.shown_text();
            assert!(reply.contains("Queued"), "{reply}");
        }
    }
    let report = app.committer().drain().await.unwrap();
    assert_eq!(report.committed, 50);
    let after = folder.read(CSV);
    for round in 0..5 {
        for index in 0..10 {
            assert!(after.contains(&format!("update {round}-{index}")), "edit {round}-{index} landed");
        }
    }
    let untouched = before.lines().filter(|line| !backend.iter().any(|id| line.starts_with(id)));
    for line in untouched {
        assert!(after.contains(line), "a record no edit named changed: {line}");
    }
}

#[tokio::test]
async fn the_built_in_example_is_read_only() {
    let app = support::example_app().await;
    let reply = app.slash(EDITOR, "done DEVOPS-035").await.shown_text();
    assert!(reply.contains("is read-only here"), "{reply}");
}

#[tokio::test]
async fn edits_work_the_same_on_postgres() {
    let Some(store) = databases::postgres("edits_work_the_same_on_postgres").await else { return };
    let folder = Folder::new();
    let app = app_on(&folder, store).await;
    app.slash(EDITOR, "assign FE-004 backend").await;
    assert_eq!(app.committer().drain().await.unwrap().committed, 1);
    assert!(folder.read(CSV).contains("FE-004,frontend,Login page + form,backend,blocked"));
}

#[tokio::test]
async fn notes_are_written_as_typed_not_as_slack_encodes_them() {
    let folder = Folder::new();
    let app = app_on(&folder, databases::sqlite().await).await;
    app.slash(EDITOR, "note OBS-036 ask <@U0DANA001|dana> &amp; see <https://ci.example/run/7|the run> &lt;today&gt;")
        .await;
    app.committer().drain().await.unwrap();
    let csv = folder.read(CSV);
    assert!(csv.contains(": ask @dana & see https://ci.example/run/7 <today>"), "{csv}");
    let card = app.slash(EDITOR, "status OBS-036").await.body;
    assert!(card.contains("&lt;today&gt;") && !card.contains("<today>"), "echoed back escaped: {card}");
}

#[tokio::test]
async fn a_new_owner_role_needs_an_editor_and_their_confirmation() {
    let folder = Folder::new();
    let app = app_on(&folder, databases::sqlite().await).await;
    app.slash(EDITOR, "grant <@U0DANA001|dana> frontend").await;

    let by_dana = app.slash(DANA, "assign FE-004 qa-team").await;
    let shown = by_dana.shown_text();
    assert!(shown.contains("No task in the plan is owned by `qa-team`"), "{shown}");
    assert!(shown.contains("Only a plan editor can give a task to a new owner role"), "{shown}");
    assert!(!by_dana.body.contains("assign_new_role"), "no button for someone who may not use it");

    let by_editor = app.slash(EDITOR, "assign FE-004 qa-team").await;
    assert!(by_editor.body.contains("\"action_id\":\"assign_new_role\""), "{}", by_editor.body);
    assert!(by_editor.body.contains("\"value\":\"FE-004 qa-team\""), "{}", by_editor.body);
    assert_eq!(app.committer().drain().await.unwrap().committed, 0, "nothing queued before the confirmation");

    let click = serde_json::json!({
        "type": "block_actions", "user": {"id": EDITOR, "username": "erin"}, "trigger_id": "t-new-role",
        "actions": [{"action_id": "assign_new_role", "value": "FE-004 qa-team", "type": "button"}],
    });
    app.interact(&click).await;
    app.inbox_settled().await;
    app.committer().drain().await.unwrap();
    assert!(
        folder.read(CSV).lines().any(|l| l.starts_with("FE-004,") && l.contains(",qa-team,")),
        "{}",
        folder.read(CSV)
    );
}

#[tokio::test]
async fn nothing_a_spreadsheet_would_run_as_a_formula_is_written() {
    let folder = Folder::new();
    let app = app_on(&folder, databases::sqlite().await).await;
    let before = folder.read(CSV);
    for (value, start) in [("=HYPERLINK(\"http://x\")", '='), ("+1", '+'), ("-2", '-'), ("@SUM(A1)", '@')] {
        let click = serde_json::json!({
            "type": "block_actions", "user": {"id": EDITOR, "username": "erin"}, "trigger_id": format!("t-{start}"),
            "actions": [{"action_id": "assign_new_role", "value": format!("FE-004 {value}"), "type": "button"}],
        });
        app.interact(&click).await;
    }
    app.inbox_settled().await;
    app.committer().drain().await.unwrap();
    assert_eq!(folder.read(CSV), before, "no formula reached the file");
    let refused = app.slash(EDITOR, "assign FE-004 =cmd|'/C calc'!A0").await.shown_text();
    assert!(!refused.contains("Queued"), "{refused}");
}

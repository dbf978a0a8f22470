//! The example plan shipped in the binary is the team's real plan, whole.

use std::sync::Arc;

use planbot::clock::SystemClock;
use planbot::plan::{Severity, Status, TaskId};
use planbot::source::{BuiltinExample, LivePlan, LocalFolder, PlanSource};

async fn load(source: Arc<dyn PlanSource>) -> Arc<planbot::source::LoadedPlan> {
    LivePlan::load(source, Arc::new(SystemClock)).await.expect("example loads").current()
}

#[tokio::test]
async fn the_built_in_plan_is_the_examples_folder_byte_for_byte() {
    let folder = LocalFolder::new(
        concat!(env!("CARGO_MANIFEST_DIR"), "/examples/autorisen"),
        "docs/autorisen_project_plan.csv",
        "docs/project_plan.md",
    );
    let builtin = load(Arc::new(BuiltinExample)).await;
    let on_disk = load(Arc::new(folder)).await;
    assert_eq!(builtin.plan.csv_text(), on_disk.plan.csv_text());
    assert_eq!(builtin.plan.milestones(), on_disk.plan.milestones());
}

#[tokio::test]
async fn it_holds_the_seed_tasks_with_their_statuses_and_no_lint_errors() {
    let loaded = load(Arc::new(BuiltinExample)).await;
    let plan = &loaded.plan;
    let status = |id: &str| plan.task(&id.parse::<TaskId>().unwrap()).and_then(|t| t.status());
    assert_eq!(status("DEVOPS-035"), Some(Status::Blocked));
    assert_eq!(status("DEVOPS-034"), Some(Status::Completed), "written `done` in the seeds");
    assert_eq!(status("AUTH-005"), Some(Status::InProgress), "written `busy` in the seeds");
    for id in ["AUTH-001", "ORG-007", "AIGW-011", "ORCH-013", "FE-004", "ADMIN-030", "OBS-037"] {
        assert!(status(id).is_some(), "{id} is in the example plan");
    }
    assert_eq!(plan.lint().iter().filter(|d| d.severity == Severity::Error).count(), 0);
}

#[tokio::test]
async fn its_milestones_come_from_the_table_and_the_bullets() {
    let loaded = load(Arc::new(BuiltinExample)).await;
    let ids: Vec<&str> = loaded.plan.milestones().iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["M1", "M2", "M3", "M4", "M5", "M6", "M7"]);
    let m1 = &loaded.plan.milestones()[0];
    assert_eq!(m1.owner.as_deref(), Some("ops"), "the table wins over the bullet for M1");
}

#[tokio::test]
async fn its_plan_block_is_what_planbot_would_generate() {
    let markdown = include_str!("../../examples/autorisen/docs/project_plan.md");
    let loaded = load(Arc::new(BuiltinExample)).await;
    let regenerated =
        planbot::plan::snapshot::with_plan_block(markdown, &loaded.plan).expect("the example has a block");
    assert_eq!(regenerated, markdown);
}

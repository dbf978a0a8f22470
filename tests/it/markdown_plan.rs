//! The Markdown form of the plan, as the team writes it (seed `001_…`) and
//! as another team might (CRLF, other ids, extra sections, a milestone
//! table): read, answered over signed HTTP and the command line, and edited
//! back into the file one status line at a time through the GitHub path.

use crate::support;

use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use planbot::clock::{Clock, ManualClock};
use planbot::github::{GitHubClient, GitHubPlan, GitHubToken, RepoRef};
use support::fake_github::{self, FakeGitHub};
use support::process::BIN;
use support::{TestApp, Writable, databases};

const EDITOR: &str = "U0EDITOR1";
const CSV: &str = "docs/autorisen_project_plan.csv";
const MD: &str = "docs/project_plan.md";
const SEED_001: &str = include_str!("../data/seed_001_master_plan.md");

/// A second team's plan: CRLF line endings, `PAY-…` ids, a milestone
/// table, bold keys, steps numbered at the margin, sections that are not
/// tasks between the tasks, and more tasks than the seed.
fn payments_plan() -> String {
    let mut text = String::from(
        "# Payments platform — delivery plan\n\nOwners keep the status lines current.\n\n## Milestones\n\n\
| ID | Milestone | Owner | Start | Target | Notes |\n|---|---|---|---|---|---|\n\
| PM1 | Card vault live | platform | 2026-11-01 | 2026-11-20 | |\n\
| PM2 | Refunds GA | payments | 2026-12-01 | 2027-01-15 | |\n\n## Work\n\n\
### Task 1 — Card vault schema\n\n- ID: PAY-101\n- Owner (R/A): platform\n- Target: 2026-11-10\n- Steps:\n\
1. Draft the schema\n2. Review with security\n- Dependencies: None.\n- Acceptance criteria: schema merged\n\
- Status: Done — 2026-11-09 — merged in #88 (platform)\n\n\
Reviewer notes\n\n- Status: this line belongs to no task\n\n\
### Task 2 — Tokenisation service\n\n- **ID:** PAY-102\n- **Owner (R/A):** payments / platform\n\
- **Target:** 2026-11-25\n- **Dependencies:** Task 1\n- **Acceptance criteria:** tokens round-trip\n\
- **Status:** In progress — 2026-11-20 — load test pending (payments)\n\n\
### Task 3 — Refund API\n\n- ID: PAY-103\n- Owner (R/A): payments\n- Target: 2026-12-20\n\
- Dependencies: Tokenisation (Task 2); sandbox keys from the bank\n- Acceptance criteria: refunds settle in sandbox\n\
- Status: to do\n\n\
### Task 4 — Chargeback webhooks\n\n- ID: PAY-104\n- Owner (R/A): payments\n- Target: 2026-12-22\n\
- Dependencies: Task 3\n- Acceptance criteria: webhooks verified\n\
- Status: Blocked — 2026-11-28 — waiting on the bank's certificate (ops)\n",
    );
    for number in 5..=14 {
        text.push_str(&format!(
            "\n### Task {number} — Settlement report {number}\n\n- ID: PAY-1{number:02}\n- Owner (R/A): data\n\
- Target: 2027-01-{number:02}\n- Dependencies: Task {}\n- Acceptance criteria: report reconciles\n- Status: To Do\n",
            number - 1
        ));
    }
    text.push_str("\n## Risks\n\n- Bank certificate delays (Task 4).\n");
    text.replace('\n', "\r\n")
}

struct Repo {
    github: FakeGitHub,
    app: TestApp,
    clock: Arc<ManualClock>,
}

/// planbot on a GitHub repository that holds only `markdown` (no CSV).
async fn markdown_repo(markdown: &str) -> Repo {
    let github = FakeGitHub::start(&[(MD, markdown)]).await;
    let client = GitHubClient::new(&github.api_url, GitHubToken::new(fake_github::TOKEN)).unwrap();
    let repo = RepoRef {
        owner: fake_github::OWNER.into(),
        repo: fake_github::REPO.into(),
        branch: fake_github::BRANCH.into(),
    };
    let plan = Arc::new(GitHubPlan::new(client, repo, CSV, MD));
    let clock = Arc::new(ManualClock::new(chrono::Utc::now() + chrono::Duration::seconds(1)));
    let writable = Writable {
        writer: plan.clone(),
        editors: vec![EDITOR.parse().unwrap()],
        clock: Some(clock.clone()),
        slack: None,
    };
    let app = TestApp::start_with(plan, databases::sqlite().await, Some(writable)).await;
    Repo { github, app, clock }
}

/// The lines of `after` that are not the same line of `before`, with
/// their numbers (the files must have as many lines).
fn changed_lines<'a>(before: &str, after: &'a str) -> Vec<(usize, &'a str)> {
    let (old, new): (Vec<&str>, Vec<&str>) = (before.split('\n').collect(), after.split('\n').collect());
    assert_eq!(old.len(), new.len(), "no line was added or removed");
    old.iter().zip(&new).enumerate().filter(|(_, (a, b))| a != b).map(|(n, (_, b))| (n + 1, *b)).collect()
}

mod seed_001 {
    use super::*;

    #[tokio::test]
    async fn every_question_is_answered_from_the_task_sections() {
        let Repo { app, .. } = markdown_repo(SEED_001).await;
        let card = app.slash(EDITOR, "status T5").await.shown_text();
        for line in [
            "*T5 · Fix database migration issues for SQLite and Postgres*",
            "*Owners*\nbackend, data",
            "*Target*\n2025-10-20",
            "*Status updated*\n2025-10-14 by backend",
            "Investigate Alembic constraint failures on SQLite",
            "2025-10-14 — error reproduced; fix pending (backend)",
            "`alembic upgrade head` succeeds on SQLite dev DB and Postgres staging.",
        ] {
            assert!(card.contains(line), "missing {line:?} in the card:\n{card}");
        }
        let t1 = app.slash(EDITOR, "T1").await.shown_text();
        assert!(t1.contains("*Prerequisites*\nHeroku CLI authenticated; `HEROKU_API_KEY` exported locally"), "{t1}");

        let blockers = app.slash(EDITOR, "blockers").await.shown_text();
        assert!(
            blockers.contains(
                "*T7* Update developer documentation &amp; tooling · docs lead / backend · in-progress — waits on T4"
            ),
            "{blockers}"
        );
        let ops = app.slash(EDITOR, "owner ops").await.shown_text();
        assert!(ops.contains("*T4* Automate container release workflow") && !ops.contains("*T5*"), "{ops}");
        let data = app.slash(EDITOR, "owner data").await.shown_text();
        assert!(data.contains("*T5*"), "`backend / data` is two roles: {data}");
        let next = app.slash(EDITOR, "next").await.shown_text();
        assert!(next.contains("*T4* Automate container release workflow"), "{next}");
        let deps = app.slash(EDITOR, "deps T7").await.shown_text();
        assert!(deps.contains("Critical path*: T4 → T7"), "{deps}");

        let milestones = app.slash(EDITOR, "milestones").await.shown_text();
        assert!(
            milestones.contains("*M1* Restore production auth service and publish healthy root/health endpoints — overdue since 2025-10-16,"),
            "{milestones}"
        );
        assert!(milestones.contains("*M4* Finalize ChatKit rollout and analytics instrumentation"), "{milestones}");
    }

    #[tokio::test]
    async fn done_rewrites_only_the_status_line_in_one_commit() {
        let Repo { github, app, clock } = markdown_repo(SEED_001).await;
        let reply = app.slash(EDITOR, "done T4").await.shown_text();
        assert!(reply.contains("Queued: *mark T4 done*"), "{reply}");
        assert_eq!(app.committer().drain().await.unwrap().committed, 1);

        let message = &github.history()[0];
        assert!(message.starts_with("docs(plan): mark T4 done\n\n"), "{message}");
        let after = github.file(MD).unwrap();
        let today = clock.today();
        assert_eq!(changed_lines(SEED_001, &after), [(81, format!("- Status: Done — {today} (roadrunner)").as_str())]);
        assert_eq!(github.file(CSV), None, "a team without a CSV does not get one");
        let card = app.slash(EDITOR, "status T4").await.shown_text();
        assert!(card.contains("*Status*\ncompleted"), "the commit is the new plan: {card}");
    }

    #[tokio::test]
    async fn a_status_line_someone_changed_first_is_a_conflict_showing_both() {
        let Repo { github, app, .. } = markdown_repo(SEED_001).await;
        app.slash(EDITOR, "start T4").await;
        github.human_commit(MD, "- Status: To Do", "- Status: Blocked — 2025-10-17 — registry down (ops)");
        let head = github.head();
        assert_eq!(app.committer().drain().await.unwrap().conflicts, 1);
        assert_eq!(github.head(), head, "nothing was committed over the human's line");
        let pending = app.slash(EDITOR, "pending").await.shown_text();
        assert!(pending.contains("mark T4 in progress · someone changed it to \"Blocked\" first"), "{pending}");
    }

    #[tokio::test]
    async fn a_batch_is_one_reply_one_commit_and_warns_about_open_dependencies() {
        let Repo { github, app, .. } = markdown_repo(SEED_001).await;
        let reply = app.slash(EDITOR, "done T7 T6").await.shown_text();
        assert!(reply.contains("Queued: *mark T7 done; mark T6 done*"), "{reply}");
        assert!(reply.contains("T7 still depends on T4 (todo)"), "{reply}");
        assert_eq!(app.committer().drain().await.unwrap().committed, 2);
        assert_eq!(github.history().len(), 2, "one commit for the batch");
        assert!(github.history()[0].starts_with("docs(plan): mark T7 done; mark T6 done\n"), "{}", github.history()[0]);

        let refused = app.slash(EDITOR, "done T4 T99").await.shown_text();
        assert!(refused.contains("I can't find task `T99`"), "{refused}");
        assert!(refused.contains("Nothing in this line was queued"), "{refused}");
        assert_eq!(app.committer().drain().await.unwrap().committed, 0, "T4 was not queued alone");
    }

    #[tokio::test]
    async fn an_editor_closes_a_milestone_at_the_end_of_its_list_item() {
        let Repo { github, app, clock } = markdown_repo(SEED_001).await;
        let reply = app.slash(EDITOR, "milestone M3 done").await.shown_text();
        assert!(reply.contains("Queued: *close milestone M3*"), "{reply}");
        app.committer().drain().await.unwrap();
        let after = github.file(MD).unwrap();
        let today = clock.today();
        let closed =
            format!("1. Stabilize database migrations and local developer setup (Target: 2025-10-20) — Done {today}");
        assert_eq!(changed_lines(SEED_001, &after), [(27, closed.as_str())]);
        let milestones = app.slash(EDITOR, "milestones").await.shown_text();
        assert!(milestones.contains(&format!("done {today}")) && milestones.contains("✅"), "{milestones}");

        let not_editor = app.slash("U0SOMEONE", "milestone M2 done").await.shown_text();
        assert!(not_editor.contains("Only plan editors (PLAN_EDITORS) can close a milestone."), "{not_editor}");
    }
}

mod another_teams_plan {
    use super::*;

    #[tokio::test]
    async fn crlf_other_ids_and_extra_sections_are_read_as_written() {
        let Repo { app, .. } = markdown_repo(&payments_plan()).await;
        let card = app.slash(EDITOR, "status pay-102").await.shown_text();
        assert!(card.contains("*PAY-102 · Tokenisation service*"), "{card}");
        assert!(card.contains("*Owners*\npayments, platform") && card.contains("load test pending"), "{card}");
        let refund = app.slash(EDITOR, "PAY-103").await.shown_text();
        assert!(refund.contains("*Prerequisites*\nsandbox keys from the bank"), "{refund}");
        assert!(refund.contains("*PAY-102* Tokenisation service"), "depends on Task 2: {refund}");

        let blockers = app.slash(EDITOR, "blockers").await.shown_text();
        assert!(
            blockers.contains("*PAY-104* Chargeback webhooks · payments · blocked — waits on PAY-103"),
            "{blockers}"
        );
        let data = app.slash(EDITOR, "owner data").await.shown_text();
        assert!(data.contains("data's tasks · 10 open"), "{data}");
        let milestones = app.slash(EDITOR, "milestones").await.shown_text();
        assert!(milestones.contains("*PM1* Card vault live — overdue since 2026-11-20"), "{milestones}");
        assert!(milestones.contains("*PM2* Refunds GA"), "{milestones}");
        let lint = app.slash(EDITOR, "lint").await.shown_text();
        assert!(!lint.contains("error"), "a clean plan lints clean: {lint}");
    }

    #[tokio::test]
    async fn a_note_and_a_milestone_change_only_their_own_bytes_and_keep_crlf() {
        let before = payments_plan();
        let Repo { github, app, clock } = markdown_repo(&before).await;
        app.slash(EDITOR, "note PAY-102 load test passed").await;
        app.slash(EDITOR, "milestone PM1 done").await;
        assert_eq!(app.committer().drain().await.unwrap().committed, 2);
        let after = github.file(MD).unwrap();
        let today = clock.today();
        let status = format!("- **Status:** In progress — {today} — load test passed (roadrunner)\r");
        let milestone = format!("| PM1 | Card vault live | platform | 2026-11-01 | 2026-11-20 | Done {today} |\r");
        assert_eq!(changed_lines(&before, &after), [(9, milestone.as_str()), (37, status.as_str())]);
        assert_eq!(after.matches('\n').count(), after.matches("\r\n").count(), "every line still ends in CRLF");
        assert!(github.history()[0].starts_with("docs(plan): note on PAY-102; close milestone PM1\n"));
    }
}

mod command_line {
    use super::*;

    fn planbot(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> (bool, String) {
        let mut command = Command::new(BIN);
        command.args(args).current_dir(dir).env_remove("PLAN_SOURCE").env_remove("DATABASE_URL");
        command.envs(env.iter().copied());
        let output = command.output().expect("planbot runs");
        (output.status.success(), String::from_utf8_lossy(&output.stdout).into_owned())
    }

    #[test]
    fn the_built_in_example_answers_for_the_markdown_tasks() {
        let dir = tempfile::tempdir().unwrap();
        let (ok, card) = planbot(dir.path(), &["ask", "status T5"], &[]);
        assert!(ok, "{card}");
        assert!(card.starts_with("🔵 T5 · Fix database migration issues for SQLite and Postgres\n"), "{card}");
        assert!(card.contains("Owners: backend, data") && card.contains("error reproduced; fix pending"), "{card}");
    }

    #[test]
    fn done_from_the_command_line_rewrites_the_status_line_of_a_markdown_only_plan() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("plan/docs")).unwrap();
        let path = dir.path().join("plan/docs/project_plan.md");
        std::fs::write(&path, SEED_001).unwrap();
        let env = [("PLAN_SOURCE", "plan")];
        let (ok, check) = planbot(dir.path(), &["check", "plan"], &env);
        assert!(ok, "{check}");
        let (ok, out) =
            planbot(dir.path(), &["ask", "--as", "U0DANA0005", "--today", "2026-12-02", "done", "T4"], &env);
        assert!(ok && out.contains("Written: 1 change(s)"), "{out}");
        let after = std::fs::read_to_string(&path).unwrap();
        assert_eq!(changed_lines(SEED_001, &after), [(81, "- Status: Done — 2026-12-02 (a teammate)")]);
        assert!(!after.contains("U0DANA0005"), "a note never carries a raw user id");
        assert!(!dir.path().join("plan/docs/autorisen_project_plan.csv").exists());

        planbot(dir.path(), &["ask", "--as", "U0DANA0005", "iam", "ops"], &env);
        let (_, out) = planbot(
            dir.path(),
            &["ask", "--as", "U0DANA0005", "--today", "2026-12-02", "note", "T4", "script", "merged"],
            &env,
        );
        assert!(out.contains("Written: 1 change(s)"), "{out}");
        let after = std::fs::read_to_string(&path).unwrap();
        assert!(after.contains("- Status: Done — 2026-12-02 — script merged (ops)\n"), "signed with the role: {after}");
    }
}

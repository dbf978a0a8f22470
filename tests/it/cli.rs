//! The `planbot` binary as a newcomer uses it: no Slack, no GitHub.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

use crate::support::process::{BIN, Serve};

fn planbot(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(BIN);
    command
        .args(args)
        .current_dir(dir)
        .env_remove("PLAN_SOURCE")
        .env_remove("SLACK_SIGNING_SECRET")
        .env_remove("DATABASE_URL");
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("planbot runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn ask_prints_the_task_card_from_the_built_in_example_plan() {
    let dir = tempfile::tempdir().unwrap();
    let output = planbot(dir.path(), &["ask", "status DEVOPS-035"], &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.starts_with("🔴 DEVOPS-035 · Prod deploy / Capecraft\n"), "{text}");
    for line in [
        "Status: blocked",
        "Owner: devops",
        "Priority: high",
        "• 🔵 AUTH-005 Security hardening & tests · backend · in-progress",
    ] {
        assert!(text.contains(line), "missing {line:?} in:\n{text}");
    }
    assert!(!text.contains('*') && !text.contains("&amp;"), "no Slack markup in the terminal:\n{text}");
}

#[test]
fn ask_as_a_user_remembers_their_role_between_runs() {
    let dir = tempfile::tempdir().unwrap();
    let claimed = planbot(dir.path(), &["ask", "--as", "U024BE7LH", "iam", "frontend"], &[]);
    assert!(stdout(&claimed).contains("Got it: you are frontend."), "{}", stdout(&claimed));
    let mine = planbot(dir.path(), &["ask", "--as", "U024BE7LH", "mine"], &[]);
    assert!(stdout(&mine).contains("FE-004 Login page + form"), "{}", stdout(&mine));
    assert!(dir.path().join("planbot.db").exists(), "the default SQLite file is created on first use");
}

#[test]
fn ask_rejects_a_malformed_user_id_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let output = planbot(dir.path(), &["ask", "--as", "bob", "mine"], &[]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("is not a Slack user id"), "{}", stderr(&output));
}

fn write_plan(dir: &Path, csv: &str) {
    std::fs::create_dir_all(dir.join("docs")).unwrap();
    std::fs::write(dir.join("docs/autorisen_project_plan.csv"), csv).unwrap();
}

const HEADER: &str = "id,phase,task,owner,status,priority,dependencies,estimated_hours,completion_date,artifacts,verification,notes,codex_hints";

#[test]
fn check_reports_problems_at_their_physical_lines_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    write_plan(
        dir.path(),
        &format!("{HEADER}\nA-1,,\"two\nlines\",ops,todo,,,,,,,,\nA-1,,dup,ops,shipped,,Z-9,lots,,,,,\n"),
    );
    let output = planbot(dir.path(), &["check", "."], &[]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(
        text.contains("docs/autorisen_project_plan.csv:4: error: duplicate id A-1 (first defined on line 2)"),
        "{text}"
    );
    assert!(text.contains(":4: error: A-1 depends on Z-9, which is not in the plan"), "{text}");
    assert!(text.contains(":4: error: A-1: estimated_hours \"lots\" is not a number of hours"), "{text}");
}

#[test]
fn check_passes_the_example_plan_and_a_plan_source_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(planbot(dir.path(), &["check"], &[]).status.code(), Some(0));
    write_plan(dir.path(), &format!("{HEADER}\nA-1,,a,ops,todo,,,,,,,,\n"));
    let output = planbot(dir.path(), &["check"], &[("PLAN_SOURCE", dir.path().to_str().unwrap())]);
    assert_eq!(output.status.code(), Some(0), "{}{}", stdout(&output), stderr(&output));
    let counts = stderr(&output);
    assert!(counts.contains("docs/autorisen_project_plan.csv: 1 tasks\n"), "{counts}");
    assert!(counts.contains("docs/project_plan.md: not found") && counts.contains("0 errors"), "{counts}");
}

#[test]
fn check_names_a_missing_column() {
    let dir = tempfile::tempdir().unwrap();
    write_plan(dir.path(), "id,phase,task,status\nA-1,,a,todo\n");
    let output = planbot(dir.path(), &["check", "docs/autorisen_project_plan.csv"], &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("lacks the columns owner, priority, dependencies"), "{}", stdout(&output));
}

#[test]
fn serve_without_configuration_lists_every_problem_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let output = planbot(dir.path(), &["serve"], &[("PORT", "eighty"), ("PLAN_SOURCE", "/nowhere")]);
    assert_eq!(output.status.code(), Some(2));
    let text = stderr(&output);
    for variable in ["PORT:", "PLAN_SOURCE:", "SLACK_SIGNING_SECRET: not set"] {
        assert!(text.contains(variable), "missing {variable} in:\n{text}");
    }
    assert!(!text.contains("panicked") && !text.contains("backtrace"), "{text}");
}

#[test]
fn migrate_prepares_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let output = planbot(dir.path(), &["migrate"], &[("DATABASE_URL", "sqlite://fresh.db")]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("database migrations applied (sqlite)"));
    assert!(dir.path().join("fresh.db").exists());
}

/// `planbot serve` with nothing but a signing secret and a SQLite file.
fn plain_serve(dir: &Path, extra: &[(&str, &str)]) -> Serve {
    let mut env: BTreeMap<&str, String> =
        [("SLACK_SIGNING_SECRET", "secret".to_owned()), ("DATABASE_URL", "sqlite://serve.db".to_owned())]
            .into_iter()
            .collect();
    env.extend(extra.iter().map(|(key, value)| (*key, (*value).to_owned())));
    Serve::spawn(dir, &env)
}

#[tokio::test]
async fn serve_answers_over_tcp_and_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let mut serve = plain_serve(dir.path(), &[]);
    let health = serve.wait_up().await;
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    assert!(health.contains("\"task_count\":34"), "{health}");

    let status = serve.terminate();
    assert!(status.success(), "exit status after SIGTERM: {status}");
    let logs = serve.log();
    assert!(logs.contains("planbot stopped"), "{logs}");
    assert!(!logs.contains("secret\""), "the signing secret never reaches the logs");
    let start = logs.lines().find(|l| l.contains("planbot is running")).expect("a start-up line");
    for says in ["database=sqlite serve.db", "plan_source=builtin:autorisen", "transports=HTTP on port"] {
        assert!(start.contains(says), "{says:?} missing from {start}");
    }
    assert!(!logs.contains('\u{1b}'), "no colour codes when stderr is not a terminal:\n{logs}");
}

#[tokio::test]
async fn on_heroku_logs_are_json_lines() {
    let dir = tempfile::tempdir().unwrap();
    let mut serve = plain_serve(dir.path(), &[("DYNO", "web.1")]);
    serve.wait_up().await;
    serve.terminate();
    let logs = serve.log();
    let lines: Vec<&str> = logs.lines().collect();
    assert!(!lines.is_empty());
    for line in lines {
        let parsed: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert!(parsed["fields"].is_object(), "{line}");
    }
}

#[test]
fn ask_exits_1_when_the_answer_is_a_refusal_or_an_unknown_id() {
    let dir = tempfile::tempdir().unwrap();
    let unknown = planbot(dir.path(), &["ask", "status DEVOPS-35X"], &[]);
    assert_eq!(unknown.status.code(), Some(1), "{}", stdout(&unknown));
    assert!(stdout(&unknown).contains("I can't find task"), "{}", stdout(&unknown));
    let read_only = planbot(dir.path(), &["ask", "--as", "U024BE7LH", "done", "DEVOPS-035"], &[]);
    assert_eq!(read_only.status.code(), Some(1), "{}", stdout(&read_only));
    assert!(stdout(&read_only).contains("read-only"), "{}", stdout(&read_only));
    let nonsense = planbot(dir.path(), &["ask", "frobnicate the plan"], &[]);
    assert_eq!(nonsense.status.code(), Some(1));
    let answered = planbot(dir.path(), &["ask", "blockers"], &[]);
    assert_eq!(answered.status.code(), Some(0), "{}", stderr(&answered));
}

#[test]
fn ask_as_an_editor_writes_the_change_to_the_plan_folder() {
    let dir = tempfile::tempdir().unwrap();
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/autorisen/docs");
    std::fs::create_dir_all(dir.path().join("plan/docs")).unwrap();
    for file in ["autorisen_project_plan.csv", "project_plan.md"] {
        std::fs::copy(example.join(file), dir.path().join("plan/docs").join(file)).unwrap();
    }
    let env = [("PLAN_SOURCE", "plan"), ("PLAN_EDITORS", "U024BE7LH")];
    let output =
        planbot(dir.path(), &["ask", "--as", "U024BE7LH", "--today", "2026-11-23", "done", "DEVOPS-035"], &env);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("Queued: mark DEVOPS-035 completed"), "{text}");
    assert!(text.contains("Written: 1 change(s)"), "{text}");
    let csv = std::fs::read_to_string(dir.path().join("plan/docs/autorisen_project_plan.csv")).unwrap();
    assert!(csv.contains(
        "DEVOPS-035,devops,Prod deploy / Capecraft,devops,completed,high,\"AUTH-005, FE-004\",6,2026-11-23,"
    ));

    let anyone_local = planbot(
        dir.path(),
        &["ask", "--as", "U0LOCAL01", "note", "FE-004", "checked", "locally"],
        &[("PLAN_SOURCE", "plan")],
    );
    assert!(
        stdout(&anyone_local).contains("Written: 1 change(s)"),
        "the command line trusts its operator: {}",
        stdout(&anyone_local)
    );
    let anonymous = planbot(dir.path(), &["ask", "done", "FE-004"], &[("PLAN_SOURCE", "plan")]);
    assert!(
        stdout(&anonymous).contains("I don't know who is asking. From the command line, add --as U…"),
        "{}",
        stdout(&anonymous)
    );
    let read_only = planbot(dir.path(), &["ask", "--as", "U024BE7LH", "done", "FE-004"], &[]);
    assert!(stdout(&read_only).contains("is read-only here"), "{}", stdout(&read_only));
}

#[test]
fn forecast_dates_the_open_work_at_the_pace_of_the_last_four_weeks() {
    let dir = tempfile::tempdir().unwrap();
    // Weeks before 2026-12-03: 11-05..11 (10 + 6 h), 11-12..18 (none: the
    // slowest), 11-19..25 (20 h: the fastest), 11-26..12-02 (4 + 8 h).
    let rows = [
        "A-1,build,a,x,completed,,,10,2026-11-06,,,,",
        "A-2,build,b,x,completed,,,6,2026-11-10,,,,",
        "A-3,build,c,x,completed,,,20,2026-11-20,,,,",
        "A-4,build,d,x,completed,,,4,2026-11-30,,,,",
        "A-5,build,e,x,completed,,,8,2026-12-02,,,,",
        "B-1,ship,f,y,todo,,A-4,30,,,,,",
        "B-2,ship,g,y,blocked,,B-1,18,,,,,",
        "B-3,ship,h,y,in-progress,,,12,,,,,",
        "B-4,ship,no estimate,y,todo,,,,,,,,",
        "C-1,later,i,z,todo,,B-2,5,,,,,",
    ];
    write_plan(dir.path(), &format!("{HEADER}\n{}\n", rows.join("\n")));
    let milestones = "| ID | Milestone | Owner | Start | Target | Notes |\n|---|---|---|---|---|---|\n\
        | M1 | Ship | y | 2026-11-01 | 2026-12-31 | |\n\
        | M2 | Later work | z | 2026-11-01 | 2026-12-20 | C-1 |\n\
        | M3 | Docs | z | 2026-11-01 | 2026-12-20 | nothing named |\n";
    std::fs::write(dir.path().join("docs/project_plan.md"), milestones).unwrap();
    let env = [("PLAN_SOURCE", dir.path().to_str().unwrap())];
    let output = planbot(dir.path(), &["ask", "--today", "2026-12-03", "forecast"], &env);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains("Pace: 16 h, 0 h, 20 h, 12 h completed per week, oldest first, over the last 4 weeks"),
        "{text}"
    );
    // 65 h open (30 + 18 + 12 + 5): 22.75 days at 20 h a week, so 23; at
    // 0 h a week never.
    assert!(
        text.contains("Whole plan: 65 h open in 5 tasks (1 without an estimate, counted as 0 h) → done by 2026-12-26"),
        "{text}"
    );
    assert!(text.contains("Critical path 53 h: B-1 → B-2 → C-1."), "{text}");
    // `later` is 5 h, but waits on the 53 h chain: 18.55 days, so 19.
    assert!(
        text.contains("later: 5 h open in 1 task; it waits on a 53 h chain of open work → done by 2026-12-22"),
        "{text}"
    );
    assert!(text.contains("ship: 60 h open in 4 tasks"), "{text}");
    // M1 holds the `ship` phase: done by 12-24 at the fastest pace, never
    // at the slowest, so at risk against 12-31. M2 holds C-1 (its notes):
    // 12-22 at the fastest, after its 12-20 target.
    assert!(text.contains("M1 Ship (target 2026-12-31): 60 h open in 4 tasks"), "{text}");
    assert!(
        text.contains("at the slowest (0 h) never ⚠️ at risk: after its target at the slowest week's pace"),
        "{text}"
    );
    assert!(text.contains("M2 Later work (target 2026-12-20): 5 h open in 1 task; it waits on a 53 h chain"), "{text}");
    assert!(text.contains("⚠️ late: after its target even at the fastest week's pace"), "{text}");
    assert!(text.contains("1 open milestone names no tasks"), "{text}");
}

#[test]
fn forecast_says_why_it_gives_no_date_when_nothing_was_completed_lately() {
    let dir = tempfile::tempdir().unwrap();
    // The built-in example plan's last completion is from 2025.
    let output = planbot(dir.path(), &["ask", "--today", "2026-12-03", "forecast"], &[]);
    let text = stdout(&output);
    assert!(text.contains("Pace: 0 h, 0 h, 0 h, 0 h completed per week"), "{text}");
    assert!(text.contains("so no finish date can be given"), "{text}");
    assert!(text.contains("Whole plan: 122 h open in 25 tasks (4 without an estimate, counted as 0 h)\n"), "{text}");
}

//! `/plan` through the signed Slack endpoint, as a person in Slack sees it.

use crate::support;

use axum::http::StatusCode;
use support::{TestApp, USER, csv, databases, example_app, in_memory, slash_form};

#[tokio::test]
async fn a_task_card_shows_status_owner_dependencies_and_notes_only_to_the_asker() {
    let app = example_app().await;
    let response = app.slash(USER, "status DEVOPS-035").await;
    assert_eq!(response.status, StatusCode::OK);
    let json = response.json();
    assert_eq!(json["response_type"], "ephemeral");
    let shown = response.shown_text();
    for expected in [
        "*DEVOPS-035 · Prod deploy / Capecraft*",
        "*Status*\nblocked",
        "*Owner*\ndevops",
        "*Priority*\nhigh",
        "*Depends on*",
        "AUTH-005",
        "FE-004",
        "blocked until backend suite passes",
    ] {
        assert!(shown.contains(expected), "missing {expected:?} in:\n{shown}");
    }
}

#[tokio::test]
async fn a_bare_id_in_any_case_is_a_status_question() {
    let app = example_app().await;
    let shown = app.slash(USER, "devops-035").await.shown_text();
    assert!(shown.contains("*DEVOPS-035 · Prod deploy / Capecraft*"), "{shown}");
}

#[tokio::test]
async fn public_posts_the_answer_in_the_channel() {
    let app = example_app().await;
    assert_eq!(app.slash(USER, "blockers public").await.json()["response_type"], "in_channel");
}

#[tokio::test]
async fn a_refusal_is_never_posted_in_the_channel_whatever_public_says() {
    let app = example_app().await;
    for text in ["public status DEVOPS-35X", "public done DEVOPS-035", "frobnicate public", "public grant @dana devops"]
    {
        let answer = app.slash(USER, text).await.json();
        assert_eq!(answer["response_type"], "ephemeral", "{text}: {answer}");
    }
}

#[tokio::test]
async fn another_apps_command_sent_here_is_refused_and_changes_nothing() {
    let app = example_app().await;
    let body = crate::support::slash_form(USER, "iam backend").replace("command=%2Fplan", "command=%2Fdeploy");
    let timestamp = app.clock.now().timestamp().to_string();
    let signature = app.secret.sign(&timestamp, body.as_bytes());
    let answer = app.post("/slack/commands", body, Some(&timestamp), Some(&signature)).await;
    assert_eq!(answer.json()["response_type"], "ephemeral");
    assert!(
        answer.shown_text().contains("planbot only answers `/plan`; /deploy is not its command"),
        "{}",
        answer.body
    );
    let user = USER.parse().unwrap();
    assert!(app.store.roles_of(&user).await.unwrap().is_empty(), "iam was not applied");
}

#[tokio::test]
async fn an_unknown_id_suggests_the_closest_one() {
    let app = example_app().await;
    let shown = app.slash(USER, "status DEVOPS-35X").await.shown_text();
    assert!(shown.contains("I can't find task `DEVOPS-35X`"), "{shown}");
    assert!(shown.contains("DEVOPS-035"), "{shown}");
}

#[tokio::test]
async fn an_unknown_verb_answers_with_the_help() {
    let app = example_app().await;
    let shown = app.slash(USER, "frobnicate").await.shown_text();
    assert!(shown.contains("I don't understand `frobnicate`"), "{shown}");
    assert!(shown.contains("`/plan status AUTH-004`"), "examples name a real open task: {shown}");
}

#[tokio::test]
async fn blockers_list_blocked_tasks_with_what_they_wait_on() {
    let app = example_app().await;
    let shown = app.slash(USER, "blockers").await.shown_text();
    assert!(
        shown.contains("*DEVOPS-035* Prod deploy / Capecraft · devops · blocked — waits on AUTH-005, FE-004 · ask backend, frontend"),
        "{shown}"
    );
}

#[tokio::test]
async fn milestones_show_days_overdue_against_their_targets() {
    let plan = csv(&["A-1,,a,ops,todo,,,,,,,,"]);
    let markdown = "| ID | Milestone | Owner | Start | Target | Notes |\n|---|---|---|---|---|---|\n| M1 | OIDC validated | ops | 2025-09-26 | 2025-09-27 | |\n| M9 | Far future | ops | 2099-01-01 | 2099-01-02 | |\n";
    let app = TestApp::start(in_memory(plan, Some(markdown)), databases::sqlite().await).await;
    let shown = app.slash(USER, "milestones").await.shown_text();
    assert!(shown.contains("⚠️ *M1* OIDC validated — overdue since 2025-09-27,"), "{shown}");
    assert!(shown.contains("*M9* Far future — target 2099-01-02 · due in "), "{shown}");
}

#[tokio::test]
async fn next_lists_only_tasks_whose_dependencies_are_complete() {
    let plan = csv(&[
        "A-1,,done first,dev,completed,low,,,2025-09-01,,,,",
        "B-2,,ready,dev,todo,low,A-1,,,,,,",
        "C-3,,waiting,dev,todo,high,B-2,,,,,,",
        "D-4,,urgent ready,ops,todo,high,,,,,,,",
    ]);
    let app = TestApp::start(in_memory(plan, None), databases::sqlite().await).await;
    let shown = app.slash(USER, "next").await.shown_text();
    let urgent = shown.find("D-4").expect("D-4 is ready");
    let ready = shown.find("B-2").expect("B-2 is ready");
    assert!(urgent < ready, "high priority first:\n{shown}");
    assert!(!shown.contains("C-3"), "{shown}");
    let for_dev = app.slash(USER, "next dev").await.shown_text();
    assert!(for_dev.contains("B-2") && !for_dev.contains("D-4"), "{for_dev}");
}

#[tokio::test]
async fn deps_show_the_chain_and_the_critical_path() {
    let app = example_app().await;
    let shown = app.slash(USER, "deps ORG-007").await.shown_text();
    assert!(shown.contains("ORG-006") && shown.contains("AUTH-004"), "{shown}");
    assert!(shown.contains("*Critical path*"), "{shown}");
}

#[tokio::test]
async fn plan_text_never_pings_the_channel() {
    let plan = csv(&["A-1,,Deploy <!channel> now,ops,todo,high,,,,,,\"<!here> ping & <@U123> <https://evil|click>\","]);
    let app = TestApp::start(in_memory(plan, None), databases::sqlite().await).await;
    for question in ["status A-1", "status", "search deploy", "owner ops", "next"] {
        let body = app.slash(USER, question).await.body;
        for live in ["<!channel>", "<!here>", "<@U123>", "<https://evil|click>"] {
            assert!(!body.contains(live), "{question}: {live} reached Slack unescaped: {body}");
        }
        assert!(body.contains("&lt;!channel&gt;"), "{question}: {body}");
    }
}

#[tokio::test]
async fn long_answers_stay_within_block_kit_limits_and_say_how_many_more() {
    let rows: Vec<String> = (1..=400)
        .map(|i| format!("T-{i},,{} {i},ops,blocked,high,,,,,,,", "A long task title that takes room".repeat(3)))
        .collect();
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    let app = TestApp::start(in_memory(csv(&rows), None), databases::sqlite().await).await;
    let json = app.slash(USER, "blockers").await.json();
    let blocks = json["blocks"].as_array().expect("blocks");
    assert!(blocks.len() <= 50);
    for block in blocks {
        if let Some(text) = block["text"]["text"].as_str() {
            assert!(text.chars().count() <= 3000);
        }
    }
    assert!(json.to_string().contains("…and 370 more"), "{json}");
}

#[tokio::test]
async fn iam_links_the_caller_to_an_owner_role_that_mine_then_uses() {
    let app = example_app().await;
    let mine_before = app.slash(USER, "mine").await.shown_text();
    assert!(mine_before.contains("You have no owner role yet"), "{mine_before}");
    let claimed = app.slash(USER, "iam Backend").await.shown_text();
    assert!(claimed.contains("Got it: you are *backend*"), "{claimed}");
    let mine = app.slash(USER, "mine").await.shown_text();
    assert!(mine.contains("*Your tasks · ") && mine.contains("AUTH-005") && !mine.contains("DEVOPS-035"), "{mine}");
    let someone_else = app.slash("U0OTHER", "mine").await.shown_text();
    assert!(someone_else.contains("You have no owner role yet"), "{someone_else}");
}

#[tokio::test]
async fn iam_refuses_a_role_no_task_has_and_suggests_one() {
    let app = example_app().await;
    let shown = app.slash(USER, "iam backnd").await.shown_text();
    assert!(shown.contains("No task in the plan is owned by `backnd`. Did you mean backend?"), "{shown}");
    assert!(app.store.roles_of(&USER.parse().unwrap()).await.unwrap().is_empty());
}

#[tokio::test]
async fn commands_that_act_are_logged_with_user_and_questions_are_counted_per_minute() {
    let app = example_app().await;
    app.slash(USER, "iam devops").await;
    let logged = app.logged_commands(1).await;
    assert_eq!(logged[0].verb, "iam");
    assert_eq!(logged[0].user.as_ref().map(|u| u.as_str()), Some(USER));
    assert_eq!(logged[0].channel.as_deref(), Some("C2147483705"));

    for text in ["status DEVOPS-035", "status AUTH-005", "blockers", "status NOPE-1"] {
        app.slash(USER, text).await;
    }
    let counted = app.counted_questions(4).await;
    let answered = |verb: &str, outcome: &str| {
        counted.iter().filter(|c| c.verb == verb && c.outcome == outcome).map(|c| c.answered).sum::<u64>()
    };
    assert_eq!(answered("status", "answered"), 2);
    assert_eq!(answered("status", "refused"), 1, "an unknown id is counted as refused");
    assert_eq!(answered("blockers", "answered"), 1);
    assert_eq!(app.logged_commands(1).await.len(), 1, "questions add no rows: {:?}", app.logged_commands(1).await);
}

#[tokio::test]
async fn iam_and_mine_work_on_postgres_too() {
    let Some(store) = databases::postgres("iam_and_mine_work_on_postgres_too").await else { return };
    let app = TestApp::start(std::sync::Arc::new(planbot::source::BuiltinExample), store).await;
    app.slash(USER, "iam devops").await;
    let mine = app.slash(USER, "mine").await.shown_text();
    assert!(mine.contains("DEVOPS-035"), "{mine}");
}

mod signatures {
    use super::*;

    fn now() -> i64 {
        chrono::Utc::now().timestamp()
    }

    /// An unauthenticated request must leave no trace: after it, a good
    /// request is the first thing in the command log.
    async fn assert_rejected_and_not_processed(
        app: &TestApp,
        timestamp: Option<&str>,
        signature: Option<&str>,
        body: String,
    ) {
        let response = app.post("/slack/commands", body, timestamp, signature).await;
        assert_eq!(response.status, StatusCode::UNAUTHORIZED);
        assert!(!response.body.contains("DEVOPS-035"));
        app.slash(USER, "help").await;
        let counted = app.counted_questions(1).await;
        assert_eq!(counted.len(), 1, "{counted:?}");
        assert_eq!((counted[0].verb.as_str(), counted[0].answered), ("help", 1));
    }

    #[tokio::test]
    async fn a_request_without_a_signature_is_refused() {
        let app = example_app().await;
        let ts = now().to_string();
        assert_rejected_and_not_processed(&app, Some(&ts), None, slash_form(USER, "status DEVOPS-035")).await;
    }

    #[tokio::test]
    async fn a_request_signed_with_another_secret_is_refused() {
        let app = example_app().await;
        let body = slash_form(USER, "status DEVOPS-035");
        let ts = now().to_string();
        let forged = planbot::slack::SigningSecret::new("not-our-secret").unwrap().sign(&ts, body.as_bytes());
        assert_rejected_and_not_processed(&app, Some(&ts), Some(&forged), body).await;
    }

    #[tokio::test]
    async fn a_replayed_request_older_than_five_minutes_is_refused() {
        let app = example_app().await;
        let body = slash_form(USER, "status DEVOPS-035");
        let old = (now() - 301).to_string();
        let signature = app.secret.sign(&old, body.as_bytes());
        assert_rejected_and_not_processed(&app, Some(&old), Some(&signature), body).await;
    }

    #[tokio::test]
    async fn a_timestamp_from_the_future_is_refused_too() {
        let app = example_app().await;
        let body = slash_form(USER, "status DEVOPS-035");
        let future = (now() + 301).to_string();
        let signature = app.secret.sign(&future, body.as_bytes());
        assert_rejected_and_not_processed(&app, Some(&future), Some(&signature), body).await;
    }

    #[tokio::test]
    async fn a_body_changed_after_signing_is_refused() {
        let app = example_app().await;
        let body = slash_form(USER, "status DEVOPS-035");
        let ts = now().to_string();
        let signature = app.secret.sign(&ts, body.as_bytes());
        let tampered = body.replace("DEVOPS-035", "AUTH-001");
        assert_rejected_and_not_processed(&app, Some(&ts), Some(&signature), tampered).await;
    }

    #[tokio::test]
    async fn a_request_four_minutes_old_is_still_accepted() {
        let app = example_app().await;
        let body = slash_form(USER, "status DEVOPS-035");
        let ts = (now() - 240).to_string();
        let signature = app.secret.sign(&ts, body.as_bytes());
        let response = app.post("/slack/commands", body, Some(&ts), Some(&signature)).await;
        assert_eq!(response.status, StatusCode::OK);
        assert!(response.shown_text().contains("DEVOPS-035"));
    }

    #[tokio::test]
    async fn a_body_over_64_kib_is_refused_before_anything_else() {
        let app = example_app().await;
        let body = slash_form(USER, &"x".repeat(70 * 1024));
        let ts = now().to_string();
        let signature = app.secret.sign(&ts, body.as_bytes());
        let response = app.post("/slack/commands", body, Some(&ts), Some(&signature)).await;
        assert_eq!(response.status, StatusCode::PAYLOAD_TOO_LARGE);
    }

    #[tokio::test]
    async fn a_signed_form_that_is_not_a_slash_command_is_a_bad_request() {
        let app = example_app().await;
        let body = "hello=world".to_owned();
        let ts = now().to_string();
        let signature = app.secret.sign(&ts, body.as_bytes());
        let response = app.post("/slack/commands", body, Some(&ts), Some(&signature)).await;
        assert_eq!(response.status, StatusCode::BAD_REQUEST);
    }
}

#[tokio::test]
async fn status_alone_counts_tasks_and_lists_open_high_priority_work() {
    let app = example_app().await;
    let shown = app.slash(USER, "status").await.shown_text();
    assert!(shown.contains("*Plan status · 34 tasks*"), "27 CSV rows and 7 Markdown sections: {shown}");
    assert!(shown.contains("23% completed (8 of 34)"), "{shown}");
    assert!(shown.contains("*in-progress*\n:large_blue_circle: 10"), "busy counts as in-progress: {shown}");
    assert!(shown.contains("*Open high-priority tasks (12)*"), "{shown}");
    assert!(!shown.contains("AUTH-001"), "completed work is not open: {shown}");
}

#[tokio::test]
async fn owner_lists_open_work_first_and_counts_the_rest() {
    let app = example_app().await;
    let shown = app.slash(USER, "owner DEVOPS").await.shown_text();
    assert!(shown.contains("*devops's tasks · "), "{shown}");
    let started = shown.find("DEVOPS-033").expect("in-progress task listed");
    let blocked = shown.find("DEVOPS-035").expect("blocked task listed");
    assert!(started < blocked, "in progress before blocked:\n{shown}");
    assert!(shown.contains("completed ·"), "{shown}");
    let unknown = app.slash(USER, "owner nobody").await.shown_text();
    assert!(unknown.contains("No task in the plan is owned by `nobody`. Owners in the plan: "), "{unknown}");
}

#[tokio::test]
async fn search_finds_tasks_by_words_in_titles_and_notes() {
    let app = example_app().await;
    let shown = app.slash(USER, "search capecraft").await.shown_text();
    assert!(shown.contains("*1 task matching *`capecraft`"), "{shown}");
    assert!(shown.contains("DEVOPS-035"), "{shown}");
    let none = app.slash(USER, "search zeppelin").await.shown_text();
    assert!(none.contains("No task mentions `zeppelin`"), "{none}");
}

#[tokio::test]
async fn lint_reports_problems_with_file_and_line() {
    let plan = csv(&["A-1,,a,ops,todo,,B-9,,,,,,", "A-1,,dup,ops,todo,,,,,,,,"]);
    let app = TestApp::start(in_memory(plan, None), databases::sqlite().await).await;
    let shown = app.slash(USER, "lint").await.shown_text();
    assert!(shown.contains("*2 errors, 0 warnings*"), "{shown}");
    assert!(
        shown.contains("`docs/autorisen_project_plan.csv:2: error: A-1 depends on B-9, which is not in the plan`"),
        "{shown}"
    );
    assert!(
        shown.contains("`docs/autorisen_project_plan.csv:3: error: duplicate id A-1 (first defined on line 2)`"),
        "{shown}"
    );
}

#[tokio::test]
async fn help_lists_the_grammar_with_examples_that_work_when_copied() {
    let app = example_app().await;
    let shown = app.slash(USER, "help").await.shown_text();
    for example in ["`/plan status AUTH-004`", "`/plan blockers`", "`/plan next [backend]`", "`/plan iam backend`"] {
        assert!(shown.contains(example), "missing {example}:\n{shown}");
    }
    let examples: Vec<&str> = shown
        .split('`')
        .filter_map(|code| code.strip_prefix("/plan "))
        .filter(|example| !example.contains(['[', '…', '@']))
        .collect();
    assert!(examples.len() >= 10, "{examples:?}");
    for example in examples {
        let answer = app.slash(USER, example).await.shown_text();
        for failure in ["can't find", "don't understand", "needs more", "no owner role"] {
            assert!(!answer.contains(failure), "`/plan {example}` failed when copied from help:\n{answer}");
        }
    }
    let missing_argument = app.slash(USER, "deps").await.shown_text();
    assert!(missing_argument.contains("`deps` needs more: deps ID, for example `deps AUTH-004`"), "{missing_argument}");
}

#[tokio::test]
async fn slacks_signed_certificate_check_gets_an_empty_200() {
    let app = example_app().await;
    let body = "ssl_check=1&token=gIkuvaNzQIHg97ATvDxqgjtO".to_owned();
    let ts = chrono::Utc::now().timestamp().to_string();
    let signature = app.secret.sign(&ts, body.as_bytes());
    let response = app.post("/slack/commands", body, Some(&ts), Some(&signature)).await;
    assert_eq!(response.status, StatusCode::OK);
    assert!(response.body.is_empty());
}

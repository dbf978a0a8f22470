//! Standup drafts from real work: a week of commits and pull requests on
//! the fake GitHub becomes each linked person's drafted prompt and form,
//! read once for everyone.

use std::sync::Arc;

use crate::support;

use planbot::github::{GitHubActivity, GitHubClient, GitHubToken};
use planbot::store::Store;
use serde_json::json;
use support::fake_github::{FakeGitHub, Pull, TOKEN, WorkCommit};
use support::fake_slack::FakeSlack;
use support::team::{Team, text_of};

const ANA: &str = "U0ANA0001";
const BEN: &str = "U0BEN0002";
const CHEN: &str = "U0CHE0003";
const DEVI: &str = "U0DEV0004";
const EMA: &str = "U0EMA0005";

fn commit(sha: &str, message: &str, login: Option<&str>, date: &str) -> WorkCommit {
    WorkCommit {
        sha: sha.repeat(40 / sha.len()),
        message: message.into(),
        login: login.map(Into::into),
        email: format!("{}@example.com", login.unwrap_or("someone")),
        date: date.into(),
    }
}

fn pull(number: u64, title: &str, branch: &str, login: &str, merged_at: Option<&str>, checks: &[(&str, &str)]) -> Pull {
    Pull {
        number,
        title: title.into(),
        branch: branch.into(),
        login: login.into(),
        merged_at: merged_at.map(Into::into),
        updated_at: merged_at.unwrap_or("2025-10-26T09:00:00Z").into(),
        head_sha: format!("{number:040}"),
        checks: checks.iter().map(|(n, c)| ((*n).to_owned(), (*c).to_owned())).collect(),
    }
}

/// The week before Mon 27 Oct 2025 on the autorisen repository.
async fn busy_week() -> FakeGitHub {
    let github = FakeGitHub::start(&[]).await;
    github.add_work_commit(commit("a1", "AUTH-005: CSRF tests green", Some("ana-gh"), "2025-10-24T10:00:00Z"));
    github.add_work_commit(commit("b2", "fix a typo in the README", Some("zed"), "2025-10-24T11:00:00Z"));
    github.add_work_commit(commit("c3", "DEVOPS-035 heroku config vars", None, "2025-10-25T09:00:00Z"));
    github.add_work_commit(commit("d4", "AUTH-005 old spike", Some("ana-gh"), "2025-10-10T09:00:00Z"));
    // Chen never linked GitHub; his commit's e-mail is his Slack profile's.
    let mut chens = commit("e5", "ops dashboards: p95 panel", None, "2025-10-26T08:00:00Z");
    chens.email = "chen@autorisen.example".into();
    github.add_work_commit(chens);
    github.add_pull(pull(
        42,
        "Security hardening, closes AUTH-005",
        "auth-005-hardening",
        "ana-gh",
        Some("2025-10-25T15:00:00Z"),
        &[],
    ));
    github.add_pull(pull(
        43,
        "Login page",
        "fe-004-login",
        "ben-gh",
        None,
        &[("ci / test", "failure"), ("lint", "success")],
    ));
    github.add_pull(pull(44, "chore: bump deps", "deps", "zed", None, &[("ci / test", "failure")]));
    github
}

fn activity(github: &FakeGitHub) -> Arc<dyn planbot::source::RepoActivity> {
    let client = GitHubClient::new(&github.api_url, GitHubToken::new(TOKEN)).unwrap();
    Arc::new(GitHubActivity::new(client, "github:autorisen/autorisen@main".parse().unwrap()))
}

async fn link(team: &Team, user: &str, login: &str) {
    let answer = team.app.slash(user, &format!("iam github:{login}")).await.shown_text();
    assert!(answer.contains(&format!("Linked GitHub *{login}*")), "{answer}");
}

async fn a_week_of_work_drafts_each_linked_persons_prompt_from_one_read(store: Arc<dyn Store>) {
    let github = busy_week().await;
    let team =
        Team::start_with(store, "2025-10-27T07:00:00Z", FakeSlack::start().await, 4, Some(activity(&github))).await;
    team.join_all().await;
    link(&team, ANA, "ana-gh").await;
    link(&team, BEN, "ben-gh").await;
    link(&team, DEVI, "devi-gh").await;
    let plan_before = team._folder_csv();
    github.clear_requests();

    // All seven are asked for Monday by now (New York and Auckland inside
    // its answer window).
    assert_eq!(team.tick_at("2025-10-27T09:00:00Z").await.prompts, 7);

    let ana = text_of(&team.dms_to(ANA)[0]);
    assert!(ana.contains("Drafted from your work since your last update"), "{ana}");
    assert!(ana.contains("<https://github.com/autorisen/autorisen/commit/a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1|a1a1a1a AUTH-005: CSRF tests green>"), "{ana}");
    assert!(
        ana.contains("<https://github.com/autorisen/autorisen/pull/42|#42 Security hardening, closes AUTH-005>"),
        "{ana}"
    );
    assert!(ana.contains("Mark AUTH-005 completed?") && ana.contains("\"value\":\"AUTH-005 completed\""), "{ana}");
    assert!(!ana.contains("typo") && !ana.contains("old spike"), "not hers, or older than the window: {ana}");

    let ben = text_of(&team.dms_to(BEN)[0]);
    assert!(ben.contains("checks failing on") && ben.contains("#43 Login page (ci / test)"), "{ben}");
    assert!(!ben.contains("lint") && !ben.contains("bump deps"), "{ben}");
    // Devi's commit carries no login, but it names her task.
    let devi = text_of(&team.dms_to(DEVI)[0]);
    assert!(devi.contains("c3c3c3c DEVOPS-035 heroku config vars"), "{devi}");
    let chen = text_of(&team.dms_to(CHEN)[0]);
    assert!(chen.contains("e5e5e5e ops dashboards: p95 panel"), "matched by his profile's e-mail: {chen}");
    let ema = text_of(&team.dms_to(EMA)[0]);
    assert!(!ema.contains("Drafted"), "no link and no work under her e-mail: the plain prompt: {ema}");

    // One read for everyone: a page of commits, of merged and of open pull
    // requests, and the checks of the one open pull request naming a task.
    let reads = github.requests();
    assert_eq!(reads.len(), 4, "{reads:#?}");
    assert!(reads[0].starts_with("GET /repos/autorisen/autorisen/commits -> 200"), "{reads:#?}");
    assert_eq!(reads.iter().filter(|r| r.contains("check-runs")).count(), 1, "{reads:#?}");
    assert!(reads.iter().any(|r| r.contains(&format!("commits/{:040}/check-runs", 43))), "{reads:#?}");

    // Write update opens with the draft as the first answer.
    team.app
        .interact(&json!({
            "type": "block_actions", "user": {"id": ANA, "username": "ana"}, "trigger_id": "t.draft",
            "actions": [{"action_id": "standup_write", "value": "2025-10-27"}],
        }))
        .await;
    let opened = team.slack.wait_for("views.open", 1).await;
    let first = &opened[0].body["view"]["blocks"][0]["element"]["initial_value"];
    let first = first.as_str().map(str::to_owned).unwrap_or_else(|| opened[0].body["view"].to_string());
    assert!(first.starts_with("- a1a1a1a AUTH-005: CSRF tests green\n- merged #42"), "{first}");
    assert_eq!(team._folder_csv(), plan_before, "nothing changes without a click");
}

async fn github_out_of_reach_means_plain_prompts_not_silence(store: Arc<dyn Store>) {
    let github = busy_week().await;
    github.fail_next(
        3,
        support::fake_github::Fault {
            status: 502,
            delay: std::time::Duration::ZERO,
            headers: Vec::new(),
            message: "Server Error",
        },
    );
    let team =
        Team::start_with(store, "2025-10-27T07:00:00Z", FakeSlack::start().await, 4, Some(activity(&github))).await;
    team.join_all().await;
    link(&team, ANA, "ana-gh").await;
    assert_eq!(team.tick_at("2025-10-27T09:00:00Z").await.prompts, 7);
    let ana = text_of(&team.dms_to(ANA)[0]);
    assert!(ana.contains("What's your update?") && !ana.contains("Drafted"), "{ana}");
}

async fn a_github_login_that_is_not_one_is_refused_with_an_example(store: Arc<dyn Store>) {
    let team = Team::start(store, "2025-10-27T07:00:00Z", FakeSlack::start().await, 4).await;
    let answer = team.app.slash(ANA, "iam github:not_a--login").await;
    assert_eq!(answer.json()["response_type"], "ephemeral");
    assert!(
        answer.shown_text().contains("is not a GitHub login") && answer.shown_text().contains("github:dana-ndlovu")
    );
    let roles = team.app.slash(ANA, "iam").await.shown_text();
    assert!(roles.contains("no owner role yet"), "the roles are untouched: {roles}");
}

support::on_both_engines!(
    a_week_of_work_drafts_each_linked_persons_prompt_from_one_read,
    github_out_of_reach_means_plain_prompts_not_silence,
    a_github_login_that_is_not_one_is_refused_with_an_example,
);

//! The plan change feed: human commits and planbot's own, announced once
//! each, per commit, against the fake GitHub and the fake Slack.

use crate::support;

use std::sync::Arc;

use planbot::clock::{Clock, SystemClock};
use planbot::feed::ChangeFeed;
use planbot::github::{GitHubClient, GitHubPlan, GitHubToken, RepoRef};
use planbot::slack::web::SlackWeb;
use planbot::source::LivePlan;
use planbot::store::Store;
use support::fake_github::{self, FakeGitHub};
use support::fake_slack::{BOT_TOKEN, FakeSlack};
use support::team::text_of;

const CSV: &str = "docs/autorisen_project_plan.csv";
const MD: &str = "docs/project_plan.md";
const EXAMPLE_CSV: &str = include_str!("../../examples/autorisen/docs/autorisen_project_plan.csv");
const EXAMPLE_MD: &str = include_str!("../../examples/autorisen/docs/project_plan.md");
const OPS: &str = "C0OPS";

/// One planbot instance reading the repository, with the feed following it.
async fn instance(github: &FakeGitHub, slack: &FakeSlack, store: Arc<dyn Store>) -> (Arc<LivePlan>, Arc<ChangeFeed>) {
    let client = GitHubClient::new(&github.api_url, GitHubToken::new(fake_github::TOKEN)).unwrap();
    let repo = RepoRef {
        owner: fake_github::OWNER.into(),
        repo: fake_github::REPO.into(),
        branch: fake_github::BRANCH.into(),
    };
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let live =
        Arc::new(LivePlan::load(Arc::new(GitHubPlan::new(client, repo, CSV, MD)), Arc::clone(&clock)).await.unwrap());
    let web = SlackWeb::new(&slack.api_url(), BOT_TOKEN).unwrap();
    let feed = Arc::new(ChangeFeed::new(store, clock, web, OPS.into()));
    Arc::clone(&feed).follow(&live);
    (live, feed)
}

fn announcements(slack: &FakeSlack) -> Vec<String> {
    slack.messages().iter().filter(|m| m.channel == OPS).map(text_of).collect()
}

async fn each_commit_is_announced_once_with_its_changes(store: Arc<dyn Store>, second: Arc<dyn Store>) {
    let github = FakeGitHub::start(&[(CSV, EXAMPLE_CSV), (MD, EXAMPLE_MD)]).await;
    let slack = FakeSlack::start().await;
    let (one, one_feed) = instance(&github, &slack, store).await;
    let (two, two_feed) = instance(&github, &slack, second).await;

    // Two human commits land between polls: one message per commit.
    let line = EXAMPLE_CSV.lines().find(|l| l.starts_with("AUTH-005,")).unwrap();
    github.human_commit(CSV, line, &line.replacen(",busy,", ",completed,", 1));
    let line = EXAMPLE_CSV.lines().find(|l| l.starts_with("FE-004,")).unwrap();
    github.human_commit(CSV, line, &line.replacen(",frontend,blocked,", ",design,blocked,", 1));
    // Both instances notice; the ledger lets one announce each commit.
    let (a, b) = tokio::join!(one.refresh(), two.refresh());
    assert!(a.unwrap() && b.unwrap());
    // Each instance has finished with the new version: every message that
    // is coming has been posted.
    tokio::join!(one_feed.handled(1), two_feed.handled(1));
    let posted = announcements(&slack);
    assert_eq!(posted.len(), 2, "one message per commit that changed tasks, across both instances: {posted:#?}");
    assert!(posted[0].contains("AUTH-005") && posted[0].contains("status busy → completed"), "{}", posted[0]);
    assert!(posted[1].contains("FE-004") && posted[1].contains("owner frontend → design"), "{}", posted[1]);
    assert!(posted[0].contains("Plan changed") && posted[0].contains("github.com"), "author and link: {}", posted[0]);
    // Nothing new: no new version, so nothing to announce.
    assert!(!one.refresh().await.unwrap());
    assert!(!two.refresh().await.unwrap());
}

#[tokio::test]
async fn on_sqlite() {
    let dir = tempfile::tempdir().unwrap().keep();
    let url = format!("sqlite://{}", dir.join("planbot.db").display());
    let first = planbot::store::connect(&url).await.unwrap();
    first.migrate().await.unwrap();
    let second = planbot::store::connect(&url).await.unwrap();
    each_commit_is_announced_once_with_its_changes(first, second).await;
}

#[tokio::test]
async fn on_postgres() {
    if let Some((first, second)) = support::databases::postgres_pair("change_feed").await {
        each_commit_is_announced_once_with_its_changes(first, second).await;
    }
}

#[tokio::test]
async fn planbots_own_commit_is_announced_once() {
    let github = FakeGitHub::start(&[(CSV, EXAMPLE_CSV), (MD, EXAMPLE_MD)]).await;
    let slack = FakeSlack::start().await;
    let client = GitHubClient::new(&github.api_url, GitHubToken::new(fake_github::TOKEN)).unwrap();
    let repo = RepoRef {
        owner: fake_github::OWNER.into(),
        repo: fake_github::REPO.into(),
        branch: fake_github::BRANCH.into(),
    };
    let plan = Arc::new(GitHubPlan::new(client, repo, CSV, MD));
    let writable = support::Writable {
        writer: plan.clone(),
        editors: vec!["U0EDITOR1".parse().unwrap()],
        clock: None,
        slack: None,
    };
    let store = support::databases::sqlite().await;
    let app = support::TestApp::start_with(plan, Arc::clone(&store), Some(writable)).await;
    let web = SlackWeb::new(&slack.api_url(), BOT_TOKEN).unwrap();
    let feed = Arc::new(ChangeFeed::new(store, Arc::new(SystemClock), web, OPS.into()));
    Arc::clone(&feed).follow(&app.plan);

    let queued = app.slash("U0EDITOR1", "done DEVOPS-035").await;
    assert!(queued.shown_text().contains("Queued"), "{}", queued.body);
    app.committer().drain().await.unwrap();
    feed.handled(1).await;
    let posted = announcements(&slack);
    assert_eq!(posted.len(), 1, "{posted:#?}");
    assert!(posted[0].contains("DEVOPS-035") && posted[0].contains("status blocked → completed"), "{}", posted[0]);
    // The poll or the push webhook sees the same commit again: it is not
    // a new version, so there is nothing to repeat.
    assert!(!app.plan.refresh().await.unwrap());
}

#[tokio::test]
async fn a_version_that_drops_more_than_a_quarter_of_the_tasks_is_announced_as_such() {
    let github = FakeGitHub::start(&[(CSV, EXAMPLE_CSV), (MD, EXAMPLE_MD)]).await;
    let slack = FakeSlack::start().await;
    let (live, feed) = instance(&github, &slack, support::databases::sqlite().await).await;
    let kept: Vec<&str> = EXAMPLE_CSV.lines().take(11).collect();
    let cut = kept.join("\n") + "\n";
    github.human_commit(CSV, EXAMPLE_CSV, &cut);
    assert!(live.refresh().await.unwrap(), "a smaller whole file is a valid plan");
    feed.handled(1).await;
    let posted = announcements(&slack);
    assert_eq!(posted.len(), 1, "{posted:#?}");
    assert!(posted[0].contains("The plan lost 17 of its 34 tasks at once"), "{}", posted[0]);
}

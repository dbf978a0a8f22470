#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Standup drafts' fan-out against the fake GitHub and fake Slack of the
//! test support: `cargo bench --bench standup_drafts`.
//!
//! The repository holds a week of work: 500 commits and 100 pull requests
//! (50 merged, 50 open with a failing check), each naming a task of the
//! built-in example plan. One prompt round is run twice on a fresh
//! database: with one person who linked GitHub, then with 100. The
//! GitHub requests must be the same: the pages of commits and pull
//! requests, and one check-runs read per open pull request naming a task,
//! never a request per person.

#[allow(dead_code)]
#[path = "../tests/it/support/fake_github.rs"]
mod fake_github;
#[allow(dead_code)]
#[path = "../tests/it/support/fake_slack.rs"]
mod fake_slack;
#[allow(dead_code)]
#[path = "../tests/it/support/fake_socket.rs"]
mod fake_socket;

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use fake_github::{FakeGitHub, Pull, TOKEN, WorkCommit};
use fake_slack::{BOT_TOKEN, FakeSlack};
use planbot::clock::{Clock, ManualClock};
use planbot::github::{GitHubActivity, GitHubClient, GitHubToken};
use planbot::slack::SlackUserId;
use planbot::slack::web::SlackWeb;
use planbot::source::{BuiltinExample, LivePlan};
use planbot::standup::{StandupConfig, Standups};
use planbot::store::{self, Membership, Store};

const COMMITS: usize = 500;
const PULLS: usize = 100;

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).expect("time").with_timezone(&Utc)
}

#[tokio::main]
async fn main() {
    let clock = Arc::new(ManualClock::new(at("2025-10-21T07:30:00Z")));
    let plan = Arc::new(LivePlan::load(Arc::new(BuiltinExample), clock.clone()).await.expect("plan"));
    let loaded = plan.current();
    let tasks: Vec<(String, String)> =
        loaded.plan.tasks().iter().map(|t| (t.id.to_string(), t.owners().next().unwrap_or("ops").to_owned())).collect();
    let github = week_of_work(&tasks).await;

    println!("| Linked people | Prompts | Drafted | GitHub requests | check-runs reads | Round time |");
    println!("|---|---|---|---|---|---|");
    for people in [1, 100] {
        let (prompts, drafted, requests, checks, time) = round(&github, &plan, &clock, &tasks, people).await;
        println!(
            "| {people} | {prompts} | {drafted} | {requests} | {checks} | {:.0} ms |",
            time.as_secs_f64() * 1000.0
        );
    }
}

async fn week_of_work(tasks: &[(String, String)]) -> FakeGitHub {
    let github = FakeGitHub::start(&[]).await;
    for n in 0..COMMITS {
        let (id, _) = &tasks[n % tasks.len()];
        github.add_work_commit(WorkCommit {
            sha: format!("{n:040x}"),
            message: format!("{id}: step {n}"),
            login: Some(format!("dev-{}", n % 100)),
            email: format!("dev-{}@example.com", n % 100),
            date: format!("2025-10-{:02}T{:02}:00:00Z", 16 + n % 5, n % 24),
        });
    }
    for n in 0..PULLS {
        let (id, _) = &tasks[n % tasks.len()];
        let merged = n % 2 == 0;
        github.add_pull(Pull {
            number: n as u64 + 1,
            title: if merged { format!("closes {id}") } else { format!("{id} work in progress") },
            branch: format!("{}-{n}", id.to_lowercase()),
            login: format!("dev-{}", n % 100),
            merged_at: merged.then(|| "2025-10-20T12:00:00Z".to_owned()),
            updated_at: "2025-10-20T12:00:00Z".to_owned(),
            head_sha: format!("{:040x}", 1_000_000 + n),
            checks: vec![("ci / test".to_owned(), "failure".to_owned())],
        });
    }
    github
}

/// One prompt round with `people` linked: prompts sent, prompts drafted,
/// GitHub requests, check-runs reads, and the round's time.
async fn round(
    github: &FakeGitHub,
    plan: &Arc<LivePlan>,
    clock: &Arc<ManualClock>,
    tasks: &[(String, String)],
    people: usize,
) -> (usize, usize, usize, usize, Duration) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = store::connect(&format!("sqlite://{}", dir.path().join("bench.db").display())).await.expect("db");
    store.migrate().await.expect("migrations");
    let users = join(&store, clock.now(), tasks, people).await;
    let slack = FakeSlack::start().await;
    let web = SlackWeb::new(&slack.api_url(), BOT_TOKEN).expect("client");
    let client = GitHubClient::new(&github.api_url, GitHubToken::new(TOKEN)).expect("client");
    let activity = Arc::new(GitHubActivity::new(client, "github:autorisen/autorisen@main".parse().expect("repo")));
    let standups = Arc::new(
        Standups::new(
            store,
            Arc::clone(plan),
            clock.clone(),
            chrono_tz::Europe::Berlin,
            StandupConfig::new(Some("C0OPS".into())),
        )
        .with_slack(web)
        .with_activity(activity)
        .with_fan_out(32),
    );
    github.clear_requests();
    let started = Instant::now();
    let prompts = standups.tick().await.expect("tick").prompts;
    let time = started.elapsed();
    let drafted = slack
        .messages()
        .iter()
        .filter(|m| users.iter().any(|u| m.channel == fake_slack::dm_channel(u.as_str())))
        .filter(|m| m.blocks.to_string().contains("Drafted from your work"))
        .count();
    let requests = github.requests();
    let checks = requests.iter().filter(|r| r.contains("check-runs")).count();
    (prompts, drafted, requests.len(), checks, time)
}

/// `people` take part, each holding one owner role and a GitHub login.
async fn join(
    store: &Arc<dyn Store>,
    now: DateTime<Utc>,
    tasks: &[(String, String)],
    people: usize,
) -> Vec<SlackUserId> {
    let mut users = Vec::with_capacity(people);
    for n in 0..people {
        let user: SlackUserId = format!("U0D{n:06}").parse().expect("user id");
        let role = tasks[n % tasks.len()].1.clone();
        store.set_roles(&user, &[role], now).await.expect("role");
        store.standups().set_membership(&user, Membership::Joined).await.expect("join");
        store
            .standups()
            .save_profile(&user, Some(&format!("Dev {n}")), Some("Europe/Berlin"), now)
            .await
            .expect("profile");
        store.link_github(&user, Some(&format!("dev-{n}")), now).await.expect("link");
        users.push(user);
    }
    users
}

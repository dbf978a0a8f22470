#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Write-back benchmark against the fake GitHub of the test support:
//! `cargo bench --bench writeback`. Prints a Markdown table for
//! docs/BENCHMARKS.md.
//!
//! - GitHub requests per edit in steady state (one edit at a time);
//! - edits per second sustained through the outbox (many people at once);
//! - time from "queued" to committed with the running committer and its
//!   2 s coalescing window.

#[allow(dead_code)]
#[path = "../tests/it/support/fake_github.rs"]
mod fake_github;

use std::sync::Arc;
use std::time::{Duration, Instant};

use fake_github::FakeGitHub;
use planbot::clock::{Clock, SystemClock};
use planbot::github::{GitHubClient, GitHubPlan, GitHubToken, RepoRef};
use planbot::plan::{Change, Edit};
use planbot::slack::SlackUserId;
use planbot::source::LivePlan;
use planbot::store::{self, EditState, NewEdit, Store};
use planbot::writeback::Committer;

const CSV: &str = "docs/autorisen_project_plan.csv";
const MD: &str = "docs/project_plan.md";
const EXAMPLE_CSV: &str = include_str!("../examples/autorisen/docs/autorisen_project_plan.csv");
const EXAMPLE_MD: &str = include_str!("../examples/autorisen/docs/project_plan.md");
const TASKS: [&str; 6] = ["AUTH-004", "AUTH-005", "ORG-006", "ORG-007", "AIGW-009", "DEVOPS-035"];

struct Rig {
    github: FakeGitHub,
    store: Arc<dyn Store>,
    plan: Arc<GitHubPlan>,
    live: Arc<LivePlan>,
    clock: Arc<dyn Clock>,
}

async fn rig() -> Rig {
    let github = FakeGitHub::start(&[(CSV, EXAMPLE_CSV), (MD, EXAMPLE_MD)]).await;
    let client = GitHubClient::new(&github.api_url, GitHubToken::new(fake_github::TOKEN)).expect("client");
    let repo = RepoRef {
        owner: fake_github::OWNER.into(),
        repo: fake_github::REPO.into(),
        branch: fake_github::BRANCH.into(),
    };
    let plan = Arc::new(GitHubPlan::new(client, repo, CSV, MD));
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let live = Arc::new(LivePlan::load(plan.clone(), Arc::clone(&clock)).await.expect("plan loads"));
    let store = store::connect("sqlite::memory:").await.expect("store");
    store.migrate().await.expect("migrations");
    Rig { github, store, plan, live, clock }
}

impl Rig {
    fn committer(&self) -> Committer {
        Committer::new(Arc::clone(&self.store), self.plan.clone(), Arc::clone(&self.clock))
            .with_live_plan(Arc::clone(&self.live))
    }

    fn note(&self, index: usize) -> NewEdit {
        let author: SlackUserId = format!("U0BENCH{:02}", index % 10).parse().expect("user id");
        let task = TASKS[index % TASKS.len()].parse().expect("task id");
        let edit = Edit {
            task,
            change: Change::Note { text: format!("bench note {index}") },
            author: "bench".into(),
            form: planbot::plan::TaskForm::Csv,
        };
        NewEdit { idempotency_key: Some(format!("bench-{index}")), author_id: author, edit, applied_by: None }
    }
}

async fn requests_per_edit(edits: usize) {
    let rig = rig().await;
    let committer = rig.committer();
    // The first write also reads the head commit's tree once.
    rig.store.enqueue_edits(&[rig.note(0)], rig.clock.now()).await.expect("queue");
    committer.drain().await.expect("drain");
    rig.github.clear_requests();
    for index in 1..=edits {
        rig.store.enqueue_edits(&[rig.note(index)], rig.clock.now()).await.expect("queue");
        committer.drain().await.expect("drain");
    }
    let requests = rig.github.requests();
    let count = |p: &dyn Fn(&String) -> bool| requests.iter().filter(|r| p(r)).count() as f64 / edits as f64;
    let reads = count(&|r| r.starts_with("GET"));
    let not_modified = count(&|r| r.starts_with("GET") && r.ends_with("304"));
    let writes = count(&|r| !r.starts_with("GET"));
    println!(
        "| GitHub requests per edit, steady state ({edits} edits one by one) | {:.2}: {reads:.2} conditional ref read ({not_modified:.2} answered 304; planbot's own previous commit moved the branch), {writes:.2} writes (tree, commit, ref update) | one conditional read + the writes |",
        reads + writes
    );
}

async fn sustained_throughput(edits: usize) {
    let rig = rig().await;
    let committer = rig.committer();
    let started = Instant::now();
    // People keep queueing while the committer drains, in rounds of 50.
    for round in 0..edits / 50 {
        let batch: Vec<NewEdit> = (0..50).map(|i| rig.note(round * 50 + i)).collect();
        rig.store.enqueue_edits(&batch, rig.clock.now()).await.expect("queue");
        committer.drain().await.expect("drain");
    }
    let elapsed = started.elapsed();
    let written = rig.store.recent_edits(None, u32::try_from(edits).unwrap_or(u32::MAX)).await.expect("edits");
    assert!(written.iter().all(|e| e.state == EditState::Committed), "every edit landed");
    println!(
        "| edits per second through the outbox ({edits} edits, 50 per round, SQLite outbox) | {:.0} edits/s ({} commits) | — |",
        edits as f64 / elapsed.as_secs_f64(),
        rig.github.history().len() - 1
    );
}

async fn queued_to_commit(samples: usize) {
    let rig = rig().await;
    let window = Duration::from_secs(2);
    let committer = rig.committer().with_window(window);
    let wake = committer.waker();
    let worker = committer.spawn();
    let mut latencies = Vec::new();
    for index in 0..samples {
        let queued = Instant::now();
        let id = rig.store.enqueue_edits(&[rig.note(index)], rig.clock.now()).await.expect("queue")[0];
        wake.notify_one();
        loop {
            let edit = rig.store.recent_edits(None, 1).await.expect("edits").into_iter().find(|e| e.id == id);
            if edit.is_some_and(|e| e.state == EditState::Committed) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        latencies.push(queued.elapsed());
    }
    worker.abort();
    latencies.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "| queued → committed, healthy GitHub ({samples} edits, 2 s window) | median {:.0} ms · max {:.0} ms | < window + 200 ms = 2200 ms |",
        ms(latencies[samples / 2]),
        ms(latencies[samples - 1])
    );
}

#[tokio::main]
async fn main() {
    println!("| measurement | result | goal |");
    println!("|---|---|---|");
    requests_per_edit(50).await;
    sustained_throughput(1000).await;
    queued_to_commit(10).await;
}

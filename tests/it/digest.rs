//! The weekly digest: golden text and Block Kit for fixed plans and
//! histories, the chart, the upload sequence against the fake Slack,
//! catch-up after downtime and one post across two instances.

use crate::support;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::NaiveDate;
use planbot::digest::chart::{HEIGHT, WIDTH, render_png};
use planbot::digest::content::{Snapshot, WeekFacts, build, snapshot_text};
use planbot::plan::Plan;
use planbot::reply::render_text;
use planbot::slack::blocks::message_content;
use planbot::store::Store;
use support::fake_slack::FakeSlack;
use support::team::{OPS, Team, at, text_of};

const HEADER: &str = "id,phase,task,owner,status,priority,dependencies,estimated_hours,completion_date,artifacts,verification,notes,codex_hints";

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

/// A small plan and its Markdown milestones.
fn plan(rows: &[&str], milestones: &str) -> Plan {
    let csv = format!("{HEADER}\n{}\n", rows.join("\n"));
    Plan::parse(csv, Some(milestones)).unwrap()
}

const MILESTONES: &str = "| ID | Milestone | Owner | Start | Target | Notes |\n|---|---|---|---|---|---|\n\
    | M1 | Auth ready | backend | 2025-09-01 | 2025-10-20 | |\n\
    | M2 | Beta | product | 2025-10-01 | 2025-11-05 | |\n\
    | M3 | GA | product | 2025-11-01 | 2025-12-20 | |\n";

fn busy_week() -> (Plan, Vec<Snapshot>, WeekFacts) {
    let plan = plan(
        &[
            "AUTH-001,P1,Login API,backend,completed,high,,3,2025-10-22,,,,",
            "AUTH-002,P1,Session refresh,backend,done,medium,,2,2025-10-24,,,,",
            "FE-004,P1,Login page,frontend,blocked,high,AUTH-005,3,,,,,",
            "DEVOPS-035,P1,Prod deploy,devops,blocked,high,FE-004,5,,,,,",
            "AUTH-005,P1,Tokens,backend,in-progress,high,,4,,,,,",
            "ORG-006,P2,Org model,backend,todo,high,,4,,,,,",
            "DOCS-041,P2,Runbook,docs,todo,low,,1,,,,,",
        ],
        MILESTONES,
    );
    // Snapshots: FE-004 blocked since 13 Oct; DEVOPS-035 was in progress a
    // week ago and blocked since 24 Oct.
    let snapshot = |d: &str, fe: char, devops: char, auth1: char| Snapshot {
        day: day(d),
        text: format!(
            "AUTH-001 {auth1}\nAUTH-002 i\nFE-004 {fe}\nDEVOPS-035 {devops}\nAUTH-005 i\nORG-006 t\nDOCS-041 t\n"
        ),
    };
    let history = vec![
        snapshot("2025-10-12", 'i', 't', 'i'),
        snapshot("2025-10-13", 'b', 't', 'i'),
        snapshot("2025-10-20", 'b', 'i', 'i'),
        snapshot("2025-10-24", 'b', 'b', 'c'),
        snapshot("2025-10-26", 'b', 'b', 'c'),
    ];
    let facts = WeekFacts {
        completed_by: HashMap::from([("AUTH-001".parse().unwrap(), "Dana".to_owned())]),
        participation: vec![("Ana".into(), 5, 5), ("Ben".into(), 3, 5)],
        edits_waiting: vec!["note on DOCS-041 · failed by Ben: the plan did not parse".into()],
    };
    (plan, history, facts)
}

/// Compares with `tests/golden/NAME`, or rewrites it with UPDATE_GOLDEN=1.
fn golden(name: &str, actual: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(name);
    if std::env::var("UPDATE_GOLDEN").is_ok() {
        std::fs::write(&path, actual).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("{} is missing", path.display()));
    assert_eq!(actual, expected, "{name} changed (UPDATE_GOLDEN=1 rewrites it after a deliberate change)");
}

fn block_kit(digest: &planbot::digest::Digest) -> String {
    serde_json::to_string_pretty(&message_content(&digest.reply)).unwrap() + "\n"
}

#[test]
fn a_busy_week_with_an_overdue_milestone() {
    let (plan, history, facts) = busy_week();
    let digest = build(&plan, day("2025-10-27"), &history, &facts, false);
    assert_eq!(digest.headline, "5 open · 2 completed last week · 2 blocked");
    golden("digest_busy_week.txt", &render_text(&digest.reply));
    golden("digest_busy_week.json", &block_kit(&digest));
}

#[test]
fn an_empty_week_leaves_out_every_section_with_nothing_to_say() {
    let plan = plan(&["DOCS-041,P2,Runbook,docs,todo,low,,1,,,,,"], "");
    let history = vec![Snapshot { day: day("2025-10-20"), text: "DOCS-041 t\n".into() }];
    let digest = build(&plan, day("2025-10-27"), &history, &WeekFacts::default(), false);
    let text = render_text(&digest.reply);
    golden("digest_empty_week.txt", &text);
    golden("digest_empty_week.json", &block_kit(&digest));
    for absent in ["Completed last week\n", "Blocked", "Milestones", "Standup", "Edits"] {
        assert!(!text.contains(absent), "{absent} should be left out:\n{text}");
    }
}

#[test]
fn the_chart_decodes_at_its_size_and_is_not_blank() {
    let (plan, history, facts) = busy_week();
    let digest = build(&plan, day("2025-10-27"), &history, &facts, false);
    assert_eq!(digest.chart.days.len(), history.len() + 1, "every snapshot plus today");
    let png = render_png(&digest.chart).unwrap();
    let decoder = png::Decoder::new(std::io::Cursor::new(png));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let frame = reader.next_frame(&mut pixels).unwrap();
    assert_eq!((frame.width, frame.height), (WIDTH, HEIGHT));
    let distinct: std::collections::HashSet<&[u8]> = pixels.chunks(3).collect();
    assert!(distinct.len() > 20, "a blank image has one or two colours, this one {}", distinct.len());
}

#[test]
fn snapshots_round_trip_through_their_stored_form() {
    let (plan, ..) = busy_week();
    let text = snapshot_text(&plan);
    assert!(text.starts_with("AUTH-001 c\nAUTH-002 c\nFE-004 b\n"), "{text}");
}

async fn the_digest_is_posted_with_its_chart_in_the_thread(store: Arc<dyn Store>) {
    let team = Team::start(store, "2025-10-27T10:00:00Z", FakeSlack::start().await, 4).await;
    let digests = team.app.digests.clone().unwrap();
    assert!(digests.tick().await.unwrap());
    assert!(!digests.tick().await.unwrap(), "once a week");
    let parents = team.channel_posts();
    assert_eq!(parents.len(), 1);
    let parent = text_of(&parents[0]);
    assert!(parent.contains("Weekly digest · Mon 27 Oct") && !parent.contains("late"), "{parent}");
    let methods: Vec<String> = team
        .slack
        .calls("files.getUploadURLExternal")
        .into_iter()
        .chain(team.slack.calls("files.completeUploadExternal"))
        .map(|c| c.method)
        .collect();
    assert_eq!(methods, ["files.getUploadURLExternal", "files.completeUploadExternal"]);
    let files = team.slack.uploaded_files();
    assert_eq!(files.len(), 1);
    let file = &files[0];
    assert!(file.completed && file.bytes.starts_with(b"\x89PNG"), "a PNG was uploaded and shared");
    assert_eq!((file.channel_id.as_deref(), file.thread_ts.as_deref()), (Some(OPS), Some(parents[0].ts.as_str())));
    let last = team.app.store.standups().last_digest().await.unwrap().unwrap();
    assert_eq!(last.headline, "25 open · 0 completed last week · 2 blocked");
}

async fn a_digest_missed_while_down_is_posted_late_until_tuesday_ends(store: Arc<dyn Store>) {
    let team = Team::start(store, "2025-10-28T15:00:00Z", FakeSlack::start().await, 4).await;
    let digests = team.app.digests.clone().unwrap();
    assert!(digests.tick().await.unwrap());
    assert!(text_of(&team.channel_posts()[0]).contains("(late"), "marked late");
    team.clock.set(at("2025-11-05T00:00:00Z"));
    assert!(!digests.tick().await.unwrap(), "the next week's digest is not posted on Wednesday");
    assert_eq!(team.channel_posts().len(), 1);
}

async fn slash_digest_shows_it_to_the_caller_only(store: Arc<dyn Store>) {
    let team = Team::start(store, "2025-10-27T08:00:00Z", FakeSlack::start().await, 4).await;
    let answer = team.app.slash("U0ANA0001", "digest").await;
    assert_eq!(answer.json()["response_type"], "ephemeral");
    assert!(answer.shown_text().contains("Weekly digest"), "{}", answer.body);
    assert!(team.channel_posts().is_empty());
}

support::on_both_engines!(
    the_digest_is_posted_with_its_chart_in_the_thread,
    a_digest_missed_while_down_is_posted_late_until_tuesday_ends,
    slash_digest_shows_it_to_the_caller_only,
);

#[tokio::test]
async fn two_instances_on_one_postgres_post_one_digest() {
    let Some((one, two)) = support::databases::postgres_pair("two_instances_one_digest").await else { return };
    let slack = FakeSlack::start().await;
    let first = Team::start(one, "2025-10-27T10:00:00Z", slack.clone(), 4).await;
    let second = Team::start(two, "2025-10-27T10:00:00Z", slack.clone(), 4).await;
    let (a, b) = tokio::join!(first.app.digests.as_ref().unwrap().tick(), second.app.digests.as_ref().unwrap().tick());
    assert_eq!(u8::from(a.unwrap()) + u8::from(b.unwrap()), 1);
    assert_eq!(first.channel_posts().len(), 1);
}

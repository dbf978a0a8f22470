//! The weekly digest: golden text and Block Kit for fixed plans and
//! histories, Slack's table and chart blocks within Block Kit's limits,
//! the PNG fallback and its upload sequence against the fake Slack,
//! catch-up after downtime and one post across two instances.

use crate::support;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::NaiveDate;
use planbot::digest::chart::{HEIGHT, WIDTH, render_png};
use planbot::digest::content::{Snapshot, WeekFacts, build, snapshot_text};
use planbot::digest::{ChartStyle, Digests};
use planbot::plan::Plan;
use planbot::reply::render_text;
use planbot::slack::blocks::message_content;
use planbot::store::Store;
use serde_json::Value;
use support::fake_slack::{FakeSlack, Message, check_blocks};
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
        blockers: None,
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

/// The channel message, then each reply in its thread, as Slack gets them;
/// each within Block Kit's limits.
fn block_kit(digest: &planbot::digest::Digest) -> String {
    let messages: Vec<Value> = std::iter::once(&digest.reply)
        .chain(&digest.thread)
        .map(|reply| serde_json::to_value(message_content(reply)).unwrap())
        .collect();
    for message in &messages {
        check_blocks(&message["blocks"], &[]).unwrap_or_else(|e| panic!("Slack would refuse it ({e}): {message}"));
    }
    serde_json::to_string_pretty(&messages).unwrap() + "\n"
}

fn blocks_of_type<'a>(message: &'a Message, kind: &str) -> Vec<&'a Value> {
    message.blocks.as_array().map(|b| b.iter().filter(|b| b["type"] == kind).collect()).unwrap_or_default()
}

#[test]
fn a_busy_week_with_an_overdue_milestone() {
    let (plan, history, facts) = busy_week();
    let digest = build(&plan, day("2025-10-27"), &history, &facts, false);
    assert_eq!(digest.headline, "5 open · 2 completed last week · 2 blocked");
    golden("digest_busy_week.txt", &render_text(&digest.preview()));
    golden("digest_busy_week.json", &block_kit(&digest));
}

#[test]
fn an_empty_week_leaves_out_every_section_with_nothing_to_say() {
    let plan = plan(&["DOCS-041,P2,Runbook,docs,todo,low,,1,,,,,"], "");
    let history = vec![Snapshot { day: day("2025-10-20"), text: "DOCS-041 t\n".into() }];
    let digest = build(&plan, day("2025-10-27"), &history, &WeekFacts::default(), false);
    let text = render_text(&digest.preview());
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

/// Snapshots of today's plan for each of the `days` days before `today`,
/// as planbot's daily tick would have kept them.
async fn keep_history(team: &Team, today: &str, days: i64) {
    let text = snapshot_text(&team.app.plan.current().plan);
    for back in 1..=days {
        let day = day(today) - chrono::Duration::days(back);
        team.app.store.standups().save_plan_snapshot(day, &text, at("2025-10-27T10:00:00Z")).await.unwrap();
    }
}

/// The blocks of every message in the digest's thread.
fn thread_of(team: &Team, parent: &Message) -> Vec<Message> {
    team.slack.thread(OPS, &parent.ts)
}

async fn the_digest_draws_its_trend_and_tables_with_slacks_own_blocks(store: Arc<dyn Store>) {
    let team = Team::start(store, "2025-10-27T10:00:00Z", FakeSlack::start().await, 4).await;
    keep_history(&team, "2025-10-27", 15).await;
    let digests = team.app.digests.clone().unwrap();
    assert!(digests.tick().await.unwrap());
    assert!(!digests.tick().await.unwrap(), "once a week");
    let parents = team.channel_posts();
    assert_eq!(parents.len(), 1);
    let parent = &parents[0];
    assert!(text_of(parent).contains("Weekly digest · Mon 27 Oct") && !text_of(parent).contains("late"));
    let charts = blocks_of_type(parent, "data_visualization");
    assert_eq!(charts.len(), 1, "{}", parent.blocks);
    let chart = &charts[0]["chart"];
    assert_eq!(chart["type"], "line");
    // Weekly points back to the first snapshot (12 Oct), then today.
    assert_eq!(chart["axis_config"]["categories"], serde_json::json!(["13 Oct", "20 Oct", "27 Oct"]));
    let names: Vec<&str> = chart["series"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["todo", "in-progress", "blocked"]);
    let blocked_series = &chart["series"][2]["data"];
    assert_eq!(blocked_series[2]["value"], 2, "today's two blocked tasks: {blocked_series}");
    let tables = blocks_of_type(parent, "table");
    assert_eq!(tables.len(), 1, "the status counts");
    assert_eq!(tables[0]["rows"][0][0]["text"], "Status");
    assert_eq!(tables[0]["rows"][3][0]["text"], "blocked");
    assert_eq!(tables[0]["rows"][3][1]["text"], "2");
    let thread = thread_of(&team, parent);
    let thread_tables: Vec<&Value> = thread.iter().flat_map(|m| blocks_of_type(m, "table")).collect();
    assert_eq!(thread_tables.len(), thread.len(), "one table a reply");
    let blocked = thread_tables.iter().find(|t| t["rows"][0][3]["text"] == "Blocked for").expect("a blocked table");
    let row = |n: usize| -> Vec<&str> {
        blocked["rows"][n].as_array().unwrap().iter().map(|c| c["text"].as_str().unwrap()).collect()
    };
    // Stalled: 11 working days since Sun 12 Oct, past the 3 a nudge waits for.
    let stalled = "11 working days";
    assert_eq!(
        row(1),
        ["FE-004", "Login page + form", "frontend", "15 days", "still blocked", stalled, "AUTH-005", "backend"]
    );
    assert_eq!(row(2)[0], "DEVOPS-035");
    assert_eq!(&row(2)[3..], ["15 days", "still blocked", stalled, "AUTH-005, FE-004", "backend, frontend"]);
    assert!(team.slack.uploaded_files().is_empty(), "Slack draws the chart: no PNG");
}

async fn a_fresh_install_says_in_words_that_the_trend_needs_a_week(store: Arc<dyn Store>) {
    let team = Team::start(store, "2025-10-27T10:00:00Z", FakeSlack::start().await, 4).await;
    keep_history(&team, "2025-10-27", 3).await;
    assert!(team.app.digests.clone().unwrap().tick().await.unwrap());
    let parent = &team.channel_posts()[0];
    assert!(blocks_of_type(parent, "data_visualization").is_empty(), "no chart of three dots");
    assert!(
        text_of(parent)
            .contains("Trend: under a week of history (planbot has kept the plan's statuses for 3 days so far)"),
        "{}",
        text_of(parent)
    );
    assert!(team.slack.uploaded_files().is_empty(), "no PNG either");
    let last = team.app.store.standups().last_digest().await.unwrap().unwrap();
    assert_eq!(last.headline, "25 open · 0 completed last week · 2 blocked");
}

/// The chart as a PNG in the thread of `parent`, uploaded and shared.
fn assert_png_in_thread(team: &Team, parent: &Message) {
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
    assert_eq!((file.channel_id.as_deref(), file.thread_ts.as_deref()), (Some(OPS), Some(parent.ts.as_str())));
}

async fn a_workspace_refusing_the_new_blocks_gets_text_tables_and_the_png(store: Arc<dyn Store>) {
    let team = Team::start(store, "2025-10-27T10:00:00Z", FakeSlack::start().await, 4).await;
    keep_history(&team, "2025-10-27", 15).await;
    team.slack.refuse_block_type("table");
    team.slack.refuse_block_type("data_visualization");
    assert!(team.app.digests.clone().unwrap().tick().await.unwrap());
    let refused = team.slack.calls("chat.postMessage").len() - team.slack.messages().len();
    assert_eq!(refused, 1, "one refusal, then every message in text");
    let parents = team.channel_posts();
    assert_eq!(parents.len(), 1, "the digest is posted once");
    let parent = &parents[0];
    assert!(blocks_of_type(parent, "table").is_empty() && blocks_of_type(parent, "data_visualization").is_empty());
    assert!(text_of(parent).contains("• blocked · Tasks: 2"), "the status table as lines: {}", text_of(parent));
    let thread = thread_of(&team, parent);
    assert!(thread.iter().any(|m| text_of(m).contains("• DEVOPS-035 · Title: ")), "the blocked table as lines");
    assert_png_in_thread(&team, parent);
}

async fn digest_chart_png_keeps_the_tables_and_uploads_the_chart(store: Arc<dyn Store>) {
    let team = Team::start(store, "2025-10-27T10:00:00Z", FakeSlack::start().await, 4).await;
    keep_history(&team, "2025-10-27", 15).await;
    let web = planbot::slack::web::SlackWeb::new(&team.slack.api_url(), support::fake_slack::BOT_TOKEN).unwrap();
    let digests = Digests::new(
        Arc::clone(&team.app.store),
        Arc::clone(&team.app.plan),
        Arc::clone(&team.app.clock),
        chrono_tz::Europe::Berlin,
        planbot::digest::DigestSchedule::default(),
        Some(OPS.to_owned()),
    )
    .with_slack(web)
    .with_chart_style("png".parse::<ChartStyle>().unwrap());
    assert!(digests.tick().await.unwrap());
    let parent = &team.channel_posts()[0];
    assert!(blocks_of_type(parent, "data_visualization").is_empty());
    assert_eq!(blocks_of_type(parent, "table").len(), 1, "tables stay native");
    assert_png_in_thread(&team, parent);
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
    // The whole digest in one message: one native table, the rest as text.
    check_blocks(&answer.json()["blocks"], &[]).unwrap();
    assert!(team.channel_posts().is_empty());
}

support::on_both_engines!(
    the_digest_draws_its_trend_and_tables_with_slacks_own_blocks,
    a_fresh_install_says_in_words_that_the_trend_needs_a_week,
    a_workspace_refusing_the_new_blocks_gets_text_tables_and_the_png,
    digest_chart_png_keeps_the_tables_and_uploads_the_chart,
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

#[test]
fn a_long_blocked_list_keeps_within_the_table_limits_and_counts_the_rest() {
    let rows: Vec<String> = (1..=150).map(|n| format!("OPS-{n:03},P1,Task {n},devops,blocked,high,,1,,,,,")).collect();
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    let plan = plan(&rows, MILESTONES);
    let digest = build(&plan, day("2025-10-27"), &[], &WeekFacts::default(), false);
    let blocked = serde_json::to_value(message_content(&digest.thread[0])).unwrap();
    check_blocks(&blocked["blocks"], &[]).unwrap();
    let table = blocked["blocks"].as_array().unwrap().iter().find(|b| b["type"] == "table").unwrap();
    assert_eq!(table["rows"].as_array().unwrap().len(), 100, "the header and 99 tasks");
    assert!(blocked.to_string().contains("…and 51 more"), "{blocked}");
    assert!(render_text(&digest.preview()).contains("…and 51 more"));
}

#[test]
fn plan_text_in_a_table_cell_notifies_no_one() {
    let plan = plan(&["OPS-001,P1,Ping <!channel> & <@U123>,devops,blocked,high,,1,,,,,"], "");
    let digest = build(&plan, day("2025-10-27"), &[], &WeekFacts::default(), false);
    let body = serde_json::to_string(&message_content(&digest.thread[0])).unwrap();
    assert!(body.contains("Ping &lt;!channel&gt; &amp; &lt;@U123&gt;"), "{body}");
    assert!(!body.contains("<!channel>") && !body.contains("<@U123>"));
}

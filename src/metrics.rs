//! What an operator watches: every crate counts through the `metrics`
//! facade, and `GET /metrics` renders it all in Prometheus' text format,
//! with the depths of the outbox and the inbox read at scrape time.
//! docs/OPERATIONS.md says what each one means and which alerts to set.

use std::sync::OnceLock;

use metrics::{Unit, describe_counter, describe_gauge, describe_histogram, gauge};
use metrics_exporter_prometheus::{BuildError, Matcher, PrometheusBuilder, PrometheusHandle};

use planbot_app::dispatch::App;

/// HTTP latencies: answers from memory take well under a millisecond;
/// Slack's limit is 3 s.
const LATENCY_BUCKETS: [f64; 12] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5];

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Installs the process-wide recorder (once) and returns its handle.
pub fn install() -> Result<PrometheusHandle, BuildError> {
    if let Some(handle) = HANDLE.get() {
        return Ok(handle.clone());
    }
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Suffix("duration_seconds".into()), &LATENCY_BUCKETS)?
        .install_recorder()?;
    describe();
    Ok(HANDLE.get_or_init(|| handle).clone())
}

/// How often recorded latencies are folded into their histogram buckets.
const UPKEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// Folds recorded latencies into their buckets every few seconds. The
/// recorder otherwise keeps every sample until `/metrics` is read, so a
/// server nobody scrapes would grow with every request it answers.
pub fn spawn_upkeep(handle: PrometheusHandle) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(UPKEEP_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            handle.run_upkeep();
        }
    })
}

/// The text `GET /metrics` answers, with the gauges read now.
pub async fn render(handle: &PrometheusHandle, app: &App, socket_connected: Option<bool>) -> String {
    let now = app.clock().now();
    if let Ok((pending, oldest)) = app.store().outbox_depth().await {
        gauge!("planbot_outbox_pending").set(pending as f64);
        let age = oldest.map_or(0.0, |at| (now - at).num_milliseconds().max(0) as f64 / 1000.0);
        gauge!("planbot_outbox_oldest_age_seconds").set(age);
    }
    if let Ok(depth) = app.store().inbox().inbox_depth().await {
        gauge!("planbot_inbox_pending").set(depth.pending as f64);
        gauge!("planbot_inbox_failed").set(depth.failed as f64);
        let age = depth.oldest_pending.map_or(0.0, |at| (now - at).num_milliseconds().max(0) as f64 / 1000.0);
        gauge!("planbot_inbox_oldest_age_seconds").set(age);
    }
    let loaded = app.plan().current();
    gauge!("planbot_plan_loaded").set(if loaded.is_loaded { 1.0 } else { 0.0 });
    gauge!("planbot_plan_tasks").set(loaded.plan.tasks().len() as f64);
    gauge!("planbot_plan_reload_error").set(if app.plan().last_error().is_some() { 1.0 } else { 0.0 });
    if let Some(connected) = socket_connected {
        gauge!("planbot_socket_mode_connected").set(if connected { 1.0 } else { 0.0 });
    }
    handle.render()
}

fn describe() {
    describe_counter!(
        "planbot_commands_total",
        "Slash commands answered, by verb and outcome (answered, refused, failed)"
    );
    describe_histogram!(
        "planbot_http_request_duration_seconds",
        Unit::Seconds,
        "Time to answer an HTTP request, by route"
    );
    describe_gauge!("planbot_outbox_pending", "Plan edits queued and not yet written");
    describe_gauge!("planbot_outbox_oldest_age_seconds", Unit::Seconds, "Age of the oldest edit still queued");
    describe_counter!("planbot_commits_total", "Writes of queued edits to the plan's home");
    describe_counter!("planbot_edit_conflicts_total", "Edits not written because someone changed the field first");
    describe_counter!("planbot_edit_failures_total", "Edits that could not be written (and will not be retried)");
    describe_counter!("planbot_slack_calls_total", "Slack Web API calls, by method and outcome");
    describe_counter!("planbot_github_calls_total", "GitHub REST calls, by method and status");
    describe_counter!(
        "planbot_rate_limit_waits_total",
        "Times Slack or GitHub asked planbot to wait, by service and method"
    );
    describe_counter!("planbot_rate_limit_wait_seconds_total", Unit::Seconds, "Time spent waiting on rate limits");
    describe_gauge!("planbot_inbox_pending", "Deliveries acknowledged to Slack and not yet handled");
    describe_gauge!("planbot_inbox_failed", "Deliveries given up on after repeated failures");
    describe_gauge!("planbot_inbox_oldest_age_seconds", Unit::Seconds, "Age of the oldest delivery not yet handled");
    describe_counter!(
        "planbot_inbox_deliveries_total",
        "Deliveries handled, by kind and outcome (done, retried, failed)"
    );
    describe_counter!(
        "planbot_jobs_total",
        "Scheduled sends (prompts, reminders, summaries, digests, feed), by kind and outcome"
    );
    describe_counter!("planbot_plan_reloads_total", "New versions of the plan loaded");
    describe_counter!("planbot_plan_reload_errors_total", "Versions of the plan that could not be read or parsed");
    describe_gauge!("planbot_plan_loaded", "1 once a version of the plan has loaded");
    describe_gauge!("planbot_plan_tasks", "Tasks in the plan in use");
    describe_gauge!("planbot_plan_reload_error", "1 while the newest plan cannot be used");
    describe_counter!("planbot_socket_mode_connects_total", "Socket Mode connections opened (Slack's hello)");
    describe_gauge!("planbot_socket_mode_connected", "1 while Socket Mode is connected");
}

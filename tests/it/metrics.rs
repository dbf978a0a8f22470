//! `GET /metrics`: Prometheus' text format, read back with a Prometheus
//! parser, and numbers that move as planbot works.

use std::collections::BTreeMap;

use prometheus_parse::{Sample, Scrape, Value};

use crate::support::process::{Serve, example_folder};
use crate::support::slash_form_with_trigger;

const SECRET: &str = "metrics-test-secret";
const TOKEN: &str = "metrics-token-4b1d";

fn scrape(serve: &Serve) -> Scrape {
    let response = serve.get_with("/metrics", &format!("Authorization: Bearer {TOKEN}\r\n")).expect("answered");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("content-type: text/plain; version=0.0.4"), "{response}");
    let body = response.split_once("\r\n\r\n").map(|(_, body)| body).unwrap_or_default();
    Scrape::parse(body.lines().map(|line| Ok(line.to_owned()))).expect("Prometheus text format")
}

fn value(scrape: &Scrape, name: &str, labels: &[(&str, &str)]) -> f64 {
    let matching = |sample: &&Sample| {
        sample.metric == name && labels.iter().all(|(key, want)| sample.labels.get(key) == Some(*want))
    };
    scrape
        .samples
        .iter()
        .filter(matching)
        .map(|sample| match &sample.value {
            Value::Counter(v) | Value::Gauge(v) | Value::Untyped(v) => *v,
            Value::Histogram(buckets) => buckets.iter().map(|b| b.count).fold(0.0, f64::max),
            Value::Summary(_) => 0.0,
        })
        .sum()
}

fn slash(serve: &Serve, text: &str, trigger: &str) -> String {
    let body = slash_form_with_trigger("U0EDITOR1", text, trigger);
    serve.post_signed("/slack/commands", "application/x-www-form-urlencoded", &body, SECRET).unwrap()
}

#[tokio::test]
async fn metrics_parse_as_prometheus_text_and_count_what_happens() {
    let dir = tempfile::tempdir().unwrap();
    let env: BTreeMap<&str, String> = [
        ("SLACK_SIGNING_SECRET", SECRET.to_owned()),
        ("METRICS_TOKEN", TOKEN.to_owned()),
        ("PLAN_SOURCE", example_folder(dir.path()).display().to_string()),
        ("PLAN_EDITORS", "U0EDITOR1".to_owned()),
        ("PLAN_COMMIT_WINDOW_MS", "60000".to_owned()),
        ("DATABASE_URL", format!("sqlite://{}", dir.path().join("planbot.db").display())),
    ]
    .into_iter()
    .collect();
    let mut serve = Serve::spawn(dir.path(), &env);
    serve.wait_up().await;

    let refused = serve.get("/metrics").unwrap();
    assert!(refused.starts_with("HTTP/1.1 401"), "a scrape without the token is refused: {refused}");

    let before = scrape(&serve);
    let answered = [("verb", "status"), ("outcome", "answered")];
    let status_before = value(&before, "planbot_commands_total", &answered);
    assert!(slash(&serve, "status DEVOPS-035", "m.1").contains("DEVOPS-035"));
    let after = scrape(&serve);
    assert_eq!(value(&after, "planbot_commands_total", &answered), status_before + 1.0, "one command, one count");

    assert!(slash(&serve, "status NOPE-999", "m.2").contains("can't find"));
    let refused = [("verb", "status"), ("outcome", "refused")];
    assert_eq!(value(&scrape(&serve), "planbot_commands_total", &refused), 1.0);

    // An edit waits in the outbox (the commit window is a minute here).
    assert_eq!(value(&after, "planbot_outbox_pending", &[]), 0.0);
    assert!(slash(&serve, "done DEVOPS-035", "m.3").contains("Queued"));
    let queued = scrape(&serve);
    assert_eq!(value(&queued, "planbot_outbox_pending", &[]), 1.0);
    assert_eq!(value(&queued, "planbot_plan_loaded", &[]), 1.0);
    assert_eq!(value(&queued, "planbot_plan_tasks", &[]), 34.0);
    let latency = value(&queued, "planbot_http_request_duration_seconds_count", &[("route", "/slack/commands")]);
    assert!(latency >= 3.0, "every request is timed by route: {latency}");
    assert!(serve.terminate().success());
}

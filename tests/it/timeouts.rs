//! Every call planbot makes to Slack or GitHub has a time limit, so a far
//! side that accepts a request and never answers cannot hold a worker,
//! the committer or a Slack acknowledgement. The clock is paused: tokio
//! moves it on as soon as everything is waiting, so the limits are checked
//! without waiting them out.

use std::time::Duration;

use planbot::reply::{Reply, Text};
use planbot::slack::respond::ResponseUrls;
use planbot::slack::web::SlackWeb;

use crate::support::fake_github::{self, FakeGitHub, Fault};
use crate::support::fake_slack::{BOT_TOKEN, FakeSlack};

#[tokio::test(start_paused = true)]
async fn a_web_api_call_that_never_answers_fails_with_the_reason() {
    let slack = FakeSlack::start().await;
    slack.hold("chat.postMessage");
    let web = SlackWeb::new(&slack.api_url(), BOT_TOKEN).unwrap();
    let error = web.post("C0OPS", &Reply::message(Text::plain("hello")), None).await.unwrap_err();
    assert!(error.to_string().contains("no answer within 15s"), "{error}");
}

#[tokio::test(start_paused = true)]
async fn a_response_url_that_never_answers_fails_with_the_reason() {
    let slack = FakeSlack::start().await;
    slack.hold("response_url");
    let error = ResponseUrls::new()
        .unwrap()
        .send(&slack.response_url("slow"), &Reply::message(Text::plain("done")))
        .await
        .unwrap_err();
    assert!(error.to_string().contains("response_url"), "{error}");
}

#[tokio::test(start_paused = true)]
async fn a_github_that_never_answers_is_a_transient_failure() {
    let github = FakeGitHub::start(&[("docs/autorisen_project_plan.csv", "id\n")]).await;
    let forever = Fault { status: 0, delay: Duration::from_secs(3600), headers: vec![], message: "" };
    github.fail_next(1, forever);
    let client =
        planbot::github::GitHubClient::new(&github.api_url, planbot::github::GitHubToken::new(fake_github::TOKEN))
            .unwrap();
    let error = client.get("/repos/autorisen/autorisen/git/ref/heads/main", false, None).await.unwrap_err();
    assert!(matches!(error, planbot::github::GitHubError::Transport(_)), "{error:?}");
}

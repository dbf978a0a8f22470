//! The fake Slack's own contracts, checked over plain HTTP (and once
//! through slack-morphism, the client planbot uses).

use crate::support;

use std::time::Duration;

use serde_json::{Value, json};
use support::fake_slack::{BOT_TOKEN, FakeSlack, Limits, POST_MESSAGE_BURST};

struct Answer {
    status: u16,
    retry_after: Option<u64>,
    json: Value,
}

async fn call(slack: &FakeSlack, method: &str, args: Value) -> Answer {
    let response = reqwest::Client::new()
        .post(format!("{}/{method}", slack.api_url()))
        .bearer_auth(BOT_TOKEN)
        .json(&args)
        .send()
        .await
        .expect("the fake answers");
    read(response).await
}

async fn call_form(slack: &FakeSlack, method: &str, args: &[(&str, &str)]) -> Answer {
    let response = reqwest::Client::new()
        .post(format!("{}/{method}", slack.api_url()))
        .bearer_auth(BOT_TOKEN)
        .form(args)
        .send()
        .await
        .expect("the fake answers");
    read(response).await
}

async fn read(response: reqwest::Response) -> Answer {
    let status = response.status().as_u16();
    let retry_after = response.headers().get("retry-after").map(|v| v.to_str().unwrap().parse().unwrap());
    Answer { status, retry_after, json: response.json().await.expect("a JSON envelope") }
}

#[tokio::test]
async fn a_tier_3_method_is_rate_limited_for_the_rest_of_its_window() {
    let window = Duration::from_secs(2);
    let slack = FakeSlack::start_with_limits(Limits::slack_tiers(window)).await;
    for _ in 0..50 {
        let answer = call(&slack, "conversations.open", json!({"users": "U1"})).await;
        assert_eq!((answer.status, &answer.json["ok"]), (200, &json!(true)));
    }
    let limited = call(&slack, "conversations.open", json!({"users": "U1"})).await;
    assert_eq!(limited.status, 429);
    assert_eq!(limited.json, json!({"ok": false, "error": "ratelimited"}));
    let retry_after = limited.retry_after.expect("Retry-After");
    assert!((1..=2).contains(&retry_after), "whole seconds left in the window: {retry_after}");
    assert_eq!(slack.calls("conversations.open").len(), 50, "a limited call is not recorded");
    assert_eq!(slack.rate_limited("conversations.open"), 1);
    assert_eq!(call(&slack, "users.info", json!({"user": "U1"})).await.status, 200, "other methods are unaffected");

    tokio::time::sleep(Duration::from_secs(retry_after)).await;
    let again = call(&slack, "conversations.open", json!({"users": "U1"})).await;
    assert_eq!((again.status, &again.json["channel"]["id"]), (200, &json!("DU1")));
}

#[tokio::test]
async fn post_message_allows_a_short_burst_per_channel() {
    let slack = FakeSlack::start_with_limits(Limits::slack_tiers(Duration::from_secs(600))).await;
    for _ in 0..POST_MESSAGE_BURST {
        assert_eq!(call(&slack, "chat.postMessage", json!({"channel": "C1", "text": "hi"})).await.status, 200);
    }
    let limited = call(&slack, "chat.postMessage", json!({"channel": "C1", "text": "hi"})).await;
    assert_eq!(limited.status, 429);
    assert!((1..=10).contains(&limited.retry_after.unwrap()), "the rest of the 10 s slot");
    assert_eq!(call(&slack, "chat.postMessage", json!({"channel": "C2", "text": "hi"})).await.status, 200);
    assert_eq!(slack.messages().len(), 4);
}

#[tokio::test]
async fn start_keeps_no_limits_but_rate_limit_next_still_works() {
    let slack = FakeSlack::start().await;
    for _ in 0..120 {
        assert_eq!(call(&slack, "users.info", json!({"user": "U1"})).await.status, 200);
    }
    slack.rate_limit_next(7);
    let limited = call(&slack, "users.info", json!({"user": "U1"})).await;
    assert_eq!((limited.status, limited.retry_after), (429, Some(7)));
    assert_eq!(slack.rate_limited("users.info"), 1);
}

#[tokio::test]
async fn auth_unknown_methods_and_injected_failures() {
    let slack = FakeSlack::start().await;
    let wrong = reqwest::Client::new()
        .post(format!("{}/chat.postMessage", slack.api_url()))
        .bearer_auth("xoxb-wrong")
        .json(&json!({"channel": "C1", "text": "hi"}))
        .send()
        .await
        .unwrap();
    assert_eq!(read(wrong).await.json, json!({"ok": false, "error": "invalid_auth"}));
    assert_eq!(call(&slack, "pins.add", json!({})).await.json, json!({"ok": false, "error": "unknown_method"}));
    slack.fail_next("chat.postMessage", "channel_not_found");
    let failed = call(&slack, "chat.postMessage", json!({"channel": "C1", "text": "hi"})).await;
    assert_eq!((failed.status, failed.json), (200, json!({"ok": false, "error": "channel_not_found"})));
    assert_eq!(call(&slack, "chat.postMessage", json!({"channel": "C1", "text": "hi"})).await.json["ok"], true);
    assert_eq!(slack.calls("chat.postMessage").len(), 2);
    assert_eq!(slack.messages().len(), 1);
}

#[tokio::test]
async fn users_info_gives_the_time_zone_offset_now() {
    let slack = FakeSlack::start().await;
    slack.add_user("U1", "Dana Ndlovu", "Africa/Johannesburg");
    let user = call(&slack, "users.info", json!({"user": "U1"})).await.json;
    assert_eq!(user["user"]["tz"], "Africa/Johannesburg");
    assert_eq!(user["user"]["tz_offset"], 7200);
    assert_eq!(user["user"]["profile"]["real_name"], "Dana Ndlovu");
    slack.set_user_tz("U1", "Asia/Kolkata");
    assert_eq!(call(&slack, "users.info", json!({"user": "U1"})).await.json["user"]["tz_offset"], 19800);
    let unknown = call(&slack, "users.info", json!({"user": "U404"})).await.json;
    assert_eq!(unknown, json!({"ok": false, "error": "user_not_found"}));
}

#[tokio::test]
async fn messages_threads_and_updates() {
    let slack = FakeSlack::start().await;
    let no_text = call(&slack, "chat.postMessage", json!({"channel": "D1"})).await.json;
    assert_eq!(no_text["error"], "no_text");
    let parent = call(&slack, "chat.postMessage", json!({"channel": "D1", "text": "standup?"})).await.json;
    let ts = parent["ts"].as_str().unwrap().to_owned();
    let blocks = json!([{"type": "section", "text": {"type": "mrkdwn", "text": "done"}}]).to_string();
    let reply =
        call_form(&slack, "chat.postMessage", &[("channel", "D1"), ("thread_ts", &ts), ("blocks", &blocks)]).await.json;
    assert!(reply["ts"].as_str().unwrap() > ts.as_str(), "ts increases");
    assert_eq!(slack.thread("D1", &ts)[0].blocks[0]["text"]["text"], "done");

    let unknown = call(&slack, "chat.update", json!({"channel": "D1", "ts": "1.000001", "text": "x"})).await.json;
    assert_eq!(unknown, json!({"ok": false, "error": "message_not_found"}));
    let updated = call(&slack, "chat.update", json!({"channel": "D1", "ts": ts, "text": "standup!"})).await.json;
    assert_eq!(updated["ok"], true);
    let message = slack.message("D1", &ts).unwrap();
    assert_eq!((message.text.as_str(), message.updated), ("standup!", 1));
}

#[tokio::test]
async fn views_update_and_publish_check_the_hash() {
    let slack = FakeSlack::start().await;
    let modal = json!({"type": "modal", "title": {"type": "plain_text", "text": "Standup"}, "blocks": []});
    let opened = call(&slack, "views.open", json!({"trigger_id": "t1", "view": modal})).await.json;
    let (id, hash) = (opened["view"]["id"].as_str().unwrap(), opened["view"]["hash"].as_str().unwrap());
    assert!(id.starts_with('V'));

    let updated = call(&slack, "views.update", json!({"view_id": id, "hash": hash, "view": modal})).await.json;
    assert_eq!(updated["ok"], true);
    assert_ne!(updated["view"]["hash"], hash, "each version has its own hash");
    let stale = call(&slack, "views.update", json!({"view_id": id, "hash": hash, "view": modal})).await.json;
    assert_eq!(stale, json!({"ok": false, "error": "hash_conflict"}));
    let unknown = call(&slack, "views.update", json!({"view_id": "V404", "view": modal})).await.json;
    assert_eq!(unknown["error"], "not_found");

    let home = json!({"type": "home", "blocks": []});
    let first = call(&slack, "views.publish", json!({"user_id": "U1", "view": home})).await.json;
    let again =
        call(&slack, "views.publish", json!({"user_id": "U1", "view": home, "hash": first["view"]["hash"]})).await.json;
    assert_eq!(again["view"]["id"], first["view"]["id"], "one Home view per user");
    let stale =
        call(&slack, "views.publish", json!({"user_id": "U1", "view": home, "hash": first["view"]["hash"]})).await.json;
    assert_eq!(stale["error"], "hash_conflict");
    assert_eq!(slack.home_view("U1").unwrap()["hash"], again["view"]["hash"]);
}

#[tokio::test]
async fn the_three_step_upload_stores_the_bytes() {
    let slack = FakeSlack::start().await;
    let got = reqwest::Client::new()
        .get(format!("{}/files.getUploadURLExternal?filename=chart.png&length=5", slack.api_url()))
        .bearer_auth(BOT_TOKEN)
        .send()
        .await
        .unwrap();
    let got = read(got).await.json;
    let (url, id) = (got["upload_url"].as_str().unwrap(), got["file_id"].as_str().unwrap());
    assert!(url.starts_with(&slack.base_url) && id.starts_with('F'), "{got}");

    let missing = call(&slack, "files.completeUploadExternal", json!({"files": [{"id": id}]})).await.json;
    assert_eq!(missing["error"], "file_not_found", "not uploaded yet");

    let posted = reqwest::Client::new().post(url).body(b"\x89PNG!".to_vec()).send().await.unwrap();
    assert_eq!(posted.status(), 200);
    assert_eq!(posted.text().await.unwrap(), "OK - 5");

    let files = json!([{"id": id, "title": "Burndown"}]).to_string();
    let done =
        call_form(&slack, "files.completeUploadExternal", &[("files", &files), ("channel_id", "C0PLAN")]).await.json;
    assert_eq!(done["files"][0]["title"], "Burndown");
    let file = &slack.uploaded_files()[0];
    assert_eq!(file.bytes, b"\x89PNG!");
    assert_eq!(
        (file.filename.as_str(), file.channel_id.as_deref(), file.completed),
        ("chart.png", Some("C0PLAN"), true)
    );
}

#[tokio::test]
async fn a_multipart_upload_stores_the_file_part() {
    let slack = FakeSlack::start().await;
    let got = call_form(&slack, "files.getUploadURLExternal", &[("filename", "a.txt"), ("length", "3")]).await.json;
    let body =
        "--XyZ\r\nContent-Disposition: form-data; name=\"filename\"; filename=\"a.txt\"\r\n\r\nabc\r\n--XyZ--\r\n";
    let posted = reqwest::Client::new()
        .post(got["upload_url"].as_str().unwrap())
        .header("content-type", "multipart/form-data; boundary=XyZ")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(posted.text().await.unwrap(), "OK - 3");
    assert_eq!(slack.uploaded_files()[0].bytes, b"abc");
}

/// slack-morphism sends `users.info` and `files.getUploadURLExternal` as
/// `GET`s and reads the plain-text upload answer as an empty success.
#[tokio::test]
async fn slack_morphism_reads_every_answer() {
    use slack_morphism::prelude::*;

    let slack = FakeSlack::start().await;
    slack.add_user("U1", "Dana Ndlovu", "Africa/Johannesburg");
    let connector =
        SlackClientHyperConnector::with_connector(hyper_util::client::legacy::connect::HttpConnector::new())
            .with_slack_api_url(&slack.api_url());
    let client = SlackClient::new(connector);
    let token = SlackApiToken::new(SlackApiTokenValue(BOT_TOKEN.into()));
    let session = client.open_session(&token);

    let user = session.users_info(&SlackApiUsersInfoRequest::new("U1".into())).await.unwrap().user;
    assert_eq!(user.tz_offset, Some(7200));
    let posted = session
        .chat_post_message(&SlackApiChatPostMessageRequest::new(
            "DU1".into(),
            SlackMessageContent::new().with_text("hi".into()),
        ))
        .await
        .unwrap();
    session
        .chat_update(&SlackApiChatUpdateRequest::new(
            "DU1".into(),
            SlackMessageContent::new().with_text("hello".into()),
            posted.ts,
        ))
        .await
        .unwrap();
    let home = SlackView::Home(SlackHomeView::new(vec![]));
    let published = session.views_publish(&SlackApiViewsPublishRequest::new("U1".into(), home)).await.unwrap();
    assert!(published.view.state_params.id.0.starts_with('V'));

    let got = session
        .get_upload_url_external(&SlackApiFilesGetUploadUrlExternalRequest::new("c.png".into(), 3))
        .await
        .unwrap();
    session
        .files_upload_via_url(&SlackApiFilesUploadViaUrlRequest::new(got.upload_url, vec![1, 2, 3], "image/png".into()))
        .await
        .unwrap();
    let complete = SlackApiFilesComplete::new(got.file_id).with_title("chart".into());
    let done = session
        .files_complete_upload_external(
            &SlackApiFilesCompleteUploadExternalRequest::new(vec![complete]).with_channel_id("C0PLAN".into()),
        )
        .await
        .unwrap();
    assert_eq!(done.files[0].title.as_deref(), Some("chart"));
    assert_eq!(slack.uploaded_files()[0].bytes, [1, 2, 3]);
    assert_eq!(slack.calls("users.info")[0].body, json!({"user": "U1"}), "query parameters are arguments");
}

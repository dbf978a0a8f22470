//! `POST /slack/interactions`: task-card buttons, "Apply anyway", and the
//! modals for a block reason or a note. Every interaction is acknowledged
//! within Slack's 3 s; a modal is opened before anything slow, because its
//! `trigger_id` lives 3 s; follow-ups go to the click's `response_url`.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::snapshot::PlanSnapshot;
use super::{AppError, AppState};
use crate::command::card::{BLOCK, DONE, NOTE, START};
use crate::command::{self, APPLY_ANYWAY, Caller, Command, EditAction, Reply, Text, edits};
use crate::plan::{Status, TaskId};
use crate::slack::blocks::message_content;
use crate::slack::interaction::{Actor, Interaction};
use crate::slack::modals::{Ask, TEXT_BLOCK, text_modal};
use crate::standup::forms::{CONFIG_CALLBACK, UPDATE_CALLBACK, read_config};
use crate::standup::messages::{APPLY_MENTIONED, WRITE_UPDATE};

pub async fn handle(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Result<Response, AppError> {
    super::slack_commands::verify(&state, &headers, &body, state.clock.now())?;
    let interaction = Interaction::parse(&body).map_err(|e| AppError::BadInteraction(e.to_string()))?;
    match interaction {
        Interaction::Button { actor, action_id, value, trigger_id, response_url } => {
            let reply = button(&state, &actor, &action_id, &value, &trigger_id).await;
            if let (Some(reply), Some(url)) = (reply, response_url) {
                follow_up(&state, url, reply);
            }
            Ok(StatusCode::OK.into_response())
        }
        Interaction::Submission { actor, callback_id, private_metadata, values, submission_id } => {
            Ok(submission(&state, &actor, &callback_id, &private_metadata, &values, &submission_id).await)
        }
        Interaction::Other(kind) => {
            tracing::debug!(kind, "interaction ignored");
            Ok(StatusCode::OK.into_response())
        }
    }
}

/// A click; `Some(reply)` is posted back to the person.
async fn button(state: &AppState, actor: &Actor, action_id: &str, value: &str, trigger_id: &str) -> Option<Reply> {
    let ask = match action_id {
        BLOCK => Some(Ask::BlockReason),
        NOTE => Some(Ask::Note),
        _ => None,
    };
    if let Some(ask) = ask {
        return open_modal(state, ask, value, trigger_id).await;
    }
    if action_id == WRITE_UPDATE {
        return open_update_form(state, actor, value, trigger_id).await;
    }
    let caller = Caller { user: &actor.user, name: actor.name.as_deref(), request_id: Some(trigger_id) };
    let snapshot = PlanSnapshot::take(state, state.clock.now());
    let ctx = snapshot.context(state);
    let reply = match action_id {
        START | DONE => {
            let status = if action_id == START { Status::InProgress } else { Status::Completed };
            let request = command::Request {
                command: Command::Edit { task: value.to_owned(), action: EditAction::SetStatus { status, why: None } },
                visibility: command::Visibility::Ephemeral,
            };
            command::respond(&request, &ctx, state.store.as_ref(), Some(&caller)).await
        }
        APPLY_MENTIONED => {
            let request = command::parse(&format!("set {value}"));
            command::respond(&request, &ctx, state.store.as_ref(), Some(&caller)).await
        }
        APPLY_ANYWAY => match value.parse::<i64>() {
            Ok(id) => edits::apply_anyway(&ctx, state.store.as_ref(), &caller, id).await,
            Err(_) => return None,
        },
        _ => return None,
    };
    wake_committer(state);
    Some(reply.unwrap_or_else(|err| apology(&err.to_string())))
}

async fn open_modal(state: &AppState, ask: Ask, task: &str, trigger_id: &str) -> Option<Reply> {
    let Some(web) = &state.slack_web else {
        return Some(Reply::message(
            Text::plain("This needs planbot's Slack bot token (SLACK_BOT_TOKEN); use ")
                .and_code("/plan block ID REASON")
                .and_plain(" instead."),
        ));
    };
    let task: TaskId = task.parse().ok()?;
    if let Err(error) = web.open_modal(trigger_id, text_modal(ask, &task)).await {
        tracing::warn!(error = %error, "could not open a modal");
        return Some(apology("Slack did not open the form; please try again"));
    }
    None
}

/// A modal was submitted: queue the edit, or say what is missing.
async fn submission(
    state: &AppState,
    actor: &Actor,
    callback_id: &str,
    task: &str,
    values: &std::collections::BTreeMap<String, String>,
    submission_id: &str,
) -> Response {
    match callback_id {
        UPDATE_CALLBACK => return standup_update(state, actor, task, values, submission_id).await,
        CONFIG_CALLBACK => return standup_config(state, actor, values).await,
        _ => {}
    }
    let Some(ask) = Ask::from_callback_id(callback_id) else { return StatusCode::OK.into_response() };
    let text = values.get(TEXT_BLOCK).map(|t| t.trim().to_owned()).unwrap_or_default();
    if text.is_empty() {
        let error = if ask == Ask::BlockReason { "Say why it is blocked." } else { "Write the note." };
        return Json(json!({"response_action": "errors", "errors": {TEXT_BLOCK: error}})).into_response();
    }
    let action = match ask {
        Ask::BlockReason => EditAction::SetStatus { status: Status::Blocked, why: Some(text) },
        Ask::Note => EditAction::Note(text),
    };
    let caller = Caller { user: &actor.user, name: actor.name.as_deref(), request_id: Some(submission_id) };
    let snapshot = PlanSnapshot::take(state, state.clock.now());
    let request = command::Request {
        command: Command::Edit { task: task.to_owned(), action },
        visibility: command::Visibility::Ephemeral,
    };
    let reply = command::respond(&request, &snapshot.context(state), state.store.as_ref(), Some(&caller)).await;
    wake_committer(state);
    match reply {
        // The modal closes; the author hears from the committer.
        Ok(reply) if reply.summary().starts_with("Queued") => StatusCode::OK.into_response(),
        Ok(refusal) => {
            Json(json!({"response_action": "errors", "errors": {TEXT_BLOCK: refusal.summary()}})).into_response()
        }
        Err(error) => {
            Json(json!({"response_action": "errors", "errors": {TEXT_BLOCK: error.to_string()}})).into_response()
        }
    }
}

/// "Write update" on a standup prompt: the form, opened at once (the
/// trigger lives 3 s).
async fn open_update_form(state: &AppState, actor: &Actor, day: &str, trigger_id: &str) -> Option<Reply> {
    let (Some(standups), Some(web)) = (&state.standups, &state.slack_web) else {
        return Some(apology("standups are not running here"));
    };
    let day = day.parse().ok()?;
    let form = match standups.update_form(&actor.user, day).await {
        Ok(form) => form,
        Err(error) => return Some(apology(&error.to_string())),
    };
    if let Err(error) = web.open_modal(trigger_id, form).await {
        tracing::warn!(error = %error, "could not open the standup form");
        return Some(apology("Slack did not open the form; please try again, or reply to the prompt with your update"));
    }
    None
}

fn field_errors<'a>(errors: impl IntoIterator<Item = (&'a str, String)>) -> Response {
    let errors: serde_json::Map<String, serde_json::Value> =
        errors.into_iter().map(|(field, text)| (field.to_owned(), json!(text))).collect();
    Json(json!({"response_action": "errors", "errors": errors})).into_response()
}

async fn standup_update(
    state: &AppState,
    actor: &Actor,
    day: &str,
    values: &std::collections::BTreeMap<String, String>,
    submission_id: &str,
) -> Response {
    let (Some(standups), Ok(day)) = (&state.standups, day.parse()) else { return StatusCode::OK.into_response() };
    if values.get("q0").is_none_or(|text| text.trim().is_empty()) {
        return field_errors([("q0", "Write a line or two before posting.".to_owned())]);
    }
    let author = actor.name.clone().unwrap_or_else(|| actor.user.to_string());
    match standups.submit_update(&actor.user, &author, day, values, submission_id).await {
        Ok(_) => StatusCode::OK.into_response(),
        Err(error) => {
            tracing::warn!(error = %error, "could not record a standup answer");
            field_errors([("q0", format!("Sorry, that did not save: {error}. Please try again."))])
        }
    }
}

async fn standup_config(
    state: &AppState,
    actor: &Actor,
    values: &std::collections::BTreeMap<String, String>,
) -> Response {
    let Some(standups) = &state.standups else { return StatusCode::OK.into_response() };
    if !state.editors.contains(&actor.user) {
        return field_errors([("days", "Only plan editors can change the standup settings.".to_owned())]);
    }
    let config = match read_config(values) {
        Ok(config) => config,
        Err(errors) => return field_errors(errors),
    };
    match standups.save_config(&config, &actor.user).await {
        Ok(()) => StatusCode::OK.into_response(),
        Err(error) => field_errors([("days", format!("Sorry, that did not save: {error}."))]),
    }
}

fn wake_committer(state: &AppState) {
    if let Some(committer) = &state.committer {
        committer.notify_one();
    }
}

fn apology(reason: &str) -> Reply {
    Reply::message(Text::plain(format!("Sorry, that did not work: {reason}.")))
}

/// Posts to the click's `response_url` after the acknowledgement.
fn follow_up(state: &AppState, url: String, reply: Reply) {
    let client = state.responder.clone();
    let mut body = serde_json::to_value(message_content(&reply)).unwrap_or_default();
    body["response_type"] = json!("ephemeral");
    body["replace_original"] = json!(false);
    tokio::spawn(async move {
        if let Err(error) = client.post(&url).json(&body).send().await {
            tracing::warn!(error = %error.without_url(), "could not answer through response_url");
        }
    });
}

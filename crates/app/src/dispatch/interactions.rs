//! Clicks and submitted forms: task-card buttons, "Apply anyway", the
//! Block and Note forms, and the standup's forms. Every interaction is
//! acknowledged within Slack's 3 s. A form is opened before anything slow,
//! because its `trigger_id` lives 3 s; the answer to a click follows
//! through its `response_url`.

use std::collections::BTreeMap;

use serde_json::Value;
use tracing::Instrument;

use super::events::failed;
use super::inbox::{Kind, WorkError};
use super::{Ack, App, DispatchError};
use crate::caller::Caller;
use crate::command::edits::ASSIGN_NEW_ROLE;
use crate::command::{Command, EditAction, Request, edits, parse};
use crate::standup::forms::{CONFIG_CALLBACK, UPDATE_CALLBACK, read_config};
use crate::standup::messages::{APPLY_MENTIONED, WRITE_UPDATE};
use crate::views::{BLOCK, DONE, NOTE, START};
use crate::writeback::APPLY_ANYWAY;
use planbot_domain::plan::{Status, TaskId};
use planbot_reply::{Reply, Text, Visibility};
use planbot_slack::interaction::{Actor, Interaction};
use planbot_slack::modals::{Ask, TEXT_BLOCK, text_modal};

impl App {
    /// A click or a submitted form. Forms open at once (a trigger lives
    /// 3 s); clicks that change the plan are kept in the inbox and worked
    /// after the acknowledgement; submissions are answered in it.
    pub async fn interaction(&self, payload: &Value) -> Result<Ack, DispatchError> {
        let request_id =
            payload.get("trigger_id").or_else(|| payload.pointer("/view/id")).and_then(Value::as_str).unwrap_or("");
        let span = tracing::info_span!("interaction", request_id);
        self.interaction_in_span(payload).instrument(span).await
    }

    async fn interaction_in_span(&self, payload: &Value) -> Result<Ack, DispatchError> {
        let interaction =
            Interaction::from_value(payload).map_err(|error| DispatchError::Malformed(error.to_string()))?;
        match interaction {
            Interaction::Button { actor, action_id, value, trigger_id, response_url } => {
                let opened = match action_id.as_str() {
                    BLOCK => self.open_modal(Ask::BlockReason, &value, &trigger_id).await,
                    NOTE => self.open_modal(Ask::Note, &value, &trigger_id).await,
                    WRITE_UPDATE => self.open_update_form(&actor, &value, &trigger_id).await,
                    START | DONE | APPLY_MENTIONED | APPLY_ANYWAY | ASSIGN_NEW_ROLE => {
                        self.keep(&format!("click:{trigger_id}"), Kind::Click, payload).await?;
                        return Ok(Ack::Empty);
                    }
                    _ => None,
                };
                if let (Some(reply), Some(url)) = (opened, response_url) {
                    self.respond_later(url, reply);
                }
                Ok(Ack::Empty)
            }
            Interaction::Submission { actor, callback_id, private_metadata, values, submission_id } => {
                Ok(self.submission(&actor, &callback_id, &private_metadata, &values, &submission_id).await)
            }
            Interaction::Other(kind) => {
                tracing::debug!(kind, "interaction ignored");
                Ok(Ack::Empty)
            }
        }
    }

    /// Handles a kept click and answers it through its `response_url`.
    pub(super) async fn work_click(&self, payload: &Value) -> Result<(), WorkError> {
        let interaction = Interaction::from_value(payload).map_err(|error| WorkError::Malformed(error.to_string()))?;
        let Interaction::Button { actor, action_id, value, trigger_id, response_url } = interaction else {
            return Ok(());
        };
        let Some(reply) = self.click(&actor, &action_id, &value, &trigger_id).await else { return Ok(()) };
        let (Some(url), Some(responder)) = (response_url, &self.responder) else { return Ok(()) };
        responder.send(&url, &reply).await.map_err(|error| failed("answer through response_url", error))
    }

    /// A click that changes the plan; the reply says how it went.
    async fn click(&self, actor: &Actor, action_id: &str, value: &str, trigger_id: &str) -> Option<Reply> {
        let caller = Caller { user: &actor.user, name: actor.name.as_deref(), request_id: Some(trigger_id) };
        let reply = match action_id {
            START | DONE => {
                let status = if action_id == START { Status::InProgress } else { Status::Completed };
                let request = edit_request(value, EditAction::SetStatus { status, why: None });
                self.answer(&request, Some(&caller)).await
            }
            APPLY_MENTIONED => self.answer(&parse(&format!("set {value}")), Some(&caller)).await,
            ASSIGN_NEW_ROLE => {
                let (task, owner) = value.split_once(' ')?;
                let request = edit_request(task, EditAction::Assign { owner: owner.to_owned(), new_role: true });
                self.answer(&request, Some(&caller)).await
            }
            APPLY_ANYWAY => {
                let id = value.parse::<i64>().ok()?;
                let snapshot = self.snapshot();
                let ctx = snapshot.context(self);
                edits::apply_anyway(&ctx, self.store.as_ref(), &caller, id).await.map_err(Into::into)
            }
            _ => return None,
        };
        self.wake_committer();
        Some(reply.unwrap_or_else(|error| {
            tracing::warn!(error = %error, action_id, "a click could not be handled");
            error.apology()
        }))
    }

    async fn open_modal(&self, ask: Ask, task: &str, trigger_id: &str) -> Option<Reply> {
        let Some(web) = &self.slack else {
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

    /// "Write update" on a standup prompt: the form, opened at once (the
    /// trigger lives 3 s).
    async fn open_update_form(&self, actor: &Actor, day: &str, trigger_id: &str) -> Option<Reply> {
        let (Some(standups), Some(web)) = (&self.standups, &self.slack) else {
            return Some(apology("standups are not running here"));
        };
        let day = day.parse().ok()?;
        let form = match standups.update_form(&actor.user, day).await {
            Ok(form) => form,
            Err(error) => return Some(apology(&error.to_string())),
        };
        if let Err(error) = web.open_modal(trigger_id, form).await {
            tracing::warn!(error = %error, "could not open the standup form");
            return Some(apology(
                "Slack did not open the form; please try again, or reply to the prompt with your update",
            ));
        }
        None
    }

    /// A form was submitted: queue the edit, or say what is missing.
    async fn submission(
        &self,
        actor: &Actor,
        callback_id: &str,
        task: &str,
        values: &BTreeMap<String, String>,
        submission_id: &str,
    ) -> Ack {
        match callback_id {
            UPDATE_CALLBACK => return self.standup_update(actor, task, values, submission_id).await,
            CONFIG_CALLBACK => return self.standup_config(actor, values).await,
            _ => {}
        }
        let Some(ask) = Ask::from_callback_id(callback_id) else { return Ack::Empty };
        let text = values.get(TEXT_BLOCK).map(|t| t.trim().to_owned()).unwrap_or_default();
        if text.is_empty() {
            let error = if ask == Ask::BlockReason { "Say why it is blocked." } else { "Write the note." };
            return form_error(TEXT_BLOCK, error);
        }
        let action = match ask {
            Ask::BlockReason => EditAction::SetStatus { status: Status::Blocked, why: Some(text) },
            Ask::Note => EditAction::Note(text),
        };
        let caller = Caller { user: &actor.user, name: actor.name.as_deref(), request_id: Some(submission_id) };
        let reply = self.answer(&edit_request(task, action), Some(&caller)).await;
        self.wake_committer();
        match reply {
            // The form closes; the author hears from the committer.
            Ok(reply) if reply.summary().starts_with("Queued") => Ack::Empty,
            Ok(refusal) => form_error(TEXT_BLOCK, refusal.summary()),
            Err(error) => form_error(TEXT_BLOCK, error.to_string()),
        }
    }

    async fn standup_update(
        &self,
        actor: &Actor,
        day: &str,
        values: &BTreeMap<String, String>,
        submission_id: &str,
    ) -> Ack {
        let (Some(standups), Ok(day)) = (&self.standups, day.parse()) else { return Ack::Empty };
        if values.get("q0").is_none_or(|text| text.trim().is_empty()) {
            return form_error("q0", "Write a line or two before posting.");
        }
        let author = actor.name.clone().unwrap_or_else(|| actor.user.to_string());
        match standups.submit_update(&actor.user, &author, day, values, submission_id).await {
            Ok(_) => Ack::Empty,
            Err(error) => {
                tracing::warn!(error = %error, "could not record a standup answer");
                form_error("q0", format!("Sorry, that did not save: {error}. Please try again."))
            }
        }
    }

    async fn standup_config(&self, actor: &Actor, values: &BTreeMap<String, String>) -> Ack {
        let Some(standups) = &self.standups else { return Ack::Empty };
        if !self.editors.contains(&actor.user) {
            return form_error("days", "Only plan editors can change the standup settings.");
        }
        let config = match read_config(values) {
            Ok(config) => config,
            Err(errors) => {
                return Ack::FormErrors(errors.into_iter().map(|(field, text)| (field.to_owned(), text)).collect());
            }
        };
        match standups.save_config(&config, &actor.user).await {
            Ok(()) => Ack::Empty,
            Err(error) => form_error("days", format!("Sorry, that did not save: {error}.")),
        }
    }

    /// Why a form did not open, posted to the click's `response_url`
    /// after the acknowledgement.
    fn respond_later(&self, url: String, reply: Reply) {
        let Some(responder) = self.responder.clone() else { return };
        tokio::spawn(async move {
            if let Err(error) = responder.send(&url, &reply).await {
                tracing::warn!(error = %error, "could not answer through response_url");
            }
        });
    }
}

fn edit_request(task: &str, action: EditAction) -> Request {
    Request { command: Command::Edit { tasks: vec![task.to_owned()], action }, visibility: Visibility::Ephemeral }
}

fn form_error(field: &str, text: impl Into<String>) -> Ack {
    Ack::FormErrors(vec![(field.to_owned(), text.into())])
}

fn apology(reason: &str) -> Reply {
    Reply::message(Text::plain(format!("Sorry, that did not work: {reason}.")))
}

//! Interaction payloads Slack posts (form field `payload`, signed like
//! commands): button clicks and modal submissions.

use std::collections::BTreeMap;

use serde_json::Value;

use super::SlackUserId;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user: SlackUserId,
    pub name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Interaction {
    Button {
        actor: Actor,
        action_id: String,
        value: String,
        trigger_id: String,
        response_url: Option<String>,
    },
    Submission {
        actor: Actor,
        callback_id: String,
        private_metadata: String,
        /// `block_id` → the text typed (plain-text inputs).
        values: BTreeMap<String, String>,
        /// Unique per submission: a redelivered one is recognised.
        submission_id: String,
    },
    /// Anything planbot does not act on (acknowledged and ignored).
    Other(String),
}

#[derive(Debug, thiserror::Error)]
pub enum InteractionError {
    #[error("not an interaction payload: {0}")]
    Malformed(String),
}

#[derive(serde::Deserialize)]
struct Form {
    payload: String,
}

fn text(value: &Value, path: &[&str]) -> Option<String> {
    path.iter().try_fold(value, |v, key| v.get(key)).and_then(Value::as_str).map(str::to_owned)
}

/// The JSON payload of an HTTP delivery (the form field `payload`).
pub fn payload_of(body: &[u8]) -> Result<Value, InteractionError> {
    let form: Form = serde_urlencoded::from_bytes(body).map_err(|e| InteractionError::Malformed(e.to_string()))?;
    serde_json::from_str(&form.payload).map_err(|e| InteractionError::Malformed(e.to_string()))
}

impl Interaction {
    /// An HTTP delivery's body (the form field `payload`).
    pub fn parse(body: &[u8]) -> Result<Interaction, InteractionError> {
        Interaction::from_value(&payload_of(body)?)
    }

    /// The payload as JSON, whichever transport brought it.
    pub fn from_value(payload: &Value) -> Result<Interaction, InteractionError> {
        let kind = text(payload, &["type"]).unwrap_or_default();
        let user = text(payload, &["user", "id"])
            .and_then(|id| id.parse().ok())
            .ok_or_else(|| InteractionError::Malformed("no user".into()))?;
        let name = text(payload, &["user", "username"]).or_else(|| text(payload, &["user", "name"]));
        let actor = Actor { user, name };
        match kind.as_str() {
            "block_actions" => {
                let action = payload.get("actions").and_then(|a| a.get(0)).cloned().unwrap_or(Value::Null);
                Ok(Interaction::Button {
                    actor,
                    action_id: text(&action, &["action_id"]).unwrap_or_default(),
                    value: text(&action, &["value"]).unwrap_or_default(),
                    trigger_id: text(payload, &["trigger_id"]).unwrap_or_default(),
                    response_url: text(payload, &["response_url"]),
                })
            }
            "view_submission" => {
                let view = payload.get("view").cloned().unwrap_or(Value::Null);
                Ok(Interaction::Submission {
                    actor,
                    callback_id: text(&view, &["callback_id"]).unwrap_or_default(),
                    private_metadata: text(&view, &["private_metadata"]).unwrap_or_default(),
                    values: input_values(&view),
                    submission_id: format!(
                        "{}:{}",
                        text(&view, &["id"]).unwrap_or_default(),
                        text(&view, &["hash"]).unwrap_or_default()
                    ),
                })
            }
            other => Ok(Interaction::Other(other.to_owned())),
        }
    }
}

/// `view.state.values.<block_id>.<action_id>.value` for each input block.
fn input_values(view: &Value) -> BTreeMap<String, String> {
    let mut values = BTreeMap::new();
    if let Some(blocks) = view.pointer("/state/values").and_then(Value::as_object) {
        for (block_id, actions) in blocks {
            // Text inputs carry `value`; selects carry `selected_option`.
            let action = actions.as_object().and_then(|a| a.values().next());
            let typed = action.and_then(|a| {
                a.get("value").and_then(Value::as_str).or_else(|| a.pointer("/selected_option/value")?.as_str())
            });
            values.insert(block_id.clone(), typed.unwrap_or_default().to_owned());
        }
    }
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(payload: &str) -> Vec<u8> {
        serde_urlencoded::to_string([("payload", payload)]).unwrap().into_bytes()
    }

    #[test]
    fn a_button_click_names_who_what_and_where_to_answer() {
        let payload = r#"{"type":"block_actions","user":{"id":"U2CERLKJA","username":"dana"},"trigger_id":"1.2.3",
            "response_url":"https://hooks.slack.com/actions/x","actions":[{"action_id":"task_done","value":"DEVOPS-035"}]}"#;
        let Interaction::Button { actor, action_id, value, trigger_id, response_url } =
            Interaction::parse(&form(payload)).unwrap()
        else {
            panic!("a button")
        };
        assert_eq!((actor.user.as_str(), actor.name.as_deref()), ("U2CERLKJA", Some("dana")));
        assert_eq!((action_id.as_str(), value.as_str(), trigger_id.as_str()), ("task_done", "DEVOPS-035", "1.2.3"));
        assert_eq!(response_url.as_deref(), Some("https://hooks.slack.com/actions/x"));
    }

    #[test]
    fn a_modal_submission_carries_its_inputs() {
        let payload = r#"{"type":"view_submission","user":{"id":"U2CERLKJA"},"view":{"id":"V1","hash":"h1",
            "callback_id":"task_block","private_metadata":"FE-004",
            "state":{"values":{"text":{"value":{"type":"plain_text_input","value":"waiting on design"}}}}}}"#;
        let Interaction::Submission { callback_id, private_metadata, values, submission_id, .. } =
            Interaction::parse(&form(payload)).unwrap()
        else {
            panic!("a submission")
        };
        assert_eq!(
            (callback_id.as_str(), private_metadata.as_str(), submission_id.as_str()),
            ("task_block", "FE-004", "V1:h1")
        );
        assert_eq!(values.get("text").map(String::as_str), Some("waiting on design"));
    }

    #[test]
    fn garbage_is_rejected() {
        assert!(Interaction::parse(b"payload=not-json").is_err());
        assert!(Interaction::parse(b"nothing=here").is_err());
    }
}

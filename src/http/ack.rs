//! An application acknowledgement as Slack expects it over HTTP.

use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use planbot_app::dispatch::Ack;
use planbot_slack::blocks;

pub struct HttpAck(pub Ack);

impl IntoResponse for HttpAck {
    fn into_response(self) -> Response {
        match self.0 {
            // Slack reads an empty 200 as "received"; `{}` would be shown.
            Ack::Empty => StatusCode::OK.into_response(),
            Ack::Reply(reply) => Json(blocks::command_response(&reply)).into_response(),
            Ack::FormErrors(errors) => {
                let errors: Map<String, Value> = errors.into_iter().map(|(field, text)| (field, json!(text))).collect();
                Json(json!({"response_action": "errors", "errors": errors})).into_response()
            }
            Ack::Challenge(challenge) => ([(header::CONTENT_TYPE, "text/plain")], challenge).into_response(),
        }
    }
}

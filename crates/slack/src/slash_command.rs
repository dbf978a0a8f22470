//! The form Slack posts for a slash command.

use serde::Deserialize;

use super::SlackUserId;

/// The fields planbot uses; Slack sends more (`token` is deprecated and
/// ignored: the signature is what authenticates a request).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlashCommand {
    pub user_id: SlackUserId,
    /// The person's Slack handle (deprecated by Slack but still sent).
    pub user_name: Option<String>,
    pub command: String,
    pub text: String,
    pub team_id: Option<String>,
    pub channel_id: Option<String>,
    pub response_url: Option<String>,
    pub trigger_id: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum SlashCommandError {
    #[error("the form is not a slash command: {0}")]
    Form(#[from] serde_urlencoded::de::Error),
    #[error("the payload is not a slash command: {0}")]
    Json(#[from] serde_json::Error),
    #[error(transparent)]
    User(#[from] super::InvalidSlackUserId),
}

/// What Slack posted to the command URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SlashCommandForm {
    Command(SlashCommand),
    /// Slack's periodic certificate check (`ssl_check=1`), not a command.
    SslCheck,
}

#[derive(Deserialize)]
struct SslCheck {
    ssl_check: Option<String>,
}

#[derive(Deserialize)]
struct Form {
    user_id: String,
    user_name: Option<String>,
    command: String,
    #[serde(default)]
    text: String,
    team_id: Option<String>,
    channel_id: Option<String>,
    response_url: Option<String>,
    trigger_id: Option<String>,
}

impl SlashCommand {
    pub fn parse(body: &[u8]) -> Result<SlashCommandForm, SlashCommandError> {
        let check: SslCheck = serde_urlencoded::from_bytes(body)?;
        if check.ssl_check.as_deref() == Some("1") {
            return Ok(SlashCommandForm::SslCheck);
        }
        let form: Form = serde_urlencoded::from_bytes(body)?;
        Ok(SlashCommandForm::Command(form.into_command()?))
    }

    /// A Socket Mode envelope's payload: the same fields as a JSON object.
    pub fn from_value(payload: &serde_json::Value) -> Result<SlashCommand, SlashCommandError> {
        Form::deserialize(payload)?.into_command()
    }
}

impl Form {
    fn into_command(self) -> Result<SlashCommand, SlashCommandError> {
        let form = self;
        Ok(SlashCommand {
            user_id: form.user_id.parse()?,
            user_name: form.user_name,
            command: form.command,
            text: form.text,
            team_id: form.team_id,
            channel_id: form.channel_id,
            response_url: form.response_url,
            trigger_id: form.trigger_id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_slacks_form_encoding() {
        let body = b"token=x&team_id=T1&channel_id=C9&user_id=U2CERLKJA&command=%2Fplan&text=status+DEVOPS-035&response_url=https%3A%2F%2Fhooks.slack.com%2Fx&trigger_id=1.2.3";
        let Ok(SlashCommandForm::Command(command)) = SlashCommand::parse(body) else { panic!("a command") };
        assert_eq!(command.user_id.as_str(), "U2CERLKJA");
        assert_eq!(command.command, "/plan");
        assert_eq!(command.text, "status DEVOPS-035");
        assert_eq!(command.channel_id.as_deref(), Some("C9"));
    }

    #[test]
    fn slacks_certificate_check_is_recognised() {
        assert_eq!(SlashCommand::parse(b"ssl_check=1&token=x").unwrap(), SlashCommandForm::SslCheck);
    }

    #[test]
    fn a_form_without_a_user_is_rejected() {
        assert!(SlashCommand::parse(b"command=%2Fplan&text=").is_err());
        assert!(SlashCommand::parse(b"command=%2Fplan&user_id=nobody").is_err());
    }
}

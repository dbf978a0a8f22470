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
    #[error("the form is not a slash command: it has no `{0}` field")]
    MissingField(&'static str),
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

/// The form's fields as they arrive, each at most once.
#[derive(Default)]
struct FormFields {
    user_id: Option<String>,
    user_name: Option<String>,
    command: Option<String>,
    text: Option<String>,
    team_id: Option<String>,
    channel_id: Option<String>,
    response_url: Option<String>,
    trigger_id: Option<String>,
}

impl FormFields {
    fn into_command(self) -> Result<SlashCommand, SlashCommandError> {
        Ok(SlashCommand {
            user_id: self.user_id.ok_or(SlashCommandError::MissingField("user_id"))?.parse()?,
            user_name: self.user_name,
            command: self.command.ok_or(SlashCommandError::MissingField("command"))?,
            text: self.text.unwrap_or_default(),
            team_id: self.team_id,
            channel_id: self.channel_id,
            response_url: self.response_url,
            trigger_id: self.trigger_id,
        })
    }
}

/// A Socket Mode payload, which carries the same fields as JSON.
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
    /// One pass over the form (it is on every command's path); a field
    /// Slack sends twice keeps its first value.
    pub fn parse(body: &[u8]) -> Result<SlashCommandForm, SlashCommandError> {
        let mut form = FormFields::default();
        for (key, value) in form_urlencoded::parse(body) {
            let slot = match key.as_ref() {
                "ssl_check" if value == "1" => return Ok(SlashCommandForm::SslCheck),
                "user_id" => &mut form.user_id,
                "user_name" => &mut form.user_name,
                "command" => &mut form.command,
                "text" => &mut form.text,
                "team_id" => &mut form.team_id,
                "channel_id" => &mut form.channel_id,
                "response_url" => &mut form.response_url,
                "trigger_id" => &mut form.trigger_id,
                _ => continue,
            };
            slot.get_or_insert_with(|| value.into_owned());
        }
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
    fn a_form_without_a_user_or_command_is_rejected_by_name() {
        let missing = SlashCommand::parse(b"command=%2Fplan&text=").unwrap_err();
        assert_eq!(missing.to_string(), "the form is not a slash command: it has no `user_id` field");
        assert!(SlashCommand::parse(b"user_id=U2CERLKJA&text=x").is_err());
        assert!(SlashCommand::parse(b"command=%2Fplan&user_id=nobody").is_err());
    }
}

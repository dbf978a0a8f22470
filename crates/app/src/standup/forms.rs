//! The standup's modals: "Write update" (the questions, and a status
//! select for each of the person's open tasks) and the settings form
//! editors open with `/plan standup config`.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use planbot_slack::SlackView;
use serde_json::{Value, json};

use crate::standup::{Answer, ConfigError, Response, StandupConfig, Weekdays, parse_delay, parse_time};
use planbot_domain::plan::{Status, TaskId};

pub const UPDATE_CALLBACK: &str = "standup_update";
pub const CONFIG_CALLBACK: &str = "standup_config";
/// Status selects are the blocks whose id starts with this, then the task.
const TASK_PREFIX: &str = "task:";

/// A task as the update form shows it.
pub struct TaskChoice {
    pub id: TaskId,
    pub title: String,
    pub status: Option<Status>,
    /// The person may change this task's status.
    pub editable: bool,
}

fn plain(text: &str) -> Value {
    json!({"type": "plain_text", "text": text, "emoji": true})
}

/// Labels hold 2000 characters; a question is cut short rather than refused.
fn label(text: &str) -> Value {
    plain(&text.chars().take(1990).collect::<String>())
}

fn option(status: Status) -> Value {
    json!({"text": plain(status.canonical()), "value": status.canonical()})
}

fn view(value: Value) -> Result<SlackView, serde_json::Error> {
    serde_json::from_value(value)
}

fn question_block(index: usize, question: &str, initial: Option<&str>) -> Value {
    let mut input = json!({"type": "plain_text_input", "action_id": "value", "multiline": true, "max_length": 3000});
    if let Some(text) = initial {
        input["initial_value"] = json!(text);
    }
    json!({"type": "input", "block_id": format!("q{index}"), "optional": index > 0, "label": label(question), "element": input})
}

/// The "Write update" form for `day`: the questions (filled in when the
/// person answered already, the first one with their draft from GitHub
/// when they did not) and their tasks, as status selects where they may
/// change them and as plain lines where not.
pub fn update_form(
    day: NaiveDate,
    questions: &[String],
    previous: Option<&Answer>,
    draft: Option<&str>,
    tasks: &[TaskChoice],
) -> Result<SlackView, serde_json::Error> {
    let previous_text =
        |q: &str| previous.and_then(|a| a.responses.iter().find(|r| r.question == q)).map(|r| r.text.as_str());
    let initial = |i: usize, q: &str| previous_text(q).or(if i == 0 { draft } else { None });
    let mut blocks: Vec<Value> =
        questions.iter().enumerate().map(|(i, q)| question_block(i, q, initial(i, q))).collect();
    if !tasks.is_empty() {
        blocks.push(json!({"type": "divider"}));
    }
    blocks.extend(tasks.iter().filter(|t| t.editable).map(task_select));
    let read_only: Vec<String> = tasks
        .iter()
        .filter(|t| !t.editable)
        .map(|t| format!("{} {} · {}", t.id, t.title, t.status.map_or("unknown status", Status::canonical)))
        .collect();
    if !read_only.is_empty() {
        blocks.push(json!({"type": "section", "text": plain(&read_only.join("\n"))}));
        blocks.push(json!({"type": "context", "elements": [plain(
            "You can't change these tasks' status from here; a plan editor can grant you that with /plan grant.")]}));
    }
    view(json!({
        "type": "modal",
        "callback_id": UPDATE_CALLBACK,
        "private_metadata": day.to_string(),
        "title": plain(&format!("Standup {}", day.format("%a %-d %b"))),
        "submit": plain("Post"),
        "close": plain("Cancel"),
        "blocks": blocks,
    }))
}

fn task_select(task: &TaskChoice) -> Value {
    let mut select = json!({
        "type": "static_select",
        "action_id": "status",
        "options": Status::ALL.iter().map(|s| option(*s)).collect::<Vec<_>>(),
    });
    if let Some(status) = task.status {
        select["initial_option"] = option(status);
    }
    let text = format!("{} {}", task.id, task.title);
    json!({"type": "input", "block_id": format!("{TASK_PREFIX}{}", task.id), "optional": true,
           "label": label(&text.chars().take(150).collect::<String>()), "element": select})
}

/// What a submitted update form says: the answers, and the status each
/// task was set to.
pub fn read_update(questions: &[String], values: &BTreeMap<String, String>) -> (Vec<Response>, Vec<(TaskId, Status)>) {
    let responses = questions
        .iter()
        .enumerate()
        .map(|(i, q)| Response { question: q.clone(), text: values.get(&format!("q{i}")).cloned().unwrap_or_default() })
        .collect();
    let statuses = values
        .iter()
        .filter_map(|(block, value)| {
            let id = block.strip_prefix(TASK_PREFIX)?.parse().ok()?;
            Some((id, value.parse().ok()?))
        })
        .collect();
    (responses, statuses)
}

fn text_input(block_id: &str, label_text: &str, initial: &str, hint: &str, multiline: bool) -> Value {
    json!({"type": "input", "block_id": block_id, "label": label(label_text), "hint": plain(hint),
           "element": {"type": "plain_text_input", "action_id": "value", "initial_value": initial, "multiline": multiline}})
}

/// The settings form, filled in with the current settings.
pub fn config_form(config: &StandupConfig) -> Result<SlackView, serde_json::Error> {
    let mention = if config.mention_missing { "yes" } else { "no" };
    let blocks = vec![
        text_input("days", "Days", &config.days.to_string(), "e.g. mon-fri or mon,wed,fri", false),
        text_input(
            "prompt_at",
            "Ask at (each person's own time)",
            &config.prompt_at.format("%H:%M").to_string(),
            "HH:MM",
            false,
        ),
        text_input("remind_after", "Remind after", &config.remind_after_text(), "e.g. 2h, 90m or off", false),
        text_input(
            "summary_at",
            "Post the summary at (team time)",
            &config.summary_at.format("%H:%M").to_string(),
            "HH:MM",
            false,
        ),
        text_input(
            "channel",
            "Summary channel",
            config.channel.as_deref().unwrap_or(""),
            "a channel id such as C0123ABCD",
            false,
        ),
        text_input("questions", "Questions", &config.questions.join("\n"), "one per line", true),
        json!({"type": "input", "block_id": "mention_missing", "label": plain("@-mention people who have not answered"),
               "element": {"type": "static_select", "action_id": "value",
                           "options": [{"text": plain("no"), "value": "no"}, {"text": plain("yes"), "value": "yes"}],
                           "initial_option": {"text": plain(mention), "value": mention}}}),
    ];
    view(json!({
        "type": "modal", "callback_id": CONFIG_CALLBACK, "title": plain("Standup settings"),
        "submit": plain("Save"), "close": plain("Cancel"), "blocks": blocks,
    }))
}

/// Reads the settings form; each problem is reported on its own field.
pub fn read_config(values: &BTreeMap<String, String>) -> Result<StandupConfig, BTreeMap<&'static str, String>> {
    let get = |key: &str| values.get(key).map(|v| v.trim().to_owned()).unwrap_or_default();
    let mut errors = BTreeMap::new();
    let mut check = |field: &'static str, result: Result<(), ConfigError>| {
        if let Err(error) = result {
            errors.insert(field, error.to_string());
        }
    };
    let mut config = StandupConfig::new(None);
    check("days", Weekdays::parse(&get("days")).map(|d| config.days = d));
    check("prompt_at", parse_time(&get("prompt_at")).map(|t| config.prompt_at = t));
    check("remind_after", parse_delay(&get("remind_after")).map(|r| config.remind_after = r));
    check("summary_at", parse_time(&get("summary_at")).map(|t| config.summary_at = t));
    let channel = get("channel");
    config.channel = (!channel.is_empty()).then_some(channel.trim_start_matches('#').to_owned());
    config.questions = get("questions").lines().map(str::trim).filter(|q| !q.is_empty()).map(str::to_owned).collect();
    config.mention_missing = get("mention_missing") == "yes";
    match config.validated() {
        Ok(config) if errors.is_empty() => Ok(config),
        Ok(_) => Err(errors),
        Err(error) => {
            errors.insert("questions", error.to_string());
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_update_form_offers_selects_only_to_those_who_may_edit() {
        let task = |editable| TaskChoice {
            id: "DEVOPS-035".parse().unwrap(),
            title: "Deploy".into(),
            status: Some(Status::InProgress),
            editable,
        };
        let questions = vec!["Done?".to_owned(), "Blockers?".to_owned()];
        let day = "2025-10-21".parse().unwrap();
        let editable =
            serde_json::to_string(&update_form(day, &questions, None, None, &[task(true)]).unwrap()).unwrap();
        assert!(editable.contains("\"block_id\":\"task:DEVOPS-035\""), "{editable}");
        assert!(editable.contains("\"initial_option\""), "{editable}");
        let read_only =
            serde_json::to_string(&update_form(day, &questions, None, None, &[task(false)]).unwrap()).unwrap();
        assert!(!read_only.contains("static_select") && read_only.contains("DEVOPS-035 Deploy · in-progress"));
    }

    #[test]
    fn a_submitted_form_gives_answers_and_statuses() {
        let values = BTreeMap::from([
            ("q0".to_owned(), "Shipped".to_owned()),
            ("task:DEVOPS-035".to_owned(), "completed".to_owned()),
        ]);
        let (responses, statuses) = read_update(&["Done?".into(), "Blockers?".into()], &values);
        assert_eq!(responses[0].text, "Shipped");
        assert_eq!(responses[1].text, "");
        assert_eq!(statuses, vec![("DEVOPS-035".parse().unwrap(), Status::Completed)]);
    }

    #[test]
    fn config_problems_are_reported_per_field() {
        let values = BTreeMap::from([
            ("days".to_owned(), "weekdays".to_owned()),
            ("prompt_at".to_owned(), "9.30".to_owned()),
            ("remind_after".to_owned(), "off".to_owned()),
            ("summary_at".to_owned(), "12:00".to_owned()),
            ("questions".to_owned(), "What's up?".to_owned()),
        ]);
        let errors = read_config(&values).unwrap_err();
        assert_eq!(errors.keys().copied().collect::<Vec<_>>(), vec!["days", "prompt_at"]);
        let fixed = BTreeMap::from_iter(values.into_iter().map(|(k, v)| match k.as_str() {
            "days" => (k, "mon-thu".to_owned()),
            "prompt_at" => (k, "08:45".to_owned()),
            _ => (k, v),
        }));
        let config = read_config(&fixed).unwrap();
        assert_eq!((config.days.to_string().as_str(), config.remind_after), ("mon,tue,wed,thu", None));
    }
}

//! `/plan standup …` and `/plan away …`.

use std::sync::Arc;

use chrono::NaiveDate;

use super::messages::day_label;
use super::service::{StandupError, Standups};
use crate::caller::Caller;
use planbot_domain::people::SlackUserId;
use planbot_reply::{Block, Reply, Text};
use planbot_store::{Member, Membership, SkipDay};

const HISTORY_SHOWN: u32 = 5;

fn usage() -> Reply {
    Reply::new(vec![
        Block::Heading(Text::plain("Standup commands")),
        Block::list(
            None,
            [
                ("/plan standup", "today's standup: who answered, who is away"),
                ("/plan standup join", "take part (people with an owner role take part already)"),
                ("/plan standup leave", "stop taking part"),
                ("/plan standup history [@person] [YYYY-MM-DD]", "past answers"),
                ("/plan away until YYYY-MM-DD", "no prompts through that day; /plan away off to come back"),
                ("/plan standup config", "editors: days, times, channel, questions"),
                ("/plan standup skip YYYY-MM-DD [reason]", "editors: a team holiday (unskip to undo)"),
                ("/plan standup send-prompts | send-summary", "editors: send now (still once a day)"),
            ]
            .into_iter()
            .map(|(command, what)| Text::default().and_code(command).and_plain(format!(" {what}")))
            .collect(),
        ),
    ])
}

fn message(text: impl Into<String>) -> Reply {
    Reply::message(Text::plain(text))
}

fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}

fn mention_id(text: &str) -> Option<SlackUserId> {
    let inner = text.trim().strip_prefix("<@").and_then(|t| t.strip_suffix('>')).unwrap_or(text.trim());
    inner.split('|').next()?.parse().ok()
}

/// Answers `/plan standup WORDS`.
pub async fn standup(
    standups: &Arc<Standups>,
    caller: Option<&Caller<'_>>,
    words: &[String],
) -> Result<Reply, StandupError> {
    let Some(caller) = caller else { return Ok(crate::caller::who_are_you()) };
    let verb = words.first().map(|w| w.to_ascii_lowercase()).unwrap_or_default();
    let args = words.get(1..).unwrap_or_default();
    let editor_only = matches!(verb.as_str(), "config" | "skip" | "unskip" | "send-prompts" | "send-summary");
    if editor_only && !standups.editors.contains(caller.user) {
        return Ok(message(format!("Only plan editors (PLAN_EDITORS) can use /plan standup {verb}.")).refusal());
    }
    match verb.as_str() {
        "" | "today" | "status" => today(standups).await,
        "join" => membership(standups, caller.user, Membership::Joined).await,
        "leave" => membership(standups, caller.user, Membership::Left).await,
        "history" => history(standups, caller.user, args).await,
        "skip" => skip(standups, caller.user, args).await,
        "unskip" => unskip(standups, args).await,
        "config" => config(standups, caller).await,
        "send-prompts" => send(standups, true).await,
        "send-summary" => send(standups, false).await,
        _ => Ok(usage()),
    }
}

/// Answers `/plan away until DATE` and `/plan away off`.
pub async fn away(standups: &Standups, caller: Option<&Caller<'_>>, words: &[String]) -> Result<Reply, StandupError> {
    let Some(caller) = caller else { return Ok(crate::caller::who_are_you()) };
    let today = standups.clock().today();
    let words: Vec<&str> = words.iter().map(String::as_str).filter(|w| !w.eq_ignore_ascii_case("until")).collect();
    // Examples name a real day ahead, so copying one works.
    let example = today + chrono::Days::new(14);
    match words.as_slice() {
        [off] if ["off", "back", "none"].contains(&off.to_ascii_lowercase().as_str()) => {
            standups.store.standups().set_away(caller.user, None).await?;
            Ok(message("Welcome back: you will get standup prompts again."))
        }
        [date] => match parse_date(date) {
            Some(until) if until >= today => {
                standups.store.standups().set_away(caller.user, Some(until)).await?;
                let back = until.succ_opt().unwrap_or(until);
                Ok(message(format!(
                    "You're away through {}: no standup prompts until {}, and summaries show you as away.",
                    day_label(until),
                    day_label(back)
                )))
            }
            Some(_) => Ok(message(format!(
                "{date} is in the past; give the last day of your leave, e.g. /plan away until {example}."
            ))
            .refusal()),
            None => Ok(message(format!(
                "{:?} is not a date; use YYYY-MM-DD, e.g. /plan away until {example}.",
                planbot_reply::echo(date)
            ))
            .refusal()),
        },
        _ => Ok(message(format!(
            "Say until when: /plan away until {example} (the last day you are away), or /plan away off."
        ))
        .refusal()),
    }
}

async fn membership(standups: &Standups, user: &SlackUserId, membership: Membership) -> Result<Reply, StandupError> {
    standups.store.standups().set_membership(user, membership).await?;
    Ok(message(match membership {
        Membership::Joined => "You're in: you'll get a standup prompt by DM on standup days.",
        Membership::Left => "You've left the standup: no more prompts. /plan standup join brings you back.",
    }))
}

async fn today(standups: &Standups) -> Result<Reply, StandupError> {
    let roster = standups.roster().await?;
    let calendar = roster.calendar(standups.team_tz());
    let now = standups.clock().now();
    let today = calendar.team_date(now);
    let day = if calendar.is_standup_day(today) { today } else { standups.open_day(&roster)? };
    let answers = standups.store.standups().answers_on(day).await?;
    let name = |user: &SlackUserId| roster.member(user).map_or_else(|| user.to_string(), Member::display_name);
    let answered: Vec<String> = answers.iter().map(|a| name(&a.user)).collect();
    let (away, expected): (Vec<&Member>, Vec<&Member>) = roster.members.iter().partition(|m| m.is_away_on(day));
    let waiting: Vec<String> =
        expected.iter().filter(|m| !answers.iter().any(|a| a.user == m.user)).map(|m| m.display_name()).collect();
    let summary_time = calendar.summary_at(day).with_timezone(&standups.team_tz()).format("%H:%M");
    let mut blocks = vec![Block::Heading(Text::plain(format!(
        "Standup · {} · summary at {summary_time} ({})",
        day_label(day),
        standups.team_tz()
    )))];
    let line = |label: &str, names: &[String]| {
        Block::Paragraph(Text::bold(format!("{label} ({}):", names.len())).and_plain(format!(" {}", names.join(", "))))
    };
    blocks.push(line("Answered", &answered));
    blocks.push(line("Waiting", &waiting));
    if !away.is_empty() {
        blocks.push(line("Away", &away.iter().map(|m| m.display_name()).collect::<Vec<_>>()));
    }
    blocks.push(match standups.store.standups().summary(day).await? {
        Some(summary) => match summary.permalink {
            Some(link) => Block::Note(Text::plain("Summary posted: ").and_link(link, "open the thread")),
            None => Block::Note(Text::plain("Summary posted.")),
        },
        None => Block::Note(Text::plain("The summary is not posted yet.")),
    });
    if roster.members.is_empty() {
        blocks.push(Block::Note(Text::plain("Nobody takes part yet: /plan iam ROLE or /plan standup join adds you.")));
    }
    Ok(Reply::new(blocks))
}

async fn history(standups: &Standups, caller: &SlackUserId, args: &[String]) -> Result<Reply, StandupError> {
    let mut who = None;
    let mut day = None;
    for arg in args {
        if let Some(date) = parse_date(arg) {
            day = Some(date);
        } else if let Some(user) = mention_id(arg) {
            who = Some(user);
        } else {
            return Ok(message(format!("{arg:?} is neither a @person nor a date (YYYY-MM-DD).")));
        }
    }
    let store = standups.store.standups();
    let answers = match (day, &who) {
        (Some(day), None) => store.answers_on(day).await?,
        (Some(day), Some(user)) => store.answer(day, user).await?.into_iter().collect(),
        (None, user) => store.answers_of(user.as_ref().unwrap_or(caller), HISTORY_SHOWN).await?,
    };
    if answers.is_empty() {
        return Ok(message("No standup answers found for that."));
    }
    let roster = standups.roster().await?;
    let mut blocks = Vec::new();
    for answer in &answers {
        let name = roster.member(&answer.user).map_or_else(|| answer.user.to_string(), Member::display_name);
        blocks.push(Block::Heading(Text::plain(format!("{} · {name}", day_label(answer.day)))));
        for response in answer.responses.iter().filter(|r| !r.text.trim().is_empty()) {
            blocks
                .push(Block::Paragraph(Text::bold(&response.question).and_plain("\n").and_plain(response.text.trim())));
        }
    }
    Ok(Reply::new(blocks))
}

async fn skip(standups: &Standups, by: &SlackUserId, args: &[String]) -> Result<Reply, StandupError> {
    let Some(day) = args.first().and_then(|d| parse_date(d)) else {
        return Ok(message("Give the day: /plan standup skip 2025-12-25 [reason]."));
    };
    let reason = (args.len() > 1).then(|| args[1..].join(" "));
    standups.store.standups().add_skip_day(&SkipDay { day, reason: reason.clone() }, by).await?;
    let why = reason.map(|r| format!(" ({r})")).unwrap_or_default();
    Ok(message(format!("No standup on {}{why}: nobody is asked and no summary is posted.", day_label(day))))
}

async fn unskip(standups: &Standups, args: &[String]) -> Result<Reply, StandupError> {
    let Some(day) = args.first().and_then(|d| parse_date(d)) else {
        return Ok(message("Give the day: /plan standup unskip 2025-12-25."));
    };
    Ok(if standups.store.standups().remove_skip_day(day).await? {
        message(format!("{} is a standup day again.", day_label(day)))
    } else {
        message(format!("{} was not skipped.", day_label(day)))
    })
}

async fn config(standups: &Standups, caller: &Caller<'_>) -> Result<Reply, StandupError> {
    let config = standups.config().await?;
    let skipped = standups.store.standups().skip_days().await?;
    let today = standups.clock().today();
    let upcoming: Vec<String> = skipped
        .iter()
        .filter(|s| s.day >= today)
        .map(|s| format!("{}{}", day_label(s.day), s.reason.as_ref().map(|r| format!(" ({r})")).unwrap_or_default()))
        .collect();
    let mut blocks = vec![
        Block::Heading(Text::plain("Standup settings")),
        Block::Fields(vec![
            ("Days".into(), Text::plain(config.days.to_string())),
            ("Ask at".into(), Text::plain(format!("{} (each person's time)", config.prompt_at.format("%H:%M")))),
            ("Remind after".into(), Text::plain(config.remind_after_text())),
            (
                "Summary".into(),
                Text::plain(format!(
                    "{} {} in {}",
                    config.summary_at.format("%H:%M"),
                    standups.team_tz(),
                    config.channel.as_deref().unwrap_or("(no channel set)")
                )),
            ),
        ]),
        Block::list(Some(Text::bold("Questions")), config.questions.iter().map(Text::plain).collect()),
    ];
    if !upcoming.is_empty() {
        blocks.push(Block::Paragraph(Text::bold("Skipped:").and_plain(format!(" {}", upcoming.join(", ")))));
    }
    match (&standups.slack, caller.request_id) {
        (Some(slack), Some(trigger)) => {
            let form = crate::standup::forms::config_form(&config)
                .map_err(|e| StandupError::Store(planbot_store::StoreError::Corrupt(e.to_string())))?;
            slack.open_modal(trigger, form).await?;
        }
        _ => blocks.push(Block::Note(Text::plain("The settings form opens from Slack."))),
    }
    Ok(Reply::new(blocks))
}

/// A manual send, once a day per person like the scheduled ones. A big
/// fan-out waits on Slack's rate limits: the dispatcher acknowledges it
/// first and this answer, saying how it went, follows.
async fn send(standups: &Arc<Standups>, prompts: bool) -> Result<Reply, StandupError> {
    if standups.slack.is_none() {
        return Ok(
            message("Slack is not connected here (SLACK_BOT_TOKEN is not set), so nothing can be sent.").refusal()
        );
    }
    if prompts {
        let (day, sent) = standups.send_prompts_now().await?;
        return Ok(message(format!(
            "Standup prompts for {}: {sent} sent. Each person gets one per day, so nobody asked already was asked again.",
            day_label(day)
        )));
    }
    let (day, posted) = standups.send_summary_now().await?;
    Ok(message(if posted {
        format!("The standup summary for {} is posted.", day_label(day))
    } else {
        format!("The standup summary for {} was posted already; nothing was sent again.", day_label(day))
    }))
}

//! `planbot doctor`: the go-live check, printed.

use std::process::ExitCode;

use super::CliError;
use crate::config::{Config, Needs};
use crate::doctor::{Finding, Verdict, examine};

pub async fn doctor() -> Result<ExitCode, CliError> {
    // Whatever is set is checked; what is missing is one of the findings.
    let config = Config::from_env(Needs::Offline)?;
    let mut report = examine(&config).await;
    report.0.insert(0, transport(&config));
    print!("{}", report.render());
    Ok(if report.passed() {
        println!("planbot is ready.");
        ExitCode::SUCCESS
    } else {
        println!("Fix the lines marked FIX, then run planbot doctor again.");
        ExitCode::FAILURE
    })
}

/// Slack needs a way in: the signing secret (HTTP), the app token (Socket
/// Mode), or both.
fn transport(config: &Config) -> Finding {
    let verdict = match (config.signing_secret.is_some(), config.slack_app_token.is_some()) {
        (true, true) => Verdict::Ok("HTTP (SLACK_SIGNING_SECRET) and Socket Mode (SLACK_APP_TOKEN)".into()),
        (true, false) => Verdict::Ok("HTTP: Slack calls planbot's public URL (SLACK_SIGNING_SECRET)".into()),
        (false, true) => Verdict::Ok("Socket Mode: planbot connects to Slack (SLACK_APP_TOKEN)".into()),
        (false, false) => Verdict::Fix(
            "set SLACK_SIGNING_SECRET (HTTP, with a public URL) or SLACK_APP_TOKEN (Socket Mode, no public URL)".into(),
        ),
    };
    Finding { area: "transport", verdict }
}

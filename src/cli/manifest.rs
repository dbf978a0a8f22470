//! `planbot manifest`: the Slack app manifest, ready to paste into
//! api.slack.com/apps → Create New App → From a manifest. The committed
//! `manifest.yml` is the template; this fills in the URLs for HTTP, or
//! drops them and turns Socket Mode on.

use std::process::ExitCode;

use clap::Args;

use super::CliError;

/// The template, compiled in so the binary prints the manifest it serves.
pub const TEMPLATE: &str = include_str!("../../manifest.yml");
/// The host the template names, replaced by `--url`.
const PLACEHOLDER: &str = "https://planbot-autorisen.herokuapp.com";

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("transport").required(true).args(["url", "socket_mode"])))]
pub struct ManifestArgs {
    /// Your service's public base URL (https://HOST), for HTTP delivery.
    #[arg(long, value_name = "URL")]
    url: Option<String>,
    /// Socket Mode: planbot opens the connection, so no URL is needed.
    #[arg(long)]
    socket_mode: bool,
    /// The slash command to register (default /plan).
    #[arg(long, value_name = "/COMMAND", default_value = "/plan")]
    command: String,
}

pub fn manifest(args: ManifestArgs) -> Result<ExitCode, CliError> {
    let manifest = match &args.url {
        Some(url) => for_http(url)?,
        None => for_socket_mode(),
    };
    let manifest = with_command(&manifest, &args.command)?;
    // The template's own comments are for this repository, not for Slack.
    let pasteable: String = manifest.lines().filter(|l| !l.starts_with('#')).map(|l| format!("{l}\n")).collect();
    print!("{pasteable}");
    Ok(ExitCode::SUCCESS)
}

/// Every URL under `base` (`https://planbot.example.com`).
pub fn for_http(base: &str) -> Result<String, CliError> {
    let base = base.trim().trim_end_matches('/');
    let host = base.strip_prefix("https://").ok_or_else(|| {
        CliError::Usage(format!("--url must be an https:// URL (Slack only calls https), not {base:?}"))
    })?;
    if host.is_empty() || host.contains(char::is_whitespace) || host.contains('/') {
        return Err(CliError::Usage(format!(
            "--url takes the base URL only, e.g. https://planbot.example.com, not {base:?}"
        )));
    }
    Ok(TEMPLATE.replace(PLACEHOLDER, base))
}

/// No request URLs (Slack refuses them in Socket Mode), and Socket Mode on.
pub fn for_socket_mode() -> String {
    let mut manifest = String::with_capacity(TEMPLATE.len());
    for line in TEMPLATE.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("url: ") || trimmed.starts_with("request_url: ") {
            continue;
        }
        if trimmed.starts_with("socket_mode_enabled:") {
            manifest.push_str("  socket_mode_enabled: true\n");
            continue;
        }
        manifest.push_str(line);
        manifest.push('\n');
    }
    manifest
}

fn with_command(manifest: &str, command: &str) -> Result<String, CliError> {
    let valid = command.starts_with('/') && (2..=32).contains(&command.len());
    if !valid || command.contains(char::is_whitespace) {
        return Err(CliError::Usage(format!("--command must look like /plan (2 to 32 characters), not {command:?}")));
    }
    Ok(manifest.replace("    - command: /plan\n", &format!("    - command: {command}\n")))
}

//! What authors are told once their edits are written (or not).

use super::{Notice, NoticeOutcome};
use planbot_reply::{Block, Button, Reply, Text};

pub const APPLY_ANYWAY: &str = "apply_anyway";

/// One message for one author's settled edits.
pub fn settled_reply(notices: &[&Notice]) -> Reply {
    let mut blocks = Vec::new();
    for notice in notices {
        let summary = notice.edit.edit.summary();
        match &notice.outcome {
            NoticeOutcome::Written { commit_ref, url } => {
                let short: String = commit_ref.chars().take(7).collect();
                let line = Text::plain("✅ Written: ").and_bold(summary);
                let line = match url {
                    Some(url) => line.and_plain(" — ").and_link(url.clone(), short),
                    None => line.and_plain(format!(" ({short})")),
                };
                blocks.push(Block::Paragraph(line));
            }
            NoticeOutcome::Conflict { current, url, by } => {
                let who = by.as_deref().unwrap_or("Someone");
                let mut line = Text::plain("⚠️ Not written: ")
                    .and_bold(summary)
                    .and_plain(format!(". {who} changed it to \"{current}\" first"));
                if let Some(url) = url {
                    line = line.and_plain(" (").and_link(url.clone(), "the version planbot found").and_plain(")");
                }
                blocks.push(Block::Paragraph(line.and_plain("; nothing was overwritten.")));
                blocks.push(Block::Buttons(vec![Button {
                    label: "Apply anyway".into(),
                    action_id: APPLY_ANYWAY,
                    value: notice.edit.id.to_string(),
                    primary: false,
                }]));
            }
            NoticeOutcome::Failed { reason } => {
                blocks.push(Block::Paragraph(
                    Text::plain("❌ Not written: ").and_bold(summary).and_plain(format!(": {reason}.")),
                ));
            }
        }
    }
    Reply::new(blocks)
}

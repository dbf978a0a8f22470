//! Renders a reply for the terminal: the same content Slack shows, with
//! bold and code marks dropped and emoji as Unicode.

use crate::{Block, Reply, Text};

pub fn render_text(reply: &Reply) -> String {
    let mut out = Vec::new();
    for block in &reply.blocks {
        out.push(render_block(block));
    }
    let mut text = out.join("\n\n");
    text.push('\n');
    text
}

fn render_block(block: &Block) -> String {
    match block {
        Block::Heading(text) => text.to_plain_string(),
        Block::Paragraph(text) | Block::Note(text) => text.to_plain_string(),
        Block::Fields(fields) => fields
            .iter()
            .map(|(label, value)| format!("{label}: {}", value.to_plain_string()))
            .collect::<Vec<_>>()
            .join("\n"),
        Block::List { title, items, more } => render_list(title.as_ref(), items, *more),
        Block::Divider => "────────".to_owned(),
        Block::Buttons(buttons) => buttons.iter().map(|b| format!("[{}]", b.label)).collect::<Vec<_>>().join(" "),
    }
}

fn render_list(title: Option<&Text>, items: &[Text], more: usize) -> String {
    let mut lines: Vec<String> = title.map(Text::to_plain_string).into_iter().collect();
    lines.extend(items.iter().map(|item| format!("• {}", item.to_plain_string())));
    if more > 0 {
        lines.push(format!("…and {more} more"));
    }
    lines.join("\n")
}

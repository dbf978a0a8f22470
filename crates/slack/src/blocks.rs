//! Renders a reply as Block Kit, within Slack's limits: 50 blocks a
//! message, 3000 characters a section, 10 fields of 2000 a section, one
//! `table` (100 rows of 20 cells) and two `data_visualization` charts a
//! message.
//!
//! This is the one place plan text becomes Slack markup, and every plain
//! span is escaped here (`&`, `<`, `>`), so no plan text can mention
//! anyone or render as a link.

use slack_morphism::prelude::{
    SlackActionBlockElement, SlackActionId, SlackActionsBlock, SlackBlock, SlackBlockButtonElement,
    SlackBlockButtonStyle, SlackBlockMarkDownText, SlackBlockPlainTextOnly, SlackBlockText, SlackChart,
    SlackChartAxisConfig, SlackChartDataPoint, SlackChartDataSeries, SlackCommandEventResponse, SlackContextBlock,
    SlackContextBlockElement, SlackDataVisualizationBlock, SlackDividerBlock, SlackMessageContent,
    SlackMessageResponseType, SlackSectionBlock, SlackSeriesChart, SlackTableBlock, SlackTableCell,
    SlackTableColumnAlign, SlackTableColumnSetting,
};

use planbot_reply::{Block, Button, Chart, ColumnKind, Reply, Span, Table, Text, Visibility};

pub const MAX_BLOCKS: usize = 50;
pub const MAX_SECTION_CHARS: usize = 3000;
/// Slack truncates a message's `text` beyond this.
pub const MAX_TEXT_CHARS: usize = 40_000;
const MAX_FIELD_CHARS: usize = 2000;
const MAX_FIELDS: usize = 10;
/// Slack refuses a message with a second `table` (`only_one_table_allowed`).
pub const MAX_TABLES: usize = 1;
/// …or a third `data_visualization` block.
pub const MAX_CHARTS: usize = 2;

/// Which blocks tables and charts become: Slack's own `table` and
/// `data_visualization` (up to the number a message may hold, the rest as
/// text), or text sections only, for a workspace that answers
/// `invalid_blocks` to them. A chart not drawn natively is left out: the
/// digest uploads it as a PNG instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    pub native_tables: bool,
    pub native_charts: bool,
}

impl Style {
    pub const NATIVE: Style = Style { native_tables: true, native_charts: true };
    pub const CLASSIC: Style = Style { native_tables: false, native_charts: false };

    /// Native tables, no native chart (`DIGEST_CHART=png`).
    pub const NATIVE_TABLES: Style = Style { native_tables: true, native_charts: false };
}

/// Escapes the three characters Slack treats as markup, and nothing else.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            _ => escaped.push(c),
        }
    }
    escaped
}

/// Text as Slack mrkdwn.
pub fn mrkdwn(text: &Text) -> String {
    text.0
        .iter()
        .map(|span| match span {
            Span::Plain(words) => escape(words),
            Span::Bold(words) => format!("*{}*", escape(words)),
            Span::Code(words) => format!("`{}`", escape(&words.replace('`', "'"))),
            Span::Emoji { slack, .. } => (*slack).to_owned(),
            Span::Mention(user) => user.mention(),
            Span::Link { url, label } => {
                format!("<{}|{}>", escape(url).replace('|', "%7C"), escape(label).replace('|', "¦"))
            }
        })
        .collect()
}

/// The immediate HTTP answer to a slash command.
pub fn command_response(reply: &Reply) -> SlackCommandEventResponse {
    let response_type = match reply.visibility {
        Visibility::Ephemeral => SlackMessageResponseType::Ephemeral,
        Visibility::InChannel => SlackMessageResponseType::InChannel,
    };
    SlackCommandEventResponse::new(message_content(reply)).with_response_type(response_type)
}

/// The fallback `text` (notifications, screen readers) within Slack's
/// 40,000 characters; the blocks carry the whole answer.
pub fn message_content(reply: &Reply) -> SlackMessageContent {
    message_content_in(reply, Style::NATIVE)
}

/// The message in the given style.
pub fn message_content_in(reply: &Reply, style: Style) -> SlackMessageContent {
    let text = clip(&escape(&reply.summary()), MAX_TEXT_CHARS);
    SlackMessageContent::new().with_text(text).with_blocks(blocks_in(reply, style))
}

pub fn blocks(reply: &Reply) -> Vec<SlackBlock> {
    blocks_in(reply, Style::NATIVE)
}

/// How many native tables and charts are still allowed in this message.
struct Allowance {
    tables: usize,
    charts: usize,
}

fn blocks_in(reply: &Reply, style: Style) -> Vec<SlackBlock> {
    let mut allowance = Allowance {
        tables: if style.native_tables { MAX_TABLES } else { 0 },
        charts: if style.native_charts { MAX_CHARTS } else { 0 },
    };
    let mut blocks: Vec<SlackBlock> = reply.blocks.iter().flat_map(|b| render_block(b, &mut allowance)).collect();
    if blocks.len() > MAX_BLOCKS {
        let dropped = blocks.len() - (MAX_BLOCKS - 1);
        blocks.truncate(MAX_BLOCKS - 1);
        blocks.push(context(format!("…and {dropped} more sections: ask a narrower question to see them.")));
    }
    blocks
}

fn render_block(block: &Block, allowance: &mut Allowance) -> Vec<SlackBlock> {
    match block {
        Block::Heading(text) | Block::Paragraph(text) => sections(&[mrkdwn(text)]),
        Block::Fields(fields) => fields
            .chunks(MAX_FIELDS)
            .map(|chunk| {
                let texts = chunk
                    .iter()
                    .map(|(label, value)| {
                        markdown(clip(&format!("*{}*\n{}", escape(label), mrkdwn(value)), MAX_FIELD_CHARS))
                    })
                    .collect();
                SlackSectionBlock::new().with_fields(texts).into()
            })
            .collect(),
        Block::List { title, items, more } => {
            let mut lines: Vec<String> = title.iter().map(mrkdwn).collect();
            lines.extend(items.iter().map(|item| format!("• {}", mrkdwn(item))));
            let mut rendered = sections(&lines);
            if *more > 0 {
                rendered.push(context(format!("…and {more} more")));
            }
            rendered
        }
        Block::Note(text) => vec![context(mrkdwn(text))],
        Block::Divider => vec![SlackDividerBlock::new().into()],
        Block::Buttons(buttons) => vec![actions(buttons)],
        Block::Table(table) if allowance.tables > 0 => {
            allowance.tables -= 1;
            let mut rendered: Vec<SlackBlock> =
                table.title.iter().flat_map(|title| sections(&[mrkdwn(title)])).collect();
            rendered.push(native_table(table));
            if table.more > 0 {
                rendered.push(context(format!("…and {} more", table.more)));
            }
            rendered
        }
        Block::Table(table) => table_as_text(table),
        Block::Chart(chart) if allowance.charts > 0 => {
            allowance.charts -= 1;
            vec![native_chart(chart)]
        }
        Block::Chart(_) => Vec::new(),
    }
}

/// Cells are `raw_text`, escaped like every other plan text, so a cell
/// holding `<!channel>` shows the words and notifies no one.
fn native_table(table: &Table) -> SlackBlock {
    let cell = |text: &str| SlackTableCell::from(clip(&escape(text), MAX_FIELD_CHARS));
    let mut rows: Vec<Vec<SlackTableCell>> = vec![table.columns.iter().map(|(label, _)| cell(label)).collect()];
    rows.extend(table.rows.iter().map(|row| row.iter().map(|text| cell(text)).collect()));
    let settings = table
        .columns
        .iter()
        .map(|(_, kind)| match kind {
            ColumnKind::Number => SlackTableColumnSetting::new().with_align(SlackTableColumnAlign::Right),
            ColumnKind::Words => SlackTableColumnSetting::new().with_is_wrapped(true),
        })
        .collect();
    SlackTableBlock::new(rows).with_column_settings(settings).into()
}

/// A table past the one a message may hold: one line a row, each value
/// after the first named by its column.
fn table_as_text(table: &Table) -> Vec<SlackBlock> {
    let mut lines: Vec<String> = table.title.iter().map(mrkdwn).collect();
    lines.extend(table.rows.iter().map(|row| {
        let mut cells = row.iter().zip(&table.columns).filter(|(cell, _)| !cell.is_empty());
        let first = cells.next().map(|(cell, _)| escape(cell)).unwrap_or_default();
        let rest: String = cells.map(|(cell, (label, _))| format!(" · {}: {}", escape(label), escape(cell))).collect();
        format!("• {first}{rest}")
    }));
    let mut rendered = sections(&lines);
    if table.more > 0 {
        rendered.push(context(format!("…and {} more", table.more)));
    }
    rendered
}

fn native_chart(chart: &Chart) -> SlackBlock {
    let series = chart
        .series
        .iter()
        .map(|(name, values)| {
            let data = chart
                .points
                .iter()
                .zip(values)
                .map(|(point, value)| SlackChartDataPoint::new(point.clone(), (*value).into()))
                .collect();
            SlackChartDataSeries::new(name.clone(), data)
        })
        .collect();
    let axes = SlackChartAxisConfig::new(chart.points.clone())
        .with_x_label(chart.x_label.clone())
        .with_y_label(chart.y_label.clone());
    SlackDataVisualizationBlock::new(chart.title.clone(), SlackChart::Line(SlackSeriesChart::new(series, axes))).into()
}

/// Lines packed into as few sections as fit 3000 characters each; a line
/// longer than that is cut with an ellipsis.
fn sections(lines: &[String]) -> Vec<SlackBlock> {
    let mut chunks: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut current_chars = 0;
    for line in lines {
        let line = clip(line, MAX_SECTION_CHARS);
        let line_chars = line.chars().count();
        let separator = usize::from(!current.is_empty());
        if current_chars + separator + line_chars > MAX_SECTION_CHARS {
            chunks.push(std::mem::take(&mut current));
            current_chars = 0;
        }
        if !current.is_empty() {
            current.push('\n');
            current_chars += 1;
        }
        current.push_str(&line);
        current_chars += line_chars;
    }
    if !current.is_empty() {
        chunks.push(current);
    }
    chunks.into_iter().map(|chunk| SlackSectionBlock::new().with_text(markdown(chunk)).into()).collect()
}

fn clip(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    let mut clipped: String = text.chars().take(max_chars - 1).collect();
    // Never leave half an escape sequence such as `&am` at the cut.
    if let Some(amp) = clipped.rfind('&').filter(|&at| !clipped[at..].contains(';')) {
        clipped.truncate(amp);
    }
    clipped.push('…');
    clipped
}

/// At most 25 elements fit an actions block; planbot's cards have four.
fn actions(buttons: &[Button]) -> SlackBlock {
    let elements = buttons
        .iter()
        .take(25)
        .map(|button| {
            let mut element = SlackBlockButtonElement::new(SlackBlockPlainTextOnly::from(button.label.as_str()))
                .with_action_id(SlackActionId(button.action_id.to_owned()))
                .with_value(button.value.clone());
            if button.primary {
                element = element.with_style(SlackBlockButtonStyle::Primary);
            }
            SlackActionBlockElement::Button(element)
        })
        .collect();
    SlackActionsBlock::new(elements).into()
}

fn markdown(text: String) -> SlackBlockText {
    SlackBlockText::MarkDown(SlackBlockMarkDownText::new(text))
}

fn context(text: String) -> SlackBlock {
    SlackContextBlock::new(vec![SlackContextBlockElement::MarkDown(SlackBlockMarkDownText::new(text))]).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(reply: &Reply) -> serde_json::Value {
        serde_json::to_value(command_response(reply)).unwrap()
    }

    #[test]
    fn plan_text_cannot_mention_anyone() {
        let reply = Reply::message(Text::plain("ping <!channel> & <@U123> <https://x|y>").and_bold("<!here>"));
        let body = json(&reply).to_string();
        assert!(!body.contains("<!channel>") && !body.contains("<!here>") && !body.contains("<@U123>"));
        assert!(body.contains("ping &lt;!channel&gt; &amp; &lt;@U123&gt;"));
    }

    #[test]
    fn visibility_maps_to_response_type() {
        let reply = Reply::message(Text::plain("hi"));
        assert_eq!(json(&reply)["response_type"], "ephemeral");
        assert_eq!(json(&reply.with_visibility(Visibility::InChannel))["response_type"], "in_channel");
    }

    #[test]
    fn long_lists_split_into_sections_under_the_limit() {
        let items = (0..30).map(|i| Text::plain(format!("{i} {}", "x".repeat(400)))).collect();
        let rendered = blocks(&Reply::new(vec![Block::list(None, items)]));
        assert!(rendered.len() > 1);
        for block in &rendered {
            let value = serde_json::to_value(block).unwrap();
            assert!(value["text"]["text"].as_str().unwrap().chars().count() <= MAX_SECTION_CHARS);
        }
    }

    #[test]
    fn never_more_than_fifty_blocks() {
        let paragraphs = (0..80).map(|i| Block::Paragraph(Text::plain(format!("p{i}")))).collect();
        let rendered = blocks(&Reply::new(paragraphs));
        assert_eq!(rendered.len(), MAX_BLOCKS);
        let last = serde_json::to_value(&rendered[MAX_BLOCKS - 1]).unwrap().to_string();
        assert!(last.contains("…and 31 more sections"));
    }

    #[test]
    fn the_fallback_text_stays_within_slacks_forty_thousand_characters() {
        let reply = Reply::message(Text::plain("x".repeat(60_000)));
        let text = json(&reply)["text"].as_str().unwrap().to_owned();
        assert_eq!(text.chars().count(), MAX_TEXT_CHARS);
        assert!(text.ends_with('…'));
    }

    #[test]
    fn clipping_never_cuts_an_escape_in_half() {
        let clipped = clip(&format!("{}&amp;", "a".repeat(10)), 13);
        assert_eq!(clipped, format!("{}…", "a".repeat(10)));
    }
}

//! Renders a reply for the terminal: the same content Slack shows, with
//! bold and code marks dropped and emoji as Unicode.

use crate::{Block, Chart, ColumnKind, Reply, Table, Text};

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
        Block::Table(table) => render_table(table),
        Block::Chart(chart) => render_table(&chart_as_table(chart)),
    }
}

/// Columns padded to their widest cell, numbers on the right.
fn render_table(table: &Table) -> String {
    let mut widths: Vec<usize> = table.columns.iter().map(|(label, _)| label.chars().count()).collect();
    for row in &table.rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .zip(&table.columns)
            .map(|((cell, width), (_, kind))| match kind {
                ColumnKind::Words => format!("{cell:<width$}"),
                ColumnKind::Number => format!("{cell:>width$}"),
            })
            .collect();
        padded.join("  ").trim_end().to_owned()
    };
    let mut lines: Vec<String> = table.title.iter().map(Text::to_plain_string).collect();
    lines.push(line(table.columns.iter().map(|(label, _)| label.as_str()).collect()));
    lines.extend(table.rows.iter().map(|row| line(row.iter().map(String::as_str).collect())));
    if table.more > 0 {
        lines.push(format!("…and {} more", table.more));
    }
    lines.join("\n")
}

/// The terminal shows a chart's numbers: one row per point.
fn chart_as_table(chart: &Chart) -> Table {
    let mut columns = vec![(chart.x_label.clone(), ColumnKind::Words)];
    columns.extend(chart.series.iter().map(|(name, _)| (name.clone(), ColumnKind::Number)));
    let rows = chart
        .points
        .iter()
        .enumerate()
        .map(|(at, point)| {
            let mut row = vec![point.clone()];
            row.extend(chart.series.iter().map(|(_, values)| values.get(at).map(u32::to_string).unwrap_or_default()));
            row
        })
        .collect();
    Table::new(Some(Text::plain(&chart.title)), columns, rows)
}

fn render_list(title: Option<&Text>, items: &[Text], more: usize) -> String {
    let mut lines: Vec<String> = title.map(Text::to_plain_string).into_iter().collect();
    lines.extend(items.iter().map(|item| format!("• {}", item.to_plain_string())));
    if more > 0 {
        lines.push(format!("…and {more} more"));
    }
    lines.join("\n")
}

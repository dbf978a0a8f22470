//! One reply model for every answer. Slack (Block Kit) and the terminal
//! render it differently, but from the same content, so `planbot ask`
//! shows exactly what Slack would.
//!
//! Text is a list of spans: plan text always goes in as plain spans and is
//! escaped by the Slack renderer, so a note holding `<!channel>` can never
//! notify anyone, whatever the command that echoes it.

use planbot_domain::people::SlackUserId;
use planbot_domain::plan::Status;

mod text;

pub use text::render_text;

/// Lists longer than this end with "…and N more".
pub const MAX_LIST_ITEMS: usize = 30;
/// Slack's table block holds at most 100 rows (the header is one of them)…
pub const MAX_TABLE_ROWS: usize = 100;
/// …and at most 20 cells a row.
pub const MAX_TABLE_COLUMNS: usize = 20;
/// A chart's title is at most 50 characters.
pub const MAX_CHART_TITLE_CHARS: usize = 50;
/// A chart draws at most 12 series.
pub const MAX_CHART_SERIES: usize = 12;
/// What a person typed is echoed back at most this long.
pub const MAX_ECHO_CHARS: usize = 200;

/// At most `max` characters of `text`, with an ellipsis when cut.
pub fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// Text a person typed, as it may be echoed back.
pub fn echo(typed: &str) -> String {
    clip(typed.trim(), MAX_ECHO_CHARS)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Visibility {
    /// Only the person who asked sees it (Slack's default).
    Ephemeral,
    /// Posted in the channel (`/plan … public`).
    InChannel,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Span {
    Plain(String),
    Bold(String),
    Code(String),
    Emoji {
        slack: &'static str,
        unicode: &'static str,
    },
    /// A person, shown by Slack as their name (planbot's own markup).
    Mention(SlackUserId),
    /// A link planbot made (a commit); the label is shown.
    Link {
        url: String,
        label: String,
    },
}

/// A line or paragraph of formatted text.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Text(pub Vec<Span>);

impl Text {
    pub fn plain(text: impl Into<String>) -> Text {
        Text(vec![Span::Plain(text.into())])
    }

    pub fn bold(text: impl Into<String>) -> Text {
        Text(vec![Span::Bold(text.into())])
    }

    pub fn and_plain(mut self, text: impl Into<String>) -> Text {
        self.0.push(Span::Plain(text.into()));
        self
    }

    /// This text followed by `more`.
    pub fn and(mut self, more: Text) -> Text {
        self.0.extend(more.0);
        self
    }

    pub fn and_bold(mut self, text: impl Into<String>) -> Text {
        self.0.push(Span::Bold(text.into()));
        self
    }

    pub fn and_code(mut self, text: impl Into<String>) -> Text {
        self.0.push(Span::Code(text.into()));
        self
    }

    pub fn and_link(mut self, url: impl Into<String>, label: impl Into<String>) -> Text {
        self.0.push(Span::Link { url: url.into(), label: label.into() });
        self
    }

    pub fn and_mention(mut self, user: &SlackUserId) -> Text {
        self.0.push(Span::Mention(user.clone()));
        self
    }

    pub fn and_status(mut self, status: Option<Status>) -> Text {
        self.0.push(status_emoji(status));
        self
    }

    /// The words alone, formatting dropped (for notifications and logs).
    pub fn to_plain_string(&self) -> String {
        let mut plain = String::new();
        for span in &self.0 {
            match span {
                Span::Plain(text) | Span::Bold(text) | Span::Code(text) => plain.push_str(text),
                Span::Emoji { unicode, .. } => plain.push_str(unicode),
                Span::Mention(user) => {
                    plain.push('@');
                    plain.push_str(user.as_str());
                }
                Span::Link { url, label } => plain.push_str(&format!("{label} ({url})")),
            }
        }
        plain
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A short title line.
    Heading(Text),
    /// A paragraph.
    Paragraph(Text),
    /// Labelled values shown side by side (status, owner, …).
    Fields(Vec<(String, Text)>),
    /// A titled list; `more` counts the items left out.
    List {
        title: Option<Text>,
        items: Vec<Text>,
        more: usize,
    },
    /// Small print under the answer.
    Note(Text),
    Divider,
    /// Buttons that act on the plan (Slack only; the terminal lists them).
    Buttons(Vec<Button>),
    /// A grid under a header row (Slack's `table` block).
    Table(Table),
    /// Counts over labelled points, drawn as lines (Slack's
    /// `data_visualization` block).
    Chart(Chart),
}

/// Whether a column holds words or numbers (numbers are right-aligned).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    Words,
    Number,
}

/// A titled table within Slack's limits: `Table::new` keeps at most 99
/// rows under the header and 20 columns, counting the rows it leaves out.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub title: Option<Text>,
    pub columns: Vec<(String, ColumnKind)>,
    /// One cell per column in every row.
    pub rows: Vec<Vec<String>>,
    pub more: usize,
}

impl Table {
    pub fn new(title: Option<Text>, mut columns: Vec<(String, ColumnKind)>, mut rows: Vec<Vec<String>>) -> Table {
        columns.truncate(MAX_TABLE_COLUMNS);
        let more = rows.len().saturating_sub(MAX_TABLE_ROWS - 1);
        rows.truncate(MAX_TABLE_ROWS - 1);
        for row in &mut rows {
            row.resize(columns.len(), String::new());
        }
        Table { title, columns, rows, more }
    }
}

/// Line series over the same labelled points; `Chart::new` keeps Slack's
/// limits (a 50-character title, 12 series, one value per point).
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub title: String,
    pub points: Vec<String>,
    pub series: Vec<(String, Vec<u32>)>,
    pub x_label: String,
    pub y_label: String,
}

impl Chart {
    pub fn new(title: &str, points: Vec<String>, mut series: Vec<(String, Vec<u32>)>, axes: (&str, &str)) -> Chart {
        series.truncate(MAX_CHART_SERIES);
        for (_, values) in &mut series {
            values.resize(points.len(), 0);
        }
        let title = title.chars().take(MAX_CHART_TITLE_CHARS).collect();
        Chart { title, points, series, x_label: axes.0.to_owned(), y_label: axes.1.to_owned() }
    }
}

/// A button: what it says, which action it triggers, and on what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Button {
    pub label: String,
    pub action_id: &'static str,
    pub value: String,
    pub primary: bool,
}

impl Block {
    /// A list capped at `MAX_LIST_ITEMS`, counting what it leaves out.
    pub fn list(title: Option<Text>, mut items: Vec<Text>) -> Block {
        let more = items.len().saturating_sub(MAX_LIST_ITEMS);
        items.truncate(MAX_LIST_ITEMS);
        Block::List { title, items, more }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub visibility: Visibility,
    pub blocks: Vec<Block>,
    /// The request was not done (no right to, an unknown id, a missing
    /// argument): only the person who asked sees it, whatever `public`
    /// said, and `planbot ask` exits 1.
    pub refused: bool,
}

impl Reply {
    pub fn new(blocks: Vec<Block>) -> Reply {
        Reply { visibility: Visibility::Ephemeral, blocks, refused: false }
    }

    /// Marks the reply as a refusal.
    pub fn refusal(mut self) -> Reply {
        self.refused = true;
        self
    }

    /// A one-paragraph reply, e.g. an error with its suggestion.
    pub fn message(text: Text) -> Reply {
        Reply::new(vec![Block::Paragraph(text)])
    }

    /// Who sees it; a refusal stays with the person who asked.
    pub fn with_visibility(mut self, visibility: Visibility) -> Reply {
        self.visibility = if self.refused { Visibility::Ephemeral } else { visibility };
        self
    }

    /// The first line of the reply as plain words: Slack's notification text.
    pub fn summary(&self) -> String {
        let first = self.blocks.iter().find_map(|block| match block {
            Block::Heading(text) | Block::Paragraph(text) | Block::Note(text) => Some(text.to_plain_string()),
            Block::List { title: Some(text), .. } | Block::Table(Table { title: Some(text), .. }) => {
                Some(text.to_plain_string())
            }
            _ => None,
        });
        first.unwrap_or_else(|| "planbot".to_owned())
    }
}

pub fn status_emoji(status: Option<Status>) -> Span {
    let (slack, unicode) = match status {
        Some(Status::Todo) => (":white_circle:", "⚪"),
        Some(Status::InProgress) => (":large_blue_circle:", "🔵"),
        Some(Status::Blocked) => (":red_circle:", "🔴"),
        Some(Status::Deferred) => (":double_vertical_bar:", "⏸"),
        Some(Status::Completed) => (":white_check_mark:", "✅"),
        None => (":grey_question:", "❔"),
    };
    Span::Emoji { slack, unicode }
}

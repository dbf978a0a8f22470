//! Milestones from the Markdown plan. The seeds write them two ways: a table
//! (`| ID | Milestone | Owner | Start | Target | Notes |`) and bullets
//! (`- M1 (2025-09-26 → 2025-09-27): OIDC assume-role validated`). When both
//! name the same id, the table wins: it is the more detailed form.

use chrono::NaiveDate;

use super::task::parse_iso_date;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Milestone {
    pub id: String,
    pub title: String,
    pub owner: Option<String>,
    pub start: Option<NaiveDate>,
    pub target: Option<NaiveDate>,
    pub notes: Option<String>,
}

impl Milestone {
    /// Days until the target (negative when overdue).
    pub fn days_left(&self, today: NaiveDate) -> Option<i64> {
        self.target.map(|target| (target - today).num_days())
    }
}

pub fn parse_milestones(markdown: &str) -> Vec<Milestone> {
    let mut milestones = table_milestones(markdown);
    for bullet in markdown.lines().filter_map(bullet_milestone) {
        if !milestones.iter().any(|m| m.id.eq_ignore_ascii_case(&bullet.id)) {
            milestones.push(bullet);
        }
    }
    milestones
}

/// Header cells of a milestone table, by position.
struct TableShape {
    id: usize,
    title: usize,
    owner: Option<usize>,
    start: Option<usize>,
    target: Option<usize>,
    notes: Option<usize>,
}

impl TableShape {
    fn from_header(cells: &[String]) -> Option<TableShape> {
        let find = |name: &str| cells.iter().position(|c| c.eq_ignore_ascii_case(name));
        Some(TableShape {
            id: find("id")?,
            title: find("milestone")?,
            owner: find("owner"),
            start: find("start"),
            target: find("target").or_else(|| find("target date")).or_else(|| find("due")),
            notes: find("notes"),
        })
    }

    fn milestone(&self, cells: &[String]) -> Option<Milestone> {
        let cell = |index: Option<usize>| index.and_then(|i| cells.get(i)).filter(|c| !c.is_empty()).cloned();
        let id = cell(Some(self.id))?;
        Some(Milestone {
            id,
            title: cell(Some(self.title)).unwrap_or_default(),
            owner: cell(self.owner),
            start: cell(self.start).as_deref().and_then(parse_iso_date),
            target: cell(self.target).as_deref().and_then(parse_iso_date),
            notes: cell(self.notes),
        })
    }
}

fn table_milestones(markdown: &str) -> Vec<Milestone> {
    let mut milestones = Vec::new();
    let mut shape: Option<TableShape> = None;
    let mut previous_was_table = false;
    for line in markdown.lines() {
        let Some(cells) = table_cells(line) else {
            shape = None;
            previous_was_table = false;
            continue;
        };
        if !previous_was_table {
            shape = TableShape::from_header(&cells);
        } else if let Some(shape) = &shape {
            if !is_separator_row(&cells) {
                milestones.extend(shape.milestone(&cells));
            }
        }
        previous_was_table = true;
    }
    milestones
}

fn table_cells(line: &str) -> Option<Vec<String>> {
    let inner = line.trim().strip_prefix('|')?;
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    Some(inner.split('|').map(|cell| cell.trim().to_owned()).collect())
}

fn is_separator_row(cells: &[String]) -> bool {
    cells.iter().all(|c| !c.is_empty() && c.chars().all(|ch| matches!(ch, '-' | ':' | ' ')))
}

/// `- M1 (2025-09-26 → 2025-09-27): title` or `- M2 (2025-09-27): title`.
fn bullet_milestone(line: &str) -> Option<Milestone> {
    let rest = line.trim_start().strip_prefix(['-', '*'])?.trim_start();
    let (id, rest) = rest.split_once(' ')?;
    let looks_like_id = id.starts_with(|c: char| c.is_ascii_alphabetic())
        && id.chars().any(|c| c.is_ascii_digit())
        && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if !looks_like_id {
        return None;
    }
    let (dates, title) = rest.trim_start().strip_prefix('(')?.split_once("):")?;
    let dates: Vec<NaiveDate> =
        dates.split(|c: char| !(c.is_ascii_digit() || c == '-')).filter_map(parse_iso_date).collect();
    let (start, target) = match dates.as_slice() {
        [only] => (Some(*only), Some(*only)),
        [first, .., last] => (Some(*first), Some(*last)),
        [] => return None,
    };
    Some(Milestone {
        id: id.to_owned(),
        title: title.trim().trim_end_matches('.').to_owned(),
        owner: None,
        start,
        target,
        notes: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED_STYLE: &str = "\
Milestones & dates (Gantt-style)

| ID | Milestone | Owner | Start | Target | Notes |
|---:|---|---|---:|---:|---|
| M1 | OIDC assume-role validated | ops | 2025-09-26 | 2025-09-27 | Merge PR #7 |
| M2 | Secrets sync dry-run | ops | 2025-09-27 | 2025-09-27 | dispatch |

| ID | Risk | Impact |
|---:|---|---|
| R1 | Secret drift | High |

Milestones (high-level)
- M1 (2025-09-26 → 2025-09-27): OIDC assume-role validated (merge PR #7, dispatch test).
- M7 (2025-10-16 → 2025-10-22): ChatKit rollout.
- M8 (2025-10-30): Single date.
- Daily (async): short status updates in `#autorisen-ops` channel.
";

    #[test]
    fn reads_tables_and_bullets_and_the_table_wins() {
        let milestones = parse_milestones(SEED_STYLE);
        let ids: Vec<&str> = milestones.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids, ["M1", "M2", "M7", "M8"]);
        assert_eq!(milestones[0].owner.as_deref(), Some("ops"));
        assert_eq!(milestones[0].notes.as_deref(), Some("Merge PR #7"));
        assert_eq!(milestones[2].title, "ChatKit rollout");
        assert_eq!(milestones[2].target, NaiveDate::from_ymd_opt(2025, 10, 22));
        assert_eq!(milestones[3].start, milestones[3].target);
    }

    #[test]
    fn days_left_is_negative_when_overdue() {
        let milestone = &parse_milestones(SEED_STYLE)[0];
        let today = NaiveDate::from_ymd_opt(2025, 9, 30).unwrap();
        assert_eq!(milestone.days_left(today), Some(-3));
    }
}

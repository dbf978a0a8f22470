//! The Monday digest's chart: open tasks by status per day, drawn as a PNG.
//!
//! Everything happens in-process: plotters draws into an RGB buffer, text is
//! set in the DejaVu Sans face embedded in the binary (no system fonts are
//! looked up at run time), and the `png` crate encodes the buffer in memory.

use std::sync::OnceLock;

use chrono::{Days, NaiveDate};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::register_font;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use planbot_domain::plan::Status;

/// Open tasks by status per day, and the milestone targets to mark.
pub struct ChartData {
    /// Ascending days (up to 8 weeks); `counts[i]` belongs to `days[i]`.
    pub days: Vec<NaiveDate>,
    /// One line per status shown (todo, in-progress, blocked), same length as `days`.
    pub series: Vec<(Status, Vec<u32>)>,
    /// Milestone id and target date; drawn as labelled vertical markers when inside the range.
    pub milestones: Vec<(String, NaiveDate)>,
}

pub const WIDTH: u32 = 1000;
pub const HEIGHT: u32 = 500;

/// Why the chart could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// The embedded font did not parse (a broken build, not bad data).
    #[error("the embedded chart font could not be loaded")]
    Font,
    /// A series does not have one count per day.
    #[error("series {status} has {got} counts for {expected} days")]
    SeriesLength { status: &'static str, expected: usize, got: usize },
    /// plotters failed while drawing.
    #[error("drawing the chart failed: {0}")]
    Draw(String),
    /// The PNG encoder failed.
    #[error("encoding the chart as PNG failed: {0}")]
    Encode(#[from] png::EncodingError),
}

const TITLE: &str = "Open tasks by status, last 8 weeks";
const EMPTY_TEXT: &str = "No history yet";
/// The family plotters asks for by default; the embedded face answers it.
const FONT_FAMILY: &str = "sans-serif";
static FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// Height of the band above the plot that holds the title and the legend.
const HEADER_HEIGHT: u32 = 72;

const TEXT: RGBColor = RGBColor(34, 34, 34);
const AXIS_TEXT: RGBColor = RGBColor(68, 68, 68);
const GRID: RGBColor = RGBColor(232, 232, 232);
const MILESTONE: RGBColor = RGBColor(120, 72, 170);

/// The line colour of each status (todo grey, in-progress blue, blocked red).
fn status_color(status: Status) -> RGBColor {
    match status {
        Status::Todo => RGBColor(140, 140, 140),
        Status::InProgress => RGBColor(30, 100, 220),
        Status::Blocked => RGBColor(215, 40, 40),
        Status::Deferred => RGBColor(230, 150, 30),
        Status::Completed => RGBColor(40, 160, 70),
    }
}

/// Registers the embedded font as plotters' `sans-serif`, once per process.
fn ensure_font() -> Result<(), ChartError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| register_font(FONT_FAMILY, FontStyle::Normal, FONT).is_ok());
    if ok { Ok(()) } else { Err(ChartError::Font) }
}

fn draw_err(e: impl std::fmt::Display) -> ChartError {
    ChartError::Draw(e.to_string())
}

/// The chart as PNG bytes, WIDTH × HEIGHT.
pub fn render_png(data: &ChartData) -> Result<Vec<u8>, ChartError> {
    for (status, counts) in &data.series {
        if counts.len() != data.days.len() {
            return Err(ChartError::SeriesLength {
                status: status.canonical(),
                expected: data.days.len(),
                got: counts.len(),
            });
        }
    }
    ensure_font()?;

    let mut rgb = vec![0u8; WIDTH as usize * HEIGHT as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let (header, body) = root.split_vertically(HEADER_HEIGHT);
        header
            .draw(&Text::new(
                TITLE,
                (WIDTH as i32 / 2, 12),
                (FONT_FAMILY, 24).into_font().color(&TEXT).pos(Pos::new(HPos::Center, VPos::Top)),
            ))
            .map_err(draw_err)?;
        match (data.days.iter().min(), data.days.iter().max()) {
            (Some(&first), Some(&last)) => {
                draw_legend(&header, &data.series)?;
                draw_plot(&body, data, first, last)?;
            }
            _ => {
                let (w, h) = body.dim_in_pixel();
                body.draw(&Text::new(
                    EMPTY_TEXT,
                    (w as i32 / 2, h as i32 / 2),
                    (FONT_FAMILY, 28).into_font().color(&AXIS_TEXT).pos(Pos::new(HPos::Center, VPos::Center)),
                ))
                .map_err(draw_err)?;
            }
        }
        root.present().map_err(draw_err)?;
    }
    encode_png(&rgb)
}

/// One entry per series, centred on a row under the title.
fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    series: &[(Status, Vec<u32>)],
) -> Result<(), ChartError> {
    const SWATCH: i32 = 24;
    const GAP: i32 = 8;
    const SPACING: i32 = 28;
    const Y: i32 = 54;
    let font = (FONT_FAMILY, 16).into_font().color(&TEXT).pos(Pos::new(HPos::Left, VPos::Center));
    let mut widths = Vec::with_capacity(series.len());
    for (status, _) in series {
        let (w, _) = area.estimate_text_size(status.canonical(), &font).map_err(draw_err)?;
        widths.push(i32::try_from(w).unwrap_or(0));
    }
    let total: i32 = widths.iter().map(|w| SWATCH + GAP + w).sum::<i32>() + SPACING * (widths.len() as i32 - 1).max(0);
    let mut x = (WIDTH as i32 - total) / 2;
    for ((status, _), w) in series.iter().zip(widths) {
        let color = status_color(*status);
        area.draw(&PathElement::new(vec![(x, Y), (x + SWATCH, Y)], color.stroke_width(3))).map_err(draw_err)?;
        area.draw(&Text::new(status.canonical(), (x + SWATCH + GAP, Y), font.clone())).map_err(draw_err)?;
        x += SWATCH + GAP + w + SPACING;
    }
    Ok(())
}

/// Days between two labelled ticks, counted back from the last day.
fn tick_step(span: i64) -> i64 {
    match span {
        ..=10 => 1,
        11..=20 => 2,
        _ => 7 * ((span + 62) / 63),
    }
}

fn draw_plot<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    data: &ChartData,
    first: NaiveDate,
    last: NaiveDate,
) -> Result<(), ChartError> {
    let span = (last - first).num_days();
    let x_of = |d: NaiveDate| (d - first).num_days();
    // A single day sits in the middle of the axis instead of on its edge.
    let x_range = if span == 0 { -1..1 } else { 0..span };
    let step = tick_step(span);
    let ticks: Vec<i64> = {
        let mut t: Vec<i64> = (0..=span / step).map(|k| span - k * step).collect();
        t.reverse();
        t
    };

    let y_max = data.series.iter().flat_map(|(_, c)| c.iter().copied()).max().unwrap_or(0);
    let y_top = y_max.saturating_add(y_max / 10).saturating_add(1).max(5);

    let mut chart = ChartBuilder::on(area)
        .margin_left(12)
        .margin_right(28)
        .margin_bottom(8)
        .x_label_area_size(32)
        .y_label_area_size(56)
        .build_cartesian_2d(x_range.with_key_points(ticks), 0u32..y_top)
        .map_err(draw_err)?;

    let label = |x: &i64| {
        u64::try_from(*x)
            .ok()
            .and_then(|n| first.checked_add_days(Days::new(n)))
            .map(|d| d.format("%d %b").to_string())
            .unwrap_or_default()
    };
    chart
        .configure_mesh()
        .x_label_formatter(&label)
        .y_desc("open tasks")
        .label_style((FONT_FAMILY, 14).into_font().color(&AXIS_TEXT))
        .axis_desc_style((FONT_FAMILY, 14).into_font().color(&AXIS_TEXT))
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(AXIS_TEXT)
        .draw()
        .map_err(draw_err)?;

    // Milestones first, so the status lines are drawn over the markers.
    let label_font = (FONT_FAMILY, 13).into_font().color(&MILESTONE);
    let in_range = data.milestones.iter().filter(|(_, d)| (first..=last).contains(d));
    for (row, (id, date)) in in_range.enumerate() {
        let x = x_of(*date);
        chart
            .draw_series(DashedLineSeries::new(vec![(x, 0), (x, y_top)], 6, 4, MILESTONE.stroke_width(1)))
            .map_err(draw_err)?;
        // Labels near the right edge hang to the left of their marker.
        let right_side = span > 0 && x * 4 > span * 3;
        let (dx, hpos) = if right_side { (-4, HPos::Right) } else { (4, HPos::Left) };
        let dy = 4 + (row % 3) as i32 * 16;
        chart
            .plotting_area()
            .draw(
                &(EmptyElement::at((x, y_top))
                    + Text::new(id.clone(), (dx, dy), label_font.clone().pos(Pos::new(hpos, VPos::Top)))),
            )
            .map_err(draw_err)?;
    }

    // A lone day has no line to draw, so mark its points.
    let point_size = if data.days.len() == 1 { 4 } else { 0 };
    for (status, counts) in &data.series {
        let points: Vec<(i64, u32)> = data.days.iter().zip(counts).map(|(d, c)| (x_of(*d), *c)).collect();
        let style = status_color(*status).stroke_width(2);
        chart.draw_series(LineSeries::new(points, style.filled()).point_size(point_size)).map_err(draw_err)?;
    }
    Ok(())
}

fn encode_png(rgb: &[u8]) -> Result<Vec<u8>, ChartError> {
    let mut out = Vec::with_capacity(64 * 1024);
    let mut encoder = png::Encoder::new(&mut out, WIDTH, HEIGHT);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(rgb)?;
    writer.finish()?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::io::Cursor;

    fn day(offset: u64) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, 5).unwrap().checked_add_days(Days::new(offset)).unwrap()
    }

    /// 56 days of made-up history with all three open statuses.
    fn eight_weeks() -> ChartData {
        let days: Vec<NaiveDate> = (0..56).map(day).collect();
        let todo = (0..56).map(|i| 30 - i / 3).collect();
        let doing = (0..56).map(|i| 4 + (i % 7) / 2 + i / 10).collect();
        let blocked = (0..56).map(|i| if (20..35).contains(&i) { 6 } else { 1 + i % 3 }).collect();
        ChartData {
            days,
            series: vec![(Status::Todo, todo), (Status::InProgress, doing), (Status::Blocked, blocked)],
            milestones: vec![
                ("M1-alpha".to_owned(), day(20)),
                ("M2-beta".to_owned(), day(50)),
                ("M0-outside".to_owned(), day(200)),
            ],
        }
    }

    /// Decodes a PNG and returns its RGB pixels, checking the size.
    fn decode(png_bytes: &[u8]) -> Vec<[u8; 3]> {
        let decoder = png::Decoder::new(Cursor::new(png_bytes));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!((info.width, info.height), (WIDTH, HEIGHT));
        assert_eq!(info.color_type, png::ColorType::Rgb);
        buf[..info.buffer_size()].chunks_exact(3).map(|p| [p[0], p[1], p[2]]).collect()
    }

    fn count_color(pixels: &[[u8; 3]], color: RGBColor) -> usize {
        pixels.iter().filter(|p| **p == [color.0, color.1, color.2]).count()
    }

    fn dark_pixels(pixels: &[[u8; 3]]) -> usize {
        pixels.iter().filter(|p| p.iter().all(|c| *c < 100)).count()
    }

    #[test]
    fn eight_weeks_renders_coloured_lines_and_markers() {
        let pixels = decode(&render_png(&eight_weeks()).unwrap());
        let distinct: HashSet<[u8; 3]> = pixels.iter().copied().collect();
        assert!(distinct.len() > 50, "only {} colours", distinct.len());
        assert!(count_color(&pixels, status_color(Status::Blocked)) > 200, "no red line");
        assert!(count_color(&pixels, status_color(Status::InProgress)) > 200, "no blue line");
        assert!(count_color(&pixels, MILESTONE) > 100, "no milestone markers");
        assert!(dark_pixels(&pixels) > 500, "no text");
    }

    #[test]
    fn milestones_outside_the_range_are_not_drawn() {
        let mut data = eight_weeks();
        data.milestones = vec![("M9".to_owned(), day(100)), ("M-1".to_owned(), day(0).pred_opt().unwrap())];
        let pixels = decode(&render_png(&data).unwrap());
        assert_eq!(count_color(&pixels, MILESTONE), 0);
    }

    #[test]
    fn empty_history_renders_a_notice() {
        let data = ChartData { days: vec![], series: vec![(Status::Blocked, vec![])], milestones: vec![] };
        let pixels = decode(&render_png(&data).unwrap());
        assert!(dark_pixels(&pixels) > 200, "no title or notice");
        assert_eq!(count_color(&pixels, status_color(Status::Blocked)), 0);
    }

    #[test]
    fn a_single_day_renders_its_points() {
        let data = ChartData {
            days: vec![day(0)],
            series: vec![(Status::InProgress, vec![3]), (Status::Blocked, vec![1])],
            milestones: vec![("M1".to_owned(), day(0))],
        };
        let pixels = decode(&render_png(&data).unwrap());
        assert!(count_color(&pixels, status_color(Status::Blocked)) > 10);
        assert!(count_color(&pixels, status_color(Status::InProgress)) > 10);
    }

    #[test]
    fn all_zero_counts_render() {
        let days: Vec<NaiveDate> = (0..56).map(day).collect();
        let zeros = vec![0; 56];
        let data = ChartData {
            days,
            series: vec![(Status::Todo, zeros.clone()), (Status::InProgress, zeros.clone()), (Status::Blocked, zeros)],
            milestones: vec![],
        };
        decode(&render_png(&data).unwrap());
    }

    #[test]
    fn a_short_series_is_an_error() {
        let data = ChartData { days: vec![day(0), day(1)], series: vec![(Status::Todo, vec![1])], milestones: vec![] };
        assert!(matches!(render_png(&data), Err(ChartError::SeriesLength { status: "todo", expected: 2, got: 1 })));
    }
}

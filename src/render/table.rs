//! Plain, kubectl-style tables: no borders, columns three spaces apart.
//!
//! On a terminal the table fits the window (long messages wrap; URLs never
//! do, so they stay pasteable) and READY is coloured. Piped, it is never
//! wrapped or coloured, so `awk`, `cut` and `grep` see one row per line.

use comfy_table::{Cell, Color, ColumnConstraint, ContentArrangement, Table};

use super::{stdout_is_terminal, use_colour};

/// A column: its header and whether its cells must never wrap.
pub struct Column {
    /// Header text.
    pub header: &'static str,
    /// Keep the whole content on one line (URLs, paths).
    pub no_wrap: bool,
}

impl Column {
    /// A column that may wrap on narrow terminals.
    pub const fn wrapping(header: &'static str) -> Column {
        Column { header, no_wrap: false }
    }

    /// A column that never wraps.
    pub const fn whole(header: &'static str) -> Column {
        Column { header, no_wrap: true }
    }
}

/// How wide a table may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Width {
    /// A terminal this many columns wide: prose columns wrap to fit.
    Terminal(u16),
    /// Piped: never wrapped, one row per line.
    Unbounded,
}

impl Width {
    /// The width of stdout: `$COLUMNS` or the terminal's size when stdout is
    /// a terminal, else unbounded.
    pub fn of_stdout() -> Width {
        if !stdout_is_terminal() {
            return Width::Unbounded;
        }
        let columns = std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok());
        match columns.or_else(|| Table::new().width()) {
            Some(width) => Width::Terminal(width),
            None => Width::Unbounded,
        }
    }
}

/// Prose columns never shrink below this on a narrow terminal: the table
/// then runs past the edge (the terminal wraps the line) rather than
/// breaking a message one letter per line.
const MIN_WRAP_WIDTH: u16 = 20;

/// Renders `rows` under `columns` for stdout, ending with a newline.
pub fn render(columns: &[Column], rows: &[Vec<String>]) -> String {
    render_to(columns, rows, Width::of_stdout(), use_colour())
}

/// Renders `rows` under `columns` at `width`, coloured or not.
pub fn render_to(columns: &[Column], rows: &[Vec<String>], width: Width, colour: bool) -> String {
    if rows.is_empty() {
        return String::new();
    }
    let mut table = Table::new();
    table.load_style(comfy_table::presets::NOTHING);
    match width {
        Width::Terminal(width) => {
            table
                .set_content_arrangement(ContentArrangement::Dynamic)
                .set_width(width);
        }
        Width::Unbounded => {
            table
                .force_no_tty()
                .set_content_arrangement(ContentArrangement::Disabled);
        }
    }
    if colour {
        table.enforce_styling();
    }
    table.set_header(columns.iter().map(|c| Cell::new(c.header)).collect::<Vec<_>>());
    let ready_column = columns.iter().position(|c| c.header == "READY");
    for row in rows {
        table.add_row(row.iter().enumerate().map(|(index, text)| {
            // Cells hold what the cluster stored: shown escaped.
            let cell = Cell::new(crate::printable::escape_controls(text));
            match (colour, Some(index) == ready_column, text.as_str()) {
                (true, true, "True") => cell.fg(Color::Green),
                (true, true, "False") => cell.fg(Color::Red),
                _ => cell,
            }
        }));
    }
    let last = columns.len().saturating_sub(1);
    let fitting = matches!(width, Width::Terminal(_));
    for (index, column) in table.column_iter_mut().enumerate() {
        column.set_padding((0, if index == last { 0 } else { 3 }));
        if !fitting {
            continue;
        }
        let whole = columns.get(index).is_some_and(|c| c.no_wrap);
        column.set_constraint(if whole {
            ColumnConstraint::ContentWidth
        } else {
            // Never wider than the content needs, never narrower than readable.
            let widest = rows
                .iter()
                .filter_map(|row| row.get(index))
                .map(|text| text.chars().count())
                .chain(columns.get(index).map(|c| c.header.len()))
                .max()
                .unwrap_or(0);
            let floor = u16::try_from(widest).unwrap_or(u16::MAX).min(MIN_WRAP_WIDTH);
            ColumnConstraint::LowerBoundary(comfy_table::Width::Fixed(floor))
        });
    }
    table.lines().map(|line| line.trim_end().to_string() + "\n").collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_three_spaces_apart_without_borders() {
        let text = render(
            &[
                Column::wrapping("NAME"),
                Column::wrapping("READY"),
                Column::whole("URL"),
            ],
            &[vec!["a".into(), "True".into(), "http://x/hook/1".into()]],
        );
        assert_eq!(text, "NAME   READY   URL\na      True    http://x/hook/1\n");
    }

    /// A narrow terminal wraps the prose column only: names and URLs stay
    /// whole, so a URL can be copied from one line.
    #[test]
    fn a_narrow_terminal_wraps_prose_and_never_names_or_urls() {
        let url = "http://203.0.113.7/hook/5b2c0b2b9bd2b3d8e1c9a3d7b1f4a6e2c8d0f3a5b7c9e1d3f5a7b9c1d3e5f7a9";
        let message = "Receiver initialized for path: /hook/5b2c0b2b9bd2b3d8e1c9a3d7b1f4a6e2 and more words";
        let columns = [Column::whole("NAME"), Column::whole("URL"), Column::wrapping("MESSAGE")];
        let rows = [vec![
            "github-receiver".to_string(),
            url.to_string(),
            message.to_string(),
        ]];
        let text = render_to(&columns, &rows, Width::Terminal(140), false);
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines.len() > 2, "the message wraps at 140 columns:\n{text}");
        assert!(
            lines[1].starts_with("github-receiver   ") && lines[1].contains(url),
            "{text}"
        );
        // On a very narrow terminal the message keeps a readable width and
        // the line runs past the edge instead.
        let text = render_to(&columns, &rows, Width::Terminal(60), false);
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines[1].starts_with("github-receiver   ") && lines[1].contains(url),
            "{text}"
        );
        assert!(
            lines.iter().skip(1).all(|l| l.len() > 20),
            "no one-letter wrapping:\n{text}"
        );
        // Piped, nothing wraps.
        let text = render_to(&columns, &rows, Width::Unbounded, false);
        assert_eq!(text.lines().count(), 2, "{text}");
    }
}

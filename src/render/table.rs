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

/// Renders `rows` under `columns`, ending with a newline.
pub fn render(columns: &[Column], rows: &[Vec<String>]) -> String {
    let mut table = Table::new();
    table.load_style(comfy_table::presets::NOTHING);
    let colour = use_colour();
    if stdout_is_terminal() {
        table.set_content_arrangement(ContentArrangement::Dynamic);
    } else {
        table
            .force_no_tty()
            .set_content_arrangement(ContentArrangement::Disabled);
    }
    table.set_header(columns.iter().map(|c| Cell::new(c.header)).collect::<Vec<_>>());
    let ready_column = columns.iter().position(|c| c.header == "READY");
    for row in rows {
        table.add_row(row.iter().enumerate().map(|(index, text)| {
            let cell = Cell::new(text);
            match (colour, Some(index) == ready_column, text.as_str()) {
                (true, true, "True") => cell.fg(Color::Green),
                (true, true, "False") => cell.fg(Color::Red),
                _ => cell,
            }
        }));
    }
    let last = columns.len().saturating_sub(1);
    for (index, column) in table.column_iter_mut().enumerate() {
        column.set_padding((0, if index == last { 0 } else { 3 }));
        if columns.get(index).is_some_and(|c| c.no_wrap) {
            column.set_constraint(ColumnConstraint::ContentWidth);
        }
    }
    let mut text: String = table.lines().map(|line| line.trim_end().to_string() + "\n").collect();
    if rows.is_empty() {
        text.clear();
    }
    text
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
}

//! Text made safe for a terminal.
//!
//! Values typed by the user, read from the cluster or sent by a remote
//! server can hold line breaks and escape sequences; printed raw they
//! split a one-line error in two, or move the cursor and clear the screen.
//! Everything such text goes through is shown with its control characters
//! escaped, the way Rust writes them in a string literal (`\n`, `\t`,
//! `\u{1b}`), and the rest as it is.

use std::borrow::Cow;

/// `text` with every control character escaped (`\n`, `\u{1b}`); the text
/// itself when it has none.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.contains(char::is_control) {
        return Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            escaped.extend(c.escape_default());
        } else {
            escaped.push(c);
        }
    }
    Cow::Owned(escaped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_and_the_rest_kept() {
        assert_eq!(escape_controls("a\nb\tc\r"), "a\\nb\\tc\\r");
        assert_eq!(escape_controls("\u{1b}[2J"), "\\u{1b}[2J");
        assert_eq!(escape_controls("\u{9b}31m"), "\\u{9b}31m");
        assert_eq!(escape_controls("é \"x\" 'y' \\"), "é \"x\" 'y' \\");
        assert!(matches!(escape_controls("plain"), Cow::Borrowed("plain")));
    }
}

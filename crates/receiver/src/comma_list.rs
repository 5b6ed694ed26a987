//! Comma lists as flux reads them.
//!
//! flux's list flags (`--event`, `--resource`, `--label`) are pflag
//! string slices, and pflag reads each occurrence as one record of Go's
//! `encoding/csv` with its defaults: items are split at commas, an item
//! that starts with `"` is quoted (`"a,b"` is the one item `a,b`, `""`
//! inside it is a quote), a quote anywhere else is an error, spaces are
//! kept, and an empty value is no item at all. This module reads a value
//! the same way, so that a command line means the same list to both tools.
//!
//! It is written out rather than taken from the `csv` crate because that
//! crate is lenient where Go's reader is strict (it keeps a stray quote
//! instead of refusing it), and flux's refusals are part of what must
//! agree. One difference is deliberate: a value spanning lines is refused,
//! where Go's reader skips blank lines and silently drops every line after
//! the first record.

/// Why a comma list could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommaListError {
    /// A quote inside an item that does not start with one (`a"b`).
    #[error("a quote may only open an item, as in \"a,b\" (write \"a\"\"b\" for a\"b)")]
    BareQuote,
    /// Text between a quoted item's closing quote and the next comma.
    #[error("a quoted item must end at its closing quote, before a comma or the end")]
    TextAfterQuote,
    /// A quoted item whose closing quote is missing.
    #[error("a quoted item is not closed")]
    Unclosed,
    /// A line break in the value.
    #[error("a comma list must be on one line")]
    LineBreak,
}

/// The items of one occurrence of a list flag, as flux reads them.
pub fn parse(value: &str) -> Result<Vec<String>, CommaListError> {
    if value.is_empty() {
        return Ok(Vec::new());
    }
    if value.contains(['\n', '\r']) {
        return Err(CommaListError::LineBreak);
    }
    let mut items = Vec::new();
    let mut rest = value;
    loop {
        let (item, next) = match rest.strip_prefix('"') {
            Some(quoted) => quoted_item(quoted)?,
            None => plain_item(rest)?,
        };
        items.push(item);
        match next {
            Some(next) => rest = next,
            None => return Ok(items),
        }
    }
}

/// An unquoted item at the start of `text`, and what follows its comma
/// (`None` at the end of the value).
fn plain_item(text: &str) -> Result<(String, Option<&str>), CommaListError> {
    let (item, next) = match text.split_once(',') {
        Some((item, next)) => (item, Some(next)),
        None => (text, None),
    };
    if item.contains('"') {
        return Err(CommaListError::BareQuote);
    }
    Ok((item.to_string(), next))
}

/// A quoted item whose opening quote has been read, and what follows its
/// comma (`None` at the end of the value).
fn quoted_item(mut text: &str) -> Result<(String, Option<&str>), CommaListError> {
    let mut item = String::new();
    loop {
        let (inside, after) = text.split_once('"').ok_or(CommaListError::Unclosed)?;
        item.push_str(inside);
        if let Some(after_escape) = after.strip_prefix('"') {
            item.push('"');
            text = after_escape;
        } else if after.is_empty() {
            return Ok((item, None));
        } else if let Some(next) = after.strip_prefix(',') {
            return Ok((item, Some(next)));
        } else {
            return Err(CommaListError::TextAfterQuote);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(value: &str) -> Vec<String> {
        parse(value).unwrap_or_else(|e| panic!("{value:?}: {e}"))
    }

    #[test]
    fn splits_at_commas_and_keeps_spaces() {
        assert_eq!(items("push,ping"), ["push", "ping"]);
        assert_eq!(items(" push , ping"), [" push ", " ping"]);
        assert_eq!(items("Push Hook"), ["Push Hook"]);
    }

    #[test]
    fn an_empty_value_is_no_item_and_empty_items_are_kept() {
        assert!(items("").is_empty());
        assert_eq!(items(","), ["", ""]);
        assert_eq!(items("a,,b"), ["a", "", "b"]);
        assert_eq!(items("a,"), ["a", ""]);
    }

    #[test]
    fn quoted_items_hold_commas_and_doubled_quotes() {
        assert_eq!(items("\"a,b\""), ["a,b"]);
        assert_eq!(items("\"dq\""), ["dq"]);
        assert_eq!(items("\"a\"\"b\",c"), ["a\"b", "c"]);
        assert_eq!(items("\"\""), [""]);
        assert_eq!(items("x,\"y,z\","), ["x", "y,z", ""]);
    }

    #[test]
    fn stray_quotes_are_refused_as_go_refuses_them() {
        assert_eq!(parse("a\"b"), Err(CommaListError::BareQuote));
        assert_eq!(parse(" \"a\""), Err(CommaListError::BareQuote));
        assert_eq!(parse("\"a\"b"), Err(CommaListError::TextAfterQuote));
        assert_eq!(parse("\"a\" ,b"), Err(CommaListError::TextAfterQuote));
        assert_eq!(parse("\"a"), Err(CommaListError::Unclosed));
        assert_eq!(parse("\""), Err(CommaListError::Unclosed));
        assert_eq!(parse("a,\"b"), Err(CommaListError::Unclosed));
    }

    #[test]
    fn line_breaks_are_refused() {
        for value in ["a\nb", "a\n", "\na", "\"a\nb\"", "a\r"] {
            assert_eq!(parse(value), Err(CommaListError::LineBreak), "{value:?}");
        }
    }
}

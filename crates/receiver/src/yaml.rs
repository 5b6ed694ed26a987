//! YAML exactly as Flux prints it.
//!
//! `flux … --export` marshals objects with `sigs.k8s.io/yaml`, which converts
//! JSON to YAML through a fork of go-yaml v2. Byte-identical output therefore
//! means reproducing go-yaml v2's choices, which no Rust YAML serializer makes
//! (serde-saphyr, for one, double-quotes `*` where go-yaml single-quotes it, and
//! folds long strings with `>-` where go-yaml wraps plain scalars at column 80):
//!
//! - mapping keys sorted at every level, in go-yaml's order (not by bytes:
//!   `a2` before `a10`, `a_b` before `aB`);
//! - block sequences inside a mapping are not indented (`events:` then `- ping`);
//! - a string that would read back as another type under YAML 1.1 (`true`,
//!   `yes`, `on`, `null`, `1`, `0x1f`, `1:20`, `2024-01-02`, …) is double-quoted;
//! - a string that cannot be plain (it starts with an indicator such as `*` or
//!   `&`, contains `: ` or ` #`, has leading or trailing spaces) is
//!   single-quoted, or double-quoted when it holds characters that need escapes;
//! - strings with line breaks use literal block style (`|`, `|-`, `|+`);
//! - a key over 128 bytes or with a line break is written in the explicit
//!   form, `? key` and then `: value` on a line of its own;
//! - plain and quoted scalars wrap at a space once the line passes column 80,
//!   continuing two spaces deeper than their key.
//!
//! Two differences are deliberate, both where go-yaml's output does not
//! read back as what it was given: a string holding U+2028 or U+2029 (line and
//! paragraph separators) is double-quoted with them escaped (`\L`, `\P`),
//! where go-yaml writes them raw as line breaks, which YAML 1.2 readers take
//! as text; and a key `<<` is double-quoted, where go-yaml writes it plain,
//! which every reader, go-yaml's own included, takes as a merge key.
//!
//! The emitter works on `serde_json::Value` because that is exactly the data
//! model `sigs.k8s.io/yaml` sees: the object after JSON marshalling.

use serde_json::{Map, Value};

/// go-yaml's preferred line width (`best_width`).
const BEST_WIDTH: usize = 80;
/// go-yaml's indentation step (`best_indent`).
const INDENT: usize = 2;
/// go-yaml writes keys longer than this many bytes in the explicit `? key`
/// form (a label key may be 317: a 253-character prefix, `/` and a name).
const MAX_SIMPLE_KEY: usize = 128;

/// Renders `value` as a YAML document the way `sigs.k8s.io/yaml.Marshal` does.
///
/// The result ends with a newline and has no leading `---`.
pub fn to_string(value: &Value) -> String {
    let mut emitter = Emitter::default();
    match value {
        Value::Object(map) if !map.is_empty() => emitter.mapping(map, 0, false),
        Value::Array(items) if !items.is_empty() => emitter.sequence(items, 0),
        // As go-yaml, continuation lines of a document that is one scalar
        // are indented (a literal block must be when it starts with a space).
        scalar_or_empty => {
            emitter.value_after_indicator(scalar_or_empty, INDENT);
        }
    }
    emitter.newline_if_needed();
    emitter.out
}

/// Output buffer plus the column go-yaml's wrapping decisions depend on.
#[derive(Default)]
struct Emitter {
    out: String,
    /// Characters (not bytes) written on the current line.
    column: usize,
}

/// How a string scalar is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
}

impl Emitter {
    fn push(&mut self, text: &str) {
        self.out.push_str(text);
        self.column += text.chars().count();
    }

    fn push_char(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn newline(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    fn newline_if_needed(&mut self) {
        if self.column > 0 {
            self.newline();
        }
    }

    /// Starts a new line at `indent`, as go-yaml's `write_indent` does.
    fn indent_to(&mut self, indent: usize) {
        self.newline_if_needed();
        for _ in 0..indent {
            self.push_char(' ');
        }
    }

    /// A block mapping whose keys sit at column `indent`. With `inline_first`
    /// the first key continues the current line (after a sequence's `- `).
    fn mapping(&mut self, map: &Map<String, Value>, indent: usize, inline_first: bool) {
        for (position, (key, value)) in sorted_entries(map).into_iter().enumerate() {
            if position > 0 || !inline_first {
                self.indent_to(indent);
            }
            if !is_simple_key(key) {
                self.explicit_entry(key, value, indent);
                continue;
            }
            self.key(key);
            self.push_char(':');
            match value {
                Value::Object(inner) if !inner.is_empty() => self.mapping(inner, indent + INDENT, false),
                // go-yaml does not indent a block sequence that is a mapping value.
                Value::Array(items) if !items.is_empty() => self.sequence(items, indent),
                other => self.value_after_indicator(other, indent + INDENT),
            }
        }
    }

    /// An entry in go-yaml's explicit form, for a key that cannot be a
    /// simple one: `? key` (written as any value is, so it may wrap or be a
    /// literal block), then `: value` on a line of its own, the value
    /// continuing that line as it would after a sequence's `- `.
    fn explicit_entry(&mut self, key: &str, value: &Value, indent: usize) {
        self.push_char('?');
        self.push_char(' ');
        self.string(key, indent + INDENT, false);
        self.indent_to(indent);
        self.push_char(':');
        match value {
            Value::Object(inner) if !inner.is_empty() => {
                self.push_char(' ');
                self.mapping(inner, indent + INDENT, true);
            }
            Value::Array(items) if !items.is_empty() => {
                self.push_char(' ');
                self.nested_sequence(items, indent + INDENT);
            }
            other => self.value_after_indicator(other, indent + INDENT),
        }
    }

    /// A block sequence whose `- ` indicators sit at column `indent`.
    fn sequence(&mut self, items: &[Value], indent: usize) {
        for item in items {
            self.indent_to(indent);
            self.push_char('-');
            match item {
                Value::Object(inner) if !inner.is_empty() => {
                    self.push_char(' ');
                    self.mapping(inner, indent + INDENT, true);
                }
                Value::Array(nested) if !nested.is_empty() => {
                    self.push_char(' ');
                    self.nested_sequence(nested, indent + INDENT);
                }
                other => self.value_after_indicator(other, indent + INDENT),
            }
        }
    }

    /// A sequence directly inside a sequence: its first `- ` shares the line.
    fn nested_sequence(&mut self, items: &[Value], indent: usize) {
        for (position, item) in items.iter().enumerate() {
            if position > 0 {
                self.indent_to(indent);
            }
            self.push_char('-');
            match item {
                Value::Object(inner) if !inner.is_empty() => {
                    self.push_char(' ');
                    self.mapping(inner, indent + INDENT, true);
                }
                Value::Array(nested) if !nested.is_empty() => {
                    self.push_char(' ');
                    self.nested_sequence(nested, indent + INDENT);
                }
                other => self.value_after_indicator(other, indent + INDENT),
            }
        }
    }

    /// A scalar or empty collection after `key:` or `-`; continuation lines
    /// of wrapped or literal scalars go to `scalar_indent`.
    fn value_after_indicator(&mut self, value: &Value, scalar_indent: usize) {
        if self.column > 0 {
            self.push_char(' ');
        }
        match value {
            Value::Null => self.push("null"),
            Value::Bool(flag) => self.push(if *flag { "true" } else { "false" }),
            Value::Number(number) => self.push(&number.to_string()),
            Value::String(text) => self.string(text, scalar_indent, false),
            Value::Array(_) => self.push("[]"),
            Value::Object(_) => self.push("{}"),
        }
    }

    fn key(&mut self, key: &str) {
        self.string(key, 0, true);
    }

    fn string(&mut self, text: &str, indent: usize, simple_key: bool) {
        let allow_breaks = !simple_key;
        match select_style(text, simple_key) {
            Style::Plain => self.plain(text, indent, allow_breaks),
            Style::SingleQuoted => self.single_quoted(text, indent, allow_breaks),
            Style::DoubleQuoted => self.double_quoted(text, indent, allow_breaks),
            Style::Literal => self.literal(text, indent),
        }
    }

    fn plain(&mut self, text: &str, indent: usize, allow_breaks: bool) {
        let chars: Vec<char> = text.chars().collect();
        let mut previous_was_space = false;
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                let next_is_space = chars.get(i + 1) == Some(&' ');
                if allow_breaks && !previous_was_space && self.column > BEST_WIDTH && !next_is_space {
                    self.indent_to(indent);
                } else {
                    self.push_char(c);
                }
                previous_was_space = true;
            } else {
                self.push_char(c);
                previous_was_space = false;
            }
        }
    }

    fn single_quoted(&mut self, text: &str, indent: usize, allow_breaks: bool) {
        let chars: Vec<char> = text.chars().collect();
        self.push_char('\'');
        let mut previous_was_space = false;
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                let next_is_space = chars.get(i + 1) == Some(&' ');
                let inner = i != 0 && i != chars.len() - 1;
                if allow_breaks && !previous_was_space && self.column > BEST_WIDTH && inner && !next_is_space {
                    self.indent_to(indent);
                } else {
                    self.push_char(c);
                }
                previous_was_space = true;
            } else {
                if c == '\'' {
                    self.push_char('\'');
                }
                self.push_char(c);
                previous_was_space = false;
            }
        }
        self.push_char('\'');
    }

    fn double_quoted(&mut self, text: &str, indent: usize, allow_breaks: bool) {
        let chars: Vec<char> = text.chars().collect();
        // go-yaml's `is_bom` looks at the start of the string, not at the
        // character in hand: after a leading BOM every character is escaped.
        let escape_all = text.starts_with('\u{feff}');
        self.push_char('"');
        let mut previous_was_space = false;
        for (i, &c) in chars.iter().enumerate() {
            if escape_all || !is_printable(c) || is_break(c) || c == '"' || c == '\\' {
                self.push(&escape(c));
                previous_was_space = false;
            } else if c == ' ' {
                let inner = i != 0 && i != chars.len() - 1;
                if allow_breaks && !previous_was_space && self.column > BEST_WIDTH && inner {
                    self.indent_to(indent);
                    if chars.get(i + 1) == Some(&' ') {
                        self.push_char('\\');
                    }
                } else {
                    self.push_char(c);
                }
                previous_was_space = true;
            } else {
                self.push_char(c);
                previous_was_space = false;
            }
        }
        self.push_char('"');
    }

    fn literal(&mut self, text: &str, indent: usize) {
        self.push_char('|');
        let first = text.chars().next();
        if first.is_some_and(|c| c == ' ' || is_break(c)) {
            self.push(&INDENT.to_string());
        }
        self.push(chomping_indicator(text));
        self.newline();
        let mut at_line_start = true;
        for c in text.chars() {
            if is_break(c) {
                self.newline();
                at_line_start = true;
            } else {
                if at_line_start {
                    for _ in 0..indent {
                        self.push_char(' ');
                    }
                    at_line_start = false;
                }
                self.push_char(c);
            }
        }
    }
}

/// Whether go-yaml writes `key` as a simple key (`key: value`), as its
/// `yaml_emitter_check_simple_key` decides: at most 128 bytes, on one line.
fn is_simple_key(key: &str) -> bool {
    key.len() <= MAX_SIMPLE_KEY && !key.chars().any(is_break)
}

/// go-yaml's chomping hint: `-` without a final line break, `+` with more
/// than one (or a lone one), nothing for exactly one.
fn chomping_indicator(text: &str) -> &'static str {
    let mut tail = text.chars().rev();
    match (tail.next(), tail.next()) {
        (None, _) => "-",
        (Some(last), _) if !is_break(last) => "-",
        (Some(_), None) => "+",
        (Some(_), Some(before)) if is_break(before) => "+",
        _ => "",
    }
}

/// The style go-yaml v2 ends up with for a string: the encoder asks for
/// literal (line breaks), plain (reads back as a string) or double quotes,
/// and the emitter downgrades plain to single quotes when plain is unsafe.
fn select_style(text: &str, simple_key: bool) -> Style {
    let analysis = Analysis::of(text);
    let requested = if text.contains('\n') {
        Style::Literal
    } else if resolves_to_string(text) && !is_base60_float(text) {
        Style::Plain
    } else {
        Style::DoubleQuoted
    };
    let mut style = requested;
    // The deliberate differences (see the module's documentation): go-yaml
    // writes U+2028 and U+2029 unescaped, as line breaks, which a YAML 1.2
    // reader takes as text followed by the next line's indentation; and a
    // plain `<<` key is a merge key to any reader.
    if text.contains(['\u{2028}', '\u{2029}']) || (simple_key && text == "<<") {
        return Style::DoubleQuoted;
    }
    if simple_key && analysis.multiline {
        style = Style::DoubleQuoted;
    }
    if style == Style::Plain && (!analysis.block_plain_allowed || (text.is_empty() && simple_key)) {
        style = Style::SingleQuoted;
    }
    if style == Style::SingleQuoted && !analysis.single_quoted_allowed {
        style = Style::DoubleQuoted;
    }
    if style == Style::Literal && (!analysis.block_allowed || simple_key) {
        style = Style::DoubleQuoted;
    }
    style
}

/// What go-yaml's `yaml_emitter_analyze_scalar` concludes about a string.
struct Analysis {
    multiline: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

impl Analysis {
    fn of(text: &str) -> Analysis {
        if text.is_empty() {
            return Analysis {
                multiline: false,
                block_plain_allowed: true,
                single_quoted_allowed: true,
                block_allowed: false,
            };
        }
        let chars: Vec<char> = text.chars().collect();
        let mut block_indicators = text.starts_with("---") || text.starts_with("...");
        let (mut line_breaks, mut special_characters) = (false, false);
        let (mut leading_space, mut leading_break) = (false, false);
        let (mut trailing_space, mut trailing_break) = (false, false);
        let (mut break_space, mut space_break) = (false, false);
        let (mut previous_space, mut previous_break) = (false, false);
        let mut preceded_by_whitespace = true;
        for (i, &c) in chars.iter().enumerate() {
            let followed_by_whitespace = chars.get(i + 1).is_none_or(|&next| is_blank(next) || is_break(next));
            if i == 0 {
                match c {
                    '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"' | '%' | '@' | '`' => {
                        block_indicators = true
                    }
                    '?' | ':' | '-' if followed_by_whitespace => block_indicators = true,
                    _ => {}
                }
            } else {
                match c {
                    ':' if followed_by_whitespace => block_indicators = true,
                    '#' if preceded_by_whitespace => block_indicators = true,
                    _ => {}
                }
            }
            if !is_printable(c) {
                special_characters = true;
            }
            let last = i + 1 == chars.len();
            if c == ' ' {
                leading_space |= i == 0;
                trailing_space |= last;
                break_space |= previous_break;
                previous_space = true;
                previous_break = false;
            } else if is_break(c) {
                line_breaks = true;
                leading_break |= i == 0;
                trailing_break |= last;
                space_break |= previous_space;
                previous_space = false;
                previous_break = true;
            } else {
                previous_space = false;
                previous_break = false;
            }
            preceded_by_whitespace = is_blank(c) || is_break(c) || c == '\0';
        }
        let mut analysis = Analysis {
            multiline: line_breaks,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: true,
        };
        if leading_space || leading_break || trailing_space || trailing_break {
            analysis.block_plain_allowed = false;
        }
        if trailing_space {
            analysis.block_allowed = false;
        }
        if break_space {
            analysis.block_plain_allowed = false;
            analysis.single_quoted_allowed = false;
        }
        if space_break || special_characters {
            analysis.block_plain_allowed = false;
            analysis.single_quoted_allowed = false;
            analysis.block_allowed = false;
        }
        if line_breaks || block_indicators {
            analysis.block_plain_allowed = false;
        }
        analysis
    }
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// go-yaml's `is_printable`, as its code tests the UTF-8 bytes rather than
/// as YAML 1.1 words it: NEL (U+0085) and every character outside the
/// Basic Multilingual Plane (an emoji) are not printable, so a string
/// holding one is double-quoted with it escaped (`"\U0001F680"`).
fn is_printable(c: char) -> bool {
    matches!(c, '\n' | '\u{20}'..='\u{7e}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}') && c != '\u{feff}'
}

/// A character as go-yaml escapes it inside double quotes.
fn escape(c: char) -> String {
    match c {
        '\0' => "\\0".into(),
        '\u{7}' => "\\a".into(),
        '\u{8}' => "\\b".into(),
        '\t' => "\\t".into(),
        '\n' => "\\n".into(),
        '\u{b}' => "\\v".into(),
        '\u{c}' => "\\f".into(),
        '\r' => "\\r".into(),
        '\u{1b}' => "\\e".into(),
        '"' => "\\\"".into(),
        '\\' => "\\\\".into(),
        '\u{85}' => "\\N".into(),
        '\u{a0}' => "\\_".into(),
        '\u{2028}' => "\\L".into(),
        '\u{2029}' => "\\P".into(),
        c if (c as u32) <= 0xff => format!("\\x{:02X}", c as u32),
        c if (c as u32) <= 0xffff => format!("\\u{:04X}", c as u32),
        c => format!("\\U{:08X}", c as u32),
    }
}

/// Whether go-yaml v2's `resolve` reads `text`, written plain, back as a
/// string (rather than a bool, null, number, timestamp or merge key).
fn resolves_to_string(text: &str) -> bool {
    let Some(first) = text.chars().next() else {
        return false; // empty is null
    };
    const RESERVED: &[&str] = &[
        "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "n", "N", "no", "No", "NO", "false",
        "False", "FALSE", "off", "Off", "OFF", "~", "null", "Null", "NULL", ".nan", ".NaN", ".NAN", ".inf", ".Inf",
        ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
    ];
    match first {
        'y' | 'Y' | 'n' | 'N' | 't' | 'T' | 'f' | 'F' | 'o' | 'O' | '~' => !RESERVED.contains(&text),
        '.' => !RESERVED.contains(&text) && !is_go_float(text),
        '0'..='9' | '+' | '-' => {
            if RESERVED.contains(&text) || is_timestamp(text) {
                return false;
            }
            let plain: String = text.chars().filter(|&c| c != '_').collect();
            !(is_go_int(&plain) || is_yaml_float(&plain) || is_binary_int(&plain))
        }
        _ => true,
    }
}

/// `strconv.ParseFloat` succeeding on a string starting with `.` (decimal
/// forms only). As in Go's float literals, a single `_` may stand between
/// two digits; a value out of float64's range (`.5e999`) is an error.
fn is_go_float(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    let separates_digits =
        |i: usize| i > 0 && chars[i - 1].is_ascii_digit() && chars.get(i + 1).is_some_and(char::is_ascii_digit);
    if (0..chars.len()).any(|i| chars[i] == '_' && !separates_digits(i)) {
        return false;
    }
    let text: String = text.chars().filter(|&c| c != '_').collect();
    let mantissa_end = text.find(['e', 'E']).unwrap_or(text.len());
    let (mantissa, exponent) = text.split_at(mantissa_end);
    let digits = &mantissa[1..];
    let mantissa_ok = mantissa.starts_with('.') && !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit());
    let exponent_ok = exponent.is_empty() || {
        let rest = exponent[1..].trim_start_matches(['+', '-']);
        exponent[1..].len() - rest.len() <= 1 && !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit())
    };
    mantissa_ok && exponent_ok && text.parse::<f64>().is_ok_and(f64::is_finite)
}

/// `strconv.ParseInt(s, 0, 64)` or `ParseUint` succeeding (underscores removed).
fn is_go_int(text: &str) -> bool {
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (digits, radix) = if let Some(hex) = unsigned.strip_prefix("0x").or_else(|| unsigned.strip_prefix("0X")) {
        (hex, 16)
    } else if let Some(octal) = unsigned.strip_prefix("0o").or_else(|| unsigned.strip_prefix("0O")) {
        (octal, 8)
    } else if let Some(binary) = unsigned.strip_prefix("0b").or_else(|| unsigned.strip_prefix("0B")) {
        (binary, 2)
    } else if unsigned.len() > 1 && unsigned.starts_with('0') {
        (&unsigned[1..], 8)
    } else {
        (unsigned, 10)
    };
    // Only digits: Rust's from_str_radix, unlike Go, takes a sign of its own
    // (`++9`, or `0+5` read as octal).
    !digits.is_empty() && digits.chars().all(|c| c.is_digit(radix)) && u64::from_str_radix(digits, radix).is_ok()
}

/// go-yaml's `yamlStyleFloat`: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
/// (and the value must be finite, or `ParseFloat` reports a range error).
fn is_yaml_float(text: &str) -> bool {
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let mantissa_end = unsigned.find(['e', 'E']).unwrap_or(unsigned.len());
    let (mantissa, exponent) = unsigned.split_at(mantissa_end);
    let mantissa_ok = match mantissa.split_once('.') {
        Some(("", fraction)) => !fraction.is_empty() && fraction.chars().all(|c| c.is_ascii_digit()),
        Some((whole, fraction)) => {
            !whole.is_empty()
                && whole.chars().all(|c| c.is_ascii_digit())
                && fraction.chars().all(|c| c.is_ascii_digit())
        }
        None => !mantissa.is_empty() && mantissa.chars().all(|c| c.is_ascii_digit()),
    };
    let exponent_ok = exponent.is_empty() || {
        let after_e = &exponent[1..];
        let digits = after_e.strip_prefix(['+', '-']).unwrap_or(after_e);
        !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())
    };
    mantissa_ok && exponent_ok && text.parse::<f64>().is_ok_and(f64::is_finite)
}

/// go-yaml's explicit `0b…` / `-0b…` integers.
fn is_binary_int(text: &str) -> bool {
    let digits = text.strip_prefix("0b").or_else(|| text.strip_prefix("-0b"));
    digits.is_some_and(|d| !d.is_empty() && i64::from_str_radix(d, 2).is_ok())
}

/// go-yaml's `isBase60Float`: `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`.
fn is_base60_float(text: &str) -> bool {
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (body, fraction) = match unsigned.split_once('.') {
        Some((body, fraction)) => (body, Some(fraction)),
        None => (unsigned, None),
    };
    if fraction.is_some_and(|f| !f.chars().all(|c| c.is_ascii_digit() || c == '_')) {
        return false;
    }
    let mut groups = body.split(':');
    let head = groups.next().unwrap_or("");
    let head_ok =
        head.starts_with(|c: char| c.is_ascii_digit()) && head.chars().all(|c| c.is_ascii_digit() || c == '_');
    let mut sexagesimal = 0;
    for group in groups {
        let ok = match group.as_bytes() {
            [d] => d.is_ascii_digit(),
            [t, d] => (b'0'..=b'5').contains(t) && d.is_ascii_digit(),
            _ => false,
        };
        if !ok {
            return false;
        }
        sexagesimal += 1;
    }
    head_ok && sexagesimal > 0
}

/// go-yaml v2's timestamp forms: `YYYY-M-D`, optionally followed by a time
/// (`T`, `t` or a space, `H:M:S`, fraction, and with `T`/`t` a zone).
fn is_timestamp(text: &str) -> bool {
    fn number(part: &str, min_len: usize, max_len: usize) -> Option<u32> {
        (part.len() >= min_len && part.len() <= max_len && part.chars().all(|c| c.is_ascii_digit()))
            .then(|| part.parse().ok())
            .flatten()
    }
    let date_end = text.find(['T', 't', ' ']).unwrap_or(text.len());
    let (date, rest) = text.split_at(date_end);
    let mut fields = date.split('-');
    let (Some(year), Some(month), Some(day), None) = (fields.next(), fields.next(), fields.next(), fields.next())
    else {
        return false;
    };
    let (Some(year), Some(month), Some(day)) = (number(year, 4, 4), number(month, 1, 2), number(day, 1, 2)) else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    if day == 0 || day > days_in_month {
        return false;
    }
    if rest.is_empty() {
        return true;
    }
    let separator = &rest[..1];
    let time = &rest[1..];
    // With a zone the time must be followed by `Z` or `±hh:mm`; the space form has none.
    let (clock, zone_ok) = if separator == " " {
        (time, true)
    } else if let Some(clock) = time.strip_suffix('Z') {
        (clock, true)
    } else if let Some(position) = time.rfind(['+', '-']) {
        let zone = &time[position + 1..];
        let ok = matches!(zone.split_once(':'), Some((h, m)) if number(h, 2, 2).is_some() && number(m, 2, 2).is_some());
        (&time[..position], ok)
    } else {
        (time, false)
    };
    let (clock, fraction) = match clock.split_once('.') {
        Some((clock, fraction)) => (clock, Some(fraction)),
        None => (clock, None),
    };
    let mut parts = clock.split(':');
    let fields_ok = matches!(
        (parts.next(), parts.next(), parts.next(), parts.next()),
        (Some(h), Some(m), Some(s), None)
            if number(h, 1, 2).is_some_and(|h| h < 24)
                && number(m, 1, 2).is_some_and(|m| m < 60)
                && number(s, 1, 2).is_some_and(|s| s < 60)
    );
    let fraction_ok = fraction.is_none_or(|f| !f.is_empty() && f.len() <= 9 && f.chars().all(|c| c.is_ascii_digit()));
    zone_ok && fields_ok && fraction_ok
}

/// A mapping's entries in the order go-yaml v2 writes them.
///
/// go-yaml's order is not total (`9` < `10` < `1B` < `9`, see [`key_less`]),
/// and Rust's sorts may panic on such an order, so this is an insertion
/// sort, which cannot: it leaves no neighbours out of order, and for keys
/// the order does rank (every key Flux writes) gives go-yaml's output.
/// Where it does not, go-yaml's own output depends on Go's random map order.
fn sorted_entries(map: &Map<String, Value>) -> Vec<(&String, &Value)> {
    // Each key's characters once, not once per comparison.
    let mut entries: Vec<(Vec<char>, (&String, &Value))> =
        map.iter().map(|entry| (entry.0.chars().collect(), entry)).collect();
    for next in 1..entries.len() {
        let mut at = next;
        while at > 0 && key_less(&entries[at].0, &entries[at - 1].0) {
            entries.swap(at, at - 1);
            at -= 1;
        }
    }
    entries.into_iter().map(|(_, entry)| entry).collect()
}

/// Whether go-yaml v2 writes key `a` before key `b` (`keyList.Less` in its
/// sorter.go, for string keys; `sigs.k8s.io/yaml` hands it every key as a
/// string): at the first difference a letter comes after anything else, two
/// runs of digits compare as numbers (`2` before `10`; with equal values
/// the shorter run first), and anything else by code point; a key that is
/// a prefix of another comes first.
///
/// Letters are Unicode alphabetic characters (Go asks for category L) and
/// digits ASCII ones (Go takes any decimal digit): the two differ only on
/// keys outside ASCII, which Kubernetes refuses for labels, annotations
/// and Secret data. The keys come as their characters, which go-yaml
/// compares one by one.
fn key_less(a: &[char], b: &[char]) -> bool {
    for i in 0..a.len().min(b.len()) {
        if a[i] == b[i] {
            continue;
        }
        let (a_letter, b_letter) = (a[i].is_alphabetic(), b[i].is_alphabetic());
        if a_letter && b_letter {
            return a[i] < b[i];
        }
        if a_letter || b_letter {
            return b_letter;
        }
        // A zero that continues a number with a non-zero digit before it:
        // go-yaml then starts both numbers at 1, so that `105` and `1005`
        // (differing at a zero) still compare as 15 and 105.
        let (mut a_number, mut b_number) = (0i64, 0i64);
        if (a[i] == '0' || b[i] == '0')
            && a[..i]
                .iter()
                .rev()
                .take_while(|c| c.is_ascii_digit())
                .any(|&c| c != '0')
        {
            (a_number, b_number) = (1, 1);
        }
        let digits = |text: &[char], number: &mut i64| {
            let run = text[i..].iter().take_while(|c| c.is_ascii_digit()).count();
            for c in &text[i..i + run] {
                // As Go's int64 arithmetic: wraps on overflow.
                *number = number.wrapping_mul(10).wrapping_add(i64::from(*c as u8 - b'0'));
            }
            run
        };
        let (a_run, b_run) = (digits(a, &mut a_number), digits(b, &mut b_number));
        if a_number != b_number {
            return a_number < b_number;
        }
        if a_run != b_run {
            return a_run < b_run;
        }
        return a[i] < b[i];
    }
    a.len() < b.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn less(a: &str, b: &str) -> bool {
        key_less(&a.chars().collect::<Vec<_>>(), &b.chars().collect::<Vec<_>>())
    }

    fn scalar(text: &str) -> String {
        to_string(&json!({ "k": text }))
            .trim_start_matches("k: ")
            .trim_end()
            .to_string()
    }

    #[test]
    fn sorts_keys_and_leaves_sequences_unindented() {
        let yaml = to_string(&json!({
            "spec": { "type": "github", "events": ["ping", "push"],
                      "resources": [{ "name": "my-nginx", "kind": "GitRepository" }] },
            "apiVersion": "v1"
        }));
        assert_eq!(
            yaml,
            "apiVersion: v1\nspec:\n  events:\n  - ping\n  - push\n  resources:\n  - kind: GitRepository\n    name: my-nginx\n  type: github\n"
        );
    }

    /// Keys whose byte order (the order serde_json's map keeps them in)
    /// is not go-yaml's; the expected output is what `sigs.k8s.io/yaml`
    /// v1.6.0 (go-yaml v2.4.3) printed for this object.
    #[test]
    fn sorts_keys_in_go_yaml_order_not_byte_order() {
        let yaml = to_string(&json!({
            "metadata": { "labels": { "tier10": "a", "tier2": "b", "app_name": "c", "appName": "d",
                                      "x01": "e", "x1": "f", "a~": "g", "a1": "h" } },
            "10": 1, "2": 2, "1": 3
        }));
        assert_eq!(
            yaml,
            "\"1\": 3\n\"2\": 2\n\"10\": 1\nmetadata:\n  labels:\n    a~: g\n    a1: h\n    app_name: c\n    appName: d\n    tier2: b\n    tier10: a\n    x1: f\n    x01: e\n"
        );
    }

    /// go-yaml's order is not total: no sort can satisfy it, and the
    /// insertion sort must still end (and not panic, as Rust's sorts may).
    /// For these keys `sigs.k8s.io/yaml` itself printed each of the three
    /// rotations in 30 runs (Go's map order is random); ours is fixed.
    #[test]
    fn key_order_has_cycles_and_the_sort_survives_them() {
        assert!(less("9", "10") && less("10", "1B") && less("1B", "9"));
        assert_eq!(
            to_string(&json!({ "9": 1, "10": 2, "1B": 3 })),
            "\"10\": 2\n1B: 3\n\"9\": 1\n"
        );
    }

    proptest! {
        /// Whatever the keys, the output is theirs, once each, with no two
        /// neighbours out of go-yaml's order; and the order is asymmetric.
        #[test]
        fn sorted_keys_have_no_neighbours_out_of_order(
            // A small alphabet, so that keys share prefixes and digit runs:
            // letters of both cases, zero, other digits, marks around them.
            keys in prop::collection::btree_set("[aB019_.~]{0,5}", 0..12),
        ) {
            let map: Map<String, Value> = keys.iter().map(|k| (k.clone(), Value::Null)).collect();
            let sorted: Vec<&str> = sorted_entries(&map).into_iter().map(|(k, _)| k.as_str()).collect();
            let mut same: Vec<&str> = sorted.clone();
            same.sort_unstable();
            prop_assert_eq!(same, keys.iter().map(String::as_str).collect::<Vec<_>>());
            for pair in sorted.windows(2) {
                prop_assert!(!less(pair[1], pair[0]), "{:?}", sorted);
                prop_assert!(!(less(pair[0], pair[1]) && less(pair[1], pair[0])));
            }
        }
    }

    #[test]
    fn quotes_like_go_yaml() {
        assert_eq!(scalar("*"), "'*'");
        assert_eq!(scalar("true"), "\"true\"");
        assert_eq!(scalar("yes"), "\"yes\"");
        assert_eq!(scalar("On"), "\"On\"");
        assert_eq!(scalar("null"), "\"null\"");
        assert_eq!(scalar(""), "\"\"");
        assert_eq!(scalar("123"), "\"123\"");
        assert_eq!(scalar("0x1F"), "\"0x1F\"");
        assert_eq!(scalar("1e3"), "\"1e3\"");
        assert_eq!(scalar("08"), "\"08\"");
        assert_eq!(scalar("1:20"), "\"1:20\"");
        assert_eq!(scalar("2024-01-02"), "\"2024-01-02\"");
        assert_eq!(scalar("1.2.3"), "1.2.3");
        assert_eq!(scalar("v1"), "v1");
        assert_eq!(scalar("Push Hook"), "Push Hook");
        assert_eq!(scalar("repo:refs_changed"), "repo:refs_changed");
        assert_eq!(scalar("a: b"), "'a: b'");
        assert_eq!(scalar("a #b"), "'a #b'");
        assert_eq!(scalar(" lead"), "' lead'");
        assert_eq!(scalar("it's"), "it's");
        assert_eq!(scalar("-x"), "-x");
        assert_eq!(scalar("- x"), "'- x'");
        assert_eq!(scalar("tab\there"), "\"tab\\there\"");
        assert_eq!(
            scalar("https://flux.example.com/hook/1"),
            "https://flux.example.com/hook/1"
        );
        assert_eq!(scalar("---x"), "'---x'");
        // Underscores between digits: numbers to go-yaml (what it printed).
        for number in [
            ".1_0", ".1e1_0", ".1_2_3", "+.1_0", "-1_0.5_0", "1_000", "1__0", "0x_1F", "0_7",
        ] {
            assert_eq!(scalar(number), format!("\"{number}\""));
        }
        // Out of float64's range, ParseFloat fails: go-yaml reads a string.
        assert_eq!(scalar(".5e999"), ".5e999");
        assert_eq!(scalar("1e999"), "1e999");
        assert_eq!(scalar(".5e99"), "\".5e99\"");
        // Two signs are not a number, nor a sign after a leading zero.
        for text in ["._1", ".1__0", ".1_", ".1_e1", "_1", "._", "++9", "+-1", "0+5", "0+_5"] {
            assert_eq!(scalar(text), text);
        }
    }

    #[test]
    fn literal_blocks_for_multiline_strings() {
        assert_eq!(to_string(&json!({ "k": "a\nb" })), "k: |-\n  a\n  b\n");
        assert_eq!(to_string(&json!({ "k": "a\nb\n" })), "k: |\n  a\n  b\n");
        assert_eq!(
            to_string(&json!({ "m": { "k": "a\n\nb" } })),
            "m:\n  k: |-\n    a\n\n    b\n"
        );
    }

    #[test]
    fn wraps_long_plain_scalars_past_column_80() {
        let words = "has(res.metadata.labels) && res.metadata.labels.team == 'platform' && res.metadata.name != 'x'";
        let yaml = to_string(&json!({ "spec": { "resourceFilter": words } }));
        let expected = "spec:\n  resourceFilter: has(res.metadata.labels) && res.metadata.labels.team == 'platform'\n    && res.metadata.name != 'x'\n";
        assert_eq!(yaml, expected);
    }

    #[test]
    fn empty_collections_and_scalars() {
        assert_eq!(
            to_string(&json!({ "a": {}, "b": [], "c": 80, "d": false })),
            "a: {}\nb: []\nc: 80\nd: false\n"
        );
    }

    /// Keys over 128 bytes, or with a line break, take go-yaml's explicit
    /// `? key` form (a long label key used to fail a debug assertion, found
    /// by the `yaml` fuzz target); the expected output is what
    /// `sigs.k8s.io/yaml` v1.6.0 printed for these objects.
    #[test]
    fn long_and_multiline_keys_take_the_explicit_form() {
        let long = "a".repeat(129);
        assert_eq!(to_string(&json!({ &long: "v" })), format!("? {long}\n: v\n"));
        assert_eq!(
            to_string(&json!({ &long: { "b": 1, "c": [1, 2] } })),
            format!("? {long}\n: b: 1\n  c:\n  - 1\n  - 2\n")
        );
        assert_eq!(
            to_string(&json!({ &long: ["x", { "y": 1 }] })),
            format!("? {long}\n: - x\n  - \"y\": 1\n")
        );
        assert_eq!(
            to_string(&json!({ "l": [{ &long: "v", "z": 1 }] })),
            format!("l:\n- ? {long}\n  : v\n  z: 1\n")
        );
        assert_eq!(to_string(&json!({ &long: {} })), format!("? {long}\n: {{}}\n"));
        // go-yaml counts bytes: 64 two-byte characters are a simple key, 65 are not.
        let (simple, explicit) = ("é".repeat(64), "é".repeat(65));
        assert_eq!(to_string(&json!({ &simple: 1 })), format!("{simple}: 1\n"));
        assert_eq!(to_string(&json!({ &explicit: 1 })), format!("? {explicit}\n: 1\n"));
        assert_eq!(
            to_string(&json!({ "a".repeat(128): 1 })),
            format!("{}: 1\n", "a".repeat(128))
        );
        // A long label key (a 253-character prefix is valid) in a manifest.
        let label = format!("{}.example.com/team", "a".repeat(120));
        assert_eq!(
            to_string(&json!({ "metadata": { "labels": { &label: "platform", "app": "web" } } })),
            format!("metadata:\n  labels:\n    ? {label}\n    : platform\n    app: web\n")
        );
        // Line breaks: a literal block key; a long plain key wraps like a value.
        assert_eq!(to_string(&json!({ "a\nb": 1 })), "? |-\n  a\n  b\n: 1\n");
        assert_eq!(
            to_string(&json!({ "m": { "a\nb\n": [1, 2] } })),
            "m:\n  ? |\n    a\n    b\n  : - 1\n    - 2\n"
        );
        let words = ["word"; 30].join(" ");
        assert_eq!(
            to_string(&json!({ &words: "v" })),
            format!("? {}\n  {}\n: v\n", ["word"; 16].join(" "), ["word"; 14].join(" "))
        );
    }

    /// A document that is one string: continuation lines are indented, as
    /// go-yaml indents them (a literal block starting with a space was not,
    /// and did not parse; found by the `yaml` fuzz target). The expected
    /// output is what `sigs.k8s.io/yaml` v1.6.0 printed.
    #[test]
    fn a_lone_scalar_continues_indented() {
        assert_eq!(to_string(&json!(" k\"\n [x")), "|2-\n   k\"\n   [x\n");
        assert_eq!(to_string(&json!("a\nb")), "|-\n  a\n  b\n");
        assert_eq!(to_string(&json!("\na")), "|2-\n\n  a\n");
        let words = ["word"; 30].join(" ");
        assert_eq!(
            to_string(&json!(words)),
            format!("{}\n  {}\n", ["word"; 17].join(" "), ["word"; 13].join(" "))
        );
    }

    /// Characters go-yaml's byte tests do not call printable (NEL, anything
    /// outside the BMP) are escaped, a leading BOM escapes the whole string,
    /// and (deliberately unlike go-yaml) U+2028 and U+2029 are escaped rather
    /// than written as line breaks, which turned them into `\n` inside a
    /// literal block (found by the `yaml` fuzz target). The expected output
    /// is what `sigs.k8s.io/yaml` v1.6.0 printed, but for those two.
    #[test]
    fn escapes_what_go_yaml_does_not_print() {
        assert_eq!(scalar("🚀"), "\"\\U0001F680\"");
        assert_eq!(to_string(&json!({ "🚀": 1 })), "\"\\U0001F680\": 1\n");
        assert_eq!(scalar("a\u{85}b"), "\"a\\Nb\"");
        assert_eq!(scalar("a\nb\u{85}c"), "\"a\\nb\\Nc\"");
        assert_eq!(scalar("\u{feff}a b"), "\"\\uFEFF\\x61\\x20\\x62\"");
        assert_eq!(scalar("a\u{2028}b"), "\"a\\Lb\"");
        assert_eq!(scalar("a\nb\u{2029}c"), "\"a\\nb\\Pc\"");
        assert_eq!(to_string(&json!({ "a\nb\u{2028}": 1 })), "? \"a\\nb\\L\"\n: 1\n");
    }

    /// A `<<` key is quoted, deliberately unlike go-yaml, whose plain `<<`
    /// reads back as a merge key (found by the `yaml` fuzz target); a `<<`
    /// value, which no reader merges, stays plain as go-yaml writes it.
    #[test]
    fn a_merge_key_lookalike_is_quoted() {
        assert_eq!(to_string(&json!({ "<<": "<<", "k": "<<<" })), "\"<<\": <<\nk: <<<\n");
    }

    #[test]
    fn sequences_of_mappings_inside_sequences() {
        let yaml = to_string(&json!({ "l": [{ "a": 1, "b": [ "x" ] }, "s"] }));
        assert_eq!(yaml, "l:\n- a: 1\n  b:\n  - x\n- s\n");
    }
}

//! Go `time.Duration` parsing and formatting.
//!
//! Flux flags and the Receiver's `spec.interval` are Go durations. Parsing
//! accepts what `time.ParseDuration` accepts (without a sign); formatting is
//! `Duration.String()`, so `10m` is written `10m0s` exactly as Flux writes it.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use thiserror::Error;

/// A non-negative Go-style duration with nanosecond precision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct GoDuration(pub Duration);

/// Why a duration string was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DurationError {
    /// Not of the form `<number><unit>…`.
    #[error("must be a duration such as 30s, 5m or 1h30m (units ns, us, ms, s, m, h)")]
    Syntax,
    /// A unit outside `ns`, `us`, `µs`, `ms`, `s`, `m`, `h`.
    #[error("unknown unit '{0}' (use ns, us, ms, s, m or h)")]
    Unit(String),
    /// Larger than Go's `time.Duration` can hold (about 290 years).
    #[error("is too large")]
    Overflow,
    /// Negative durations make no sense for intervals and timeouts.
    #[error("must not be negative")]
    Negative,
}

const NANOS_PER: [(&str, u128); 8] = [
    ("ns", 1),
    ("us", 1_000),
    ("µs", 1_000),
    ("μs", 1_000),
    ("ms", 1_000_000),
    ("s", 1_000_000_000),
    ("m", 60_000_000_000),
    ("h", 3_600_000_000_000),
];

/// Go's `time.Duration` is an `int64` of nanoseconds.
const MAX_NANOS: u128 = i64::MAX as u128;

impl FromStr for GoDuration {
    type Err = DurationError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = match text.strip_prefix('-') {
            Some(rest)
                if rest
                    .trim_start_matches(['0', '.'])
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_digit()) =>
            {
                return Err(DurationError::Negative);
            }
            Some(_) => return Err(DurationError::Syntax),
            None => text.strip_prefix('+').unwrap_or(text),
        };
        if text == "0" {
            return Ok(GoDuration(Duration::ZERO));
        }
        if text.is_empty() {
            return Err(DurationError::Syntax);
        }
        let mut rest = text;
        let mut total: u128 = 0;
        while !rest.is_empty() {
            let whole_len = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
            let (whole, after_whole) = rest.split_at(whole_len);
            let (fraction, after_number) = match after_whole.strip_prefix('.') {
                Some(after_dot) => {
                    let len = after_dot.find(|c: char| !c.is_ascii_digit()).unwrap_or(after_dot.len());
                    after_dot.split_at(len)
                }
                None => ("", after_whole),
            };
            if whole.is_empty() && fraction.is_empty() {
                return Err(DurationError::Syntax);
            }
            let unit_len = after_number
                .find(|c: char| c.is_ascii_digit() || c == '.')
                .unwrap_or(after_number.len());
            let (unit, remaining) = after_number.split_at(unit_len);
            if unit.is_empty() {
                return Err(DurationError::Syntax);
            }
            let scale = NANOS_PER
                .iter()
                .find(|(name, _)| *name == unit)
                .map(|(_, nanos)| *nanos)
                .ok_or_else(|| DurationError::Unit(unit.to_string()))?;
            let whole: u128 = if whole.is_empty() {
                0
            } else {
                whole.parse().map_err(|_| DurationError::Overflow)?
            };
            let whole_nanos = whole.checked_mul(scale).ok_or(DurationError::Overflow)?;
            // Like Go, the fraction is scaled by the unit and truncated to
            // whole nanoseconds, and as Go's `leadingFraction` reads it: the
            // digits after those whose value fits in 2^63 are ignored. So the
            // numerator times the largest scale (an hour's nanoseconds) stays
            // far within u128; at most 30 digits are read (leading zeros keep
            // the numerator small, not the divisor), which keeps the divisor
            // within it too.
            let mut divisor: u128 = 1;
            let mut numerator: u128 = 0;
            for digit in fraction.chars().take(30) {
                let next = numerator * 10 + u128::from(digit.to_digit(10).unwrap_or(0));
                if next > 1 << 63 {
                    break;
                }
                numerator = next;
                divisor *= 10;
            }
            let nanos = whole_nanos
                .checked_add(numerator * scale / divisor)
                .ok_or(DurationError::Overflow)?;
            total = total.checked_add(nanos).ok_or(DurationError::Overflow)?;
            if total > MAX_NANOS {
                return Err(DurationError::Overflow);
            }
            rest = remaining;
        }
        let secs = (total / 1_000_000_000) as u64;
        let subsec = (total % 1_000_000_000) as u32;
        Ok(GoDuration(Duration::new(secs, subsec)))
    }
}

impl fmt::Display for GoDuration {
    /// Formats as Go's `Duration.String()`: `1h2m3.5s`, `10m0s`, `1.5ms`, `0s`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let nanos = self.0.as_nanos();
        if nanos == 0 {
            return f.write_str("0s");
        }
        if nanos < 1_000_000_000 {
            // Sub-second: a single unit with a decimal fraction.
            let (unit, scale, digits) = if nanos < 1_000 {
                ("ns", 1, 0)
            } else if nanos < 1_000_000 {
                ("µs", 1_000, 3)
            } else {
                ("ms", 1_000_000, 6)
            };
            return write!(f, "{}{}{unit}", nanos / scale, fraction(nanos % scale, digits));
        }
        let total_secs = nanos / 1_000_000_000;
        let subsec = nanos % 1_000_000_000;
        let hours = total_secs / 3600;
        let minutes = (total_secs % 3600) / 60;
        let seconds = total_secs % 60;
        if hours > 0 {
            write!(f, "{hours}h")?;
        }
        if hours > 0 || minutes > 0 {
            write!(f, "{minutes}m")?;
        }
        write!(f, "{seconds}{}s", fraction(subsec, 9))
    }
}

/// `.ddd` with trailing zeros removed, or nothing when `value` is zero.
fn fraction(value: u128, digits: usize) -> String {
    if value == 0 || digits == 0 {
        return String::new();
    }
    let padded = format!("{value:0digits$}");
    format!(".{}", padded.trim_end_matches('0'))
}

impl GoDuration {
    /// The duration as a `std::time::Duration`.
    pub fn as_std(self) -> Duration {
        self.0
    }

    /// Whether the formatted value matches the Receiver CRD's pattern for
    /// `spec.interval`, `^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$` (no `ns`/`µs`, not zero).
    pub fn fits_interval_pattern(self) -> bool {
        let text = self.to_string();
        self.0 >= Duration::from_millis(1) && !text.contains("µs") && !text.contains("ns") && text != "0s"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<String, DurationError> {
        text.parse::<GoDuration>().map(|d| d.to_string())
    }

    #[test]
    fn formats_like_go() {
        assert_eq!(parse("10m").unwrap(), "10m0s");
        assert_eq!(parse("1h").unwrap(), "1h0m0s");
        assert_eq!(parse("90s").unwrap(), "1m30s");
        assert_eq!(parse("1.5s").unwrap(), "1.5s");
        assert_eq!(parse("1500ms").unwrap(), "1.5s");
        assert_eq!(parse("500ms").unwrap(), "500ms");
        assert_eq!(parse("1.5ms").unwrap(), "1.5ms");
        assert_eq!(parse("2us").unwrap(), "2µs");
        assert_eq!(parse("3ns").unwrap(), "3ns");
        assert_eq!(parse("0").unwrap(), "0s");
        assert_eq!(parse("1h30m").unwrap(), "1h30m0s");
        assert_eq!(parse(".5h").unwrap(), "30m0s");
        assert_eq!(parse("25h").unwrap(), "25h0m0s");
    }

    #[test]
    fn rejects_bad_input() {
        assert_eq!(parse(""), Err(DurationError::Syntax));
        assert_eq!(parse("5"), Err(DurationError::Syntax));
        assert_eq!(parse("m"), Err(DurationError::Syntax));
        assert_eq!(parse("5d"), Err(DurationError::Unit("d".into())));
        assert_eq!(parse("-5m"), Err(DurationError::Negative));
        assert_eq!(parse("1.m"), Ok("1m0s".into()));
        assert_eq!(parse("3000000h"), Err(DurationError::Overflow));
    }

    /// Found by the `duration` fuzz target: thirty fraction digits of an
    /// hour overflowed u128 (a panic in debug builds, a wrong duration in
    /// release). Digits past 2^63 are ignored, as Go's parser ignores them.
    #[test]
    fn long_fractions_do_not_overflow() {
        assert_eq!(
            parse("1.999999999999999999999999999999h").unwrap(),
            "1h59m59.999999999s"
        );
        assert_eq!(
            parse("0.999999999999999999999999999999999999999h").unwrap(),
            "59m59.999999999s"
        );
        assert_eq!(parse("0.000000000000000000000000000000000001h").unwrap(), "0s");
        assert_eq!(parse("1.5000000000000000000000000000000000h").unwrap(), "1h30m0s");
    }

    #[test]
    fn interval_pattern() {
        assert!("10m".parse::<GoDuration>().unwrap().fits_interval_pattern());
        assert!(!"10us".parse::<GoDuration>().unwrap().fits_interval_pattern());
        assert!(!"0s".parse::<GoDuration>().unwrap().fits_interval_pattern());
    }
}

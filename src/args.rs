//! The process arguments, read as the OS gives them.
//!
//! Arguments are bytes on Unix, not necessarily UTF-8. Reading them with
//! `std::env::args` panics on the first invalid one; here they are read as
//! OS strings and an invalid one is a usage error that names the flag
//! whose value it is (or the positional it stands for), with the bytes
//! escaped.

use std::ffi::OsString;

use clap::Command;

use crate::complete::walk;

/// The arguments as UTF-8 strings, or the one-line message for the first
/// that is not UTF-8 (reading the words before it through `root`).
pub fn utf8(root: &Command, args: Vec<OsString>) -> Result<Vec<String>, String> {
    let mut words = Vec::with_capacity(args.len());
    for arg in args {
        match arg.into_string() {
            Ok(word) => words.push(word),
            Err(bad) => return Err(message(root, &words, &bad)),
        }
    }
    Ok(words)
}

/// "error: invalid value '\xff' for '--namespace <NAMESPACE>': …".
fn message(root: &Command, before: &[String], bad: &OsString) -> String {
    let shown = bad.as_encoded_bytes().escape_ascii().to_string();
    let typed = before.get(1..).unwrap_or_default();
    // Built, so that global flags (-n) are found on every subcommand.
    let mut root = root.clone();
    root.build();
    let (line, pending) = walk::walk(&root, typed);
    let lossy = bad.to_string_lossy();
    let inline = if lossy.starts_with('-') {
        walk::flag_with_value(line.command, &lossy).and_then(|(arg, _)| arg)
    } else {
        None
    };
    let what = match pending.or(inline) {
        Some(arg) => format!("'{}'", flag_name(arg)),
        None => match line.command.get_positionals().nth(line.positionals) {
            Some(arg) => format!("'<{}>'", arg.get_id().as_str().to_uppercase()),
            None => "an argument".to_string(),
        },
    };
    format!("error: invalid value '{shown}' for {what}: not valid UTF-8")
}

fn flag_name(arg: &clap::Arg) -> String {
    match (arg.get_long(), arg.get_short()) {
        (Some(long), _) => format!("--{long}"),
        (None, Some(short)) => format!("-{short}"),
        (None, None) => arg.get_id().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::ffi::OsStringExt;

    use clap::CommandFactory;

    use super::*;

    fn check(words: &[&[u8]]) -> Result<Vec<String>, String> {
        let args = words.iter().map(|w| OsString::from_vec(w.to_vec())).collect();
        utf8(&crate::cli::Cli::command(), args)
    }

    #[test]
    fn the_flag_or_positional_holding_invalid_bytes_is_named() {
        assert_eq!(
            check(&[b"flux-receiver", b"list", b"-n", b"\xff"]),
            Err("error: invalid value '\\xff' for '--namespace': not valid UTF-8".into())
        );
        assert_eq!(
            check(&[b"flux-receiver", b"create", b"rx", b"--event=a\xfe"]),
            Err("error: invalid value '--event=a\\xfe' for '--event': not valid UTF-8".into())
        );
        assert_eq!(
            check(&[b"flux-receiver", b"get", b"\xc3("]),
            Err("error: invalid value '\\xc3(' for '<NAME>': not valid UTF-8".into())
        );
        assert_eq!(
            check(&[b"flux-receiver", b"list"]),
            Ok(vec!["flux-receiver".into(), "list".into()])
        );
    }
}

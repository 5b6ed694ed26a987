//! Man pages, one for the tool and one per subcommand.
//!
//! clap_mangen renders what the parser knows (NAME, SYNOPSIS, DESCRIPTION,
//! OPTIONS, SUBCOMMANDS); the sections it has no source for are written
//! here: EXAMPLES, verbatim from [`crate::examples`], EXIT STATUS, from
//! [`crate::error::EXIT_STATUSES`], ENVIRONMENT and SEE ALSO.
//!
//! Examples are printed in no-fill mode with every special character
//! escaped, so that roff neither joins, justifies nor hyphenates them and
//! `-` stays a hyphen-minus: what the page shows can be pasted. Whole pages
//! are neither hyphenated nor justified, so that a flag in running text is
//! never broken at a line end or spread out either.

use clap::Command;
use clap::CommandFactory;

use crate::cli::Cli;
use crate::generate::BIN_NAME;

/// Variables read other than through a flag's `env` (those are listed
/// from the clap definition), with what they do.
const ENVIRONMENT: [(&str, &str); 10] = [
    (
        "KUBECONFIG",
        "The kubeconfig files, separated by colons, when --kubeconfig is not given (default: ~/.kube/config).",
    ),
    (
        "KUBERNETES_SERVICE_HOST",
        "Set in every Pod, with KUBERNETES_SERVICE_PORT: without any kubeconfig, the Pod's service account is used.",
    ),
    ("KUBERNETES_SERVICE_PORT", "See KUBERNETES_SERVICE_HOST."),
    (
        "FLUXCD_PLUGINS",
        "flux's plugin directory (default: ~/.fluxcd/plugins). Run from there as flux-receiver, as flux runs \
         its plugins, the program calls itself flux receiver in help, hints and errors.",
    ),
    ("HOME", "Where ~/.kube/config and ~/.fluxcd/plugins are looked up."),
    ("NO_COLOR", "When set and not empty, nothing is coloured."),
    (
        "GITHUB_TOKEN",
        "The GitHub token setup and delete use with --github-repo or --github-org, when --github-token-file is \
         not given.",
    ),
    (
        "GH_TOKEN",
        "The GitHub token when neither --github-token-file nor GITHUB_TOKEN gives one.",
    ),
    (
        "GITLAB_TOKEN",
        "The GitLab token (with the api scope) setup and delete use with --gitlab-project or --gitlab-group, \
         when --gitlab-token-file is not given.",
    ),
    (
        "COLUMNS",
        "On a terminal, the width tables are fitted to (default: the terminal's).",
    ),
];

/// Pages named in SEE ALSO that are not ours.
pub const OTHER_PAGES: [&str; 2] = ["flux(1)", "kubectl(1)"];

/// Every page: `(file name, roff)`, the tool's first.
pub fn pages() -> Vec<(String, Vec<u8>)> {
    // `help` is not documented: `--help` is, and it has no page of its own.
    let mut command = Cli::command().disable_help_subcommand(true);
    command.build();
    let subcommands: Vec<Command> = command
        .get_subcommands()
        .filter(|sub| !sub.is_hide_set())
        .cloned()
        .collect();
    let sub_pages: Vec<String> = subcommands.iter().map(|sub| page_name(sub.get_name())).collect();

    let mut see_also: Vec<String> = sub_pages.iter().map(|page| format!("{page}(1)")).collect();
    see_also.extend(OTHER_PAGES.map(String::from));
    let mut pages = vec![(format!("{BIN_NAME}.1"), render(command.clone(), None, &see_also))];

    for sub in subcommands {
        let name = sub.get_name().to_string();
        let page = page_name(&name);
        // The page is flux-receiver-setup, the command `flux-receiver setup`.
        let sub = sub.display_name(page.clone()).bin_name(format!("{BIN_NAME} {name}"));
        let mut see_also = vec![format!("{BIN_NAME}(1)")];
        see_also.extend(OTHER_PAGES.map(String::from));
        pages.push((format!("{page}.1"), render(sub, Some(&name), &see_also)));
    }
    pages
}

/// A subcommand's page name, `flux-receiver-setup`.
fn page_name(subcommand: &str) -> String {
    format!("{BIN_NAME}-{subcommand}")
}

/// One page: clap_mangen's sections, then ours.
fn render(command: Command, subcommand: Option<&str>, see_also: &[String]) -> Vec<u8> {
    let version = command.get_version().map(str::to_string);
    let environment = environment(&command);
    let man = clap_mangen::Man::new(command.clone()).source(format!("{BIN_NAME} {}", env!("CARGO_PKG_VERSION")));
    let mut roff = Vec::new();
    let section = |render: fn(&clap_mangen::Man, &mut dyn std::io::Write) -> std::io::Result<()>| {
        let mut out = Vec::new();
        render(&man, &mut out).expect("writing to a Vec cannot fail");
        without_preamble(out)
    };
    let mut title = Vec::new();
    man.render_title(&mut title).expect("writing to a Vec cannot fail");
    roff.extend(title);
    roff.extend(b".nh\n.ad l\n");
    roff.extend(section(clap_mangen::Man::render_name_section));
    roff.extend(section(clap_mangen::Man::render_synopsis_section));
    roff.extend(section(clap_mangen::Man::render_description_section));
    if command.get_arguments().any(|arg| !arg.is_hide_set()) {
        roff.extend(section(clap_mangen::Man::render_options_section));
    }
    if command.get_subcommands().any(|sub| !sub.is_hide_set()) {
        roff.extend(section(clap_mangen::Man::render_subcommands_section));
    }
    let mut ours = String::new();
    if let Some(examples) = subcommand.and_then(crate::examples::of) {
        ours.push_str(&examples_section(examples));
    }
    ours.push_str(&exit_status_section());
    ours.push_str(&environment_section(&environment));
    ours.push_str(&see_also_section(see_also));
    if version.is_some() {
        ours.push_str(&String::from_utf8(section(clap_mangen::Man::render_version_section)).unwrap_or_default());
    }
    roff.extend(ours.into_bytes());
    roff
}

/// A section's roff without the apostrophe preamble the roff crate puts
/// in front of every rendering: it is needed once, after the title.
fn without_preamble(roff: Vec<u8>) -> Vec<u8> {
    let text = String::from_utf8(roff).expect("clap_mangen writes UTF-8");
    text.lines()
        .skip_while(|line| line.starts_with(".ie \\n(.g .ds Aq") || line.starts_with(".el .ds Aq"))
        .flat_map(|line| [line, "\n"])
        .collect::<String>()
        .into_bytes()
}

/// EXAMPLES: the block as written, line for line.
fn examples_section(examples: &str) -> String {
    let mut roff = String::from(".SH EXAMPLES\n.nf\n");
    for line in examples.lines() {
        roff.push_str(&escape(line));
        roff.push('\n');
    }
    roff.push_str(".fi\n");
    roff
}

fn exit_status_section() -> String {
    let mut roff = String::from(".SH \"EXIT STATUS\"\n");
    for (code, meaning) in crate::error::EXIT_STATUSES {
        roff.push_str(&format!(".TP\n{code}\n{}\n", escape(meaning)));
    }
    roff
}

/// The variables `command` reads: through its flags' `env` (global flags
/// and subcommands' flags included), and the others, by name.
pub fn environment(command: &Command) -> Vec<(String, String)> {
    // (variable, flag, what the flag is, the subcommand it belongs to when
    // not `command` itself)
    let mut flags: Vec<(String, String, String, Option<String>)> = Vec::new();
    let mut add = |command: &Command, owner: Option<&str>| {
        for arg in command.get_arguments().filter(|arg| !arg.is_hide_set()) {
            let Some(name) = arg.get_env() else { continue };
            let flag = arg
                .get_long()
                .map_or_else(|| arg.get_id().to_string(), |long| format!("--{long}"));
            let help = arg.get_help().map(ToString::to_string).unwrap_or_default();
            flags.push((
                name.to_string_lossy().into_owned(),
                flag,
                help,
                owner.map(str::to_string),
            ));
        }
    };
    add(command, None);
    for sub in command.get_subcommands().filter(|sub| !sub.is_hide_set()) {
        add(sub, Some(sub.get_name()));
    }
    let mut variables: Vec<(String, String)> = Vec::new();
    for (name, flag, help, owner) in &flags {
        if variables.iter().any(|(seen, _)| seen == name) {
            continue;
        }
        let meaning = match owner {
            // On the page of the flag's own command: what the flag is.
            None => format!("The default of {flag} ({}).", sentence_case_off(help)),
            // On the tool's page: whose flag it is.
            Some(_) => {
                let owners: Vec<&str> = flags
                    .iter()
                    .filter(|other| other.0 == *name)
                    .filter_map(|other| other.3.as_deref())
                    .collect();
                format!("The default of {flag} of {}.", owners.join(" and "))
            }
        };
        variables.push((name.clone(), meaning));
    }
    variables.extend(
        ENVIRONMENT
            .iter()
            .map(|(name, meaning)| (name.to_string(), meaning.to_string())),
    );
    variables
}

fn environment_section(variables: &[(String, String)]) -> String {
    let mut roff = String::from(".SH ENVIRONMENT\n");
    for (name, meaning) in variables {
        roff.push_str(&format!(".TP\n\\fB{}\\fR\n{}\n", escape(name), escape(meaning)));
    }
    roff
}

/// SEE ALSO: `pages` as `name(section)`, bold names, comma-separated.
fn see_also_section(pages: &[String]) -> String {
    let references: Vec<String> = pages
        .iter()
        .map(|page| match page.split_once('(') {
            Some((name, section)) => format!("\\fB{}\\fR({section}", escape(name)),
            None => escape(page),
        })
        .collect();
    format!(".SH \"SEE ALSO\"\n{}\n", references.join(",\n"))
}

/// `text` with its first letter in lower case, to go inside a sentence,
/// unless it starts an acronym (`OIDC`).
fn sentence_case_off(text: &str) -> String {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && !second.is_uppercase() => {
            first.to_lowercase().chain(text.chars().skip(1)).collect()
        }
        _ => text.to_string(),
    }
}

/// `text` as roff input that prints as `text`: backslashes, hyphens,
/// quotes, tildes and carets as the escapes that print their ASCII
/// selves (plain `-` may print as a hyphen, `'` as a right quote), and a
/// leading `.` kept from reading as a request.
pub fn escape(text: &str) -> String {
    let mut roff = String::with_capacity(text.len());
    if text.starts_with('.') {
        roff.push_str("\\&");
    }
    for c in text.chars() {
        match c {
            '\\' => roff.push_str("\\e"),
            '-' => roff.push_str("\\-"),
            '\'' => roff.push_str("\\(aq"),
            '`' => roff.push_str("\\(ga"),
            '~' => roff.push_str("\\(ti"),
            '^' => roff.push_str("\\(ha"),
            c => roff.push(c),
        }
    }
    roff
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_print_as_their_ascii_selves() {
        assert_eq!(
            escape(".x --event 'Tag Push Hook' \\ ~/a `b` ^"),
            "\\&.x \\-\\-event \\(aqTag Push Hook\\(aq \\e \\(ti/a \\(gab\\(ga \\(ha"
        );
    }

    #[test]
    fn every_page_has_the_sections_mangen_lacks() {
        for (name, roff) in pages() {
            let roff = String::from_utf8(roff).unwrap();
            for section in [".SH \"EXIT STATUS\"", ".SH ENVIRONMENT", ".SH \"SEE ALSO\""] {
                assert!(roff.contains(section), "{name} has no {section}");
            }
            assert_eq!(roff.matches(".ds Aq").count(), 2, "{name}: one preamble");
        }
    }
}

//! `flux-receiver url NAME`: the hook path (or URL) a token yields, offline.

use receiver::{ProviderType, webhook_path, webhook_url};

use crate::cli::{GlobalArgs, UrlArgs};
use crate::error::{CliError, CliResult};
use crate::input::TokenSource;
use crate::output;

/// Runs `url`.
pub fn run(global: &GlobalArgs, args: &UrlArgs) -> CliResult {
    let token = TokenSource::from_flags(args.token.as_deref(), args.token_file.as_deref()).read()?;
    let oidc = args.provider == Some(ProviderType::GenericOidc);
    let token = match (token, oidc) {
        (Some(_), true) => {
            return Err(CliError::usage(
                "--token is not used with '--type generic-oidc': its hook path is derived from an empty token",
            ));
        }
        (None, true) => String::new(),
        (Some(token), false) => token,
        (None, false) => {
            return Err(CliError::usage(
                "missing required argument: --token <TOKEN> or --token-file <FILE> (or --type generic-oidc)",
            ));
        }
    };
    let path = webhook_path(&token, &args.name, &global.namespace);
    match &args.hostname {
        Some(host) => output::println(&webhook_url(host, &path)),
        None => output::println(&path),
    }
}

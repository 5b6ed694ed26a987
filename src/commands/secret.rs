//! `flux-receiver secret NAME`: a webhook token Secret.

use receiver::manifest::{self, SecretOptions};

use crate::cli::{GlobalArgs, SecretArgs};
use crate::commands::{cluster_mode_unavailable, label_map};
use crate::error::{CliError, CliResult};
use crate::input::TokenSource;
use crate::output;

/// Runs `secret`.
pub fn run(global: &GlobalArgs, args: &SecretArgs) -> CliResult {
    let labels = label_map(&args.labels)?;
    let supplied = TokenSource::from_flags(args.token.as_deref(), args.token_file.as_deref()).read()?;
    let token = match supplied {
        Some(token) => token,
        None => receiver::token::generate().map_err(|e| CliError::failure(e.to_string()))?,
    };
    let options = SecretOptions {
        name: args.name.clone(),
        namespace: global.namespace.clone(),
        labels,
        provider: Some(args.provider),
        token,
        hostname: args.hostname.clone(),
        receiver_name: args.receiver_name.clone(),
        email_claim: args.email_claim.clone(),
        audience_claim: args.audience_claim.clone(),
    };
    let secret = manifest::secret(&options)?;
    if args.export {
        return output::print(&manifest::export_secret(&secret));
    }
    Err(cluster_mode_unavailable("secret"))
}

//! `kube-emulator --kubeconfig FILE`: serve the emulator until interrupted
//! or terminated, with a kubeconfig at FILE and the webhook receiver's base
//! URL in FILE.webhook (both removed on the way out).

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use kube_emulator::{Emulator, Options};

/// A Kubernetes API server emulator with an emulated Flux notification-controller.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Where to write a kubeconfig pointing at the emulator once it listens (and FILE.webhook: the webhook receiver's base URL)
    #[arg(long)]
    kubeconfig: PathBuf,
    /// Start without Flux: no CRDs, no notification-controller
    #[arg(long)]
    without_flux: bool,
    /// Milliseconds the controller waits before reporting a Receiver's status
    #[arg(long, default_value_t = 0)]
    controller_delay_ms: u64,
    /// Receivers (with Secrets) to seed over 100 namespaces
    #[arg(long, default_value_t = 0)]
    seed_receivers: usize,
    /// Port on 127.0.0.1 (0: any free port)
    #[arg(long, default_value_t = 0)]
    port: u16,
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let options = Options {
        with_flux: !args.without_flux,
        controller_delay: Duration::from_millis(args.controller_delay_ms),
        seed_receivers: args.seed_receivers,
        port: args.port,
    };
    let emulator = Emulator::start(options).await?;
    let webhook_file = kube_emulator::webhook_file(&args.kubeconfig);
    emulator.write_kubeconfig(&args.kubeconfig)?;
    println!(
        "kube-emulator listening on {} (kubeconfig: {})",
        emulator.base_url(),
        args.kubeconfig.display()
    );
    println!(
        "webhook receiver at {} (written to {}; hook paths go after it)",
        emulator.webhook_url(),
        webhook_file.display()
    );
    stopped().await?;
    emulator.shutdown().await;
    // As testenv/start does: no kubeconfig or address outlives the server.
    let _ = std::fs::remove_file(&args.kubeconfig);
    let _ = std::fs::remove_file(&webhook_file);
    Ok(())
}

/// Until Ctrl-C or (on Unix) SIGTERM, which `kill` and shells' job control send.
async fn stopped() -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            interrupted = tokio::signal::ctrl_c() => interrupted,
            _ = terminate.recv() => Ok(()),
        }
    }
    #[cfg(not(unix))]
    tokio::signal::ctrl_c().await
}

//! `kube-emulator --kubeconfig FILE`: serve the emulator until killed.

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use kube_emulator::{Emulator, Options};

/// A Kubernetes API server emulator with an emulated Flux notification-controller.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Where to write a kubeconfig pointing at the emulator (once it listens)
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
    emulator.write_kubeconfig(&args.kubeconfig)?;
    println!(
        "kube-emulator listening on {} (kubeconfig: {})",
        emulator.base_url(),
        args.kubeconfig.display()
    );
    tokio::signal::ctrl_c().await?;
    emulator.shutdown().await;
    Ok(())
}

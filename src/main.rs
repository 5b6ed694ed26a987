//! The `flux-receiver` executable (also run by flux as `flux receiver`).

fn main() -> std::process::ExitCode {
    flux_receiver::main()
}

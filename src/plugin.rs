//! Running as a Flux CLI plugin.
//!
//! flux (2.8+) runs `flux-receiver` for `flux receiver …`, passing the
//! arguments through unchanged. Nothing in the arguments says so, but the
//! parent process does: when it is `flux`, help and usage say
//! `flux receiver` so that what users read matches what they typed.

/// The name to show in help and usage: `flux receiver` under flux,
/// `flux-receiver` otherwise.
pub fn display_name() -> &'static str {
    if parent_is_flux() {
        "flux receiver"
    } else {
        crate::generate::BIN_NAME
    }
}

#[cfg(target_os = "linux")]
fn parent_is_flux() -> bool {
    let parent = std::os::unix::process::parent_id();
    std::fs::read_to_string(format!("/proc/{parent}/comm")).is_ok_and(|name| name.trim_end() == "flux")
}

#[cfg(not(target_os = "linux"))]
fn parent_is_flux() -> bool {
    false
}

//! What a provider's webhook delivery status code means for a Flux
//! Receiver, and how to fix it: the notification-controller's answers
//! (v1.9.3 `internal/server/receiver_handlers.go`), the events server's,
//! and the codes only something in between (a proxy, an ingress, a load
//! balancer) gives.
//!
//! Shared by `doctor` for GitHub's and GitLab's delivery logs, so both
//! explain a code in the same words.

/// The meaning of one status code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Explanation {
    /// Whether the delivery reached the Receiver and was accepted.
    pub accepted: bool,
    /// What answered, and why, in a few words.
    pub meaning: &'static str,
    /// What to do about it, with `{bin}` standing for the command's name
    /// (see [`Explanation::fix`]); empty for an accepted delivery.
    pub fix_template: &'static str,
}

impl Explanation {
    /// The fix, naming the commands as `bin` (`flux-receiver`, or
    /// `flux receiver` when run as a flux plugin).
    pub fn fix(&self, bin: &str) -> String {
        self.fix_template.replace("{bin}", bin)
    }
}

/// What `status_code` means. `0` is the provider's "no answer at all"
/// (GitHub records a connection failure or a timeout as status code 0).
pub fn explain(status_code: u16) -> Explanation {
    let (accepted, meaning, fix) = match status_code {
        200..=201 | 204 => (true, "the Receiver accepted it and requested a reconciliation", ""),
        202 => (
            false,
            "202 is the answer of notification-controller's events server (port 9090), not of the receiver: the \
             delivery went to the wrong port and no reconciliation was requested",
            "point the Service, Ingress or route at the webhook receiver's port (9292, `http-webhook`, Service \
             webhook-receiver port 80), not at 9090",
        ),
        400 => (
            false,
            "the controller refused it: the signature or token does not match the Secret's token, or the event is \
             not in the Receiver's spec.events",
            "set the webhook's secret to the Receiver's token (setup or rotate with the provider flag does it), and \
             add the event to the Receiver (--event) if the delivery's event is not listed",
        ),
        401 | 403 => (
            false,
            "notification-controller never answers 401 or 403: something in between (an ingress with \
             authentication, a WAF, an OAuth proxy) refused the delivery",
            "exempt the /hook/ path from the proxy's authentication, or give the provider's address ranges access",
        ),
        404 => (
            false,
            "no Receiver serves that path: the URL is stale (the token was rotated, or the Receiver recreated) or \
             its host routes elsewhere",
            "update the webhook to the Receiver's current URL ({bin} url NAME; rotate with the provider flag \
             does it)",
        ),
        413 => (
            false,
            "the body is over the controller's 3 MiB limit",
            "send fewer events (a narrower event list), or smaller payloads",
        ),
        429 => (
            false,
            "notification-controller does not rate-limit: a proxy or load balancer in between refused the delivery",
            "raise or lift the proxy's rate limit for the /hook/ path",
        ),
        500 => (
            false,
            "the controller could not annotate a target: it does not exist, its kind has no default apiVersion, \
             the controller lacks RBAC, or it is in another namespace and cross-namespace references are refused",
            "check the Receiver's resources ({bin} doctor NAME names the missing one)",
        ),
        502 | 504 => (
            false,
            "the ingress or load balancer could not reach notification-controller (not running, or the Service \
             has no endpoints)",
            "check that notification-controller is running and that the Service selects its pods",
        ),
        503 => (
            false,
            "the Receiver is suspended or not Ready",
            "resume it ({bin} resume NAME) or fix what keeps it from Ready ({bin} doctor NAME)",
        ),
        0 => (
            false,
            "the provider could not connect (DNS, firewall, a private cluster, a timeout or TLS)",
            "make the webhook's host reachable from the provider over the internet, with a certificate it trusts",
        ),
        _ => (
            false,
            "notification-controller does not answer this code: something in between did",
            "check the proxy, ingress or load balancer in front of notification-controller",
        ),
    };
    Explanation {
        accepted,
        meaning,
        fix_template: fix,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_controllers_answers_are_explained_as_it_means_them() {
        assert!(explain(200).accepted);
        for code in [0, 202, 400, 401, 403, 404, 413, 429, 500, 502, 503, 504, 418] {
            let explanation = explain(code);
            assert!(!explanation.accepted, "{code}");
            assert!(!explanation.fix("x").is_empty(), "{code}");
        }
        assert!(explain(404).meaning.contains("stale"));
        assert!(explain(400).meaning.contains("signature"));
        assert!(explain(503).meaning.contains("suspended"));
        assert!(explain(500).meaning.contains("annotate"));
        assert!(explain(202).meaning.contains("9090"));
        for code in [401, 403, 429] {
            assert!(explain(code).meaning.contains("in between"), "{code}");
        }
        assert!(explain(418).meaning.contains("in between"));
        assert_eq!(
            explain(503).fix("flux receiver"),
            "resume it (flux receiver resume NAME) or fix what keeps it from Ready (flux receiver doctor NAME)"
        );
    }
}

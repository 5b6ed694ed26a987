//! What the notification-controller means by each status it answers a
//! webhook with (v1.9.3), for messages that say what to do next.

/// The meaning of `status` as an answer to a POST on a hook URL, or `None`
/// for a status with no particular meaning here.
pub fn explain(status: u16) -> Option<&'static str> {
    Some(match status {
        200 => "accepted: the controller requested a reconcile of every target",
        202 => {
            "the request reached the controller's events port (9090), not the webhook receiver port (9292): \
                the Service, Ingress or --url points at the wrong port"
        }
        400 => {
            "the controller refused the request: bad signature or token, event not in spec.events, \
                or the token missing from the Secret"
        }
        401 | 403 | 429 => {
            "not from the notification-controller, which never answers it: \
                            a proxy, ingress or gateway in front refused the request"
        }
        404 => {
            "no Receiver has this path: wrong token, Receiver name or namespace, \
                or the Receiver is not reconciled yet"
        }
        413 => "the body is over the controller's 3 MiB limit",
        500 => {
            "a target could not be annotated: it does not exist, its kind needs an apiVersion the Receiver \
                does not give, the controller lacks RBAC for it, or cross-namespace references are refused"
        }
        503 => "the Receiver is suspended or not Ready",
        _ => return None,
    })
}

/// Whether `status` means the webhook was accepted: a 2xx, except 202,
/// which comes from the controller's events port, so nothing was reconciled.
pub fn is_accepted(status: u16) -> bool {
    (200..300).contains(&status) && status != 202
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_answer_the_controller_gives_is_explained() {
        for status in [200, 202, 400, 404, 413, 500, 503] {
            assert!(explain(status).is_some(), "{status}");
        }
        assert!(explain(404).unwrap().contains("no Receiver has this path"));
        assert!(explain(503).unwrap().contains("suspended"));
        assert!(explain(500).unwrap().contains("apiVersion"));
        assert!(explain(413).unwrap().contains("3 MiB"));
        assert!(explain(202).unwrap().contains("9090"));
        assert!(explain(418).is_none());
    }

    #[test]
    fn proxy_statuses_are_attributed_to_the_proxy() {
        for status in [401, 403, 429] {
            assert!(explain(status).unwrap().contains("proxy"), "{status}");
            assert!(explain(status).unwrap().contains("never"), "{status}");
        }
    }

    #[test]
    fn a_202_is_not_accepted() {
        assert!(is_accepted(200));
        assert!(!is_accepted(202));
        assert!(is_accepted(204));
        assert!(!is_accepted(404));
    }
}

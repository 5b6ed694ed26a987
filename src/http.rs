//! Sending a webhook: one HTTP POST over HTTP or HTTPS (system roots).
//!
//! Built on the hyper and rustls stack kube already links, so `trigger`
//! adds no second HTTP implementation to the binary.

use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

/// What the server answered.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The status code.
    pub status: u16,
    /// The reason phrase, e.g. `OK`.
    pub reason: String,
    /// The body, lossily decoded and trimmed for messages.
    pub body: String,
}

/// POSTs `body` with `headers` to `url`, giving up after `timeout`.
pub async fn post(url: &str, headers: &[(String, String)], body: Vec<u8>, timeout: Duration) -> Result<Answer, String> {
    let connector = hyper_rustls::HttpsConnectorBuilder::new()
        .with_native_roots()
        .map_err(|e| format!("cannot load the system's TLS roots: {e}"))?
        .https_or_http()
        .enable_http1()
        .build();
    let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new()).build(connector);
    let mut request = hyper::Request::post(url);
    for (key, value) in headers {
        request = request.header(key, value);
    }
    let request = request
        .body(Full::new(Bytes::from(body)))
        .map_err(|e| format!("invalid request: {e}"))?;
    let exchange = async {
        let response = client
            .request(request)
            .await
            .map_err(|e| crate::cluster::error::sentence(&e))?;
        let status = response.status();
        let bytes = response
            .into_body()
            .collect()
            .await
            .map_err(|e| e.to_string())?
            .to_bytes();
        Ok(Answer {
            status: status.as_u16(),
            reason: status.canonical_reason().unwrap_or_default().to_string(),
            body: String::from_utf8_lossy(&bytes).trim().chars().take(500).collect(),
        })
    };
    tokio::time::timeout(timeout, exchange)
        .await
        .map_err(|_| format!("no answer within {timeout:?}"))?
}

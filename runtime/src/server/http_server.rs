//! HTTP/1.1 over hyper's server connection: each connection on its own task, each request
//! read whole (up to a limit) and answered by [`super::handle`].

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};

use super::{Dispatch, Keys};
use crate::http::io::TokioIo;

/// The largest request body read; a bigger one is answered `413` (RPC inputs are small).
const MAX_BODY: usize = 16 * 1024 * 1024;

tokio::task_local! {
    /// The head of the request being answered, for the service implementation.
    static REQUEST: Arc<http::request::Parts>;
}

/// A header of the request being answered (`None` outside one, or if it is not text):
/// for an implementation that needs more than its input, such as an emulator reading the
/// SigV4 credential scope's region. Generic: it knows no header by name.
pub fn request_header(name: &str) -> Option<String> {
    REQUEST
        .try_with(|h| {
            h.headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        })
        .ok()
        .flatten()
}

/// A hook that sees each request before the routers: `Some(answer)` takes the request
/// (an emulator's own endpoints, such as an admin path or a download URL), `None` hands
/// it on. Generic on purpose: it knows nothing of any service.
pub type PreRoute = Arc<
    dyn Fn(
            &http::request::Parts,
            &Bytes,
        ) -> Option<crate::BoxFuture<'static, http::Response<Bytes>>>
        + Send
        + Sync,
>;

/// Serves `services` on `listener` until the task is dropped. A failed `accept` (out
/// of file descriptors) is logged and retried after a pause rather than ending the
/// server.
pub async fn serve(listener: tokio::net::TcpListener, services: Vec<Arc<dyn Dispatch>>) {
    serve_with(listener, services, None, None).await
}

/// [`serve`], with `pre` offered each request before the routers (unsigned: it is the
/// emulator's own business), and with `keys` every service request must be SigV4-signed
/// by one of them.
pub async fn serve_with(
    listener: tokio::net::TcpListener,
    services: Vec<Arc<dyn Dispatch>>,
    pre: Option<PreRoute>,
    keys: Option<Keys>,
) {
    let services: Arc<[Arc<dyn Dispatch>]> = services.into();
    let keys = keys.map(Arc::new);
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(e) => {
                tracing::warn!("accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let services = services.clone();
        let pre = pre.clone();
        let keys = keys.clone();
        tokio::spawn(async move {
            let svc =
                hyper::service::service_fn(move |req: http::Request<hyper::body::Incoming>| {
                    let services = services.clone();
                    let pre = pre.clone();
                    let keys = keys.clone();
                    async move {
                        Ok::<_, Infallible>(
                            answer(&services, pre.as_ref(), keys.as_deref(), req).await,
                        )
                    }
                });
            if let Err(e) = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), svc)
                .await
            {
                tracing::debug!("connection ended: {e}");
            }
        });
    }
}

async fn answer(
    services: &[Arc<dyn Dispatch>],
    pre: Option<&PreRoute>,
    keys: Option<&Keys>,
    req: http::Request<hyper::body::Incoming>,
) -> http::Response<Full<Bytes>> {
    let (parts, body) = req.into_parts();
    let body = match Limited::new(body, MAX_BODY).collect().await {
        Ok(b) => b.to_bytes(),
        Err(e) => {
            let mut resp = http::Response::new(Full::new(Bytes::from(format!(
                "request body unreadable or over {MAX_BODY} bytes: {e}"
            ))));
            *resp.status_mut() = http::StatusCode::PAYLOAD_TOO_LARGE;
            return resp;
        }
    };
    if let Some(fut) = pre.and_then(|pre| pre(&parts, &body)) {
        return fut.await.map(Full::new);
    }
    // Shared with the handler's task-local, not copied: one allocation per request.
    let parts = Arc::new(parts);
    let resp = REQUEST
        .scope(parts.clone(), super::handle(services, &parts, body, keys))
        .await;
    resp.map(Full::new)
}

//! The emulator's own endpoints, beside the services on the same port (documented in the
//! README): `POST /_local/advance[?job=ID]` moves jobs one state on, and
//! `GET /_local/manifest/JID...`, `/_local/updates/JID...` and `/_local/label/JID...`
//! serve what `GetJobManifest`, `GetSoftwareUpdates` and `DescribeReturnShippingLabel`
//! point at.

use std::sync::Arc;

use awsrt::internal::server::PreRoute;
use awsrt::BoxFuture;
use bytes::Bytes;

use crate::importexport_state::ImportExport;
use crate::snowball_state::Snowball;

/// The path prefix of every admin endpoint; no service operation uses it.
pub const PREFIX: &str = "/_local/";

/// The hook handed to the server: takes `/_local/...` requests, leaves the rest.
pub fn pre_route(snowball: Arc<Snowball>, importexport: Arc<ImportExport>) -> PreRoute {
    Arc::new(move |parts: &http::request::Parts, _body: &Bytes| {
        let path = parts.uri.path().strip_prefix(PREFIX)?.to_string();
        let query = parts.uri.query().map(str::to_string);
        let method = parts.method.clone();
        let (snowball, importexport) = (snowball.clone(), importexport.clone());
        Some(Box::pin(async move {
            answer(&snowball, &importexport, &method, &path, query.as_deref()).await
        }) as BoxFuture<'static, http::Response<Bytes>>)
    })
}

async fn answer(
    snowball: &Snowball,
    importexport: &ImportExport,
    method: &http::Method,
    path: &str,
    query: Option<&str>,
) -> http::Response<Bytes> {
    match (method, path) {
        (&http::Method::POST, "advance") => {
            let job = query
                .unwrap_or("")
                .split('&')
                .find_map(|kv| kv.strip_prefix("job="));
            // One job id names a job of either service; no id moves every job of both.
            let moved = match job {
                Some(_) => match snowball.advance(job).await {
                    Ok(None) => importexport.advance(job).await,
                    other => other,
                },
                None => match snowball.advance(None).await {
                    Ok(a) => importexport
                        .advance(None)
                        .await
                        .map(|b| a.zip(b).map(|(a, b)| a + b)),
                    Err(e) => Err(e),
                },
            };
            match moved {
                Ok(Some(n)) => reply(200, "application/json", format!("{{\"advanced\":{n}}}")),
                Ok(None) => reply(
                    404,
                    "text/plain",
                    format!("no job {:?}\n", job.unwrap_or("")),
                ),
                Err(e) => reply(500, "text/plain", format!("{}: {}\n", e.code, e.message)),
            }
        }
        (&http::Method::GET, p) if p.starts_with("manifest/") => {
            let job = &p["manifest/".len()..];
            match snowball.manifest(job).await {
                Ok(Some(bytes)) => reply(200, "application/octet-stream", bytes),
                Ok(None) => reply(404, "text/plain", format!("no job {job:?}\n")),
                Err(e) => reply(500, "text/plain", format!("{}: {}\n", e.code, e.message)),
            }
        }
        (&http::Method::GET, p) if p.starts_with("updates/") => {
            let job = &p["updates/".len()..];
            match snowball.updates(job).await {
                Ok(Some(bytes)) => reply(200, "application/octet-stream", bytes),
                Ok(None) => reply(404, "text/plain", format!("no job {job:?}\n")),
                Err(e) => reply(500, "text/plain", format!("{}: {}\n", e.code, e.message)),
            }
        }
        (&http::Method::GET, p) if p.starts_with("label/") => {
            let job = &p["label/".len()..];
            match snowball.label(job).await {
                Ok(Some(bytes)) => reply(200, "text/plain", bytes),
                Ok(None) => reply(404, "text/plain", format!("no label for {job:?}\n")),
                Err(e) => reply(500, "text/plain", format!("{}: {}\n", e.code, e.message)),
            }
        }
        (&http::Method::GET, p) if p.starts_with("importexport-label/") => {
            let jobs = &p["importexport-label/".len()..];
            match importexport.label(jobs).await {
                Ok(Some(bytes)) => reply(200, "text/plain", bytes),
                Ok(None) => reply(404, "text/plain", format!("no job among {jobs:?}\n")),
                Err(e) => reply(500, "text/plain", format!("{}: {}\n", e.code, e.message)),
            }
        }
        _ => reply(
            404,
            "text/plain",
            format!(
                "{method} {PREFIX}{path} is not an admin endpoint: POST {PREFIX}advance[?job=ID] \
                 or GET {PREFIX}manifest/JOB_ID\n"
            ),
        ),
    }
}

fn reply(status: u16, content_type: &str, body: impl Into<Bytes>) -> http::Response<Bytes> {
    let mut resp = http::Response::new(body.into());
    *resp.status_mut() =
        http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
    if let Ok(v) = http::HeaderValue::from_str(content_type) {
        resp.headers_mut().insert(http::header::CONTENT_TYPE, v);
    }
    resp
}

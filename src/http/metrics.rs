//! `GET /metrics` (Prometheus text format, behind `METRICS_TOKEN` when one
//! is set) and the latency of every request, by route.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::PrometheusHandle;
use secrecy::{ExposeSecret, SecretString};

use super::AppState;

/// The Prometheus handle, and the bearer token a scrape must carry.
pub struct MetricsEndpoint {
    pub handle: PrometheusHandle,
    pub token: Option<SecretString>,
}

pub async fn scrape(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    let Some(endpoint) = &state.metrics else { return StatusCode::NOT_FOUND.into_response() };
    if let Some(token) = &endpoint.token {
        let bearer =
            headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
        if !bearer.is_some_and(|given| constant_time_eq(given.as_bytes(), token.expose_secret().as_bytes())) {
            return (StatusCode::UNAUTHORIZED, "metrics need METRICS_TOKEN as a bearer token").into_response();
        }
    }
    let socket = state.socket_mode.as_ref().map(|status| status.is_connected());
    let text = crate::metrics::render(&endpoint.handle, &state.app, socket).await;
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], text).into_response()
}

/// Every request's time, by the route it matched.
pub async fn record_latency(request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().map_or("unmatched", |path| path.as_str()).to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    metrics::histogram!("planbot_http_request_duration_seconds", "route" => route).record(started.elapsed());
    response
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

//! Liveness, readiness and metrics.

use actix_web::{HttpResponse, web};
use qeetid_domain::ports::Store;
use serde_json::json;

use crate::HttpState;
use crate::routes::run;
use qeetid_domain::AdminError;

/// `GET /healthz`: the process answers.
pub(crate) async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

/// `GET /readyz`: the database answers too.
pub(crate) async fn readyz<S: Store>(state: web::Data<HttpState<S>>) -> HttpResponse {
    let ping = run(&state, |s| async move { Ok(s.store().ping().await) }).await;
    match ping.and_then(|r| r.map_err(|e| AdminError::from(e).into())) {
        Ok(()) => HttpResponse::Ok().json(json!({ "status": "ready" })),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            HttpResponse::ServiceUnavailable().json(json!({ "status": "unavailable", "reason": "database" }))
        }
    }
}

/// `GET /metrics`: Prometheus text format.
pub(crate) async fn metrics<S: Store>(state: web::Data<HttpState<S>>) -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain; version=0.0.4").body(state.metrics.render())
}

//! Liveness, readiness and metrics.

use std::time::Duration;

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

/// How long `/readyz` waits for the database before it says "unavailable".
const READY_TIMEOUT: Duration = Duration::from_secs(1);

/// `GET /readyz`: the database answers too, within a second.
pub(crate) async fn readyz<S: Store>(state: web::Data<HttpState<S>>) -> HttpResponse {
    let ping = run(&state, |s| async move {
        Ok(tokio::time::timeout(READY_TIMEOUT, s.store().ping()).await.unwrap_or_else(|_| {
            Err(qeetid_domain::StoreError::Unavailable("no answer within the readiness timeout".into()))
        }))
    })
    .await;
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
    if state.metrics_elsewhere {
        return HttpResponse::NotFound().json(json!({ "error": "not_found", "message": "no such endpoint" }));
    }
    HttpResponse::Ok().content_type("text/plain; version=0.0.4").body(state.metrics.render())
}

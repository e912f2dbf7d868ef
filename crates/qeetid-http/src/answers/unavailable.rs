//! A sick database gets an honest answer: when an infrastructure failure's cause is
//! the store being unavailable (unreachable, stalled past its timeouts, out of
//! connections), every surface answers 503 with `Retry-After` instead of 500: the
//! admin API as `{error: "temporarily_unavailable", message}`, OAuth endpoints as
//! `temporarily_unavailable`, hosted pages as an error page. `observe` adds the
//! `Retry-After` header to every 503.

use actix_web::http::StatusCode;
use qeetid_domain::StoreError;

/// Seconds a client is asked to wait before trying again after a 503.
pub(crate) const RETRY_AFTER_SECONDS: &str = "5";

/// The OAuth / admin API error code for a 503.
pub(crate) const CODE: &str = "temporarily_unavailable";

/// What a person is told on a 503 page or in an admin API message.
pub(crate) const MESSAGE: &str = "The service is temporarily unavailable (its database is not answering). \
     Please try again in a few seconds.";

/// Whether `err` was caused by the store being unavailable.
pub(crate) fn is_unavailable(err: &(dyn std::error::Error + 'static)) -> bool {
    StoreError::unavailable_in(err)
}

/// 503 when `err` was caused by the store being unavailable, 500 otherwise.
pub(crate) fn status_of(err: &(dyn std::error::Error + 'static)) -> StatusCode {
    if is_unavailable(err) { StatusCode::SERVICE_UNAVAILABLE } else { StatusCode::INTERNAL_SERVER_ERROR }
}

//! The one place where failures become answers, one module per surface:
//!
//! - `admin.rs`: the admin API's `{ "error", "message", "field" }` with its status ([`ApiError`]);
//! - `oauth.rs`: OAuth endpoints' `{ "error", "error_description" }` (RFC 6749 §5.2) and the
//!   bearer challenge of UserInfo (RFC 6750 §3);
//! - `flow.rs`: the hosted flow's failures as a page or JSON;
//! - `pages.rs`: the authorization endpoint's error page (never a redirect), the dashboard's and
//!   account page's refusals, and the failure page;
//! - `account.rs`: the account page's JSON endpoints (passkeys);
//! - `registration.rs`: dynamic client registration's refusals (RFC 7591 §3.2.2);
//! - `unavailable.rs`: a store that does not answer is 503 with `Retry-After` on every surface.
//!
//! An infrastructure failure is logged here, once, with its source chain, by
//! [`log_failure`]; the event belongs to the request's span, which carries the request
//! id (`request_span.rs`), and the caller is answered opaquely.

mod account;
mod admin;
mod flow;
mod oauth;
mod pages;
mod registration;
pub(crate) mod unavailable;

pub(crate) use account::{account_json_error, internal_json_error, json_error, json_reply};
pub use admin::{ApiError, ErrorBody, FieldError};
pub(crate) use flow::{flow_error_json, flow_error_page, flow_message, flow_status, invalid_message};
pub(crate) use oauth::{OAuthErrorResponse, bearer_error, dpop_error};
pub(crate) use pages::{
    account_error_page, admin_error_page, error_page, error_page_onward, failure_page, logout_error_page,
    oauth_error_page, worded_error_page,
};
pub(crate) use registration::registration_error;

/// Logs the infrastructure failure `err` of `what` with its whole source chain.
pub(crate) fn log_failure(what: &str, err: &(dyn std::error::Error + 'static)) {
    tracing::error!(error = %chain(err), "{what} failed");
}

/// `err` and its sources, outermost first, joined by `: `.
fn chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::chain;

    #[derive(Debug, thiserror::Error)]
    #[error("outer")]
    struct Outer(#[source] std::io::Error);

    #[test]
    fn the_chain_names_every_cause() {
        let err = Outer(std::io::Error::other("disk on fire"));
        assert_eq!(chain(&err), "outer: disk on fire");
    }
}

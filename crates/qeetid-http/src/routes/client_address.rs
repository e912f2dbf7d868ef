//! The client's address, for the throttles: the TCP peer, or, behind
//! `trusted_proxy_hops` reverse proxies that each append what they saw to
//! `X-Forwarded-For`, the entry that many places from the right. Entries further
//! left are the client's own words and are never believed.

use std::net::IpAddr;

use actix_web::HttpRequest;
use actix_web::http::header::HeaderName;

use crate::HttpState;

/// The address a request comes from, as far as the deployment can tell.
pub(crate) fn client_address<S>(req: &HttpRequest, state: &HttpState<S>) -> Option<IpAddr> {
    let peer = req.peer_addr().map(|a| a.ip());
    if state.trusted_proxy_hops == 0 {
        return peer;
    }
    let forwarded: Vec<&str> = req
        .headers()
        .get_all(HeaderName::from_static("x-forwarded-for"))
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .collect();
    forwarded
        .len()
        .checked_sub(state.trusted_proxy_hops)
        .and_then(|i| forwarded.get(i))
        .and_then(|entry| entry.parse::<IpAddr>().ok())
        .or(peer)
}

//! How clients hear that a user signed out: back-channel logout (a logout token
//! POSTed by the server, OpenID Connect Back-Channel Logout 1.0) and front-channel
//! logout (a page of the client loaded in an iframe of the signed-out page,
//! OpenID Connect Front-Channel Logout 1.0), and the outbox that makes back-channel
//! delivery reliable.

use crate::error::ValidationError;
use crate::id::{ClientId, SessionId, TenantId, UserId};
use crate::redirect_uri::RedirectUri;
use crate::time::UnixTime;

/// The `events` member of a logout token (Back-Channel Logout 1.0 §2.4).
pub const BACKCHANNEL_LOGOUT_EVENT: &str = "http://schemas.openid.net/event/backchannel-logout";
/// The JWT `typ` of a logout token (§2.4, RFC 8725 §3.11).
pub const LOGOUT_TOKEN_TYPE: &str = "logout+jwt";
/// How many times a logout token is offered before the delivery is marked failed.
pub const MAX_DELIVERY_ATTEMPTS: i64 = 6;
/// Longest logout URI accepted.
const MAX_URI_LENGTH: usize = 2000;

/// One way of hearing about logouts: the client's URI, and whether it needs the
/// session (`sid`, and for front-channel also `iss`) with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogoutEndpoint {
    uri: url::Url,
    session_required: bool,
}

impl LogoutEndpoint {
    /// The client's URI.
    pub fn uri(&self) -> &str {
        self.uri.as_str()
    }
    /// The URI's origin (`https://app.example.com`), for the content security policy.
    pub fn origin(&self) -> String {
        self.uri.origin().ascii_serialization()
    }
    /// Whether the client asked for `sid` (and `iss`) with every logout.
    pub fn session_required(&self) -> bool {
        self.session_required
    }
    /// Restores a stored endpoint (validated when it was stored).
    pub fn from_stored(uri: &str, session_required: bool) -> Result<Self, url::ParseError> {
        Ok(Self { uri: url::Url::parse(uri)?, session_required })
    }
    /// The front-channel URL for one session: `iss` and `sid` added as query
    /// parameters when the client asked for them (Front-Channel Logout 1.0 §2).
    pub fn frontchannel_url(&self, issuer: &str, sid: &SessionId) -> String {
        let mut url = self.uri.clone();
        if self.session_required {
            url.query_pairs_mut().append_pair("iss", issuer).append_pair("sid", sid.as_str());
        }
        url.into()
    }
}

/// A client's logout settings as a caller sent them (the RFC 7591 names).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogoutNoticesDraft {
    /// `backchannel_logout_uri`; empty removes it (in a patch).
    pub backchannel_logout_uri: Option<String>,
    /// `backchannel_logout_session_required` (default false).
    pub backchannel_logout_session_required: Option<bool>,
    /// `frontchannel_logout_uri`; empty removes it (in a patch).
    pub frontchannel_logout_uri: Option<String>,
    /// `frontchannel_logout_session_required` (default false).
    pub frontchannel_logout_session_required: Option<bool>,
}

/// A client's validated logout settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogoutNotices {
    /// Back-channel logout: the server POSTs a logout token.
    pub backchannel: Option<LogoutEndpoint>,
    /// Front-channel logout: the signed-out page loads this URI in an iframe.
    pub frontchannel: Option<LogoutEndpoint>,
}

impl LogoutNotices {
    /// Checks a draft: each URI absolute, `https` (or `http` to a loopback host,
    /// for development), without a fragment or credentials; the front-channel URI
    /// on the origin of one of the client's redirect URIs (Front-Channel Logout
    /// 1.0 §2). Whether the server may call a back-channel URI is decided when it
    /// calls, by the outbound policy.
    pub fn validate(draft: &LogoutNoticesDraft, redirect_uris: &[RedirectUri]) -> Result<Self, ValidationError> {
        let backchannel = endpoint(
            "backchannel_logout_uri",
            draft.backchannel_logout_uri.as_deref(),
            draft.backchannel_logout_session_required,
        )?;
        let frontchannel = endpoint(
            "frontchannel_logout_uri",
            draft.frontchannel_logout_uri.as_deref(),
            draft.frontchannel_logout_session_required,
        )?;
        if let Some(front) = &frontchannel {
            let origin = front.origin();
            let same = redirect_uris
                .iter()
                .filter_map(|r| url::Url::parse(r.as_str()).ok())
                .any(|r| r.origin().ascii_serialization() == origin);
            if !same {
                return Err(ValidationError::new(
                    "frontchannel_logout_uri",
                    "must have the scheme, host and port of one of the client's redirect URIs",
                ));
            }
        }
        Ok(Self { backchannel, frontchannel })
    }

    /// These settings as a draft, with `patch` laid over them (an empty URI removes one).
    pub fn patched(&self, patch: LogoutNoticesDraft) -> LogoutNoticesDraft {
        let uri = |e: &Option<LogoutEndpoint>| e.as_ref().map(|e| e.uri().to_owned());
        let required = |e: &Option<LogoutEndpoint>| e.as_ref().map(LogoutEndpoint::session_required);
        LogoutNoticesDraft {
            backchannel_logout_uri: patch.backchannel_logout_uri.or_else(|| uri(&self.backchannel)),
            backchannel_logout_session_required: patch
                .backchannel_logout_session_required
                .or_else(|| required(&self.backchannel)),
            frontchannel_logout_uri: patch.frontchannel_logout_uri.or_else(|| uri(&self.frontchannel)),
            frontchannel_logout_session_required: patch
                .frontchannel_logout_session_required
                .or_else(|| required(&self.frontchannel)),
        }
    }
}

fn endpoint(
    field: &str,
    raw: Option<&str>,
    session_required: Option<bool>,
) -> Result<Option<LogoutEndpoint>, ValidationError> {
    // Without a URI, `…_session_required` says nothing and is dropped.
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else { return Ok(None) };
    let invalid = |m: &str| ValidationError::new(field, m.to_owned());
    if raw.len() > MAX_URI_LENGTH {
        return Err(invalid("is longer than 2000 characters"));
    }
    let uri = url::Url::parse(raw).map_err(|_| invalid("must be an absolute URI"))?;
    let loopback = matches!(uri.host(), Some(url::Host::Domain("localhost")))
        || matches!(uri.host(), Some(url::Host::Ipv4(ip)) if ip.is_loopback())
        || matches!(uri.host(), Some(url::Host::Ipv6(ip)) if ip.is_loopback());
    match uri.scheme() {
        "https" => {}
        "http" if loopback => {}
        _ => return Err(invalid("must use https (http only to localhost)")),
    }
    if uri.fragment().is_some() {
        return Err(invalid("must not have a fragment"));
    }
    if !uri.username().is_empty() || uri.password().is_some() {
        return Err(invalid("must not hold credentials"));
    }
    Ok(Some(LogoutEndpoint { uri, session_required: session_required.unwrap_or(false) }))
}

/// A logout token waiting in the outbox (or given up on).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogoutDelivery {
    /// The row's id (the session's and the client's, or the revoked grant's).
    pub id: String,
    /// Tenant.
    pub tenant_id: TenantId,
    /// The client to tell.
    pub client_id: ClientId,
    /// Who signed out (`sub`).
    pub user_id: UserId,
    /// The session that ended (`sid`); `None`: every session of the user at the
    /// client (a revoked grant).
    pub session_id: Option<SessionId>,
    /// When the logout happened (`iat` is when the token is made).
    pub created_at: UnixTime,
    /// Offers so far.
    pub attempts: i64,
    /// When it is due (again), or until when a sender holds it.
    pub next_attempt_at: UnixTime,
    /// Whether it ran out of attempts.
    pub failed: bool,
    /// Why the last offer failed.
    pub last_error: Option<String>,
}

/// What became of one offer of a logout token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryOutcome {
    /// The client answered 2xx: the row goes.
    Delivered,
    /// Offer again at this time.
    Retry {
        /// When.
        at: UnixTime,
        /// Why this offer failed.
        error: String,
    },
    /// No more offers: the row stays, failed, for the admin.
    GaveUp {
        /// Why the last offer failed.
        error: String,
    },
}

impl DeliveryOutcome {
    /// The outcome of a failed offer: retried with exponential backoff (`base`,
    /// doubling each time) until [`MAX_DELIVERY_ATTEMPTS`].
    pub fn after_failure(attempts: i64, now: UnixTime, base_seconds: i64, error: String) -> Self {
        if attempts >= MAX_DELIVERY_ATTEMPTS {
            return Self::GaveUp { error };
        }
        let delay = base_seconds.saturating_mul(1 << attempts.clamp(0, 16).saturating_sub(1));
        Self::Retry { at: now.plus_secs(delay), error }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::ClientType;

    fn redirects() -> Vec<RedirectUri> {
        vec![RedirectUri::parse("https://app.example.com/cb", ClientType::Confidential).unwrap()]
    }

    fn draft(back: Option<&str>, front: Option<&str>) -> LogoutNoticesDraft {
        LogoutNoticesDraft {
            backchannel_logout_uri: back.map(str::to_owned),
            frontchannel_logout_uri: front.map(str::to_owned),
            frontchannel_logout_session_required: Some(true),
            ..Default::default()
        }
    }

    #[test]
    fn logout_uris_must_be_https_without_fragment_and_front_channel_on_a_redirect_origin() {
        let ok = LogoutNotices::validate(
            &draft(Some("https://api.example.com/logout"), Some("https://app.example.com/fc?x=1")),
            &redirects(),
        )
        .unwrap();
        assert_eq!(ok.backchannel.unwrap().uri(), "https://api.example.com/logout");
        let front = ok.frontchannel.unwrap();
        let sid = SessionId::parse("ses_abcdefghijklmnop").unwrap();
        assert_eq!(
            front.frontchannel_url("https://id.example.com", &sid),
            "https://app.example.com/fc?x=1&iss=https%3A%2F%2Fid.example.com&sid=ses_abcdefghijklmnop"
        );
        for (back, front, field) in [
            (Some("http://api.example.com/logout"), None, "backchannel_logout_uri"),
            (Some("https://api.example.com/logout#x"), None, "backchannel_logout_uri"),
            (Some("https://u:p@api.example.com/"), None, "backchannel_logout_uri"),
            (Some("/logout"), None, "backchannel_logout_uri"),
            (None, Some("https://other.example.com/fc"), "frontchannel_logout_uri"),
        ] {
            let err = LogoutNotices::validate(&draft(back, front), &redirects()).unwrap_err();
            assert_eq!(err.field, field, "{back:?} {front:?}");
        }
        assert!(LogoutNotices::validate(&draft(Some("http://localhost:8080/bc"), None), &redirects()).is_ok());
    }

    #[test]
    fn failed_offers_back_off_then_give_up() {
        let now = UnixTime::from_secs(1000);
        assert_eq!(
            DeliveryOutcome::after_failure(1, now, 30, "e".into()),
            DeliveryOutcome::Retry { at: UnixTime::from_secs(1030), error: "e".into() }
        );
        assert_eq!(
            DeliveryOutcome::after_failure(3, now, 30, "e".into()),
            DeliveryOutcome::Retry { at: UnixTime::from_secs(1120), error: "e".into() }
        );
        assert_eq!(
            DeliveryOutcome::after_failure(MAX_DELIVERY_ATTEMPTS, now, 30, "e".into()),
            DeliveryOutcome::GaveUp { error: "e".into() }
        );
    }
}

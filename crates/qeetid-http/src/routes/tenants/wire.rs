//! The admin API's JSON shapes for tenants and their conversions.

use qeetid_domain::services::{BrandingPatch, TenantPatch};
use qeetid_domain::{KnownResource, Tenant};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::wire::rfc3339;

/// A tenant.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct TenantBody {
    /// `tnt_…`
    pub id: String,
    /// Display name.
    pub name: String,
    /// Its unique name in URLs (`acme`): `/t/acme/account`, `/account?tenant=acme`.
    pub slug: String,
    /// Whether every user must sign in with a second factor.
    pub require_mfa: bool,
    /// Whether anyone may create an account on the hosted login.
    pub self_sign_up: bool,
    /// Whether a sign-in completes only with a verified e-mail address.
    pub require_verified_email: bool,
    /// Whether every authorization request must be pushed first (RFC 9126).
    pub require_pushed_authorization_requests: bool,
    /// Whether every client follows the FAPI 2.0 baseline.
    pub fapi2: bool,
    /// The resources (RFC 8707) its tokens may be for; `null`: any absolute URI.
    pub resources: Option<Vec<ResourceBody>>,
    /// Its look on the hosted pages, the account page and e-mail.
    pub branding: BrandingBody,
    /// RFC 3339.
    pub created_at: String,
}

/// A tenant's branding; `null` parts take the built-in look.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BrandingBody {
    /// `#rrggbb`: links and buttons. White on it and it on white must both reach
    /// 4.5:1 (WCAG AA); dark mode uses a lighter shade made from it. `""` clears it.
    pub primary_color: Option<String>,
    /// An `https` link to help, at the foot of every page. `""` clears it.
    pub support_url: Option<String>,
    /// An `https` link to the privacy policy, at the foot of every page. `""` clears it.
    pub privacy_url: Option<String>,
    /// The language of its pages and e-mail (`en`, `de`, `fr`, `es`) when neither
    /// the request's `ui_locales` nor the browser's `Accept-Language` names one of
    /// them. Default `en`.
    pub default_locale: Option<String>,
    /// The path its logo is served at on this deployment (read-only: upload it with
    /// `PUT /v1/tenants/{id}/logo`); `null` without one.
    #[serde(default, skip_deserializing)]
    pub logo_url: Option<String>,
}

/// A resource (API) a tenant knows.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ResourceBody {
    /// The resource indicator: an absolute URI without a fragment.
    pub uri: String,
    /// The scopes it accepts (the OpenID scopes are always allowed).
    #[serde(default)]
    pub scopes: Vec<String>,
}

/// Body of `PUT /v1/tenants/{tenantID}/oauth/resources`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ResourcesRequest {
    /// The known resources; `null` accepts any absolute resource URI (the default).
    pub resources: Option<Vec<ResourceBody>>,
}

impl ResourcesRequest {
    /// The list for the domain.
    pub(crate) fn into_known(self) -> Option<Vec<KnownResource>> {
        self.resources.map(|list| list.into_iter().map(|r| KnownResource { uri: r.uri, scopes: r.scopes }).collect())
    }
}

impl From<&Tenant> for TenantBody {
    fn from(t: &Tenant) -> Self {
        Self {
            id: t.id.to_string(),
            name: t.name.as_str().to_owned(),
            slug: t.slug.to_string(),
            require_mfa: t.require_mfa,
            self_sign_up: t.self_sign_up,
            require_verified_email: t.require_verified_email,
            require_pushed_authorization_requests: t.policy.require_par,
            fapi2: t.policy.fapi2,
            resources: t.resources.as_ref().map(|list| {
                list.iter().map(|k| ResourceBody { uri: k.uri.clone(), scopes: k.scopes.clone() }).collect()
            }),
            branding: BrandingBody {
                primary_color: t.branding.primary_color.map(|c| format!("#{}", c.to_hex())),
                support_url: t.branding.support_url.clone(),
                privacy_url: t.branding.privacy_url.clone(),
                default_locale: Some(t.branding.default_locale.tag().to_owned()),
                logo_url: t.logo_path(),
            },
            created_at: rfc3339(t.created_at),
        }
    }
}

/// `{"tenant": …}`
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct TenantEnvelope {
    /// The tenant.
    pub tenant: TenantBody,
}

/// A page of tenants.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct TenantList {
    /// Newest first.
    pub tenants: Vec<TenantBody>,
    /// Pass as `?cursor=` for the next page; `null` on the last.
    pub next_cursor: Option<String>,
}

/// Body of `POST /v1/tenants`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct TenantRequest {
    /// 1 to 200 characters.
    pub name: String,
    /// 2 to 63 lowercase letters, digits and single hyphens, unique; left out, it is
    /// made from the name (`Acme Corp` → `acme-corp`, `acme-corp-2` when taken).
    pub slug: Option<String>,
}

/// Body of `PATCH /v1/tenants/{tenantID}`: fields left out stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTenantRequest {
    /// 1 to 200 characters (deployment keys only).
    pub name: Option<String>,
    /// A new unique slug (deployment keys only); the old one stops working at once.
    pub slug: Option<String>,
    /// Every user must sign in with a second factor; those without one set up an
    /// authenticator app at their next sign-in. A tenant's own key may set it.
    pub require_mfa: Option<bool>,
    /// Anyone may create an account on the hosted login ("Create account"), with a
    /// verification link sent to the address. Off by default. A tenant's own key may set it.
    pub self_sign_up: Option<bool>,
    /// A sign-in completes only once the user's e-mail address is verified; until
    /// then the login sends a verification link. A tenant's own key may set it.
    pub require_verified_email: Option<bool>,
    /// Every authorization request of the tenant's clients must be pushed first
    /// (RFC 9126). A tenant's own key may set it.
    pub require_pushed_authorization_requests: Option<bool>,
    /// Every client of the tenant follows the FAPI 2.0 baseline: PAR, PKCE,
    /// `private_key_jwt` and DPoP. A tenant's own key may set it.
    pub fapi2: Option<bool>,
    /// Parts of the branding to change (parts left out stay; `""` clears one). A
    /// tenant's own key may set it.
    pub branding: Option<BrandingBody>,
}

impl From<UpdateTenantRequest> for TenantPatch {
    fn from(r: UpdateTenantRequest) -> Self {
        Self {
            name: r.name,
            slug: r.slug,
            require_mfa: r.require_mfa,
            self_sign_up: r.self_sign_up,
            require_verified_email: r.require_verified_email,
            require_pushed_authorization_requests: r.require_pushed_authorization_requests,
            fapi2: r.fapi2,
            branding: r.branding.map(|b| BrandingPatch {
                primary_color: b.primary_color,
                support_url: b.support_url,
                privacy_url: b.privacy_url,
                default_locale: b.default_locale,
            }),
        }
    }
}

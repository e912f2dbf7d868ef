//! Views of the admin dashboard's pages.

use std::collections::BTreeMap;

use serde::Serialize;

/// What every dashboard page shows around its content.
#[derive(Debug, Serialize)]
pub struct ConsoleChrome<'a> {
    /// The tenant shown.
    pub tenant_id: &'a str,
    /// Its display name.
    pub tenant_name: &'a str,
    /// Its slug, the name the header shows (the id stays in URLs and on the API keys page).
    pub tenant_slug: &'a str,
    /// Who is signed in.
    pub admin_email: &'a str,
    /// Every form's CSRF token.
    pub csrf_token: &'a str,
    /// The navigation entry to mark current: `clients`, `grants`, `events`, `users`, `keys` or `tenants`.
    pub section: &'static str,
    /// Whether the admin manages every tenant (the tenants page is theirs).
    pub deployment_admin: bool,
    /// A success message from the last action, if any.
    pub notice: Option<&'a str>,
}

/// One row of the dashboard's client list.
#[derive(Debug, Serialize)]
pub struct ConsoleClientRow {
    /// `qci_…`
    pub id: String,
    /// Display name.
    pub name: String,
    /// `public` or `confidential`.
    pub client_type: &'static str,
    /// Grant types, comma-separated.
    pub grant_types: String,
    /// When it was registered (RFC 3339).
    pub created_at: String,
    /// Whether it registered itself (dynamic registration).
    pub self_registered: bool,
}

/// The dashboard's client list.
#[derive(Debug, Serialize)]
pub struct ConsoleClientsView<'a> {
    /// Header and navigation.
    pub chrome: ConsoleChrome<'a>,
    /// The name searched for.
    pub query: &'a str,
    /// This page of the tenant's own clients.
    pub clients: Vec<ConsoleClientRow>,
    /// The deployment's clients in this tenant (the dashboard's and the account
    /// page's), listed apart on the first page: they cannot be changed.
    pub built_in: Vec<ConsoleClientRow>,
    /// The cursor of the next page, if any.
    pub next_page: Option<String>,
}

/// A checkbox or radio option.
#[derive(Debug, Serialize)]
pub struct FormOption {
    /// Submitted value.
    pub value: &'static str,
    /// Label.
    pub label: &'static str,
    /// Whether it is selected.
    pub checked: bool,
}

/// The client form, new or edit, with what was typed and the errors beside the fields.
#[derive(Debug, Serialize)]
pub struct ClientFormView<'a> {
    /// Header and navigation.
    pub chrome: ConsoleChrome<'a>,
    /// `None` for a new client.
    pub client_id: Option<&'a str>,
    /// Whether it has a secret to rotate.
    pub confidential: bool,
    /// Whether the client is one of the deployment's own apps: shown, never changed.
    pub built_in: bool,
    /// Display name.
    pub name: &'a str,
    /// `public` / `confidential` options (fixed once created).
    pub client_types: Vec<FormOption>,
    /// One URI per line.
    pub redirect_uris: &'a str,
    /// One URI per line.
    pub post_logout_uris: &'a str,
    /// Grant type checkboxes.
    pub grant_types: Vec<FormOption>,
    /// Space-separated scopes.
    pub scopes: &'a str,
    /// Require PKCE (confidential clients may opt out).
    pub require_pkce: bool,
    /// ID token algorithms, the client's marked.
    pub id_token_algs: Vec<FormOption>,
    /// Access-token lifetime in seconds, empty for the deployment's.
    pub access_token_seconds: &'a str,
    /// Refresh-token absolute lifetime in seconds, empty for the deployment's.
    pub refresh_token_seconds: &'a str,
    /// Refresh-token idle lifetime in seconds, empty for the deployment's.
    pub refresh_token_idle_seconds: &'a str,
    /// The deployment's access, refresh and idle lifetimes (`15m`, `30d`), shown in the empty fields.
    pub default_lifetimes: Vec<String>,
    /// Where logout tokens are POSTed; empty: none.
    pub backchannel_logout_uri: &'a str,
    /// Whether logout tokens must carry `sid`.
    pub backchannel_session: bool,
    /// The page framed on sign-out; empty: none.
    pub frontchannel_logout_uri: &'a str,
    /// Whether that page gets `iss` and `sid`.
    pub frontchannel_session: bool,
    /// Whether users get a pairwise `sub` (OIDC Core §8).
    pub pairwise: bool,
    /// The sector identifier document, if any.
    pub sector_identifier_uri: &'a str,
    /// Where the request-object JWK Set is fetched.
    pub jwks_uri: &'a str,
    /// One `request_uri` per line.
    pub request_uris: &'a str,
    /// Authenticates with `private_key_jwt` (its JWK Set) rather than its secret.
    pub private_key_jwt: bool,
    /// Its authorization requests must be pushed (PAR).
    pub require_par: bool,
    /// Its access tokens must be DPoP-bound.
    pub dpop_bound: bool,
    /// It follows the FAPI 2.0 baseline.
    pub fapi2: bool,
    /// Back-channel logouts not yet delivered (retrying or failed).
    pub undelivered_logouts: Vec<LogoutDeliveryRow>,
    /// Field name → what is wrong with it.
    pub errors: BTreeMap<String, String>,
}

/// A back-channel logout not yet delivered to a client.
#[derive(Debug, Serialize)]
pub struct LogoutDeliveryRow {
    /// Who signed out.
    pub user_id: String,
    /// The session that ended, if the logout was for one.
    pub session_id: Option<String>,
    /// RFC 3339.
    pub logged_out_at: String,
    /// Offers so far.
    pub attempts: i64,
    /// `retrying` or `failed`.
    pub state: &'static str,
    /// Why the last offer failed.
    pub last_error: String,
}

/// One consent grant.
#[derive(Debug, Serialize)]
pub struct ConsoleGrantRow {
    /// `grt_…`
    pub id: String,
    /// `usr_…`
    pub user_id: String,
    /// The user's e-mail (`None` when the user was deleted meanwhile).
    pub user_email: Option<String>,
    /// `qci_…`
    pub client_id: String,
    /// The client's name (`None` when the client was deleted meanwhile).
    pub client_name: Option<String>,
    /// Space-separated scopes.
    pub scopes: String,
    /// RFC 3339.
    pub created_at: String,
}

/// The dashboard's consent grants, filtered by user or client.
#[derive(Debug, Serialize)]
pub struct ConsoleGrantsView<'a> {
    /// Header and navigation.
    pub chrome: ConsoleChrome<'a>,
    /// The user filter as typed.
    pub user: &'a str,
    /// The client filter as typed.
    pub client: &'a str,
    /// This page of grants.
    pub grants: Vec<ConsoleGrantRow>,
    /// The cursor of the next page, if any.
    pub next_page: Option<String>,
}

/// One audit event in the dashboard's list.
#[derive(Debug, Serialize)]
pub struct ConsoleEventRow {
    /// RFC 3339.
    pub at: String,
    /// `sign_in.failed`, `admin.change`, …
    pub kind: &'static str,
    /// Who did it (`user:usr_…`, `api_key:key_…`, `operator`, …).
    pub actor: String,
    /// The e-mail of the user or dashboard admin who did it, when it was one.
    pub actor_email: Option<String>,
    /// The user it concerns, if any.
    pub user_id: Option<String>,
    /// That user's e-mail (`None` when deleted since).
    pub user_email: Option<String>,
    /// The client it concerns, if any.
    pub client_id: Option<String>,
    /// That client's name.
    pub client_name: Option<String>,
    /// The client's network address.
    pub address: Option<String>,
    /// The details, as `name: value` lines.
    pub details: Vec<(String, String)>,
}

/// The dashboard's audit trail, filtered by type or user.
#[derive(Debug, Serialize)]
pub struct ConsoleEventsView<'a> {
    /// Header and navigation.
    pub chrome: ConsoleChrome<'a>,
    /// The type filter as chosen ("" for all).
    pub kind: &'a str,
    /// Every type, for the filter.
    pub kinds: Vec<&'static str>,
    /// The user filter as typed.
    pub user: &'a str,
    /// This page of events.
    pub events: Vec<ConsoleEventRow>,
    /// The cursor of the next page, if any.
    pub next_page: Option<String>,
}

/// One user in the dashboard's list.
#[derive(Debug, Serialize)]
pub struct ConsoleUserRow {
    /// `usr_…`
    pub id: String,
    /// Sign-in e-mail.
    pub email: String,
    /// Full name, or "".
    pub name: String,
    /// `tenant admin`, `deployment admin` or "".
    pub role: &'static str,
    /// Whether an admin disabled the user.
    pub disabled: bool,
    /// RFC 3339.
    pub created_at: String,
}

/// One user's page: details, sessions, and what may be done to them.
#[derive(Debug, Serialize)]
pub struct ConsoleUserView<'a> {
    /// Header and navigation.
    pub chrome: ConsoleChrome<'a>,
    /// The user.
    pub user: ConsoleUserRow,
    /// Whether the e-mail is verified.
    pub email_verified: bool,
    /// Live sessions, newest first (`current` is always false here).
    pub sessions: Vec<crate::AccountSessionRow>,
    /// Whether the user is the admin looking (who may not disable themselves).
    pub is_self: bool,
    /// Since when two-step verification is on (RFC 3339), if it is.
    pub mfa_on_since: Option<String>,
    /// An authenticator app is being set up.
    pub mfa_pending: bool,
    /// How many passkeys the user has.
    pub passkeys: usize,
    /// The edit form's name and e-mail, as typed (or as stored).
    pub edit_name: &'a str,
    /// The edit form's e-mail.
    pub edit_email: &'a str,
    /// Field name → what is wrong with it, for the edit form.
    pub errors: BTreeMap<String, String>,
}

/// The dashboard's users, with the new-user form.
#[derive(Debug, Serialize)]
pub struct ConsoleUsersView<'a> {
    /// Header and navigation.
    pub chrome: ConsoleChrome<'a>,
    /// The address searched for and not found (a found user's page opens instead).
    pub search: &'a str,
    /// This page of users.
    pub users: Vec<ConsoleUserRow>,
    /// The cursor of the next page, if any.
    pub next_page: Option<String>,
    /// The new-user form's e-mail, as typed.
    pub email: &'a str,
    /// The new-user form's name, as typed.
    pub name: &'a str,
    /// Role options (deployment only for a deployment admin).
    pub roles: Vec<FormOption>,
    /// Whether the tenant requires a second factor of every user.
    pub require_mfa: bool,
    /// Whether people may create their own accounts on the login page.
    pub self_sign_up: bool,
    /// Whether a sign-in needs a verified e-mail address.
    pub require_verified_email: bool,
    /// Field name → what is wrong with it.
    pub errors: BTreeMap<String, String>,
}

/// One API key (never the key itself).
#[derive(Debug, Serialize)]
pub struct ConsoleKeyRow {
    /// `key_…`
    pub id: String,
    /// Its name.
    pub name: String,
    /// RFC 3339.
    pub created_at: String,
}

/// The dashboard's API keys, with the new-key form.
#[derive(Debug, Serialize)]
pub struct ConsoleKeysView<'a> {
    /// Header and navigation.
    pub chrome: ConsoleChrome<'a>,
    /// This page of keys.
    pub keys: Vec<ConsoleKeyRow>,
    /// The cursor of the next page, if any.
    pub next_page: Option<String>,
    /// The new key's name, as typed.
    pub name: &'a str,
    /// What is wrong with it.
    pub error: Option<String>,
}

/// One initial access token of dynamic registration.
#[derive(Debug, Serialize)]
pub struct ConsoleTokenRow {
    /// `iat_…`
    pub id: String,
    /// What it is for.
    pub label: String,
    /// RFC 3339; `None`: never.
    pub expires_at: Option<String>,
    /// Registrations it still admits; `None`: unlimited.
    pub uses_left: Option<u32>,
    /// RFC 3339.
    pub created_at: String,
}

/// The dashboard's dynamic-registration page: the tenant's initial access tokens,
/// with the new-token form.
#[derive(Debug, Serialize)]
pub struct ConsoleRegistrationView<'a> {
    /// Header and navigation.
    pub chrome: ConsoleChrome<'a>,
    /// Where clients register.
    pub endpoint: &'a str,
    /// The tenant's tokens, newest first.
    pub tokens: Vec<ConsoleTokenRow>,
    /// The new token's label, as typed.
    pub label: &'a str,
    /// Its lifetime in days, as typed.
    pub days: &'a str,
    /// Its number of uses, as typed.
    pub uses: &'a str,
    /// What is wrong with the form.
    pub error: Option<String>,
    /// Open registration, for deployment admins only.
    pub open: Option<ConsoleOpenRegistration>,
}

/// Where open registration stands, as a deployment admin sees it from one tenant.
#[derive(Debug, Serialize)]
pub struct ConsoleOpenRegistration {
    /// This tenant accepts it.
    pub this_tenant: bool,
    /// Another tenant (`tnt_…`) accepts it.
    pub other_tenant: Option<String>,
    /// The configuration chose, so the dashboard cannot change it.
    pub configured: bool,
}

/// One tenant.
#[derive(Debug, Serialize)]
pub struct ConsoleTenantRow {
    /// `tnt_…`
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its name in URLs (`acme`): `/t/acme/account`.
    pub slug: String,
    /// RFC 3339.
    pub created_at: String,
}

/// Every tenant, for a deployment admin.
#[derive(Debug, Serialize)]
pub struct ConsoleTenantsView<'a> {
    /// Header and navigation.
    pub chrome: ConsoleChrome<'a>,
    /// This page of tenants.
    pub tenants: Vec<ConsoleTenantRow>,
    /// The cursor of the next page, if any.
    pub next_page: Option<String>,
    /// The new tenant's name, as typed.
    pub name: &'a str,
    /// What is wrong with it.
    pub error: Option<String>,
}

/// A confirmation before something that cannot be undone.
#[derive(Debug, Serialize)]
pub struct ConfirmView<'a> {
    /// Header and navigation.
    pub chrome: ConsoleChrome<'a>,
    /// The question, naming the object.
    pub title: &'a str,
    /// What will happen.
    pub message: &'a str,
    /// The button's words.
    pub button: &'a str,
    /// Where Cancel goes.
    pub back: &'a str,
}

/// What a value shown once belongs to (a client's secret: the client).
#[derive(Debug, Serialize)]
pub struct ShownOnceOwner<'a> {
    /// What the id is, e.g. "Client ID".
    pub label: &'a str,
    /// The id.
    pub id: &'a str,
}

/// A secret value shown once (a client secret, an API key).
#[derive(Debug, Serialize)]
pub struct ShownOnceView<'a> {
    /// Headline.
    pub title: &'a str,
    /// Header and navigation.
    pub chrome: ConsoleChrome<'a>,
    /// What the value is.
    pub label: &'a str,
    /// The value.
    pub value: &'a str,
    /// Why to store it now.
    pub warning: &'a str,
    /// What it belongs to, if that is worth naming.
    pub owner: Option<ShownOnceOwner<'a>>,
    /// A remark under the value (when the previous secret stops working).
    pub note: Option<String>,
    /// Where to go next.
    pub back: &'a str,
}

/// The dashboard's branding page: the tenant's colour and links, as typed or stored.
#[derive(Debug, Serialize)]
pub struct ConsoleBrandingView<'a> {
    /// Header and navigation.
    pub chrome: ConsoleChrome<'a>,
    /// `#rrggbb`, or empty.
    pub primary_color: &'a str,
    /// The help link, or empty.
    pub support_url: &'a str,
    /// The privacy policy, or empty.
    pub privacy_url: &'a str,
    /// The languages the pages may default to, the tenant's selected.
    pub languages: Vec<FormOption>,
    /// Its logo's path, when it has one.
    pub logo_url: Option<String>,
    /// Field name → what is wrong with it.
    pub errors: BTreeMap<String, String>,
}

impl crate::Renderer {
    /// The branding page.
    ///
    /// # Errors
    /// When the template fails.
    pub fn console_branding_page(&self, view: &ConsoleBrandingView<'_>) -> Result<String, crate::RenderError> {
        self.render("console_branding.html", view)
    }
}

/// One upstream identity provider on the dashboard.
#[derive(Debug, Serialize)]
pub struct ConsoleProviderRow {
    /// `idp_…`, in its forms' addresses.
    pub id: String,
    /// `OpenID Connect`, `Google` or `GitHub`.
    pub kind: &'static str,
    /// The button's label (as stored, or as typed after a refusal).
    pub name: String,
    /// The issuer, if it has one.
    pub issuer: Option<String>,
    /// Our client id there.
    pub client_id: String,
    /// Whether a verified e-mail links to an existing user.
    pub link_verified_email: bool,
    /// Its edit form's refusals, field → what is wrong.
    pub errors: BTreeMap<String, String>,
    /// Whether its edit form is open (after a refusal).
    pub open: bool,
}

/// The dashboard's sign-in providers page.
#[derive(Debug, Serialize)]
pub struct ConsoleProvidersView<'a> {
    /// Header and navigation.
    pub chrome: ConsoleChrome<'a>,
    /// The redirect URI to register at a provider.
    pub redirect_uri: &'a str,
    /// The tenant's providers, oldest first.
    pub providers: Vec<ConsoleProviderRow>,
    /// The kinds a new one may be.
    pub kinds: Vec<FormOption>,
    /// The add form's fields as typed.
    pub typed: BTreeMap<String, String>,
    /// The add form's refusals.
    pub errors: BTreeMap<String, String>,
}

impl crate::Renderer {
    /// The sign-in providers page.
    ///
    /// # Errors
    /// When the template fails.
    pub fn console_providers_page(&self, view: &ConsoleProvidersView<'_>) -> Result<String, crate::RenderError> {
        self.render("console_providers.html", view)
    }
}

//! The dashboard's client pages: list and search, register (secret shown once),
//! view and edit, rotate the secret, delete after a confirmation.

use qeetid_domain::client_policy::ClientPolicyDraft;
use qeetid_domain::registration::TokenAuthMethod;
use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use qeetid_console::FirstPartyApp;
use qeetid_domain::logout::{LogoutDelivery, LogoutNoticesDraft};
use qeetid_domain::oauth::SigningAlg;
use qeetid_domain::ports::Store;
use qeetid_domain::request_object::RequestObjectDraft;
use qeetid_domain::services::RegisteredClient;
use qeetid_domain::{
    AdminError, Client, ClientDraft, ClientId, ClientLifetimes, ClientPatch, ClientSettings, ClientType, GrantType,
    PageRequest, UnixTime, ValidationError, both,
};
use qeetid_render::{
    ClientFormView, ConsoleClientRow, ConsoleClientsView, FormOption, LogoutDeliveryRow, ShownOnceOwner, ShownOnceView,
};
use serde::Deserialize;

use super::{
    ConfirmParts, Desk, answer, confirm_page, desk, field_problems, form_desk, form_value, notice, see_other,
    shown_once_page,
};
use crate::HttpState;
use crate::routes::pages::html;
use crate::routes::spawn;

/// The seed's warning, shown with every new secret.
const SECRET_WARNING: &str = "Store the secret now — it is not retrievable later.";

fn client_path(desk: &Desk, id: &ClientId) -> String {
    format!("/admin/t/{}/clients/{id}", desk.tenant_id())
}

/// The list's query.
#[derive(Deserialize)]
pub(crate) struct ListQuery {
    q: Option<String>,
    after: Option<String>,
    done: Option<String>,
}

/// `GET /admin/t/{tenant}/clients?q=&after=`: newest first, optionally by name.
pub(crate) async fn list<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    path: web::Path<String>,
    query: web::Query<ListQuery>,
) -> HttpResponse {
    let desk = or_answer!(desk(&req, &state, &path).await);
    let Ok(page) = PageRequest::parse(None, query.after.as_deref()) else {
        return super::error_page(&state, StatusCode::BAD_REQUEST, "Bad page", "That page link is not valid.");
    };
    let search = query.q.as_deref().map(str::trim).unwrap_or("").to_owned();
    let first_page = query.after.is_none() && search.is_empty();
    let (caller, tenant, name) = (desk.admin.caller(), desk.tenant_id().clone(), search.clone());
    let listed = spawn(&state, move |s| async move {
        let listed = if name.is_empty() {
            s.admin.list_clients(&caller, &tenant, &page).await?
        } else {
            s.admin.search_clients(&caller, &tenant, &name, &page).await?
        };
        // The deployment's own clients, by their derived ids (two point reads), on
        // the first page only; a tenant whose apps nobody opened yet has none.
        let mut built_in = Vec::new();
        if first_page {
            for app in FirstPartyApp::ALL {
                match s.admin.get_client(&caller, &tenant, &app.client_id(&tenant)?).await {
                    Ok(client) => built_in.push(client),
                    Err(AdminError::NotFound(_)) => {}
                    Err(e) => return Err(e),
                }
            }
        }
        Ok((listed, built_in))
    })
    .await;
    let (clients, built_in) = or_answer!(answer(&state, listed));
    let human_time = super::clock(&state);
    let row = |c: &Client| ConsoleClientRow {
        id: c.id.to_string(),
        name: c.settings.name().to_owned(),
        client_type: c.settings.client_type().as_str(),
        grant_types: c.settings.grant_types().iter().map(|g| g.as_str()).collect::<Vec<_>>().join(", "),
        created_at: human_time(c.created_at),
        self_registered: c.registration.is_some(),
    };
    let view = ConsoleClientsView {
        chrome: desk.chrome("clients", notice(query.done.as_deref())),
        query: &search,
        clients: clients.items.iter().filter(|c| FirstPartyApp::of(&c.id, &c.tenant_id).is_none()).map(row).collect(),
        built_in: built_in.iter().map(row).collect(),
        next_page: clients.next_cursor,
    };
    desk.finish(&state, html(StatusCode::OK, state.renderer.console_clients_page(&view)))
}

/// What the client form holds, as typed.
#[derive(Debug, Default)]
struct ClientForm {
    name: String,
    client_type: String,
    redirect_uris: String,
    post_logout_uris: String,
    grant_types: Vec<String>,
    scopes: String,
    require_pkce: bool,
    access_token_seconds: String,
    refresh_token_seconds: String,
    refresh_token_idle_seconds: String,
    id_token_alg: String,
    backchannel_logout_uri: String,
    backchannel_session: bool,
    frontchannel_logout_uri: String,
    frontchannel_session: bool,
    pairwise: bool,
    sector_identifier_uri: String,
    jwks_uri: String,
    request_uris: String,
    private_key_jwt: bool,
    require_par: bool,
    dpop_bound: bool,
    fapi2: bool,
}

fn lines(text: &str) -> Vec<String> {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect()
}

/// A duration as people type it: `90` or `90s` (seconds), `15m`, `2h`, `30d`
/// (any case, a space allowed before the unit); empty is `None` (the deployment's).
fn seconds(field: &str, raw: &str) -> Result<Option<i64>, ValidationError> {
    let raw = raw.trim().to_ascii_lowercase();
    if raw.is_empty() {
        return Ok(None);
    }
    let split = raw.find(|c: char| !c.is_ascii_digit()).unwrap_or(raw.len());
    let (number, unit) = raw.split_at(split);
    let unit = match unit.trim() {
        "" | "s" | "sec" | "secs" | "seconds" => 1,
        "m" | "min" | "mins" | "minutes" => 60,
        "h" | "hour" | "hours" => 3_600,
        "d" | "day" | "days" => 86_400,
        _ => 0,
    };
    number
        .parse::<i64>()
        .ok()
        .filter(|_| unit > 0)
        .and_then(|n| n.checked_mul(unit))
        .map(Some)
        .ok_or_else(|| ValidationError::new(field, "must be a duration such as 900, 15m, 2h or 30d"))
}

/// Seconds in the largest whole unit (`15m`, `2h`, `30d`, `45s`): what the form shows.
fn in_units(seconds: i64) -> String {
    match seconds {
        0 => "0".to_owned(),
        s if s % 86_400 == 0 => format!("{}d", s / 86_400),
        s if s % 3_600 == 0 => format!("{}h", s / 3_600),
        s if s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

impl ClientForm {
    fn parse(pairs: &[(String, String)]) -> Self {
        let value = |name: &str| form_value(pairs, name).to_owned();
        Self {
            name: value("name"),
            client_type: value("type"),
            redirect_uris: value("redirect_uris"),
            post_logout_uris: value("post_logout_uris"),
            grant_types: pairs.iter().filter(|(k, _)| k == "grant_types").map(|(_, v)| v.clone()).collect(),
            scopes: value("scopes"),
            require_pkce: form_value(pairs, "require_pkce") == "true",
            access_token_seconds: value("access_token_seconds"),
            refresh_token_seconds: value("refresh_token_seconds"),
            refresh_token_idle_seconds: value("refresh_token_idle_seconds"),
            id_token_alg: value("id_token_signed_response_alg"),
            backchannel_logout_uri: value("backchannel_logout_uri"),
            backchannel_session: form_value(pairs, "backchannel_logout_session_required") == "true",
            frontchannel_logout_uri: value("frontchannel_logout_uri"),
            frontchannel_session: form_value(pairs, "frontchannel_logout_session_required") == "true",
            pairwise: form_value(pairs, "subject_type") == "pairwise",
            sector_identifier_uri: value("sector_identifier_uri"),
            jwks_uri: value("jwks_uri"),
            request_uris: value("request_uris"),
            private_key_jwt: form_value(pairs, "token_endpoint_auth_method") == "private_key_jwt",
            require_par: form_value(pairs, "require_pushed_authorization_requests") == "true",
            dpop_bound: form_value(pairs, "dpop_bound_access_tokens") == "true",
            fapi2: form_value(pairs, "fapi2") == "true",
        }
    }

    /// A new client's form: the product page's defaults.
    fn new_client() -> Self {
        Self {
            client_type: "confidential".into(),
            grant_types: vec!["authorization_code".into(), "refresh_token".into()],
            scopes: "openid profile email offline_access".into(),
            require_pkce: true,
            id_token_alg: SigningAlg::default().as_str().to_owned(),
            ..Self::default()
        }
    }

    fn of(client: &Client) -> Self {
        let s = &client.settings;
        let uris = |list: &[qeetid_domain::RedirectUri]| list.iter().map(|u| u.as_str()).collect::<Vec<_>>().join("\n");
        let secs = |v: Option<i64>| v.map(in_units).unwrap_or_default();
        let lifetimes = s.lifetimes();
        let logout = s.logout_notices();
        Self {
            name: s.name().to_owned(),
            client_type: s.client_type().as_str().to_owned(),
            redirect_uris: uris(s.redirect_uris()),
            post_logout_uris: uris(s.post_logout_uris()),
            grant_types: s.grant_types().iter().map(|g| g.as_str().to_owned()).collect(),
            scopes: s.scopes().to_delimited(),
            require_pkce: s.require_pkce(),
            access_token_seconds: secs(lifetimes.access_token),
            refresh_token_seconds: secs(lifetimes.refresh_token),
            refresh_token_idle_seconds: secs(lifetimes.refresh_token_idle),
            id_token_alg: s.id_token_alg().as_str().to_owned(),
            backchannel_logout_uri: logout.backchannel.as_ref().map(|e| e.uri().to_owned()).unwrap_or_default(),
            backchannel_session: logout.backchannel.as_ref().is_some_and(|e| e.session_required()),
            frontchannel_logout_uri: logout.frontchannel.as_ref().map(|e| e.uri().to_owned()).unwrap_or_default(),
            frontchannel_session: logout.frontchannel.as_ref().is_some_and(|e| e.session_required()),
            pairwise: s.subject_type().as_str() == "pairwise",
            sector_identifier_uri: s.subject_type().sector_identifier_uri().unwrap_or_default().to_owned(),
            jwks_uri: s.request_objects().jwks_uri().unwrap_or_default().to_owned(),
            request_uris: s.request_objects().request_uris().join("\n"),
            private_key_jwt: s.auth_method() == TokenAuthMethod::PrivateKeyJwt,
            require_par: s.policy().require_par(),
            dpop_bound: s.policy().dpop_bound(),
            fapi2: s.policy().fapi2(),
        }
    }

    /// How the client authenticates and what it must do beyond that, as chosen (a
    /// token-exchange policy is the Clients API's and stays as it is).
    fn policy(&self) -> ClientPolicyDraft {
        let confidential = self.client_type == ClientType::Confidential.as_str();
        let method = match (confidential, self.private_key_jwt) {
            (false, _) => TokenAuthMethod::None,
            (true, true) => TokenAuthMethod::PrivateKeyJwt,
            (true, false) => TokenAuthMethod::ClientSecretBasic,
        };
        ClientPolicyDraft {
            token_endpoint_auth_method: Some(method.as_str().to_owned()),
            token_endpoint_auth_signing_alg: None,
            require_pushed_authorization_requests: Some(self.require_par),
            dpop_bound_access_tokens: Some(self.dpop_bound),
            fapi2: Some(self.fapi2),
            token_exchange: None,
        }
    }

    /// The subject type as chosen.
    fn subject_type(&self) -> Option<String> {
        Some(if self.pairwise { "pairwise" } else { "public" }.to_owned())
    }

    /// The request-object settings as typed (an inline `jwks` is kept as it is;
    /// the Clients API sets it).
    fn request_objects(&self) -> RequestObjectDraft {
        RequestObjectDraft {
            jwks: None,
            jwks_uri: Some(self.jwks_uri.trim().to_owned()),
            request_uris: Some(lines(&self.request_uris)),
            request_object_signing_alg: None,
        }
    }

    /// The logout URIs as typed; an emptied one removes that channel.
    fn logout(&self) -> LogoutNoticesDraft {
        let uri = |raw: &str| Some(raw.trim().to_owned());
        let blank = |raw: &str| raw.trim().is_empty();
        LogoutNoticesDraft {
            backchannel_logout_uri: uri(&self.backchannel_logout_uri),
            backchannel_logout_session_required: Some(self.backchannel_session && !blank(&self.backchannel_logout_uri)),
            frontchannel_logout_uri: uri(&self.frontchannel_logout_uri),
            frontchannel_logout_session_required: Some(
                self.frontchannel_session && !blank(&self.frontchannel_logout_uri),
            ),
        }
    }

    fn lifetimes(&self) -> Result<ClientLifetimes, ValidationError> {
        Ok(ClientLifetimes {
            access_token: seconds("lifetimes", &self.access_token_seconds)?,
            refresh_token: seconds("lifetimes", &self.refresh_token_seconds)?,
            refresh_token_idle: seconds("lifetimes", &self.refresh_token_idle_seconds)?,
        })
    }

    /// The chosen ID token algorithm; none chosen (an older form) keeps the default.
    fn alg(&self) -> Option<String> {
        Some(self.id_token_alg.trim()).filter(|a| !a.is_empty()).map(str::to_owned)
    }

    /// Public clients always use PKCE: an unticked box is not a request to drop it.
    fn pkce(&self) -> Option<bool> {
        (self.client_type != ClientType::Public.as_str()).then_some(self.require_pkce)
    }

    /// The draft to register; a lifetime that cannot be read is refused together
    /// with whatever else the domain's rules refuse (checked here, without I/O).
    fn draft(&self) -> Result<ClientDraft, ValidationError> {
        let lifetimes = self.lifetimes();
        let draft = ClientDraft {
            name: self.name.trim().to_owned(),
            client_type: self.client_type.clone(),
            redirect_uris: lines(&self.redirect_uris),
            post_logout_uris: lines(&self.post_logout_uris),
            grant_types: Some(self.grant_types.clone()),
            scopes: Some(self.scopes.split_whitespace().map(str::to_owned).collect()),
            require_pkce: self.pkce(),
            lifetimes: lifetimes.clone().unwrap_or_default(),
            id_token_signed_response_alg: self.alg(),
            userinfo_signed_response_alg: None,
            logout: self.logout(),
            subject_type: self.subject_type(),
            sector_identifier_uri: Some(self.sector_identifier_uri.trim().to_owned()),
            request_objects: self.request_objects(),
            policy: self.policy(),
        };
        match lifetimes {
            Ok(_) => Ok(draft),
            Err(e) => both(Err::<(), _>(e), ClientSettings::validate(draft.clone())).map(|_| draft),
        }
    }

    /// Every field restated; an emptied lifetime returns to the deployment's (0). A
    /// lifetime that cannot be read is refused together with whatever else the
    /// domain's rules refuse of `current` so changed.
    fn patch(&self, current: &ClientSettings) -> Result<ClientPatch, ValidationError> {
        let lifetimes = self.lifetimes();
        let l = lifetimes.clone().unwrap_or_default();
        let patch = ClientPatch {
            name: Some(self.name.trim().to_owned()),
            client_type: None,
            redirect_uris: Some(lines(&self.redirect_uris)),
            post_logout_uris: Some(lines(&self.post_logout_uris)),
            grant_types: Some(self.grant_types.clone()),
            scopes: Some(self.scopes.split_whitespace().map(str::to_owned).collect()),
            require_pkce: self.pkce(),
            lifetimes: ClientLifetimes {
                access_token: Some(l.access_token.unwrap_or(0)),
                refresh_token: Some(l.refresh_token.unwrap_or(0)),
                refresh_token_idle: Some(l.refresh_token_idle.unwrap_or(0)),
            },
            id_token_signed_response_alg: self.alg(),
            userinfo_signed_response_alg: None,
            logout: self.logout(),
            subject_type: self.subject_type(),
            sector_identifier_uri: Some(self.sector_identifier_uri.trim().to_owned()),
            request_objects: self.request_objects(),
            policy: self.policy(),
        };
        match lifetimes {
            Ok(_) => Ok(patch),
            Err(e) => both(Err::<(), _>(e), current.patched(patch.clone())).map(|_| patch),
        }
    }

    fn view<'a>(
        &'a self,
        desk: &'a Desk,
        client_id: Option<&'a str>,
        errors: BTreeMap<String, String>,
        notice: Option<&'a str>,
    ) -> ClientFormView<'a> {
        let types = [
            (ClientType::Confidential, "Confidential (server-side, has a secret)"),
            (ClientType::Public, "Public (SPA or native app, PKCE, no secret)"),
        ];
        let grant_label = |g: GrantType| match g {
            GrantType::AuthorizationCode => "Authorization code",
            GrantType::RefreshToken => "Refresh token",
            GrantType::ClientCredentials => "Client credentials",
            GrantType::DeviceCode => "Device code",
            GrantType::TokenExchange => "Token exchange",
        };
        let built_in = client_id
            .and_then(|id| ClientId::parse(id).ok())
            .is_some_and(|id| FirstPartyApp::of(&id, desk.tenant_id()).is_some());
        ClientFormView {
            chrome: desk.chrome("clients", notice),
            client_id,
            confidential: self.client_type == ClientType::Confidential.as_str(),
            built_in,
            name: &self.name,
            client_types: types
                .into_iter()
                .map(|(t, label)| FormOption { value: t.as_str(), label, checked: self.client_type == t.as_str() })
                .collect(),
            redirect_uris: &self.redirect_uris,
            post_logout_uris: &self.post_logout_uris,
            grant_types: GrantType::ALL
                .into_iter()
                .map(|g| FormOption {
                    value: g.as_str(),
                    label: grant_label(g),
                    checked: self.grant_types.iter().any(|x| x == g.as_str()),
                })
                .collect(),
            scopes: &self.scopes,
            require_pkce: self.require_pkce,
            access_token_seconds: &self.access_token_seconds,
            refresh_token_seconds: &self.refresh_token_seconds,
            refresh_token_idle_seconds: &self.refresh_token_idle_seconds,
            id_token_algs: SigningAlg::ALL
                .into_iter()
                .map(|a| FormOption {
                    value: a.as_str(),
                    label: match a {
                        SigningAlg::Es256 => "ES256 (ECDSA P-256, the default)",
                        SigningAlg::Rs256 => "RS256 (RSA, for relying parties that verify only RSA)",
                    },
                    checked: self.id_token_alg == a.as_str(),
                })
                .collect(),
            backchannel_logout_uri: &self.backchannel_logout_uri,
            backchannel_session: self.backchannel_session,
            frontchannel_logout_uri: &self.frontchannel_logout_uri,
            frontchannel_session: self.frontchannel_session,
            pairwise: self.pairwise,
            sector_identifier_uri: &self.sector_identifier_uri,
            jwks_uri: &self.jwks_uri,
            request_uris: &self.request_uris,
            private_key_jwt: self.private_key_jwt,
            require_par: self.require_par,
            dpop_bound: self.dpop_bound,
            fapi2: self.fapi2,
            undelivered_logouts: Vec::new(),
            default_lifetimes: Vec::new(),
            errors,
        }
    }
}

/// The form's field for a validation error's field (`redirect_uris[2]` is shown
/// beside `redirect_uris`, `lifetimes.access_token` beside the lifetimes).
fn form_field(wire: &str) -> String {
    let field = wire.split(['[', '.']).next().unwrap_or("");
    let field = if field == "client_type" { "type" } else { field };
    let known = [
        "name",
        "type",
        "redirect_uris",
        "post_logout_uris",
        "grant_types",
        "scopes",
        "require_pkce",
        "id_token_signed_response_alg",
        "backchannel_logout_uri",
        "frontchannel_logout_uri",
        "subject_type",
        "sector_identifier_uri",
        "jwks",
        "jwks_uri",
        "request_uris",
        "token_endpoint_auth_method",
        "fapi2",
    ];
    if known.contains(&field) { field.to_owned() } else { "lifetimes".to_owned() }
}

/// A back-channel logout not yet delivered, as the client page lists it.
fn delivery_row(d: &LogoutDelivery, human_time: impl Fn(UnixTime) -> String) -> LogoutDeliveryRow {
    LogoutDeliveryRow {
        user_id: d.user_id.to_string(),
        session_id: d.session_id.as_ref().map(ToString::to_string),
        logged_out_at: human_time(d.created_at),
        attempts: d.attempts,
        state: if d.failed { "failed" } else { "retrying" },
        last_error: d.last_error.clone().unwrap_or_default(),
    }
}

fn form_page<S: Store>(
    state: &HttpState<S>,
    desk: &Desk,
    form: &ClientForm,
    client_id: Option<&str>,
    err: Option<&ValidationError>,
    notice: Option<&str>,
    undelivered: &[LogoutDelivery],
) -> HttpResponse {
    let (status, errors) = match err {
        Some(e) => (StatusCode::UNPROCESSABLE_ENTITY, field_problems(e, form_field)),
        None => (StatusCode::OK, BTreeMap::new()),
    };
    let mut view = form.view(desk, client_id, errors, notice);
    let human_time = super::clock(state);
    view.undelivered_logouts = undelivered.iter().map(|d| delivery_row(d, &human_time)).collect();
    let deployment = &state.services.tokens.context().settings().lifetimes;
    view.default_lifetimes =
        [deployment.access_token, deployment.refresh_token, deployment.refresh_token_idle].map(in_units).to_vec();
    desk.finish(state, html(status, state.renderer.console_client_form_page(&view)))
}

/// `GET /admin/t/{tenant}/clients/new`
pub(crate) async fn new_form<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    path: web::Path<String>,
) -> HttpResponse {
    match desk(&req, &state, &path).await {
        Ok(desk) => form_page(&state, &desk, &ClientForm::new_client(), None, None, None, &[]),
        Err(response) => response,
    }
}

fn secret_page(
    state: &HttpState<impl Sized>,
    desk: &Desk,
    client: &Client,
    secret: &str,
    previous_expires_at: Option<String>,
) -> HttpResponse {
    let title = format!("Client secret for {}", client.settings.name());
    let back = client_path(desk, &client.id);
    let view = ShownOnceView {
        title: &title,
        chrome: desk.chrome("clients", None),
        label: "Client secret",
        value: secret,
        warning: SECRET_WARNING,
        owner: Some(ShownOnceOwner { label: "Client ID", id: client.id.as_str() }),
        note: previous_expires_at.map(|t| format!("The previous secret keeps working until {t}.")),
        back: &back,
    };
    shown_once_page(state, desk, &view)
}

/// `POST /admin/t/{tenant}/clients/new`: registers; a confidential client's secret
/// is shown once, a public client's page follows.
pub(crate) async fn create<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    path: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let (desk, pairs) = or_answer!(form_desk(&req, &state, &path, &body).await);
    let form = ClientForm::parse(&pairs);
    let draft = match form.draft() {
        Ok(d) => d,
        Err(e) => return form_page(&state, &desk, &form, None, Some(&e), None, &[]),
    };
    let (caller, tenant) = (desk.admin.caller(), desk.tenant_id().clone());
    let outcome = spawn(&state, move |s| async move { s.admin.register_client(&caller, &tenant, draft).await }).await;
    let registered: RegisteredClient = match outcome {
        Ok(Err(AdminError::Invalid(e))) => return form_page(&state, &desk, &form, None, Some(&e), None, &[]),
        other => or_answer!(answer(&state, other)),
    };
    match &registered.secret {
        Some(secret) => secret_page(&state, &desk, &registered.client, secret.expose(), None),
        None => see_other(&format!("{}?done=saved", client_path(&desk, &registered.client.id))),
    }
}

/// The path's tenant and client.
type ClientPath = web::Path<(String, String)>;

async fn load<S: Store>(state: &HttpState<S>, desk: &Desk, raw_id: &str) -> Result<Client, HttpResponse> {
    let Ok(id) = ClientId::parse(raw_id) else {
        return Err(super::error_page(state, StatusCode::NOT_FOUND, "Not found", "There is no such client."));
    };
    let (caller, tenant) = (desk.admin.caller(), desk.tenant_id().clone());
    answer(state, spawn(state, move |s| async move { s.admin.get_client(&caller, &tenant, &id).await }).await)
}

/// The client page's query.
#[derive(Deserialize)]
pub(crate) struct DoneQuery {
    done: Option<String>,
}

/// `GET /admin/t/{tenant}/clients/{id}`: the client, in its edit form.
pub(crate) async fn show<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    path: ClientPath,
    query: web::Query<DoneQuery>,
) -> HttpResponse {
    let (tenant, id) = path.into_inner();
    let desk = or_answer!(desk(&req, &state, &tenant).await);
    let client = match load(&state, &desk, &id).await {
        Ok(client) => client,
        Err(response) => return response,
    };
    let (caller, tenant, client_id) = (desk.admin.caller(), desk.tenant_id().clone(), client.id.clone());
    let listed =
        spawn(&state, move |s| async move { s.admin.list_logout_deliveries(&caller, &tenant, &client_id).await });
    let undelivered = or_answer!(answer(&state, listed.await));
    form_page(
        &state,
        &desk,
        &ClientForm::of(&client),
        Some(client.id.as_str()),
        None,
        notice(query.done.as_deref()),
        &undelivered,
    )
}

/// `POST /admin/t/{tenant}/clients/{id}`: saves the form; errors come back beside
/// their fields with what was typed.
pub(crate) async fn update<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    path: ClientPath,
    body: web::Bytes,
) -> HttpResponse {
    let (tenant, id) = path.into_inner();
    let (desk, pairs) = or_answer!(form_desk(&req, &state, &tenant, &body).await);
    let client = or_answer!(load(&state, &desk, &id).await);
    let mut form = ClientForm::parse(&pairs);
    form.client_type = client.settings.client_type().as_str().to_owned();
    let patch = match form.patch(&client.settings) {
        Ok(p) => p,
        Err(e) => return form_page(&state, &desk, &form, Some(client.id.as_str()), Some(&e), None, &[]),
    };
    let (caller, tenant, client_id) = (desk.admin.caller(), desk.tenant_id().clone(), client.id.clone());
    let outcome =
        spawn(&state, move |s| async move { s.admin.update_client(&caller, &tenant, &client_id, patch).await }).await;
    match outcome {
        Ok(Err(AdminError::Invalid(e))) => {
            form_page(&state, &desk, &form, Some(client.id.as_str()), Some(&e), None, &[])
        }
        other => match answer(&state, other) {
            Ok(updated) => see_other(&format!("{}?done=saved", client_path(&desk, &updated.id))),
            Err(response) => response,
        },
    }
}

/// `POST /admin/t/{tenant}/clients/{id}/rotate-secret`: a new secret, shown once,
/// with the old one kept for the grace period asked for.
pub(crate) async fn rotate<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    path: ClientPath,
    body: web::Bytes,
) -> HttpResponse {
    let (tenant, id) = path.into_inner();
    let (desk, pairs) = or_answer!(form_desk(&req, &state, &tenant, &body).await);
    let client = or_answer!(load(&state, &desk, &id).await);
    let grace = match seconds("grace_period_seconds", form_value(&pairs, "grace_period_seconds")) {
        Ok(g) => g,
        Err(e) => {
            return form_page(&state, &desk, &ClientForm::of(&client), Some(client.id.as_str()), Some(&e), None, &[]);
        }
    };
    let (caller, tenant, client_id) = (desk.admin.caller(), desk.tenant_id().clone(), client.id.clone());
    let outcome =
        spawn(&state, move |s| async move { s.admin.rotate_client_secret(&caller, &tenant, &client_id, grace).await })
            .await;
    match outcome {
        Ok(Err(AdminError::Invalid(e))) => {
            form_page(&state, &desk, &ClientForm::of(&client), Some(client.id.as_str()), Some(&e), None, &[])
        }
        other => match answer(&state, other) {
            Ok(rotated) => secret_page(
                &state,
                &desk,
                &rotated.client,
                rotated.secret.expose(),
                rotated.previous_secret_expires_at.map(super::clock(&state)),
            ),
            Err(response) => response,
        },
    }
}

/// `GET /admin/t/{tenant}/clients/{id}/delete`: the confirmation, naming the client.
pub(crate) async fn confirm_delete<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    path: ClientPath,
) -> HttpResponse {
    let (tenant, id) = path.into_inner();
    let desk = or_answer!(desk(&req, &state, &tenant).await);
    let client = or_answer!(load(&state, &desk, &id).await);
    let title = format!("Delete “{}”?", client.settings.name());
    let message = format!("Client {} and its tokens stop working at once. This cannot be undone.", client.id);
    let button = format!("Delete {}", client.settings.name());
    let back = client_path(&desk, &client.id);
    let parts = ConfirmParts { title: &title, message: &message, button: &button, back: &back };
    confirm_page(&state, &desk, "clients", parts)
}

/// `POST /admin/t/{tenant}/clients/{id}/delete`
pub(crate) async fn delete<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    path: ClientPath,
    body: web::Bytes,
) -> HttpResponse {
    let (tenant, id) = path.into_inner();
    let (desk, _) = or_answer!(form_desk(&req, &state, &tenant, &body).await);
    let client = or_answer!(load(&state, &desk, &id).await);
    let caller = desk.admin.caller();
    let outcome = spawn(&state, move |s| async move { s.admin.delete_client(&caller, &client.id).await }).await;
    match answer(&state, outcome) {
        Ok(()) => see_other(&format!("/admin/t/{}/clients?done=deleted", desk.tenant_id())),
        Err(response) => response,
    }
}

#[cfg(test)]
mod tests {
    use super::{in_units, seconds};

    #[test]
    fn lifetimes_are_typed_and_shown_in_units() {
        let typed = |raw: &str| seconds("lifetimes", raw).unwrap();
        assert_eq!(typed(""), None);
        assert_eq!(typed("900"), Some(900));
        assert_eq!(typed("15m"), Some(900));
        assert_eq!(typed(" 2 H "), Some(7_200));
        assert_eq!(typed("30d"), Some(2_592_000));
        for bad in ["15 weeks", "m", "-5m", "1.5h", "99999999999999999999d"] {
            assert!(seconds("lifetimes", bad).is_err(), "{bad}");
        }
        assert_eq!([900, 7_200, 2_592_000, 45, 90].map(in_units), ["15m", "2h", "30d", "45s", "90s"]);
    }
}

//! The one diesel schema, shared by SQLite and PostgreSQL (portable column types only).

diesel::table! {
    tenants (id) {
        id -> Text,
        name -> Text,
        created_at -> BigInt,
        updated_at -> BigInt,
        require_mfa -> Bool,
        resources -> Nullable<Text>,
        open_registration -> Bool,
        require_par -> Bool,
        fapi2 -> Bool,
        slug -> Text,
        self_sign_up -> Bool,
        require_verified_email -> Bool,
        primary_color -> Nullable<Text>,
        support_url -> Nullable<Text>,
        privacy_url -> Nullable<Text>,
        default_locale -> Text,
        logo -> Nullable<Text>,
    }
}

diesel::table! {
    tenant_logos (tenant_id) {
        tenant_id -> Text,
        logo -> Text,
        image -> Binary,
    }
}

diesel::table! {
    api_keys (id) {
        id -> Text,
        tenant_id -> Nullable<Text>,
        name -> Text,
        key_hash -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        tenant_id -> Text,
        email -> Text,
        email_verified -> Bool,
        name -> Nullable<Text>,
        password_hash -> Nullable<Text>,
        created_at -> BigInt,
        updated_at -> BigInt,
        admin_role -> Nullable<Text>,
        disabled_at -> Nullable<BigInt>,
        tokens_revoked_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    clients (id) {
        id -> Text,
        tenant_id -> Text,
        name -> Text,
        client_type -> Text,
        redirect_uris -> Text,
        post_logout_uris -> Text,
        grant_types -> Text,
        scopes -> Text,
        require_pkce -> Bool,
        access_token_ttl -> Nullable<BigInt>,
        refresh_token_ttl -> Nullable<BigInt>,
        refresh_token_idle_ttl -> Nullable<BigInt>,
        secret_hash -> Nullable<Text>,
        previous_secret_hash -> Nullable<Text>,
        previous_secret_expires_at -> Nullable<BigInt>,
        created_at -> BigInt,
        updated_at -> BigInt,
        registration_token_hash -> Nullable<Text>,
        registration_auth_method -> Nullable<Text>,
        registration_metadata -> Nullable<Text>,
        registration_document_refresh_at -> Nullable<BigInt>,
        id_token_alg -> Nullable<Text>,
        userinfo_alg -> Nullable<Text>,
        backchannel_logout_uri -> Nullable<Text>,
        backchannel_logout_session_required -> Bool,
        frontchannel_logout_uri -> Nullable<Text>,
        frontchannel_logout_session_required -> Bool,
        pairwise_sector -> Nullable<Text>,
        sector_identifier_uri -> Nullable<Text>,
        request_objects -> Nullable<Text>,
        policy -> Nullable<Text>,
    }
}

diesel::table! {
    initial_access_tokens (id) {
        id -> Text,
        tenant_id -> Text,
        label -> Text,
        token_hash -> Text,
        expires_at -> Nullable<BigInt>,
        uses_left -> Nullable<BigInt>,
        created_at -> BigInt,
    }
}

diesel::joinable!(api_keys -> tenants (tenant_id));
diesel::joinable!(users -> tenants (tenant_id));
diesel::joinable!(clients -> tenants (tenant_id));
diesel::allow_tables_to_appear_in_same_query!(tenants, api_keys, users, clients, consent_grants);

diesel::table! {
    authorization_requests (id) {
        id -> Text,
        tenant_id -> Text,
        client_id -> Text,
        redirect_uri -> Text,
        scope -> Text,
        state -> Nullable<Text>,
        nonce -> Nullable<Text>,
        code_challenge -> Nullable<Text>,
        prompt -> Text,
        max_age -> Nullable<BigInt>,
        login_hint -> Nullable<Text>,
        browser_hash -> Text,
        user_id -> Nullable<Text>,
        session_id -> Nullable<Text>,
        auth_time -> Nullable<BigInt>,
        created_at -> BigInt,
        expires_at -> BigInt,
        device_code_hash -> Nullable<Text>,
        first_factor -> Nullable<Text>,
        resource -> Nullable<Text>,
        response_mode -> Text,
        ui_locales -> Nullable<Text>,
        client_address -> Nullable<Text>,
        user_agent -> Nullable<Text>,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        token_hash -> Text,
        tenant_id -> Text,
        user_id -> Text,
        auth_time -> BigInt,
        amr -> Text,
        created_at -> BigInt,
        expires_at -> BigInt,
        user_agent -> Nullable<Text>,
        network -> Nullable<Text>,
    }
}

diesel::table! {
    authorization_codes (code_hash) {
        code_hash -> Text,
        tenant_id -> Text,
        client_id -> Text,
        user_id -> Text,
        session_id -> Text,
        grant_id -> Text,
        redirect_uri -> Text,
        scope -> Text,
        nonce -> Nullable<Text>,
        code_challenge -> Nullable<Text>,
        auth_time -> BigInt,
        amr -> Text,
        created_at -> BigInt,
        expires_at -> BigInt,
        used_at -> Nullable<BigInt>,
        access_jti -> Nullable<Text>,
        access_expires_at -> Nullable<BigInt>,
        resource -> Nullable<Text>,
    }
}

diesel::table! {
    consent_grants (id) {
        id -> Text,
        tenant_id -> Text,
        user_id -> Text,
        client_id -> Text,
        scopes -> Text,
        remembered -> Bool,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> Text,
        token_hash -> Text,
        tenant_id -> Text,
        client_id -> Text,
        user_id -> Text,
        grant_id -> Text,
        family_id -> Text,
        origin_code -> Nullable<Text>,
        scope -> Text,
        auth_time -> BigInt,
        amr -> Text,
        session_id -> Nullable<Text>,
        created_at -> BigInt,
        expires_at -> BigInt,
        absolute_expires_at -> BigInt,
        rotated_at -> Nullable<BigInt>,
        revoked_at -> Nullable<BigInt>,
        resource -> Nullable<Text>,
        dpop_jkt -> Nullable<Text>,
    }
}

diesel::table! {
    signing_keys (kid) {
        kid -> Text,
        public_jwk -> Text,
        sealed_private_key -> Text,
        created_at -> BigInt,
        retired_at -> Nullable<BigInt>,
        alg -> Text,
    }
}

diesel::table! {
    throttles (key) {
        key -> Text,
        failures -> BigInt,
        last_failure_at -> BigInt,
        blocked_until -> BigInt,
    }
}

diesel::table! {
    revoked_access_tokens (jti) {
        jti -> Text,
        expires_at -> BigInt,
    }
}

diesel::table! {
    device_codes (device_code_hash) {
        device_code_hash -> Text,
        user_code -> Text,
        tenant_id -> Text,
        client_id -> Text,
        scope -> Text,
        interval_seconds -> BigInt,
        last_polled_at -> Nullable<BigInt>,
        status -> Text,
        user_id -> Nullable<Text>,
        session_id -> Nullable<Text>,
        auth_time -> Nullable<BigInt>,
        amr -> Text,
        grant_id -> Nullable<Text>,
        created_at -> BigInt,
        expires_at -> BigInt,
    }
}

// UserInfo reads the user unless the token is on the deny-list, in one query.
diesel::allow_tables_to_appear_in_same_query!(users, revoked_access_tokens);
diesel::allow_tables_to_appear_in_same_query!(clients, revoked_access_tokens);

diesel::table! {
    user_totp (user_id) {
        user_id -> Text,
        tenant_id -> Text,
        sealed_secret -> Text,
        confirmed_at -> Nullable<BigInt>,
        last_step -> BigInt,
        created_at -> BigInt,
    }
}

diesel::table! {
    recovery_codes (code_hash) {
        code_hash -> Text,
        tenant_id -> Text,
        user_id -> Text,
        used_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    passkeys (id) {
        id -> Text,
        tenant_id -> Text,
        user_id -> Text,
        credential_id -> Text,
        name -> Text,
        credential -> Text,
        backup_eligible -> Bool,
        backup_state -> Bool,
        created_at -> BigInt,
        last_used_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    passkey_ceremonies (id) {
        id -> Text,
        tenant_id -> Text,
        user_id -> Nullable<Text>,
        request_id -> Nullable<Text>,
        state -> Text,
        expires_at -> BigInt,
    }
}

diesel::table! {
    identity_providers (id) {
        id -> Text,
        tenant_id -> Text,
        kind -> Text,
        name -> Text,
        issuer -> Nullable<Text>,
        client_id -> Text,
        sealed_client_secret -> Text,
        link_verified_email -> Bool,
        created_at -> BigInt,
    }
}

diesel::table! {
    federated_identities (provider_id, subject) {
        provider_id -> Text,
        subject -> Text,
        tenant_id -> Text,
        user_id -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    upstream_flows (state_hash) {
        state_hash -> Text,
        tenant_id -> Text,
        provider_id -> Text,
        request_id -> Text,
        nonce -> Text,
        code_verifier -> Text,
        expires_at -> BigInt,
    }
}

diesel::table! {
    session_clients (session_id, client_id) {
        session_id -> Text,
        client_id -> Text,
        tenant_id -> Text,
        user_id -> Text,
    }
}

diesel::table! {
    logout_deliveries (id) {
        id -> Text,
        tenant_id -> Text,
        client_id -> Text,
        user_id -> Text,
        session_id -> Nullable<Text>,
        created_at -> BigInt,
        attempts -> BigInt,
        next_attempt_at -> BigInt,
        failed -> Bool,
        last_error -> Nullable<Text>,
    }
}

// Who hears of a logout: the session's clients that registered a logout URI.
diesel::joinable!(session_clients -> clients (client_id));
diesel::allow_tables_to_appear_in_same_query!(session_clients, clients, sessions, logout_deliveries);

diesel::table! {
    spent_jtis (key) {
        key -> Text,
        expires_at -> BigInt,
    }
}

diesel::table! {
    pushed_requests (id_hash) {
        id_hash -> Text,
        tenant_id -> Text,
        client_id -> Text,
        params -> Text,
        expires_at -> BigInt,
    }
}

diesel::table! {
    token_exchanges (id) {
        id -> Text,
        tenant_id -> Text,
        user_id -> Text,
        client_id -> Text,
        subject_client_id -> Text,
        actor -> Nullable<Text>,
        audience -> Text,
        scope -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    deployment_values (name) {
        name -> Text,
        value -> Text,
    }
}

diesel::table! {
    audit_events (id) {
        id -> Text,
        tenant_id -> Text,
        created_at -> BigInt,
        kind -> Text,
        actor -> Text,
        user_id -> Nullable<Text>,
        client_id -> Nullable<Text>,
        address -> Nullable<Text>,
        details -> Text,
    }
}

diesel::table! {
    account_links (token_hash) {
        token_hash -> Text,
        purpose -> Text,
        tenant_id -> Text,
        user_id -> Text,
        email -> Text,
        request_id -> Nullable<Text>,
        created_at -> BigInt,
        expires_at -> BigInt,
    }
}

diesel::table! {
    mail_outbox (id) {
        id -> Text,
        tenant_id -> Text,
        sealed_message -> Text,
        created_at -> BigInt,
        attempts -> BigInt,
        next_attempt_at -> BigInt,
        failed -> Bool,
        last_error -> Nullable<Text>,
    }
}

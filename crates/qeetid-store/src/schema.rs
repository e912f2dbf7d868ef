//! The one diesel schema, shared by SQLite and PostgreSQL (portable column types only).

diesel::table! {
    tenants (id) {
        id -> Text,
        name -> Text,
        created_at -> BigInt,
        updated_at -> BigInt,
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
        secret_hash -> Nullable<Text>,
        previous_secret_hash -> Nullable<Text>,
        previous_secret_expires_at -> Nullable<BigInt>,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::joinable!(api_keys -> tenants (tenant_id));
diesel::joinable!(users -> tenants (tenant_id));
diesel::joinable!(clients -> tenants (tenant_id));
diesel::allow_tables_to_appear_in_same_query!(tenants, api_keys, users, clients);

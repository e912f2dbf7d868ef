//! Integration tests: the real server on a loopback port, driven over HTTP.
//! Every test runs on SQLite and on PostgreSQL (a database of its own, dropped after).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod account;
mod audit;
mod branding;
mod clients;
mod console;
mod device_and_logout;
mod documents;
mod errors;
mod faults;
mod federation;
mod flow_rules;
mod kek;
mod languages;
mod logout_notices;
mod mail_flows;
mod mfa;
mod oidc;
mod proxy;
mod registration;
mod request_objects;
mod resource_indicators;
mod sender_constraints;
mod server;
mod support;
mod tenants_users_keys;
mod throttles;
mod token_services;
mod trust;

macro_rules! on_both_databases {
    ($($module:ident :: $name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let db = qeetid_store::testing::TestDatabase::sqlite();
                    crate::$module::$name(&db).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let db = qeetid_store::testing::TestDatabase::postgres().await;
                    crate::$module::$name(&db).await;
                }
            )*
        }
    };
}

on_both_databases!(
    branding::tenants_dress_their_pages_in_a_readable_colour_and_links,
    branding::a_deployment_replaces_templates_from_a_directory,
    branding::a_tenant_uploads_a_logo_served_under_its_content_hash,
    languages::pages_and_mail_speak_the_readers_language,
    mail_flows::a_forgotten_password_is_reset_by_a_single_use_link,
    mail_flows::people_sign_up_and_confirm_their_address,
    mail_flows::a_tenant_can_require_a_verified_address,
    sender_constraints::private_key_jwt_authenticates_with_a_fresh_assertion,
    sender_constraints::pushed_authorization_requests_are_used_once,
    sender_constraints::dpop_binds_tokens_to_the_clients_key,
    sender_constraints::dpop_nonces_are_asked_for_when_required,
    sender_constraints::a_fapi2_tenant_takes_only_the_baseline,
    sender_constraints::token_exchange_follows_the_clients_policy,
    trust::a_lost_key_encryption_key_is_never_replaced,
    kek::a_lost_key_is_named_by_its_id,
    kek::a_wrong_key_is_refused_naming_both_keys,
    kek::kek_rotate_reseals_everything_while_instances_serve,
    kek::configured_keys_rotate_by_reseal_under_the_first,
    kek::a_deployment_key_is_minted_on_the_host,
    request_objects::signed_request_objects_carry_the_request,
    request_objects::a_request_uri_on_a_private_address_is_refused,
    oidc::pairwise_clients_see_a_subject_of_their_sector,
    flow_rules::form_post_delivers_the_response_in_a_posted_form,
    oidc::the_claims_parameter_asks_for_individual_claims,
    logout_notices::rp_initiated_logout_tells_the_client_by_back_channel_and_front_channel,
    logout_notices::a_failing_endpoint_is_retried_and_admins_see_what_is_undelivered,
    logout_notices::a_logout_endpoint_on_a_private_address_is_refused_and_shown_failed,
    logout_notices::two_instances_deliver_each_logout_once,
    federation::users_sign_in_through_an_upstream_openid_provider,
    mfa::users_turn_on_an_authenticator_and_each_code_works_once,
    mfa::a_tenant_that_requires_mfa_enrols_users_at_sign_in,
    account::users_manage_sessions_apps_profile_and_password,
    account::a_disabled_user_cannot_sign_in_or_refresh,
    clients::the_seed_request_answers_the_seed_shape,
    clients::public_clients_get_no_secret_and_always_pkce,
    clients::list_is_paginated_newest_first,
    clients::update_changes_and_revalidates,
    clients::rotation_shows_a_new_secret_once_with_optional_grace,
    clients::delete_removes_the_client,
    console::admins_sign_in_through_the_hosted_login_and_see_their_tenant,
    console::deployment_admins_reach_every_tenant_and_users_without_a_role_none,
    console::only_deployment_keys_make_deployment_admins,
    console::admins_register_edit_rotate_and_delete_clients,
    console::admins_revoke_a_grant_and_its_refresh_token_stops,
    console::admins_manage_users_and_api_keys_but_tenants_only_as_deployment_admins,
    console::admins_hand_out_and_revoke_registration_tokens,
    console::deployment_admins_open_a_tenant_to_registration,
    console::deployment_admins_create_and_rename_tenants,
    documents::a_tool_signs_in_with_its_metadata_document,
    documents::documents_that_do_not_check_out_are_refused,
    errors::missing_or_wrong_keys_get_401,
    errors::another_tenants_objects_are_not_found,
    errors::malformed_input_gets_a_clear_4xx_naming_the_problem,
    errors::registration_rules_are_enforced,
    tenants_users_keys::tenants_are_managed_by_deployment_keys,
    tenants_users_keys::tenants_are_named_by_unique_slugs_that_the_pages_take,
    tenants_users_keys::users_are_created_without_echoing_passwords,
    tenants_users_keys::api_keys_are_shown_once_and_revocable,
    server::probes_metrics_and_openapi,
    server::metrics_count_grants_sign_ins_outbound_calls_and_the_pool,
    audit::a_sign_in_and_an_admin_change_are_recorded,
    audit::the_dashboard_shows_events_with_names_and_filters,
    server::commands_beside_the_server_link_to_where_it_answers,
    oidc::an_unmodified_relying_party_signs_in,
    oidc::a_client_that_registered_rs256_gets_rs256_id_tokens,
    flow_rules::codes_need_the_verifier_the_redirect_and_single_use,
    flow_rules::codes_expire,
    flow_rules::client_authentication_is_enforced,
    flow_rules::a_public_client_uses_token_code_as_the_product_page_shows,
    flow_rules::bad_client_or_redirect_never_redirects,
    flow_rules::prompt_none_without_a_session_is_login_required,
    flow_rules::another_tenants_user_cannot_sign_in,
    flow_rules::hosted_forms_need_their_csrf_token_and_failures_slow_down,
    flow_rules::login_context_and_json_decision_serve_custom_uis,
    flow_rules::grants_are_listed_and_revoked,
    flow_rules::discovery_and_jwks_describe_the_provider,
    token_services::prompt_none_answers_only_for_the_hinted_user_and_max_age_zero_asks_again,
    token_services::the_relying_party_library_refreshes_reads_userinfo_introspects_and_revokes,
    token_services::refresh_rotation_detects_reuse_and_follows_the_grant,
    token_services::a_deleted_client_can_no_longer_refresh,
    token_services::userinfo_follows_rfc_6750,
    token_services::introspection_is_tenant_scoped_and_honest,
    token_services::revocation_follows_rfc_7009,
    token_services::client_credentials_issue_service_tokens,
    token_services::client_changes_take_effect_at_once_despite_the_client_cache,
    device_and_logout::the_device_grant_follows_rfc_8628,
    device_and_logout::logout_ends_the_session_and_redirects_only_where_registered,
    device_and_logout::discovery_advertises_every_token_service,
    registration::a_client_registers_with_an_initial_token_and_signs_a_user_in,
    registration::registration_refuses_bad_tokens_and_bad_metadata,
    registration::a_client_manages_its_registration_with_its_token,
    registration::both_metadata_documents_name_the_registration_endpoint,
    registration::open_registration_admits_tools_within_its_limits,
    registration::the_deployment_moves_open_registration_through_the_admin_api,
    resource_indicators::a_resource_named_at_authorization_becomes_the_audience,
    resource_indicators::several_resources_are_granted_and_each_token_is_for_one,
    resource_indicators::a_tenant_that_lists_its_resources_refuses_any_other,
    server::restarting_keeps_every_object,
    trust::a_tenant_key_changes_nothing_of_a_deployment_admin,
    trust::the_deployment_clients_cannot_be_edited_or_deleted,
    trust::revoking_a_grant_a_client_or_a_user_ends_access_tokens_at_once,
    trust::signing_out_everywhere_ends_every_token,
    trust::identity_providers_reach_only_public_https_addresses,
    trust::changing_how_one_signs_in_needs_a_recent_sign_in,
    throttles::concurrent_guesses_after_a_lock_run_one_at_a_time,
    throttles::spraying_from_one_address_is_throttled,
    throttles::forged_forwarding_headers_do_not_evade_the_throttle,
    throttles::a_stranger_cannot_lock_the_user_out,
    throttles::device_code_guessing_is_throttled_whatever_the_cookie,
    throttles::failed_client_authentication_is_throttled,
    trust::an_https_issuer_gets_hsts_and_host_prefixed_cookies,
    trust::debug_logs_never_show_query_strings_or_secrets,
    trust::request_objects_are_refused_at_the_redirect_uri,
    trust::the_sqlite_database_and_its_directory_are_private,
    trust::metrics_can_live_on_a_listener_of_their_own,
    trust::names_and_emails_with_deceptive_characters_are_refused,
    faults::a_killed_server_keeps_every_acknowledged_write,
);

/// Fault cases that need a PostgreSQL server (a proxy in front of it).
mod postgres_faults {
    mod postgres {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn a_stalled_database_gets_fast_503s_and_the_server_recovers() {
            let db = qeetid_store::testing::TestDatabase::postgres().await;
            crate::faults::a_stalled_database_gets_fast_503s_and_the_server_recovers(&db).await;
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn two_instances_continue_each_others_flows() {
            let db = qeetid_store::testing::TestDatabase::postgres().await;
            crate::faults::two_instances_continue_each_others_flows(&db).await;
        }
    }
}

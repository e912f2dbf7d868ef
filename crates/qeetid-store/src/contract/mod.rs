//! The store contract suite (feature `contract-suite`): every repository port,
//! held to the rules its documentation states. It runs here on SQLite, PostgreSQL
//! and the domain's in-memory fake; an embedder with its own implementation of the
//! ports runs it on theirs with [`contract_suite!`](crate::contract_suite):
//!
//! ```ignore
//! mod my_store {
//!     // A fresh, empty store per case, and whatever must live as long as it.
//!     qeetid_store::contract_suite!(async { ((), my_crate::MyStore::empty().await) });
//! }
//! ```
//!
//! Each case is `pub async fn case(store: &impl Store)` in the module of its area;
//! a case panics (as a test) when the store breaks the contract.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::missing_panics_doc,
    missing_docs,
    reason = "test cases: a broken contract is a failed assertion"
)]

pub mod api_keys;
pub mod audit;
pub mod clients;
pub mod mail;
pub mod mfa;
pub mod oauth;
pub mod passkeys;
pub mod registration;
mod support;
pub mod tenants;
pub mod users;

/// One `#[tokio::test]` per contract case, each on the store that `$make` (an
/// async block answering `(guard, store)`: the guard lives as long as the case)
/// makes afresh. Needs `tokio` (macros, multi-threaded runtime) in the caller's
/// dev-dependencies.
#[macro_export]
macro_rules! contract_suite {
    ($make:expr) => {
        $crate::contract_suite!(@cases $make;
            tenants::round_trip_update_and_delete,
            tenants::duplicate_id_is_a_conflict,
            tenants::a_slug_finds_its_tenant_and_belongs_to_one,
            tenants::pages_are_newest_first_and_follow_the_cursor,
            tenants::deleting_a_tenant_removes_what_it_owns,
            tenants::one_tenant_at_most_is_open_to_registration,
            tenants::a_logo_is_stored_apart_replaced_and_goes_with_its_tenant,
            tenants::an_identity_provider_is_changed_within_its_tenant,
            api_keys::found_by_hash_and_scoped_to_their_tenant,
            audit::events_are_kept_per_tenant_filtered_paged_and_purged,
            mail::mail_is_claimed_once_retried_and_deleted_when_delivered,
            mail::account_links_are_used_once_and_expire,
            api_keys::deployment_keys_are_detected,
            api_keys::duplicate_hash_is_a_conflict,
            users::round_trip_and_lookup_by_email,
            users::emails_of_several_users_come_in_one_read_within_the_tenant,
            users::emails_are_unique_per_tenant,
            users::update_replaces_every_field_and_respects_uniqueness,
            users::concurrent_writers_all_succeed,
            clients::round_trip_keeps_every_field,
            clients::queries_never_cross_tenants,
            clients::update_and_delete,
            clients::pagination_over_many_clients,
            clients::search_matches_names_ignoring_case_and_wildcards,
            clients::client_names_are_read_in_one_query_within_the_tenant,
            clients::a_client_is_read_with_its_tenants_policy,
            oauth::pending_requests_round_trip,
            oauth::sessions_are_found_by_cookie_hash,
            oauth::a_users_sessions_are_listed_and_ended_within_the_user,
            oauth::a_code_is_spent_exactly_once,
            oauth::grants_are_one_per_user_and_client,
            oauth::refresh_tokens_are_revoked_by_grant_and_by_code,
            oauth::signing_keys_retire,
            oauth::throttles_reserve_attempts_atomically,
            oauth::refresh_tokens_rotate_once_and_families_revoke_together,
            oauth::denied_access_tokens_are_remembered,
            oauth::device_codes_are_found_by_either_code_and_used_once,
            oauth::housekeeping_purges_only_what_expired,
            oauth::logouts_are_queued_with_the_session_and_claimed_once,
            oauth::a_revoked_grant_queues_a_logout_for_the_user,
            oauth::a_pushed_request_is_taken_once_before_it_expires,
            oauth::a_jwt_id_is_spent_once,
            oauth::token_exchanges_are_listed_per_user,
            mfa::a_totp_factor_is_confirmed_once_and_each_step_used_once,
            mfa::recovery_codes_are_spent_once_and_reset_with_the_factor,
            passkeys::passkeys_are_per_user_and_credential_ids_unique,
            passkeys::ceremonies_are_taken_once,
            registration::initial_tokens_are_spent_atomically_and_stay_in_their_tenant,
            registration::a_self_registered_client_keeps_its_registration
        );
    };
    (@cases $make:expr; $($module:ident :: $name:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let (_guard, store) = $make.await;
                $crate::contract::$module::$name(&store).await;
            }
        )*
    };
}

//! Contracts of `MfaRepository`: TOTP factors and recovery codes.

use qeetid_domain::mfa::TotpFactor;
use qeetid_domain::ports::Store;
use qeetid_domain::{Secret, UnixTime};

use crate::contract::support::{stored_tenant, user};

fn factor(u: &qeetid_domain::User, sealed: &str) -> TotpFactor {
    TotpFactor {
        tenant_id: u.tenant_id.clone(),
        user_id: u.id.clone(),
        sealed_secret: sealed.to_owned(),
        confirmed_at: None,
        last_step: 0,
        created_at: UnixTime::from_secs(1_800_000_000),
    }
}

pub async fn a_totp_factor_is_confirmed_once_and_each_step_used_once(store: &impl Store) {
    let tenant = stored_tenant(store).await;
    let ada = user(&tenant.id, "ada@example.com");
    store.insert_user(&ada).await.unwrap();
    let (t, u) = (&tenant.id, &ada.id);
    assert_eq!(store.get_totp(t, u).await.unwrap(), None);
    assert!(store.start_totp(&factor(&ada, "first")).await.unwrap());
    assert!(store.start_totp(&factor(&ada, "second")).await.unwrap(), "a waiting enrolment is replaced");
    assert_eq!(store.get_totp(t, u).await.unwrap().unwrap().sealed_secret, "second");
    // A code of a waiting factor only counts with confirmation, and the other way round.
    assert!(!store.use_totp_step(t, u, 100, None).await.unwrap());
    let at = UnixTime::from_secs(1_800_000_030);
    assert!(store.use_totp_step(t, u, 100, Some(at)).await.unwrap());
    assert!(!store.use_totp_step(t, u, 101, Some(at)).await.unwrap(), "confirmed once");
    let stored = store.get_totp(t, u).await.unwrap().unwrap();
    assert_eq!((stored.confirmed_at, stored.last_step), (Some(at), 100));
    assert!(!store.start_totp(&factor(&ada, "third")).await.unwrap(), "a confirmed factor is never replaced");
    assert!(!store.use_totp_step(t, u, 100, None).await.unwrap(), "a step is accepted once");
    assert!(!store.use_totp_step(t, u, 99, None).await.unwrap(), "nor an earlier one");
    assert!(store.use_totp_step(t, u, 101, None).await.unwrap());
    let stranger = stored_tenant(store).await;
    assert_eq!(store.get_totp(&stranger.id, u).await.unwrap(), None, "tenant-scoped");
    assert!(!store.use_totp_step(&stranger.id, u, 200, None).await.unwrap());
}

pub async fn recovery_codes_are_spent_once_and_reset_with_the_factor(store: &impl Store) {
    let tenant = stored_tenant(store).await;
    let ada = user(&tenant.id, "ada@example.com");
    store.insert_user(&ada).await.unwrap();
    let (t, u) = (&tenant.id, &ada.id);
    let codes: Vec<_> =
        ["aaaaa-bbbbb", "ccccc-ddddd", "eeeee-fffff"].iter().map(|c| Secret::presented(*c).hash()).collect();
    store.replace_recovery_codes(t, u, &codes).await.unwrap();
    assert_eq!(store.recovery_codes_left(t, u).await.unwrap(), 3);
    let at = UnixTime::from_secs(1_800_000_000);
    assert!(store.use_recovery_code(t, u, &codes[0], at).await.unwrap());
    assert!(!store.use_recovery_code(t, u, &codes[0], at).await.unwrap(), "spent");
    assert!(!store.use_recovery_code(t, u, &Secret::presented("zzzzz-zzzzz").hash(), at).await.unwrap());
    assert_eq!(store.recovery_codes_left(t, u).await.unwrap(), 2);
    // New codes replace the old ones, spent or not.
    let fresh = [Secret::presented("ggggg-hhhhh").hash()];
    store.replace_recovery_codes(t, u, &fresh).await.unwrap();
    assert!(!store.use_recovery_code(t, u, &codes[1], at).await.unwrap());
    assert_eq!(store.recovery_codes_left(t, u).await.unwrap(), 1);

    assert!(store.start_totp(&factor(&ada, "s")).await.unwrap());
    assert!(store.delete_mfa(t, u).await.unwrap());
    assert_eq!(store.get_totp(t, u).await.unwrap(), None);
    assert_eq!(store.recovery_codes_left(t, u).await.unwrap(), 0);
    assert!(!store.delete_mfa(t, u).await.unwrap(), "nothing left");
}

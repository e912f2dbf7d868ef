use qeetid_domain::logout::DeliveryOutcome;
use qeetid_domain::mail::{AccountLink, LinkPurpose, QueuedMail};
use qeetid_domain::ports::Store;
use qeetid_domain::{RequestId, Secret, UnixTime};

use crate::contract::support::{random, stored_tenant, user};

fn queued(tenant: &qeetid_domain::TenantId, id: &str, due: i64) -> QueuedMail {
    QueuedMail {
        id: id.to_owned(),
        tenant_id: tenant.clone(),
        sealed_message: format!("sealed {id}"),
        attempts: 0,
        next_attempt_at: UnixTime::from_secs(due),
        created_at: UnixTime::from_secs(due),
    }
}

pub async fn mail_is_claimed_once_retried_and_deleted_when_delivered(store: &impl Store) {
    let tenant = stored_tenant(store).await;
    store.queue_mail(&queued(&tenant.id, "mail_a", 100)).await.unwrap();
    store.queue_mail(&queued(&tenant.id, "mail_b", 200)).await.unwrap();
    store.queue_mail(&queued(&tenant.id, "mail_later", 1_000)).await.unwrap();
    let lease = UnixTime::from_secs(500);
    let claimed = store.claim_mail(UnixTime::from_secs(300), lease, 10).await.unwrap();
    let ids: Vec<_> = claimed.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["mail_a", "mail_b"], "due ones, oldest first");
    assert!(claimed.iter().all(|m| m.attempts == 1 && m.next_attempt_at == lease));
    assert_eq!(claimed[0].sealed_message, "sealed mail_a");
    assert!(store.claim_mail(UnixTime::from_secs(300), lease, 10).await.unwrap().is_empty(), "held by the lease");

    store.settle_mail("mail_a", &DeliveryOutcome::Delivered).await.unwrap();
    let retry = DeliveryOutcome::Retry { at: UnixTime::from_secs(600), error: "421 busy".into() };
    store.settle_mail("mail_b", &retry).await.unwrap();
    let again = store.claim_mail(UnixTime::from_secs(600), UnixTime::from_secs(700), 10).await.unwrap();
    assert_eq!(again.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(), ["mail_b"], "a delivered message is gone");
    assert_eq!(again[0].attempts, 2);
    store.settle_mail("mail_b", &DeliveryOutcome::GaveUp { error: "550 no".into() }).await.unwrap();
    let last = store.claim_mail(UnixTime::from_secs(2_000), UnixTime::from_secs(2_100), 10).await.unwrap();
    assert_eq!(last.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(), ["mail_later"], "a failed one is never offered");
    assert_eq!(store.claim_mail(UnixTime::from_secs(2_000), UnixTime::from_secs(2_100), 0).await.unwrap().len(), 0);
}

pub async fn account_links_are_used_once_and_expire(store: &impl Store) {
    let tenant = stored_tenant(store).await;
    let ada = user(&tenant.id, "ada@example.com");
    store.insert_user(&ada).await.unwrap();
    let token = Secret::generate("qpr_", random());
    let link = AccountLink {
        token_hash: token.hash(),
        purpose: LinkPurpose::PasswordReset,
        tenant_id: tenant.id.clone(),
        user_id: ada.id.clone(),
        email: ada.email.clone(),
        request_id: Some(RequestId::generate(random())),
        created_at: UnixTime::from_secs(100),
        expires_at: UnixTime::from_secs(200),
    };
    store.insert_account_link(&link).await.unwrap();
    let (before, after) = (UnixTime::from_secs(150), UnixTime::from_secs(200));
    let hash = token.hash();
    assert_eq!(store.find_account_link(&hash, LinkPurpose::PasswordReset, before).await.unwrap(), Some(link.clone()));
    assert!(store.find_account_link(&hash, LinkPurpose::VerifyEmail, before).await.unwrap().is_none(), "per purpose");
    assert!(store.find_account_link(&hash, LinkPurpose::PasswordReset, after).await.unwrap().is_none(), "expired");
    assert!(store.use_account_link(&hash, LinkPurpose::PasswordReset, after).await.unwrap().is_none());
    assert_eq!(store.use_account_link(&hash, LinkPurpose::PasswordReset, before).await.unwrap(), Some(link.clone()));
    assert!(store.use_account_link(&hash, LinkPurpose::PasswordReset, before).await.unwrap().is_none(), "used once");

    let (one, two) = (Secret::generate("qpr_", random()), Secret::generate("qev_", random()));
    store.insert_account_link(&AccountLink { token_hash: one.hash(), ..link.clone() }).await.unwrap();
    let verify = AccountLink { token_hash: two.hash(), purpose: LinkPurpose::VerifyEmail, ..link.clone() };
    store.insert_account_link(&verify).await.unwrap();
    assert_eq!(store.delete_account_links(&tenant.id, &ada.id, LinkPurpose::PasswordReset).await.unwrap(), 1);
    assert!(store.find_account_link(&one.hash(), LinkPurpose::PasswordReset, before).await.unwrap().is_none());
    assert!(store.find_account_link(&two.hash(), LinkPurpose::VerifyEmail, before).await.unwrap().is_some());
    store.delete_user(&tenant.id, &ada.id).await.unwrap();
    assert!(
        store.find_account_link(&two.hash(), LinkPurpose::VerifyEmail, before).await.unwrap().is_none(),
        "a deleted user's links go with them"
    );
}

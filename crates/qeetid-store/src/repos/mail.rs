//! `MailOutboxRepository` over `mail_outbox`, and `AccountLinkRepository` over
//! `account_links`.

use diesel::{
    ExpressionMethods as _, Insertable, OptionalExtension as _, QueryDsl as _, Queryable, Selectable,
    SelectableHelper as _,
};
use diesel_async::RunQueryDsl as _;
use qeetid_domain::logout::DeliveryOutcome;
use qeetid_domain::mail::{AccountLink, LinkPurpose, QueuedMail};
use qeetid_domain::ports::{AccountLinkRepository, MailOutboxRepository};
use qeetid_domain::{Email, RequestId, SecretHash, StoreError, TenantId, UnixTime, UserId};

use super::outbox::{claim_due, settle_offer};
use super::{hash, parsed};
use crate::DieselStore;
use crate::error::{corrupt, from_diesel};
use crate::pool::with_conn;
use crate::schema::{account_links as al, mail_outbox as mo};

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = mo)]
struct MailRow {
    id: String,
    tenant_id: String,
    sealed_message: String,
    created_at: i64,
    attempts: i64,
    next_attempt_at: i64,
}

impl TryFrom<MailRow> for QueuedMail {
    type Error = StoreError;
    fn try_from(row: MailRow) -> Result<Self, StoreError> {
        Ok(Self {
            id: row.id,
            tenant_id: parsed("mail_outbox.tenant_id", TenantId::parse(&row.tenant_id))?,
            sealed_message: row.sealed_message,
            attempts: row.attempts,
            next_attempt_at: UnixTime::from_secs(row.next_attempt_at),
            created_at: UnixTime::from_secs(row.created_at),
        })
    }
}

impl MailOutboxRepository for DieselStore {
    async fn queue_mail(&self, mail: &QueuedMail) -> Result<(), StoreError> {
        let row = MailRow {
            id: mail.id.clone(),
            tenant_id: mail.tenant_id.to_string(),
            sealed_message: mail.sealed_message.clone(),
            created_at: mail.created_at.as_secs(),
            attempts: mail.attempts,
            next_attempt_at: mail.next_attempt_at.as_secs(),
        };
        with_conn!(writer & self.pool, |conn| {
            diesel::insert_into(mo::table).values(&row).execute(conn).await.map_err(from_diesel)?;
        });
        Ok(())
    }

    async fn claim_mail(
        &self,
        now: UnixTime,
        lease_until: UnixTime,
        limit: i64,
    ) -> Result<Vec<QueuedMail>, StoreError> {
        let (now, lease) = (now.as_secs(), lease_until.as_secs());
        let rows: Vec<MailRow> =
            with_conn!(&self.pool, |conn| claim_due!(conn, mail_outbox, MailRow, now, lease, limit));
        rows.into_iter().map(QueuedMail::try_from).collect()
    }

    async fn settle_mail(&self, id: &str, outcome: &DeliveryOutcome) -> Result<(), StoreError> {
        with_conn!(&self.pool, |conn| {
            settle_offer!(conn, mail_outbox, id, outcome);
        });
        Ok(())
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = al, treat_none_as_default_value = false)]
struct LinkRow {
    token_hash: String,
    purpose: String,
    tenant_id: String,
    user_id: String,
    email: String,
    request_id: Option<String>,
    created_at: i64,
    expires_at: i64,
}

impl TryFrom<LinkRow> for AccountLink {
    type Error = StoreError;
    fn try_from(row: LinkRow) -> Result<Self, StoreError> {
        Ok(Self {
            token_hash: hash("account_links.token_hash", &row.token_hash)?,
            purpose: LinkPurpose::parse(&row.purpose)
                .ok_or_else(|| corrupt("account_links.purpose", format!("unknown purpose `{}`", row.purpose)))?,
            tenant_id: parsed("account_links.tenant_id", TenantId::parse(&row.tenant_id))?,
            user_id: parsed("account_links.user_id", UserId::parse(&row.user_id))?,
            email: Email::from_stored(row.email),
            request_id: row
                .request_id
                .as_deref()
                .map(|id| parsed("account_links.request_id", RequestId::parse(id)))
                .transpose()?,
            created_at: UnixTime::from_secs(row.created_at),
            expires_at: UnixTime::from_secs(row.expires_at),
        })
    }
}

impl AccountLinkRepository for DieselStore {
    async fn insert_account_link(&self, link: &AccountLink) -> Result<(), StoreError> {
        let row = LinkRow {
            token_hash: link.token_hash.to_hex(),
            purpose: link.purpose.as_str().to_owned(),
            tenant_id: link.tenant_id.to_string(),
            user_id: link.user_id.to_string(),
            email: link.email.as_str().to_owned(),
            request_id: link.request_id.as_ref().map(ToString::to_string),
            created_at: link.created_at.as_secs(),
            expires_at: link.expires_at.as_secs(),
        };
        with_conn!(writer & self.pool, |conn| {
            diesel::insert_into(al::table).values(&row).execute(conn).await.map_err(from_diesel)?;
        });
        Ok(())
    }

    async fn find_account_link(
        &self,
        token: &SecretHash,
        purpose: LinkPurpose,
        now: UnixTime,
    ) -> Result<Option<AccountLink>, StoreError> {
        let hex = token.to_hex();
        let row: Option<LinkRow> = with_conn!(&self.pool, |conn| {
            al::table
                .find(&hex)
                .filter(al::purpose.eq(purpose.as_str()))
                .filter(al::expires_at.gt(now.as_secs()))
                .select(LinkRow::as_select())
                .get_result(conn)
                .await
                .optional()
                .map_err(from_diesel)?
        });
        row.map(AccountLink::try_from).transpose()
    }

    async fn use_account_link(
        &self,
        token: &SecretHash,
        purpose: LinkPurpose,
        now: UnixTime,
    ) -> Result<Option<AccountLink>, StoreError> {
        let hex = token.to_hex();
        let row: Option<LinkRow> = with_conn!(writer & self.pool, |conn| {
            diesel::delete(
                al::table.find(&hex).filter(al::purpose.eq(purpose.as_str())).filter(al::expires_at.gt(now.as_secs())),
            )
            .returning(LinkRow::as_returning())
            .get_result(conn)
            .await
            .optional()
            .map_err(from_diesel)?
        });
        row.map(AccountLink::try_from).transpose()
    }

    async fn delete_account_links(
        &self,
        tenant: &TenantId,
        user: &UserId,
        purpose: LinkPurpose,
    ) -> Result<u64, StoreError> {
        let deleted = with_conn!(writer & self.pool, |conn| {
            diesel::delete(
                al::table
                    .filter(al::tenant_id.eq(tenant.as_str()))
                    .filter(al::user_id.eq(user.as_str()))
                    .filter(al::purpose.eq(purpose.as_str())),
            )
            .execute(conn)
            .await
            .map_err(from_diesel)?
        });
        Ok(deleted as u64)
    }
}

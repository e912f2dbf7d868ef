//! `SigningKeyRepository` over `signing_keys`.

use diesel::{ExpressionMethods as _, Insertable, QueryDsl as _, Queryable, Selectable, SelectableHelper as _};
use diesel_async::RunQueryDsl as _;
use qeetid_domain::oauth::{SigningAlg, SigningKeyRecord};
use qeetid_domain::ports::SigningKeyRepository;
use qeetid_domain::{StoreError, UnixTime};

use crate::DieselStore;
use crate::error::{corrupt, from_diesel};
use crate::pool::with_conn;
use crate::schema::signing_keys as t;

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = t, treat_none_as_default_value = false)]
struct KeyRow {
    kid: String,
    alg: String,
    public_jwk: String,
    sealed_private_key: String,
    created_at: i64,
    retired_at: Option<i64>,
}

impl SigningKeyRepository for DieselStore {
    async fn insert_signing_key(&self, k: &SigningKeyRecord) -> Result<(), StoreError> {
        let row = KeyRow {
            kid: k.kid.clone(),
            alg: k.alg.as_str().to_owned(),
            public_jwk: k.public_jwk.clone(),
            sealed_private_key: k.sealed_private_key.clone(),
            created_at: k.created_at.as_secs(),
            retired_at: k.retired_at.map(UnixTime::as_secs),
        };
        with_conn!(writer & self.pool, |conn| {
            diesel::insert_into(t::table).values(&row).execute(conn).await.map_err(from_diesel)?;
        });
        Ok(())
    }

    async fn list_signing_keys(&self) -> Result<Vec<SigningKeyRecord>, StoreError> {
        let rows: Vec<KeyRow> = with_conn!(&self.pool, |conn| {
            t::table.select(KeyRow::as_select()).order(t::created_at.asc()).load(conn).await.map_err(from_diesel)?
        });
        rows.into_iter()
            .map(|r| {
                let alg = SigningAlg::parse(&r.alg)
                    .ok_or_else(|| corrupt("signing_keys.alg", format!("unknown algorithm `{}`", r.alg)))?;
                Ok(SigningKeyRecord {
                    alg,
                    kid: r.kid,
                    public_jwk: r.public_jwk,
                    sealed_private_key: r.sealed_private_key,
                    created_at: UnixTime::from_secs(r.created_at),
                    retired_at: r.retired_at.map(UnixTime::from_secs),
                })
            })
            .collect()
    }

    async fn retire_signing_keys(&self, alg: SigningAlg, except: &str, at: UnixTime) -> Result<u64, StoreError> {
        let count = with_conn!(writer & self.pool, |conn| {
            diesel::update(
                t::table.filter(t::alg.eq(alg.as_str())).filter(t::kid.ne(except)).filter(t::retired_at.is_null()),
            )
            .set(t::retired_at.eq(at.as_secs()))
            .execute(conn)
            .await
            .map_err(from_diesel)?
        });
        Ok(count as u64)
    }
}

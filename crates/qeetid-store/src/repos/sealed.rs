//! `SealedDataRepository` over every sealed column and `deployment_values`.

use diesel::{ExpressionMethods as _, OptionalExtension as _, QueryDsl as _, TextExpressionMethods as _};
use diesel_async::RunQueryDsl as _;
use qeetid_domain::StoreError;
use qeetid_domain::ports::{SEALED_DEPLOYMENT_VALUE, SealedColumn, SealedDataRepository, SealedValue};

use crate::DieselStore;
use crate::error::from_diesel;
use crate::pool::with_conn;
use crate::schema::{deployment_values, identity_providers, mail_outbox, signing_keys, user_totp};

/// Runs `$body` with `$t` naming the table module and `$id`, `$sealed` its key and
/// sealed columns, for the table that holds `$column`.
macro_rules! for_column {
    ($column:expr, |$t:ident, $id:ident, $sealed:ident| $body:expr) => {
        match $column {
            SealedColumn::SigningKey => {
                use signing_keys as $t;
                let ($id, $sealed) = ($t::kid, $t::sealed_private_key);
                $body
            }
            SealedColumn::Totp => {
                use user_totp as $t;
                let ($id, $sealed) = ($t::user_id, $t::sealed_secret);
                $body
            }
            SealedColumn::ProviderSecret => {
                use identity_providers as $t;
                let ($id, $sealed) = ($t::id, $t::sealed_client_secret);
                $body
            }
            SealedColumn::Mail => {
                use mail_outbox as $t;
                let ($id, $sealed) = ($t::id, $t::sealed_message);
                $body
            }
            SealedColumn::Deployment => {
                use deployment_values as $t;
                let ($id, $sealed) = ($t::name, $t::value);
                $body
            }
        }
    };
}

impl SealedDataRepository for DieselStore {
    async fn sealed_values(&self, column: SealedColumn) -> Result<Vec<SealedValue>, StoreError> {
        if column == SealedColumn::Deployment {
            use deployment_values as t;
            let pattern = format!("{SEALED_DEPLOYMENT_VALUE}%");
            let rows: Vec<(String, String)> = with_conn!(&self.pool, |conn| {
                t::table
                    .filter(t::name.like(&pattern))
                    .select((t::name, t::value))
                    .order(t::name.asc())
                    .load(conn)
                    .await
                    .map_err(from_diesel)?
            });
            return Ok(rows.into_iter().map(|(id, sealed)| SealedValue { column, id, sealed }).collect());
        }
        let rows: Vec<(String, String)> = for_column!(column, |t, id, sealed| {
            with_conn!(&self.pool, |conn| {
                t::table.select((id, sealed)).order(id.asc()).load(conn).await.map_err(from_diesel)?
            })
        });
        Ok(rows.into_iter().map(|(id, sealed)| SealedValue { column, id, sealed }).collect())
    }

    async fn replace_sealed(&self, column: SealedColumn, row: &str, old: &str, new: &str) -> Result<bool, StoreError> {
        let count = for_column!(column, |t, id, sealed| {
            with_conn!(writer & self.pool, |conn| {
                diesel::update(t::table.filter(id.eq(row)).filter(sealed.eq(old)))
                    .set(sealed.eq(new))
                    .execute(conn)
                    .await
                    .map_err(from_diesel)?
            })
        });
        Ok(count == 1)
    }

    async fn deployment_value(&self, name: &str) -> Result<Option<String>, StoreError> {
        use deployment_values as t;
        Ok(with_conn!(&self.pool, |conn| {
            t::table.filter(t::name.eq(name)).select(t::value).first(conn).await.optional().map_err(from_diesel)?
        }))
    }

    async fn init_deployment_value(&self, name: &str, value: &str) -> Result<String, StoreError> {
        use deployment_values as t;
        with_conn!(writer & self.pool, |conn| {
            diesel::insert_into(t::table)
                .values((t::name.eq(name), t::value.eq(value)))
                .on_conflict_do_nothing()
                .execute(conn)
                .await
                .map_err(from_diesel)?;
        });
        Ok(self.deployment_value(name).await?.unwrap_or_else(|| value.to_owned()))
    }

    async fn set_deployment_value(&self, name: &str, value: &str) -> Result<(), StoreError> {
        use deployment_values as t;
        with_conn!(writer & self.pool, |conn| {
            diesel::insert_into(t::table)
                .values((t::name.eq(name), t::value.eq(value)))
                .on_conflict(t::name)
                .do_update()
                .set(t::value.eq(value))
                .execute(conn)
                .await
                .map_err(from_diesel)?;
        });
        Ok(())
    }
}

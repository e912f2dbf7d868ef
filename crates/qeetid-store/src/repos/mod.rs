//! Repository implementations, one module per aggregate, and the helpers they share.
//!
//! Lookups by a unique key use `get_result`, not `first`: `first` adds `LIMIT ?`
//! with a bound value, and SQLite (3.50, bundled) marks a statement whose LIMIT is a
//! bound parameter for re-preparation whenever that parameter is bound again, so a
//! cached statement would be parsed afresh on every call (a tenth of the
//! client-credentials request's time before this was changed).

mod api_keys;
mod audit;
mod clients;
mod codes;
mod denied_tokens;
mod device_codes;
mod federation;
mod grants;
mod housekeeping;
mod initial_tokens;
mod logout;
mod mail;
mod mfa;
mod outbox;
mod passkeys;
mod pushed;
mod refresh_tokens;
mod requests;
mod sealed;
mod sessions;
mod signing_keys;
mod tenants;
mod throttles;
mod users;

use qeetid_domain::{PageRequest, ScopeSet, SecretHash, StoreError};

use crate::error::corrupt;

/// `created_at` and `id` of the page's starting point, if any.
pub(crate) fn after(page: &PageRequest) -> Option<(i64, String)> {
    page.after.as_ref().map(|c| (c.created_at.as_secs(), c.id.clone()))
}

/// Applies keyset pagination (newest first, after the cursor) to a boxed query
/// over a table with `created_at` and `id` columns.
macro_rules! paginate {
    ($query:expr, $table:ident, $page:expr) => {{
        use diesel::{BoolExpressionMethods as _, ExpressionMethods as _, QueryDsl as _};
        use $crate::schema::$table::dsl as t;
        let mut query = $query.order((t::created_at.desc(), t::id.desc())).limit($page.fetch_limit());
        if let Some((created, id)) = $crate::repos::after($page) {
            query = query.filter(t::created_at.lt(created).or(t::created_at.eq(created).and(t::id.lt(id))));
        }
        query
    }};
}
pub(crate) use paginate;

/// A JSON array of strings, as stored in text columns.
pub(crate) fn to_json(items: impl Iterator<Item = String>) -> String {
    serde_json::Value::Array(items.map(serde_json::Value::String).collect()).to_string()
}

/// Parses a stored JSON array of strings.
pub(crate) fn from_json(column: &str, text: &str) -> Result<Vec<String>, StoreError> {
    serde_json::from_str(text).map_err(|e| corrupt(column, e))
}

/// A parsed stored value, or [`StoreError::Corrupt`] naming the column.
pub(crate) fn parsed<T, E: std::fmt::Display>(column: &str, value: Result<T, E>) -> Result<T, StoreError> {
    value.map_err(|e| corrupt(column, e))
}

/// A stored space-delimited scope list.
pub(crate) fn scopes(column: &str, text: &str) -> Result<ScopeSet, StoreError> {
    parsed(column, ScopeSet::parse_delimited(text))
}

/// A stored SHA-256 hex hash.
pub(crate) fn hash(column: &str, hex: &str) -> Result<SecretHash, StoreError> {
    parsed(column, SecretHash::from_hex(hex))
}

/// A stored space-delimited word list (`amr`).
pub(crate) fn words(text: &str) -> Vec<String> {
    text.split(' ').filter(|w| !w.is_empty()).map(str::to_owned).collect()
}

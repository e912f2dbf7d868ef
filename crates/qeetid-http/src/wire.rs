//! What every admin API resource's JSON shapes share: the secret warnings, RFC 3339
//! times, list paging. Each resource's own shapes live beside its routes
//! (`routes/<resource>/wire.rs`), with their conversions from and to domain types:
//! domain types are not `Serialize`.

use qeetid_domain::{AdminError, Page, PageRequest, UnixTime};
use serde::Deserialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use utoipa::IntoParams;

/// The warning that rides beside every secret shown once (the Clients page's wording).
pub const SECRET_WARNING: &str = "Store the secret now — it is not retrievable later.";
/// The warning beside a new API key.
pub const KEY_WARNING: &str = "Store the key now — it is not retrievable later.";

/// RFC 3339 in UTC, e.g. `2026-11-29T12:00:00Z`.
pub(crate) fn rfc3339(t: UnixTime) -> String {
    OffsetDateTime::from_unix_timestamp(t.as_secs())
        .ok()
        .and_then(|dt| dt.format(&Rfc3339).ok())
        .unwrap_or_else(|| t.as_secs().to_string())
}

/// A time as the pages say it in the language of `words`, relative to now: `just
/// now`, `5 minutes ago`, `yesterday`, `in 2 hours`; past a month, the date (`6 Dec
/// 2026`). No time zone is needed, so no page guesses the reader's.
pub(crate) fn human_time_in(words: &qeetid_render::Catalogue, t: UnixTime) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    words.human_time(t.as_secs(), now)
}

/// `?limit=&cursor=` of every list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Items per page, 1 to 200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl ListQuery {
    pub(crate) fn page(&self) -> Result<PageRequest, AdminError> {
        Ok(PageRequest::parse(self.limit, self.cursor.as_deref())?)
    }
}

/// A domain page as wire items and the next cursor.
pub(crate) fn items<'a, T, W: From<&'a T>>(page: &'a Page<T>) -> (Vec<W>, Option<String>) {
    (page.items.iter().map(W::from).collect(), page.next_cursor.clone())
}

/// For a field of a patch that may be left out (`None`), set (`Some(Some(_))`) or
/// set to `null` to remove a value (`Some(None)`): with `#[serde(default)]`, a
/// field that is present is `Some`, whatever its value.
///
/// # Errors
/// When the value does not deserialize as a `T` or `null`.
pub(crate) fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_rfc_3339_utc() {
        assert_eq!(rfc3339(UnixTime::from_secs(0)), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(UnixTime::from_secs(1_800_000_000)), "2027-01-15T08:00:00Z");
    }
}

//! Keyset pagination: newest first, by (`created_at`, `id`) descending.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::error::ValidationError;
use crate::time::UnixTime;

/// Items per page when the caller does not say.
pub const DEFAULT_PAGE_LIMIT: u32 = 50;
/// Most items per page.
pub const MAX_PAGE_LIMIT: u32 = 200;

/// The position after which the next page starts: the last item's creation time and id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    /// `created_at` of the last item seen.
    pub created_at: UnixTime,
    /// `id` of the last item seen.
    pub id: String,
}

impl Cursor {
    /// The opaque text form handed to callers.
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("{}.{}", self.created_at.as_secs(), self.id))
    }

    /// Parses the opaque text form.
    pub fn decode(s: &str) -> Result<Self, ValidationError> {
        let bad = || ValidationError::new("cursor", "not a cursor returned by this API");
        let bytes = URL_SAFE_NO_PAD.decode(s).map_err(|_| bad())?;
        let text = String::from_utf8(bytes).map_err(|_| bad())?;
        let (secs, id) = text.split_once('.').ok_or_else(bad)?;
        let secs = secs.parse::<i64>().map_err(|_| bad())?;
        if id.is_empty() || id.len() > 80 {
            return Err(bad());
        }
        Ok(Self { created_at: UnixTime::from_secs(secs), id: id.to_owned() })
    }
}

/// Which page a caller asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    /// How many items at most (1 to [`MAX_PAGE_LIMIT`]).
    pub limit: u32,
    /// Start after this item; `None` for the first page.
    pub after: Option<Cursor>,
}

impl PageRequest {
    /// The first page, at the default size.
    pub fn first() -> Self {
        Self { limit: DEFAULT_PAGE_LIMIT, after: None }
    }

    /// Validates `?limit=` and `?cursor=`.
    pub fn parse(limit: Option<u32>, cursor: Option<&str>) -> Result<Self, ValidationError> {
        let limit = limit.unwrap_or(DEFAULT_PAGE_LIMIT);
        if !(1..=MAX_PAGE_LIMIT).contains(&limit) {
            return Err(ValidationError::new("limit", format!("must be 1 to {MAX_PAGE_LIMIT}")));
        }
        let after = cursor.filter(|c| !c.is_empty()).map(Cursor::decode).transpose()?;
        Ok(Self { limit, after })
    }

    /// How many rows a repository should fetch: one more than the limit, to learn
    /// whether another page follows.
    pub fn fetch_limit(&self) -> i64 {
        i64::from(self.limit) + 1
    }
}

/// One page of items and the cursor of the next, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    /// The items, newest first.
    pub items: Vec<T>,
    /// Where the next page starts.
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// Cuts what a repository fetched (up to [`PageRequest::fetch_limit`] rows) into a page.
    pub fn from_fetched(mut rows: Vec<T>, request: &PageRequest, key: impl Fn(&T) -> Cursor) -> Self {
        let limit = request.limit as usize;
        let next_cursor = if rows.len() > limit {
            rows.truncate(limit);
            rows.last().map(|last| key(last).encode())
        } else {
            None
        };
        Self { items: rows, next_cursor }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trips_and_garbage_is_refused() {
        let cursor = Cursor { created_at: UnixTime::from_secs(1_700_000_000), id: "qci_abc".into() };
        assert_eq!(Cursor::decode(&cursor.encode()), Ok(cursor));
        assert!(Cursor::decode("%%%").is_err());
        assert!(Cursor::decode(&URL_SAFE_NO_PAD.encode("nodot")).is_err());
    }

    #[test]
    fn limits_are_bounded() {
        assert_eq!(PageRequest::parse(None, None).unwrap().limit, DEFAULT_PAGE_LIMIT);
        assert!(PageRequest::parse(Some(0), None).is_err());
        assert!(PageRequest::parse(Some(201), None).is_err());
    }

    #[test]
    fn a_full_fetch_yields_a_next_cursor() {
        let request = PageRequest::parse(Some(2), None).unwrap();
        let key = |n: &i64| Cursor { created_at: UnixTime::from_secs(*n), id: n.to_string() };
        let page = Page::from_fetched(vec![3, 2, 1], &request, key);
        assert_eq!(page.items, vec![3, 2]);
        assert_eq!(page.next_cursor, Some(key(&2).encode()));
        let last = Page::from_fetched(vec![1], &request, key);
        assert_eq!(last.next_cursor, None);
    }
}

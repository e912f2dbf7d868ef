//! Form and query parameters of the OAuth endpoints: each at most once (RFC 6749 §3.1, §3.2).

use std::collections::HashMap;

use qeetid_domain::OAuthError;

/// Parameters by name, with empty values treated as absent (RFC 6749 §3.1).
pub(crate) struct Params(HashMap<String, String>);

impl Params {
    /// Parses `application/x-www-form-urlencoded` text, refusing repeated parameters.
    pub(crate) fn parse(encoded: &[u8]) -> Result<Self, OAuthError> {
        let mut map = HashMap::new();
        for (name, value) in url::form_urlencoded::parse(encoded) {
            if value.is_empty() {
                continue;
            }
            if map.insert(name.clone().into_owned(), value.into_owned()).is_some() {
                return Err(OAuthError::InvalidRequest(format!("parameter `{name}` is repeated")));
            }
        }
        Ok(Self(map))
    }

    /// The value of `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// The value of `name`, owned.
    pub(crate) fn take(&mut self, name: &str) -> Option<String> {
        self.0.remove(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_are_refused_and_empty_values_are_absent() {
        assert!(Params::parse(b"a=1&a=2").is_err());
        let p = Params::parse(b"a=1&b=&c=x%20y").unwrap();
        assert_eq!(p.get("a"), Some("1"));
        assert_eq!(p.get("b"), None);
        assert_eq!(p.get("c"), Some("x y"));
    }
}

//! Form and query parameters of the OAuth endpoints: each at most once (RFC 6749 §3.1,
//! §3.2), except `resource`, which RFC 8707 §2 lets a client repeat.

use std::collections::HashMap;

use qeetid_domain::OAuthError;

/// Parameters by name, with empty values treated as absent (RFC 6749 §3.1).
pub(crate) struct Params {
    single: HashMap<String, String>,
    resources: Vec<String>,
}

impl Params {
    /// Parses `application/x-www-form-urlencoded` text, refusing repeated parameters
    /// other than `resource`.
    pub(crate) fn parse(encoded: &[u8]) -> Result<Self, OAuthError> {
        let mut single = HashMap::new();
        let mut resources = Vec::new();
        for (name, value) in url::form_urlencoded::parse(encoded) {
            if value.is_empty() {
                continue;
            }
            if name == "resource" {
                resources.push(value.into_owned());
            } else if single.insert(name.clone().into_owned(), value.into_owned()).is_some() {
                return Err(OAuthError::InvalidRequest(format!("parameter `{name}` is repeated")));
            }
        }
        Ok(Self { single, resources })
    }

    /// The value of `name`; for `resource`, the first.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        if name == "resource" {
            return self.resources.first().map(String::as_str);
        }
        self.single.get(name).map(String::as_str)
    }

    /// The value of `name`, owned.
    pub(crate) fn take(&mut self, name: &str) -> Option<String> {
        self.single.remove(name)
    }

    /// Every `resource` value, in order.
    pub(crate) fn take_resources(&mut self) -> Vec<String> {
        std::mem::take(&mut self.resources)
    }

    /// Sets `name` (replacing any value).
    pub(crate) fn set(&mut self, name: &str, value: &str) {
        self.single.insert(name.to_owned(), value.to_owned());
    }

    /// The parameters form-encoded again (names sorted, `resource` last), so that
    /// [`Params::parse`] reads them back as they are.
    pub(crate) fn to_form(&self) -> String {
        let mut names: Vec<&String> = self.single.keys().collect();
        names.sort();
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        for name in names {
            form.append_pair(name, &self.single[name]);
        }
        for resource in &self.resources {
            form.append_pair("resource", resource);
        }
        form.finish()
    }

    /// How many `resource` values were sent.
    pub(crate) fn resource_count(&self) -> usize {
        self.resources.len()
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
        let mut p = Params::parse(b"resource=https%3A%2F%2Fa.example&resource=https%3A%2F%2Fb.example").unwrap();
        assert_eq!(p.resource_count(), 2, "RFC 8707 lets resource repeat");
        assert_eq!(p.get("resource"), Some("https://a.example"));
        assert_eq!(p.take_resources(), ["https://a.example", "https://b.example"]);
    }
}

//! OAuth scopes (RFC 6749 §3.3).

use std::collections::BTreeSet;

/// One scope token: `1*( %x21 / %x23-5B / %x5D-7E )`, at most 128 characters.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Scope(String);

/// A scope token with a character RFC 6749 §3.3 does not allow, or empty.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a valid scope: use 1 to 128 printable ASCII characters other than space, '\"' and '\\'")]
pub struct InvalidScope(pub String);

impl Scope {
    /// Validates one scope token.
    pub fn parse(s: &str) -> Result<Self, InvalidScope> {
        let allowed = |b: u8| b == 0x21 || (0x23..=0x5B).contains(&b) || (0x5D..=0x7E).contains(&b);
        if !s.is_empty() && s.len() <= 128 && s.bytes().all(allowed) {
            Ok(Self(s.to_owned()))
        } else {
            Err(InvalidScope(s.to_owned()))
        }
    }

    /// The scope as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A set of scopes, kept in the order first given, without duplicates.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ScopeSet(Vec<Scope>);

impl ScopeSet {
    /// Parses a space-delimited `scope` parameter (RFC 6749 §3.3).
    pub fn parse_delimited(s: &str) -> Result<Self, InvalidScope> {
        Self::from_tokens(s.split(' ').filter(|t| !t.is_empty()))
    }

    /// Builds a set from individual tokens, dropping repeats.
    pub fn from_tokens<'a>(tokens: impl IntoIterator<Item = &'a str>) -> Result<Self, InvalidScope> {
        let mut seen = BTreeSet::new();
        let mut scopes = Vec::new();
        for token in tokens {
            let scope = Scope::parse(token)?;
            if seen.insert(scope.clone()) {
                scopes.push(scope);
            }
        }
        Ok(Self(scopes))
    }

    /// Adds every scope of `other` not yet in the set.
    pub fn extend(&mut self, other: &ScopeSet) {
        for scope in &other.0 {
            if !self.contains(scope.as_str()) {
                self.0.push(scope.clone());
            }
        }
    }

    /// Whether `scope` is in the set.
    pub fn contains(&self, scope: &str) -> bool {
        self.0.iter().any(|s| s.as_str() == scope)
    }

    /// Whether every scope of `other` is in this set.
    pub fn includes_all(&self, other: &ScopeSet) -> bool {
        other.0.iter().all(|s| self.contains(s.as_str()))
    }

    /// The scopes in order.
    pub fn iter(&self) -> impl Iterator<Item = &Scope> {
        self.0.iter()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The space-delimited form.
    pub fn to_delimited(&self) -> String {
        self.0.iter().map(Scope::as_str).collect::<Vec<_>>().join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_space_delimited_and_drops_repeats() {
        let set = ScopeSet::parse_delimited("openid  profile openid email").unwrap();
        assert_eq!(set.to_delimited(), "openid profile email");
        assert!(set.contains("email"));
        assert!(set.includes_all(&ScopeSet::parse_delimited("email openid").unwrap()));
        assert!(!set.includes_all(&ScopeSet::parse_delimited("admin").unwrap()));
    }

    #[test]
    fn refuses_forbidden_characters() {
        for bad in ["", "a\"b", "a\\b", "é", "a\tb"] {
            assert!(Scope::parse(bad).is_err(), "{bad:?}");
        }
        assert!(Scope::parse("api:read").is_ok());
    }
}

//! JWT claim sets, built by the domain and serialised by the signer.

/// A claim's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimValue {
    /// A JSON string.
    Str(String),
    /// A JSON integer.
    Int(i64),
    /// A JSON boolean.
    Bool(bool),
    /// A JSON array of strings.
    List(Vec<String>),
    /// A JSON object (a logout token's `events`).
    Object(Claims),
}

/// An ordered set of claims, each name at most once (setting a name again replaces
/// its value in place). Domain types are not `Serialize`, with this one exception
/// behind the `serde` feature: the signer writes claim sets as JWT payloads and the
/// HTTP adapter as introspection and UserInfo answers, the same JSON object.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Claims(Vec<(&'static str, ClaimValue)>);

/// The claims as a JSON object, written straight out in their order (each name
/// appears once).
#[cfg(feature = "serde")]
impl serde::Serialize for Claims {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in &self.0 {
            match value {
                ClaimValue::Str(s) => map.serialize_entry(name, s)?,
                ClaimValue::Int(i) => map.serialize_entry(name, i)?,
                ClaimValue::Bool(b) => map.serialize_entry(name, b)?,
                ClaimValue::List(l) => map.serialize_entry(name, l)?,
                ClaimValue::Object(o) => map.serialize_entry(name, o)?,
            }
        }
        map.end()
    }
}

impl Claims {
    /// An empty claim set.
    pub fn new() -> Self {
        Self::default()
    }

    fn set(mut self, name: &'static str, value: ClaimValue) -> Self {
        match self.0.iter_mut().find(|(k, _)| *k == name) {
            Some((_, existing)) => *existing = value,
            None => self.0.push((name, value)),
        }
        self
    }

    /// Adds a string claim.
    pub fn str(self, name: &'static str, value: impl Into<String>) -> Self {
        self.set(name, ClaimValue::Str(value.into()))
    }

    /// Adds an integer claim.
    pub fn int(self, name: &'static str, value: i64) -> Self {
        self.set(name, ClaimValue::Int(value))
    }

    /// Adds a boolean claim.
    pub fn bool(self, name: &'static str, value: bool) -> Self {
        self.set(name, ClaimValue::Bool(value))
    }

    /// Adds a list claim.
    pub fn list(self, name: &'static str, value: Vec<String>) -> Self {
        self.set(name, ClaimValue::List(value))
    }

    /// Adds an object claim.
    pub fn object(self, name: &'static str, value: Claims) -> Self {
        self.set(name, ClaimValue::Object(value))
    }

    /// Adds an object claim when `value` is present.
    pub fn maybe_object(self, name: &'static str, value: Option<Claims>) -> Self {
        match value {
            Some(v) => self.object(name, v),
            None => self,
        }
    }

    /// Adds a string claim when `value` is present.
    pub fn maybe_str(self, name: &'static str, value: Option<impl Into<String>>) -> Self {
        match value {
            Some(v) => self.str(name, v),
            None => self,
        }
    }

    /// The claims in order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &ClaimValue)> {
        self.0.iter().map(|(k, v)| (*k, v))
    }

    /// The value of `name`, if present.
    pub fn get(&self, name: &str) -> Option<&ClaimValue> {
        self.0.iter().find(|(k, _)| *k == name).map(|(_, v)| v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setting_a_name_again_replaces_its_value_in_place() {
        let claims = Claims::new().str("sub", "a").int("exp", 1).str("sub", "b");
        let names: Vec<_> = claims.iter().map(|(k, _)| k).collect();
        assert_eq!(names, ["sub", "exp"]);
        assert_eq!(claims.get("sub"), Some(&ClaimValue::Str("b".into())));
    }
}

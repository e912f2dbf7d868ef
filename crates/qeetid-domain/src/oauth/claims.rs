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
}

/// An ordered set of claims. Domain types are not `Serialize`: the signer adapter
/// turns this into JSON.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Claims(Vec<(&'static str, ClaimValue)>);

impl Claims {
    /// An empty claim set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a string claim.
    pub fn str(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.0.push((name, ClaimValue::Str(value.into())));
        self
    }

    /// Adds an integer claim.
    pub fn int(mut self, name: &'static str, value: i64) -> Self {
        self.0.push((name, ClaimValue::Int(value)));
        self
    }

    /// Adds a boolean claim.
    pub fn bool(mut self, name: &'static str, value: bool) -> Self {
        self.0.push((name, ClaimValue::Bool(value)));
        self
    }

    /// Adds a list claim.
    pub fn list(mut self, name: &'static str, value: Vec<String>) -> Self {
        self.0.push((name, ClaimValue::List(value)));
        self
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

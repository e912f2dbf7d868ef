//! Errors of the domain's use cases.

/// A rule a caller's input broke, naming the field (as the wire names it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct ValidationError {
    /// The field, in wire notation: `name`, `redirect_uris[1]`, `grant_types`.
    pub field: String,
    /// What is wrong with it, in words a developer can act on.
    pub message: String,
    /// Which rule, for the rules end users meet on the hosted pages (`password-length`,
    /// `password-common`, `email-format`, `name-length`, `characters`): the pages
    /// say them in the reader's language.
    pub rule: Option<&'static str>,
}

impl ValidationError {
    /// An error about `field`.
    pub fn new(field: impl Into<String>, message: impl std::fmt::Display) -> Self {
        Self { field: field.into(), message: message.to_string(), rule: None }
    }

    /// The same error, naming the rule end users broke.
    #[must_use]
    pub fn rule(mut self, rule: &'static str) -> Self {
        self.rule = Some(rule);
        self
    }
}

/// A repository could not do its work. Ports return it; use cases pass it on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A uniqueness rule would be broken (duplicate e-mail in a tenant, id clash, …).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The database failed or could not be reached. The source is for the log only.
    #[error("store unavailable: {0}")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// A stored row does not hold a valid value (a migration or manual edit went wrong).
    #[error("corrupt stored value: {0}")]
    Corrupt(String),
}

impl StoreError {
    /// Whether `err`, or any error in its source chain, is the store being
    /// unavailable (unreachable, stalled, out of connections): the adapters answer
    /// such failures with 503 and `Retry-After`, not 500.
    pub fn unavailable_in(err: &(dyn std::error::Error + 'static)) -> bool {
        let mut next = Some(err);
        while let Some(current) = next {
            if matches!(current.downcast_ref::<StoreError>(), Some(StoreError::Unavailable(_))) {
                return true;
            }
            next = current.source();
        }
        false
    }
}

/// Why an admin use case failed. Each variant maps to one HTTP status in the adapter.
#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    /// No API key, or one that is not known (401).
    #[error("a valid `Authorization: ApiKey <key>` header is required")]
    Unauthenticated,
    /// The key is known but may not do this (403), e.g. a tenant key creating tenants.
    #[error("{0}")]
    Forbidden(&'static str),
    /// No such object the caller may see (404). Another tenant's object is "not found" too.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The input broke a rule (422).
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// The request conflicts with the object's state or another object (409).
    #[error("{0}")]
    Conflict(String),
    /// Infrastructure failed (500, logged, answered opaquely).
    #[error("internal error: {0}")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl From<StoreError> for AdminError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Conflict(message) => Self::Conflict(message),
            other => Self::Internal(Box::new(other)),
        }
    }
}

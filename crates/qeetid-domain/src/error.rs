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
    /// Further broken rules of the same input (other fields), when it was checked
    /// as a whole: forms show each beside its field at once.
    pub others: Vec<ValidationError>,
}

impl ValidationError {
    /// An error about `field`.
    pub fn new(field: impl Into<String>, message: impl std::fmt::Display) -> Self {
        Self { field: field.into(), message: message.to_string(), rule: None, others: Vec::new() }
    }

    /// This error followed by `other` and the others found with it.
    #[must_use]
    pub fn and(mut self, mut other: ValidationError) -> Self {
        let rest = std::mem::take(&mut other.others);
        self.others.push(other);
        self.others.extend(rest);
        self
    }

    /// This error and the others found with it, first to last.
    pub fn all(&self) -> impl Iterator<Item = &ValidationError> {
        std::iter::once(self).chain(self.others.iter())
    }

    /// The same error, naming the rule end users broke.
    #[must_use]
    pub fn rule(mut self, rule: &'static str) -> Self {
        self.rule = Some(rule);
        self
    }
}

/// Both values, or every broken rule of the two.
pub fn both<A, B>(a: Result<A, ValidationError>, b: Result<B, ValidationError>) -> Result<(A, B), ValidationError> {
    match (a, b) {
        (Ok(a), Ok(b)) => Ok((a, b)),
        (Err(first), Err(second)) => Err(first.and(second)),
        (Err(e), Ok(_)) | (Ok(_), Err(e)) => Err(e),
    }
}

/// The broken rules of one input, collected so that a caller hears of every field
/// at once rather than one per attempt.
#[derive(Debug, Default)]
pub struct Problems(Vec<ValidationError>);

impl Problems {
    /// The value of `result`, or `None` with its error noted.
    pub fn check<T>(&mut self, result: Result<T, ValidationError>) -> Option<T> {
        result.map_err(|e| self.note(e)).ok()
    }

    /// Notes a broken rule (with any it already carries).
    pub fn note(&mut self, mut error: ValidationError) {
        let others = std::mem::take(&mut error.others);
        self.0.push(error);
        self.0.extend(others);
    }

    /// Whether a rule was broken so far.
    pub fn any(&self) -> bool {
        !self.0.is_empty()
    }

    /// `Ok` when no rule was broken; otherwise the first error carrying the rest.
    pub fn finish(self) -> Result<(), ValidationError> {
        let mut errors = self.0.into_iter();
        match errors.next() {
            None => Ok(()),
            Some(mut first) => {
                first.others = errors.collect();
                Err(first)
            }
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_keep_every_broken_rule_in_order() {
        let mut problems = Problems::default();
        assert_eq!(problems.check(Ok::<_, ValidationError>(3)), Some(3));
        assert!(!problems.any());
        let mut nested = ValidationError::new("b", "second");
        nested.others.push(ValidationError::new("c", "third"));
        assert_eq!(problems.check::<()>(Err(ValidationError::new("a", "first"))), None);
        problems.note(nested);
        let err = problems.finish().expect_err("three rules were broken");
        let fields: Vec<&str> = err.all().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["a", "b", "c"]);
        assert!(err.all().all(|e| e.all().count() == 1 || e.field == "a"), "no error is listed twice");
        assert!(Problems::default().finish().is_ok());
    }

    #[test]
    fn both_names_the_broken_rules_of_each_side() {
        let ok = |v: u8| Ok::<_, ValidationError>(v);
        let bad = |f: &str| Err::<u8, _>(ValidationError::new(f, "broken"));
        assert_eq!(both(ok(1), ok(2)), Ok((1, 2)));
        assert_eq!(both(ok(1), bad("b")).expect_err("b is broken").field, "b");
        let err = both(both(bad("a"), ok(2)), bad("c")).expect_err("two are broken");
        assert_eq!(err.all().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["a", "c"]);
    }
}

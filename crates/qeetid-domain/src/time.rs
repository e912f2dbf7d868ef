//! Time as the domain sees it: whole seconds since the Unix epoch, handed in by a
//! [`Clock`]. A leaf module: it depends on nothing else of the domain.

/// The current time (a port). The domain never reads the system clock itself.
pub trait Clock: Send + Sync + 'static {
    /// Now, in whole seconds.
    fn now(&self) -> UnixTime;
}

/// An instant, in whole seconds since 1970-01-01T00:00:00Z.
///
/// The domain never reads the system clock: use cases receive `now` from the
/// [`Clock`] port, so tests can fix it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnixTime(i64);

impl UnixTime {
    /// The instant `seconds` after the epoch.
    pub const fn from_secs(seconds: i64) -> Self {
        Self(seconds)
    }

    /// Seconds since the epoch.
    pub const fn as_secs(self) -> i64 {
        self.0
    }

    /// This instant moved `seconds` later (saturating, never wrapping).
    #[must_use]
    pub const fn plus_secs(self, seconds: i64) -> Self {
        Self(self.0.saturating_add(seconds))
    }
}

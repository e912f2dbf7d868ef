//! In-memory fakes of every port, for unit tests of the domain and of code built
//! on it (feature `test-support`). They follow the port contracts; the store
//! contract suite in `qeetid-store` holds the real adapters to the same rules.

mod adapters;
mod store;

pub use adapters::{
    FakeDocuments, FakePasskeys, FakeUpstream, FixedClock, LabelSealer, PlainPasswordHasher, RecordingSigner,
    SeededRandom, UnsignedSigner,
};
pub use store::InMemoryStore;

//! The repository ports: what the store must do, one trait per aggregate.
//!
//! Every method is one atomic step: what its doc says MUST hold even when several
//! instances share the database and call it at once. Every method that reads or
//! writes the database answers [`StoreError::Unavailable`](crate::error::StoreError::Unavailable) when the database fails
//! or does not answer in time (the adapters then answer 503), and never panics;
//! `Ok(false)` / `Ok(None)` mean "no such object", never a failure. The contract
//! suite in `qeetid-store` (`tests/contract`) holds an implementation to these rules.

mod accounts;
mod audit;
mod flow;
mod guards;
mod mail;
mod registration;
mod sealed;

pub use accounts::*;
pub use audit::*;
pub use flow::*;
pub use guards::*;
pub use mail::*;
pub use registration::*;
pub use sealed::*;

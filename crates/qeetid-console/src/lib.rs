//! The deployment's own web apps, the admin dashboard (`/admin`) and the account
//! page (`/account`), as first-party clients of the provider.
//!
//! Each is an OpenID Connect client of every tenant like any other: a public client
//! with PKCE, registered on first use under an id derived from the tenant's, that
//! signs people in through the hosted login and exchanges the code through
//! [`Tokens`](qeetid_domain::Tokens). Its own session is a short-lived signed token
//! bound to the single sign-on session, so signing out anywhere signs out of it
//! too. The domain knows none of this: this crate declares the apps' clients to it
//! through [`BuiltInClients`](qeetid_domain::services::BuiltInClients)
//! ([`FirstPartyClients`]) and uses its public use cases like any embedder.

mod apps;
mod console;
mod sign_in;

pub use apps::{FirstPartyApp, FirstPartyClients};
pub use console::ConsoleAdmin;
pub use sign_in::{AppSession, FIRST_PARTY_SESSION_SECONDS, FirstParty, FirstPartyError, SignInFlow};

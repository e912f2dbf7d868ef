//! Browser tests: headless Chromium signs in through the hosted pages as a person would.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod account;
mod dashboard;
mod device;
mod harness;
mod languages;
mod logout;
mod mail;
mod mfa;
mod passkeys;
mod phone;
mod registration;
mod sign_in;
mod social;

//! Browser tests of Qeet ID's hosted pages live in `tests/browser`; run them with
//! `cargo xtask e2e` (they need Debian's Chromium at `/usr/bin/chromium`, which
//! `cargo xtask setup` installs). This library is empty on purpose.

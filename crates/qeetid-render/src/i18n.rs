//! Message catalogues (Project Fluent, `web-templates/locales/*.ftl`): what the
//! hosted pages, the account page and e-mail say, per language, with plural rules
//! and the reader's way of writing times and dates.
//!
//! Templates ask for text with `{{ t(key="login-title", client=client_name) }}`
//! (escaped like any value) or, for the few messages that carry markup around a
//! value, `{{ t_html(key=…, …) | safe }}` (the values are escaped first).

use std::cell::Cell;
use std::collections::HashMap;
use std::sync::Arc;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

/// The catalogues, embedded at compile time: `(tag, source)`, English first.
pub(crate) const CATALOGUES: [(&str, &str); 4] = [
    ("en", include_str!("../../../web-templates/locales/en.ftl")),
    ("de", include_str!("../../../web-templates/locales/de.ftl")),
    ("fr", include_str!("../../../web-templates/locales/fr.ftl")),
    ("es", include_str!("../../../web-templates/locales/es.ftl")),
];

/// A value a message is formatted with.
#[derive(Debug, Clone)]
pub enum Arg<'a> {
    /// Text, inserted as it is.
    Text(&'a str),
    /// A number: chooses the plural form.
    Number(i64),
}

/// One language's messages.
pub struct Catalogue {
    tag: &'static str,
    bundle: FluentBundle<FluentResource>,
}

impl std::fmt::Debug for Catalogue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalogue").field("tag", &self.tag).finish_non_exhaustive()
    }
}

impl Catalogue {
    /// Parses one catalogue; a syntax error or a duplicate key is refused.
    fn parse(tag: &'static str, source: &str) -> Result<Self, String> {
        let resource = FluentResource::try_new(source.to_owned())
            .map_err(|(_, errors)| format!("locales/{tag}.ftl does not parse: {errors:?}"))?;
        let lang: unic_langid::LanguageIdentifier =
            tag.parse().map_err(|e| format!("locales/{tag}.ftl: bad language tag: {e}"))?;
        let mut bundle = FluentBundle::new_concurrent(vec![lang]);
        // The pages are HTML: no Unicode isolation marks around inserted values.
        bundle.set_use_isolating(false);
        bundle.add_resource(resource).map_err(|errors| format!("locales/{tag}.ftl: {errors:?}"))?;
        Ok(Self { tag, bundle })
    }

    /// The language's BCP 47 tag.
    pub fn tag(&self) -> &'static str {
        self.tag
    }

    /// Whether `key` has a message here.
    pub fn has(&self, key: &str) -> bool {
        self.bundle.has_message(key)
    }

    /// The message `key` formatted with `args`, or `None` when there is no such key.
    pub fn format(&self, key: &str, args: &[(&str, Arg<'_>)]) -> Option<String> {
        let pattern = self.bundle.get_message(key)?.value()?;
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            match value {
                Arg::Text(text) => fluent_args.set(*name, FluentValue::from(*text)),
                Arg::Number(n) => fluent_args.set(*name, FluentValue::from(*n)),
            }
        }
        let mut errors = Vec::new();
        let text = self.bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
        Some(text.into_owned())
    }

    /// A time as people say it, relative to `now` (Unix seconds): "just now", "5
    /// minutes ago", "yesterday", "in 2 hours"; past a month, the date.
    pub fn human_time(&self, at: i64, now: i64) -> String {
        let delta = now - at;
        let (ahead, gap) = (delta < 0, i64::try_from(delta.unsigned_abs()).unwrap_or(i64::MAX));
        let say = |unit: &str, n: i64| {
            let key = if ahead { format!("time-in-{unit}") } else { format!("time-{unit}-ago") };
            self.text(&key, &[("n", Arg::Number(n))])
        };
        match gap {
            0..60 => self.text(if ahead { "time-in-a-moment" } else { "time-just-now" }, &[]),
            60..3_600 => say("minutes", gap / 60),
            3_600..86_400 => say("hours", gap / 3_600),
            86_400..172_800 if !ahead => self.text("time-yesterday", &[]),
            86_400..2_592_000 => say("days", gap / 86_400),
            _ => self.date(at),
        }
    }

    /// A date in the reader's way ("6 Dec 2026", "6. Dez. 2026").
    pub fn date(&self, at: i64) -> String {
        let Ok(moment) = time::OffsetDateTime::from_unix_timestamp(at) else { return at.to_string() };
        let month = self.text(&format!("month-{}", u8::from(moment.month())), &[]);
        let day = i64::from(moment.day());
        self.text(
            "time-date",
            &[("day", Arg::Number(day)), ("month", Arg::Text(&month)), ("year", Arg::Number(i64::from(moment.year())))],
        )
    }

    /// A lifetime in words: "30 minutes", "24 hours", "2 days".
    pub fn duration(&self, minutes: i64) -> String {
        match minutes {
            m if m >= 2 * 24 * 60 && m % (24 * 60) == 0 => {
                self.text("duration-days", &[("n", Arg::Number(m / (24 * 60)))])
            }
            m if m >= 60 && m % 60 == 0 => self.text("duration-hours", &[("n", Arg::Number(m / 60))]),
            m => self.text("duration-minutes", &[("n", Arg::Number(m))]),
        }
    }

    /// The message `key`, or the key itself when there is none (a missing key shows
    /// as its name rather than failing a page; the catalogue tests keep them all).
    pub fn text(&self, key: &str, args: &[(&str, Arg<'_>)]) -> String {
        self.format(key, args).unwrap_or_else(|| key.to_owned())
    }
}

/// Every catalogue, English first.
#[derive(Debug, Clone)]
pub struct Catalogues {
    all: Vec<Arc<Catalogue>>,
}

impl Catalogues {
    /// Parses the built-in catalogues.
    ///
    /// # Errors
    /// When one does not parse (the unit tests keep them parsing).
    pub fn builtin() -> Result<Self, String> {
        let all = CATALOGUES
            .iter()
            .map(|(tag, source)| Catalogue::parse(tag, source).map(Arc::new))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self { all })
    }

    /// The catalogue for `tag` (by its primary subtag), English when there is none.
    pub fn get(&self, tag: &str) -> &Arc<Catalogue> {
        let primary = tag.split(['-', '_']).next().unwrap_or_default();
        self.all.iter().find(|c| c.tag.eq_ignore_ascii_case(primary)).unwrap_or(&self.all[0])
    }

    /// Every catalogue.
    pub fn iter(&self) -> impl Iterator<Item = &Arc<Catalogue>> {
        self.all.iter()
    }
}

/// The arguments of a `t(…)` call in a template, besides `key`.
fn template_args(args: &HashMap<String, tera::Value>, escape: bool) -> Vec<(String, tera::Value)> {
    args.iter()
        .filter(|(name, _)| name.as_str() != "key")
        .map(|(name, value)| {
            let value = match value {
                tera::Value::String(s) if escape => tera::Value::String(tera::escape_html(s)),
                other => other.clone(),
            };
            (name.clone(), value)
        })
        .collect()
}

thread_local! {
    /// The language of the page this thread is rendering (see [`reading_in`]).
    static READER: Cell<&'static str> = const { Cell::new("en") };
}

/// Runs `render` with the `t` functions speaking `tag` on this thread. Rendering is
/// synchronous, so one template set serves every language: the language travels
/// beside the render call instead of in a copy of the templates per language.
pub(crate) fn reading_in<T>(tag: &'static str, render: impl FnOnce() -> T) -> T {
    struct Restore(&'static str);
    impl Drop for Restore {
        fn drop(&mut self) {
            READER.set(self.0);
        }
    }
    let _restore = Restore(READER.replace(tag));
    render()
}

/// The Tera function `t` (or `t_html`): the message in the language of the page
/// being rendered ([`reading_in`]).
pub(crate) struct Translate {
    pub(crate) catalogues: Catalogues,
    /// Escape the values (for `t_html`, whose output is marked safe).
    pub(crate) escape_values: bool,
}

impl tera::Function for Translate {
    fn call(&self, args: &HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
        let key = args.get("key").and_then(tera::Value::as_str).ok_or_else(|| tera::Error::msg("t() needs key=…"))?;
        let values = template_args(args, self.escape_values);
        let texts: Vec<(String, String)> = values
            .iter()
            .filter_map(|(name, value)| match value {
                tera::Value::String(s) => Some((name.clone(), s.clone())),
                tera::Value::Null => Some((name.clone(), String::new())),
                _ => None,
            })
            .collect();
        let mut fluent: Vec<(&str, Arg<'_>)> = texts.iter().map(|(n, s)| (n.as_str(), Arg::Text(s.as_str()))).collect();
        for (name, value) in &values {
            if let Some(n) = value.as_i64() {
                fluent.push((name.as_str(), Arg::Number(n)));
            }
        }
        let catalogue = self.catalogues.get(READER.get());
        catalogue
            .format(key, &fluent)
            .map(tera::Value::String)
            .ok_or_else(|| tera::Error::msg(format!("no message `{key}` in locales/{}.ftl", catalogue.tag)))
    }

    fn is_safe(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// The message ids a catalogue defines (lines `id = …`).
    fn keys(source: &str) -> BTreeSet<&str> {
        source
            .lines()
            .filter(|l| l.starts_with(|c: char| c.is_ascii_lowercase()))
            .filter_map(|l| l.split_once('=').map(|(id, _)| id.trim()))
            .collect()
    }

    #[test]
    fn every_catalogue_has_every_key_and_no_other() {
        let english = keys(CATALOGUES[0].1);
        assert!(english.len() > 100, "{}", english.len());
        for (tag, source) in &CATALOGUES[1..] {
            let theirs = keys(source);
            let missing: Vec<_> = english.difference(&theirs).collect();
            let extra: Vec<_> = theirs.difference(&english).collect();
            assert!(missing.is_empty() && extra.is_empty(), "{tag}.ftl: missing {missing:?}, unknown {extra:?}");
        }
        let catalogues = Catalogues::builtin().unwrap();
        for catalogue in catalogues.iter() {
            for key in &english {
                let args = [("n", Arg::Number(2)), ("client", Arg::Text("C")), ("tenant", Arg::Text("T"))];
                assert!(catalogue.format(key, &args).is_some_and(|t| !t.trim().is_empty()), "{}: {key}", catalogue.tag);
            }
        }
    }

    #[test]
    fn every_key_a_template_asks_for_exists() {
        let english = keys(CATALOGUES[0].1);
        for (name, source) in crate::TEMPLATES {
            let mut rest = source;
            while let Some(at) = rest.find("key=\"") {
                rest = &rest[at + 5..];
                let key = &rest[..rest.find('"').unwrap_or(0)];
                assert!(english.contains(key), "{name} asks for `{key}`, which en.ftl does not have");
            }
        }
    }

    #[test]
    fn plurals_and_times_follow_the_language() {
        let catalogues = Catalogues::builtin().unwrap();
        let (en, de, fr) = (catalogues.get("en"), catalogues.get("de-AT"), catalogues.get("fr"));
        let now = 1_800_000_000;
        assert_eq!(en.human_time(now - 5, now), "just now");
        assert_eq!(en.human_time(now - 60, now), "1 minute ago");
        assert_eq!(en.human_time(now - 359, now), "5 minutes ago");
        assert_eq!(en.human_time(now - 3 * 3600, now), "3 hours ago");
        assert_eq!(en.human_time(now - 86_410, now), "yesterday");
        assert_eq!(en.human_time(now - 12 * 86_400, now), "12 days ago");
        assert_eq!(en.human_time(now + 20 * 86_400, now), "in 20 days");
        assert_eq!(en.human_time(now + 30, now), "in a moment");
        assert_eq!(en.human_time(1_796_515_200, 1_796_515_200 + 400 * 86_400), "6 Dec 2026");
        assert_eq!(en.human_time(now - 300, now), "5 minutes ago");
        assert_eq!(de.human_time(now - 300, now), "vor 5 Minuten");
        assert_eq!(de.human_time(now + 7200, now), "in 2 Stunden");
        assert_eq!(fr.human_time(now - 90_000, now), "hier");
        assert_eq!(en.date(1_796_515_200), "6 Dec 2026");
        assert_eq!(de.date(1_796_515_200), "6. Dez. 2026");
        assert_eq!(en.duration(30), "30 minutes");
        assert_eq!(en.duration(24 * 60), "24 hours");
        assert_eq!(de.duration(3 * 24 * 60), "3 Tage");
        assert_eq!(catalogues.get("pt-BR").tag(), "en", "a language without a catalogue reads English");
    }
}

//! Qeet ID's Tera adapter: renders the hosted pages of `web-templates/`.
//!
//! Templates are compiled into the binary (no files to ship, no front-end build
//! step) and receive plain view structs; no template reaches into the domain.

use serde::Serialize;
use tera::{Context, Tera};

/// The templates, embedded at compile time.
const TEMPLATES: [(&str, &str); 3] = [
    ("base.html", include_str!("../../../web-templates/base.html")),
    ("error.html", include_str!("../../../web-templates/error.html")),
    ("home.html", include_str!("../../../web-templates/home.html")),
];

/// The stylesheet every page links to (`/static/qeetid.css`).
pub const STYLESHEET: &str = include_str!("../../../web-templates/static/qeetid.css");

/// A template failed to parse or render.
#[derive(Debug, thiserror::Error)]
#[error("template error: {0}")]
pub struct RenderError(#[from] tera::Error);

/// What the error page shows.
#[derive(Debug, Serialize)]
pub struct ErrorView<'a> {
    /// Headline.
    pub title: &'a str,
    /// What happened and what to do, in plain words.
    pub message: &'a str,
    /// A machine-readable code, if any.
    pub code: Option<&'a str>,
}

/// What the home page shows.
#[derive(Debug, Serialize)]
pub struct HomeView<'a> {
    /// This deployment's issuer.
    pub issuer: &'a str,
    /// The server's version.
    pub version: &'a str,
}

/// Renders hosted pages. Build once at start-up; rendering is thread-safe.
pub struct Renderer {
    tera: Tera,
}

impl Renderer {
    /// Parses every template (HTML auto-escaping on).
    pub fn new() -> Result<Self, RenderError> {
        let mut tera = Tera::default();
        tera.add_raw_templates(TEMPLATES)?;
        tera.autoescape_on(vec![".html"]);
        Ok(Self { tera })
    }

    fn render(&self, name: &str, view: &impl Serialize) -> Result<String, RenderError> {
        Ok(self.tera.render(name, &Context::from_serialize(view)?)?)
    }

    /// The error page.
    pub fn error_page(&self, view: &ErrorView<'_>) -> Result<String, RenderError> {
        self.render("error.html", view)
    }

    /// The home page.
    pub fn home_page(&self, view: &HomeView<'_>) -> Result<String, RenderError> {
        self.render("home.html", view)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_page_escapes_what_it_shows() {
        let renderer = Renderer::new().unwrap();
        let html = renderer
            .error_page(&ErrorView { title: "Not found", message: "<script>x</script>", code: Some("not_found") })
            .unwrap();
        assert!(html.contains("&lt;script&gt;x&lt;&#x2F;script&gt;"), "{html}");
        assert!(!html.contains("<script>x"));
        assert!(html.contains("not_found"));
    }

    #[test]
    fn home_page_names_the_issuer() {
        let html =
            Renderer::new().unwrap().home_page(&HomeView { issuer: "http://localhost:8080", version: "0.1" }).unwrap();
        assert!(html.contains("http:&#x2F;&#x2F;localhost:8080"), "{html}");
    }
}

//! The e-mail adapter: implements the domain's [`MailSender`] port by rendering a
//! message from its templates (text and HTML) and handing it to an SMTP server
//! (`smtp_url`: `smtp://` with STARTTLS when asked, `smtps://` for TLS from the
//! first byte), or, in development, by writing it to the log.

#[cfg(feature = "testing")]
pub mod testing;

use std::sync::Arc;
use std::time::Duration;

use lettre::message::header::ContentTransferEncoding;
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::{Address, AsyncSmtpTransport, AsyncTransport as _, Message, Tokio1Executor};
use qeetid_domain::mail::Mail;
use qeetid_domain::ports::{BoxFuture, MailSender};
use qeetid_render::{MailContent, RenderedMail, Renderer};

/// Seconds an SMTP conversation may take before it counts as failed (and is retried).
const SMTP_TIMEOUT_SECONDS: u64 = 15;

/// The mail settings could not be used.
#[derive(Debug, thiserror::Error)]
pub enum MailSetupError {
    /// `smtp_url` is not an SMTP URL lettre understands.
    #[error(
        "smtp_url is not a usable SMTP URL ({0}); use smtp://user:password@host:587?tls=required, smtps://host:465, or \"log\""
    )]
    SmtpUrl(String),
    /// `mail_from` is not an address.
    #[error("mail_from `{0}` is not an e-mail address")]
    From(String),
}

/// Where messages go.
enum Transport {
    /// An SMTP server.
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// The log (`qeetid::mail`), for development.
    Log,
}

/// Renders and sends messages.
pub struct Mailer {
    transport: Arc<Transport>,
    from: Address,
    renderer: Arc<Renderer>,
}

impl Mailer {
    /// A sender over `smtp_url` (empty or `log`: the log) from the address `from`.
    ///
    /// # Errors
    /// [`MailSetupError`] for a URL or address that cannot be used.
    pub fn new(smtp_url: &str, from: &str, renderer: Arc<Renderer>) -> Result<Self, MailSetupError> {
        let from: Address = from.parse().map_err(|_| MailSetupError::From(from.to_owned()))?;
        let transport = match smtp_url.trim() {
            "" | "log" => Transport::Log,
            url => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| MailSetupError::SmtpUrl(e.to_string()))?
                    .timeout(Some(Duration::from_secs(SMTP_TIMEOUT_SECONDS)))
                    .build(),
            ),
        };
        Ok(Self { transport: Arc::new(transport), from, renderer })
    }

    /// Whether messages only go to the log.
    pub fn logs_only(&self) -> bool {
        matches!(*self.transport, Transport::Log)
    }

    fn render(&self, mail: &Mail) -> Result<RenderedMail, String> {
        let content = MailContent {
            kind: mail.kind.as_str(),
            tenant_name: &mail.tenant_name,
            user_name: mail.user_name.as_deref(),
            link: &mail.link,
            valid_minutes: mail.valid_minutes,
            accent: mail.accent.as_deref(),
            support_url: mail.support_url.as_deref(),
            lang: mail.locale.tag(),
            logo_url: mail.logo_url.as_deref(),
        };
        self.renderer.mail(&content).map_err(|e| format!("the message could not be rendered: {e}"))
    }

    /// The message as lettre builds it: from the tenant's name at `from`, text and
    /// HTML alternatives, quoted-printable so links stay readable in the source.
    fn message(&self, mail: &Mail, rendered: RenderedMail) -> Result<Message, String> {
        let to: Address = mail.to.as_str().parse().map_err(|e| format!("the recipient is not an address: {e}"))?;
        let part = |content_type: lettre::message::header::ContentType, body: String| {
            SinglePart::builder().header(content_type).header(ContentTransferEncoding::QuotedPrintable).body(body)
        };
        Message::builder()
            .from(Mailbox::new(Some(mail.tenant_name.clone()), self.from.clone()))
            .to(Mailbox::new(mail.user_name.clone(), to))
            .subject(rendered.subject)
            .multipart(
                MultiPart::alternative()
                    .singlepart(part(lettre::message::header::ContentType::TEXT_PLAIN, rendered.text))
                    .singlepart(part(lettre::message::header::ContentType::TEXT_HTML, rendered.html)),
            )
            .map_err(|e| format!("the message could not be built: {e}"))
    }
}

impl MailSender for Mailer {
    fn send_mail(&self, mail: Mail) -> BoxFuture<'static, Result<(), String>> {
        let prepared = self.render(&mail).and_then(|rendered| {
            let text = rendered.text.clone();
            let subject = rendered.subject.clone();
            self.message(&mail, rendered).map(|message| (message, subject, text))
        });
        let transport = Arc::clone(&self.transport);
        Box::pin(async move {
            let (message, subject, text) = prepared?;
            match &*transport {
                Transport::Log => {
                    tracing::info!(target: "qeetid::mail", to = mail.to.as_str(), subject, "e-mail (smtp_url is not set, so it is only logged):\n{text}");
                    Ok(())
                }
                Transport::Smtp(smtp) => smtp.send(message).await.map(|_| ()).map_err(|e| {
                    tracing::warn!(target: "qeetid::mail", error = %e, "the SMTP server did not take a message; it is retried");
                    format!("SMTP: {e}")
                }),
            }
        })
    }
}

/// The default sender address: `no-reply@` the issuer's host (`no-reply@localhost`
/// when that host is an IP address).
pub fn default_from(issuer: &str) -> String {
    let host =
        issuer.split_once("://").map_or(issuer, |(_, rest)| rest).split(['/', ':']).next().unwrap_or("localhost");
    let candidate = format!("no-reply@{host}");
    let is_ip = host.parse::<std::net::IpAddr>().is_ok() || host.starts_with('[');
    if !is_ip && candidate.parse::<Address>().is_ok() { candidate } else { "no-reply@localhost".to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_sender_is_at_the_issuer_host() {
        assert_eq!(default_from("https://id.example.com"), "no-reply@id.example.com");
        assert_eq!(default_from("http://localhost:8080/base"), "no-reply@localhost");
        assert_eq!(default_from("http://127.0.0.1:8080"), "no-reply@localhost");
    }

    /// The SMTP pool needs a runtime even to be dropped.
    #[tokio::test]
    async fn bad_settings_are_named() {
        let renderer = Arc::new(Renderer::new().unwrap());
        assert!(matches!(Mailer::new("", "not an address", Arc::clone(&renderer)), Err(MailSetupError::From(_))));
        assert!(matches!(
            Mailer::new("ftp://example.com", "a@example.com", Arc::clone(&renderer)),
            Err(MailSetupError::SmtpUrl(_))
        ));
        assert!(Mailer::new("log", "a@example.com", Arc::clone(&renderer)).unwrap().logs_only());
        assert!(!Mailer::new("smtp://127.0.0.1:2525", "a@example.com", renderer).unwrap().logs_only());
    }
}

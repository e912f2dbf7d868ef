//! A tenant's logo: an uploaded PNG, JPEG or WebP image of at most 256 KiB,
//! recognised by its bytes (not by what the uploader says it is), and served under
//! a name that changes with its content, so it can be cached for good.

use sha2::Digest as _;

use crate::error::ValidationError;

/// The largest logo accepted.
pub const LOGO_MAX_BYTES: usize = 256 * 1024;

/// An image format a logo may have. SVG is not one: it can carry scripts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    /// `image/png`
    Png,
    /// `image/jpeg`
    Jpeg,
    /// `image/webp`
    Webp,
}

impl ImageKind {
    const ALL: [Self; 3] = [Self::Png, Self::Jpeg, Self::Webp];

    /// The media type.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
            Self::Webp => "image/webp",
        }
    }

    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Png => "png",
            Self::Jpeg => "jpg",
            Self::Webp => "webp",
        }
    }

    /// The format the bytes are in, by their signature.
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Self::Png)
        } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
            Some(Self::Jpeg)
        } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(Self::Webp)
        } else {
            None
        }
    }

    fn from_extension(ext: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.extension() == ext)
    }
}

/// Where a tenant's logo is: its content's digest and format. The tenant row holds
/// it; the image itself is stored apart, so reading a tenant never reads the image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogoRef {
    digest: String,
    kind: ImageKind,
}

impl LogoRef {
    /// `logo-{digest}.{ext}`: the file name it is served under.
    pub fn file_name(&self) -> String {
        format!("logo-{}.{}", self.digest, self.kind.extension())
    }

    /// Its format.
    pub fn kind(&self) -> ImageKind {
        self.kind
    }

    /// `{digest}.{ext}`, as stored.
    pub fn to_stored(&self) -> String {
        format!("{}.{}", self.digest, self.kind.extension())
    }

    /// [`Self::to_stored`] read back; `None` for a value that is not one.
    pub fn from_stored(raw: &str) -> Option<Self> {
        let (digest, ext) = raw.split_once('.')?;
        let valid = digest.len() == 16 && digest.bytes().all(|b| b.is_ascii_hexdigit());
        valid.then(|| Some(Self { digest: digest.to_owned(), kind: ImageKind::from_extension(ext)? })).flatten()
    }
}

/// An uploaded logo, checked.
#[derive(Clone, PartialEq, Eq)]
pub struct LogoImage {
    /// Where it is served.
    pub reference: LogoRef,
    /// The image.
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for LogoImage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LogoImage").field("reference", &self.reference).field("bytes", &self.bytes.len()).finish()
    }
}

impl LogoImage {
    /// Checks an upload: not empty, at most [`LOGO_MAX_BYTES`], a PNG, JPEG or WebP
    /// image by its bytes, and of the media type the uploader declared (when it
    /// declared one).
    ///
    /// # Errors
    /// A [`ValidationError`] on `logo` saying which rule failed.
    pub fn parse(declared: Option<&str>, bytes: Vec<u8>) -> Result<Self, ValidationError> {
        let refuse = |message: String| ValidationError::new("logo", message);
        if bytes.is_empty() {
            return Err(refuse("is empty: upload a PNG, JPEG or WebP image".into()));
        }
        if bytes.len() > LOGO_MAX_BYTES {
            return Err(refuse(format!(
                "is {} KiB; at most {} KiB",
                bytes.len().div_ceil(1024),
                LOGO_MAX_BYTES / 1024
            )));
        }
        let Some(kind) = ImageKind::sniff(&bytes) else {
            let svg = declared.is_some_and(|d| d.contains("svg")) || bytes.starts_with(b"<");
            return Err(refuse(if svg {
                "is not accepted as SVG (it can carry scripts): upload a PNG, JPEG or WebP image".into()
            } else {
                "is not a PNG, JPEG or WebP image".into()
            }));
        };
        let declared = declared.map(|d| d.split(';').next().unwrap_or_default().trim().to_ascii_lowercase());
        if let Some(declared) = declared.filter(|d| !d.is_empty() && d != "application/octet-stream")
            && declared != kind.content_type()
        {
            return Err(refuse(format!("is a {} image, not {declared}", kind.content_type())));
        }
        let digest = sha2::Sha256::digest(&bytes).iter().take(8).fold(String::with_capacity(16), |mut out, b| {
            use std::fmt::Write as _;
            let _ = write!(out, "{b:02x}");
            out
        });
        Ok(Self { reference: LogoRef { digest, kind }, bytes })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

    #[test]
    fn an_image_is_known_by_its_bytes() {
        let logo = LogoImage::parse(Some("image/png"), PNG.to_vec()).unwrap();
        assert_eq!(logo.reference.kind(), ImageKind::Png);
        assert!(logo.reference.file_name().starts_with("logo-") && logo.reference.file_name().ends_with(".png"));
        assert_eq!(LogoRef::from_stored(&logo.reference.to_stored()), Some(logo.reference.clone()));
        assert_eq!(LogoImage::parse(None, PNG.to_vec()).unwrap(), logo, "no declared type: the bytes decide");
        let jpeg = LogoImage::parse(Some("image/jpeg"), vec![0xff, 0xd8, 0xff, 0xe0, 1, 2]).unwrap();
        assert_eq!(jpeg.reference.kind().extension(), "jpg");
        assert!(LogoImage::parse(Some("image/webp"), b"RIFF\0\0\0\0WEBPVP8 ".to_vec()).is_ok());
    }

    #[test]
    fn other_uploads_are_refused_saying_why() {
        let message = |declared, bytes: &[u8]| LogoImage::parse(declared, bytes.to_vec()).unwrap_err().message;
        assert!(message(Some("image/svg+xml"), b"<svg onload='x'/>").contains("SVG"));
        assert!(message(Some("image/gif"), b"GIF89a").contains("not a PNG, JPEG or WebP"));
        assert!(message(Some("image/jpeg"), PNG).contains("is a image/png image, not image/jpeg"));
        assert!(message(None, b"").contains("empty"));
        let big = [PNG, &vec![0u8; LOGO_MAX_BYTES]].concat();
        assert!(message(None, &big).contains("at most 256 KiB"));
        assert_eq!(LogoRef::from_stored("nothex!!nothex!!.png"), None);
        assert_eq!(LogoRef::from_stored("0123456789abcdef.gif"), None);
    }
}

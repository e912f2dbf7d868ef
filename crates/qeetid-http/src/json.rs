//! A JSON body extractor whose errors name the field (via `serde_path_to_error`)
//! and come back as the admin API's JSON errors, never as plain text.

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::StreamExt as _;
use serde::de::DeserializeOwned;

use crate::answers::ApiError;

/// Largest admin request body accepted.
pub(crate) const MAX_BODY_BYTES: usize = 64 * 1024;

/// A JSON request body of type `T`.
pub(crate) struct Json<T>(pub(crate) T);

/// Reads the body, up to [`MAX_BODY_BYTES`].
async fn read_body(mut payload: Payload) -> Result<web::BytesMut, ApiError> {
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| ApiError::bad_request(format!("could not read the body: {e}"), None))?;
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(ApiError::TooLarge(MAX_BODY_BYTES));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Parses `bytes` as `T`; an empty body reads as `{}` when `empty_is_object`.
pub(crate) fn parse<T: DeserializeOwned>(bytes: &[u8], empty_is_object: bool) -> Result<T, ApiError> {
    let bytes: &[u8] = if empty_is_object && bytes.iter().all(u8::is_ascii_whitespace) { b"{}" } else { bytes };
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|err| {
        let path = err.path().to_string();
        // serde_path_to_error says "." for the root and "?" before any key is read.
        let field = (path != "." && path != "?").then_some(path);
        let message = match &field {
            Some(f) => format!("{f}: {}", err.inner()),
            None => format!("the body is not valid JSON for this endpoint: {}", err.inner()),
        };
        ApiError::bad_request(message, field)
    })
}

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = ApiError;
    type Future = futures_util::future::LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(_req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let payload = payload.take();
        Box::pin(async move { Ok(Json(parse(&read_body(payload).await?, false)?)) })
    }
}

/// Like [`Json`], but an empty body means `{}` (for endpoints whose every field is optional).
pub(crate) struct OptionalJson<T>(pub(crate) T);

impl<T: DeserializeOwned + 'static> FromRequest for OptionalJson<T> {
    type Error = ApiError;
    type Future = futures_util::future::LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(_req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let payload = payload.take();
        Box::pin(async move { Ok(OptionalJson(parse(&read_body(payload).await?, true)?)) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        name: String,
        uris: Option<Vec<String>>,
    }

    fn field_of(json: &str) -> Option<String> {
        match parse::<Body>(json.as_bytes(), false) {
            Err(ApiError::BadRequest { field, .. }) => field,
            other => panic!("expected a bad request, got {other:?}"),
        }
    }

    #[test]
    fn errors_name_the_field() {
        assert_eq!(field_of(r#"{"name": 1}"#).as_deref(), Some("name"));
        assert_eq!(field_of(r#"{"name": "a", "uris": ["x", 2]}"#).as_deref(), Some("uris[1]"));
        assert_eq!(field_of("{nope"), None);
    }

    #[test]
    fn unknown_fields_are_refused_and_empty_can_mean_object() {
        assert!(parse::<Body>(br#"{"name":"a","nmae":"b"}"#, false).is_err());
        #[derive(serde::Deserialize)]
        struct AllOptional {
            #[allow(dead_code)]
            n: Option<i64>,
        }
        assert!(parse::<AllOptional>(b"", true).is_ok());
        assert!(parse::<AllOptional>(b"", false).is_err());
    }
}

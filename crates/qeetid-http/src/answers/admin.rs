//! The admin API's error responses: `{ "error", "message" }` with the right status.

use super::unavailable;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use qeetid_domain::AdminError;
use serde::Serialize;
use utoipa::ToSchema;

/// The JSON body of every admin API error.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Machine-readable code: `invalid_request`, `validation_failed`, `unauthorized`,
    /// `forbidden`, `not_found`, `method_not_allowed`, `conflict`, `payload_too_large`, `internal_error`.
    pub error: &'static str,
    /// What went wrong, for a developer to read.
    pub message: String,
    /// The offending field, in wire notation (`redirect_uris[1]`), when one is to blame.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// With `validation_failed`: every broken rule of the input, the first being
    /// `field` and `message`, so that a form can show them all at once.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// One broken rule of a `validation_failed` answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct FieldError {
    /// The field, in wire notation (`redirect_uris[1]`).
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

/// An admin API failure, answered as [`ErrorBody`].
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A use case refused the request or failed.
    #[error(transparent)]
    Domain(#[from] AdminError),
    /// The request could not be read: malformed JSON, a field of the wrong type, a bad query string.
    #[error("{message}")]
    BadRequest {
        /// What was wrong.
        message: String,
        /// The field, when known.
        field: Option<String>,
    },
    /// The body is larger than the limit.
    #[error("request body larger than {0} bytes")]
    TooLarge(usize),
    /// No route handles this method on this path.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// No route has this path.
    #[error("no such endpoint")]
    NoRoute,
}

impl ApiError {
    /// A malformed request.
    pub fn bad_request(message: impl Into<String>, field: Option<String>) -> Self {
        Self::BadRequest { message: message.into(), field }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::Domain(AdminError::Unauthenticated) => "unauthorized",
            Self::Domain(AdminError::Forbidden(_)) => "forbidden",
            Self::Domain(AdminError::NotFound(_)) | Self::NoRoute => "not_found",
            Self::Domain(AdminError::Invalid(_)) => "validation_failed",
            Self::Domain(AdminError::Conflict(_)) => "conflict",
            Self::Domain(AdminError::Internal(source)) if unavailable::is_unavailable(source.as_ref()) => {
                unavailable::CODE
            }
            Self::Domain(AdminError::Internal(_)) => "internal_error",
            Self::BadRequest { .. } => "invalid_request",
            Self::TooLarge(_) => "payload_too_large",
            Self::MethodNotAllowed => "method_not_allowed",
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Domain(AdminError::Unauthenticated) => StatusCode::UNAUTHORIZED,
            Self::Domain(AdminError::Forbidden(_)) => StatusCode::FORBIDDEN,
            Self::Domain(AdminError::NotFound(_)) | Self::NoRoute => StatusCode::NOT_FOUND,
            Self::Domain(AdminError::Invalid(_)) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Domain(AdminError::Conflict(_)) => StatusCode::CONFLICT,
            Self::Domain(AdminError::Internal(source)) => unavailable::status_of(source.as_ref()),
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let (message, field) = match self {
            Self::Domain(AdminError::Internal(source)) => {
                super::log_failure("admin API request", source.as_ref());
                if unavailable::is_unavailable(source.as_ref()) {
                    (unavailable::MESSAGE.to_owned(), None)
                } else {
                    ("internal error: the server log has the details".to_owned(), None)
                }
            }
            Self::Domain(AdminError::Invalid(v)) => (v.to_string(), Some(v.field.clone())),
            Self::BadRequest { message, field } => (message.clone(), field.clone()),
            other => (other.to_string(), None),
        };
        let mut response = HttpResponse::build(self.status_code());
        if matches!(self, Self::Domain(AdminError::Unauthenticated)) {
            response.insert_header((header::WWW_AUTHENTICATE, HeaderValue::from_static("ApiKey")));
        }
        let errors = match self {
            Self::Domain(AdminError::Invalid(v)) => {
                v.all().map(|e| FieldError { field: e.field.clone(), message: e.message.clone() }).collect()
            }
            _ => Vec::new(),
        };
        response.json(ErrorBody { error: self.code(), message, field, errors })
    }
}

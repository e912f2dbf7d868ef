//! The `claims` request parameter (OIDC Core §5.5): individual claims a client asks
//! for, in the ID token or from UserInfo.
//!
//! Qeet ID releases claims by scope, so a requested claim is honoured by asking the
//! user for the scope that releases it (the consent page then names it, and the ID
//! token and UserInfo carry it), when the client may have that scope. `acr` with
//! `values` that include [`ACR_MFA`](super::ACR_MFA) asks for a second factor, as
//! `acr_values` does. Claims Qeet ID does not have are ignored (§5.5: not an error).

use super::scopes;

/// Where a claim was asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimTarget {
    /// `id_token`.
    IdToken,
    /// `userinfo`.
    UserInfo,
}

/// One requested claim (§5.5.1): its name, whether it is essential, and the values
/// the client will accept (`value` is read as a one-element `values`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestedClaim {
    /// Where it was asked for.
    pub target: ClaimTarget,
    /// The claim's name.
    pub name: String,
    /// `essential: true`.
    pub essential: bool,
    /// `value` or `values`, when given.
    pub values: Vec<String>,
}

/// The `claims` parameter as the adapter read it: the claims, or why the JSON is
/// not a claims request (answered `invalid_request`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimsParameter {
    /// A well-formed request.
    Requested(Vec<RequestedClaim>),
    /// Not a JSON object of `id_token`/`userinfo` members whose claims are `null`
    /// or objects: what is wrong.
    Malformed(String),
}

impl ClaimsParameter {
    /// The requested claims, or `invalid_request`'s description.
    pub fn claims(&self) -> Result<&[RequestedClaim], String> {
        match self {
            Self::Requested(claims) => Ok(claims),
            Self::Malformed(why) => Err(format!("claims: {why}")),
        }
    }
}

/// The scope that releases `claim`, for the claims Qeet ID can return.
pub fn scope_releasing(claim: &str) -> Option<&'static str> {
    match claim {
        "name" => Some(scopes::PROFILE),
        "email" | "email_verified" => Some(scopes::EMAIL),
        _ => None,
    }
}

/// Whether the requested claims ask for a second factor: `acr` with `values`
/// (or `value`) that include `aal2`.
pub fn asks_for_acr(claims: &[RequestedClaim], acr: &str) -> bool {
    claims.iter().any(|c| c.target == ClaimTarget::IdToken && c.name == "acr" && c.values.iter().any(|v| v == acr))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim(target: ClaimTarget, name: &str, values: &[&str]) -> RequestedClaim {
        RequestedClaim {
            target,
            name: name.into(),
            essential: true,
            values: values.iter().map(|v| (*v).to_owned()).collect(),
        }
    }

    #[test]
    fn claims_map_to_the_scopes_that_release_them_and_acr_values_to_a_second_factor() {
        assert_eq!(scope_releasing("email_verified"), Some("email"));
        assert_eq!(scope_releasing("name"), Some("profile"));
        assert_eq!(scope_releasing("phone_number"), None);
        let asked = [claim(ClaimTarget::IdToken, "acr", &["aal2"]), claim(ClaimTarget::UserInfo, "name", &[])];
        assert!(asks_for_acr(&asked, "aal2"));
        assert!(!asks_for_acr(&[claim(ClaimTarget::UserInfo, "acr", &["aal2"])], "aal2"), "acr is an ID token claim");
        assert_eq!(ClaimsParameter::Malformed("x".into()).claims(), Err("claims: x".into()));
    }
}

//! Slack's v0 request signatures: HMAC-SHA256 over `v0:{timestamp}:{body}`
//! with the app's signing secret, compared in constant time, and only for
//! timestamps within five minutes of now (either way) to stop replays.

use std::fmt;

use hmac::{Hmac, Mac};
use sha2::Sha256;

const VERSION: &str = "v0";
const MAX_SKEW_SECS: i64 = 300;

/// The app's signing secret, keyed once. Its `Debug` never shows it.
#[derive(Clone)]
pub struct SigningSecret {
    keyed: Hmac<Sha256>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the signing secret is empty")]
pub struct EmptySigningSecret;

impl SigningSecret {
    pub fn new(secret: &str) -> Result<SigningSecret, EmptySigningSecret> {
        if secret.trim().is_empty() {
            return Err(EmptySigningSecret);
        }
        let keyed = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).map_err(|_| EmptySigningSecret)?;
        Ok(SigningSecret { keyed })
    }

    fn mac(&self, timestamp: &str, body: &[u8]) -> Hmac<Sha256> {
        let mut mac = self.keyed.clone();
        mac.update(format!("{VERSION}:{timestamp}:").as_bytes());
        mac.update(body);
        mac
    }

    /// The `X-Slack-Signature` value Slack would send for this request.
    pub fn sign(&self, timestamp: &str, body: &[u8]) -> String {
        format!("{VERSION}={}", hex::encode(self.mac(timestamp, body).finalize().into_bytes()))
    }

    /// Checks a request's signature headers against its raw body at `now`
    /// (Unix seconds).
    pub fn verify(
        &self,
        timestamp: Option<&str>,
        signature: Option<&str>,
        body: &[u8],
        now: i64,
    ) -> Result<(), SignatureError> {
        let timestamp = timestamp.ok_or(SignatureError::Missing("X-Slack-Request-Timestamp"))?;
        let signature = signature.ok_or(SignatureError::Missing("X-Slack-Signature"))?;
        let sent_at: i64 = timestamp.trim().parse().map_err(|_| SignatureError::BadTimestamp)?;
        if (now - sent_at).abs() > MAX_SKEW_SECS {
            return Err(SignatureError::Stale { skew_secs: now - sent_at });
        }
        let digest = signature
            .strip_prefix("v0=")
            .and_then(|hex_digest| hex::decode(hex_digest).ok())
            .ok_or(SignatureError::Mismatch)?;
        self.mac(timestamp, body).verify_slice(&digest).map_err(|_| SignatureError::Mismatch)
    }
}

impl fmt::Debug for SigningSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningSecret(<redacted>)")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the {0} header is missing")]
    Missing(&'static str),
    #[error("the request timestamp is not a number")]
    BadTimestamp,
    #[error("the request timestamp is {skew_secs} s away from now (limit 300 s)")]
    Stale { skew_secs: i64 },
    #[error("the signature does not match the body")]
    Mismatch,
}

#[cfg(test)]
mod tests {
    use super::*;

    // Slack's published example (docs: "Verifying requests from Slack").
    const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
    const TIMESTAMP: &str = "1531420618";
    const BODY: &str = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    const EXPECTED: &str = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

    fn secret() -> SigningSecret {
        SigningSecret::new(SECRET).unwrap()
    }

    #[test]
    fn an_empty_secret_is_refused() {
        assert!(SigningSecret::new("  ").is_err());
    }

    #[test]
    fn slacks_published_example_signs_and_verifies() {
        let secret = secret();
        assert_eq!(secret.sign(TIMESTAMP, BODY.as_bytes()), EXPECTED);
        let at_send_time = 1_531_420_618;
        assert_eq!(secret.verify(Some(TIMESTAMP), Some(EXPECTED), BODY.as_bytes(), at_send_time), Ok(()));
    }

    #[test]
    fn the_published_example_is_stale_today() {
        let secret = secret();
        let now = chrono::Utc::now().timestamp();
        assert!(matches!(
            secret.verify(Some(TIMESTAMP), Some(EXPECTED), BODY.as_bytes(), now),
            Err(SignatureError::Stale { .. })
        ));
    }

    #[test]
    fn five_minutes_either_way_is_the_limit() {
        let secret = secret();
        let signature = secret.sign(TIMESTAMP, BODY.as_bytes());
        let verify_at = |now| secret.verify(Some(TIMESTAMP), Some(&signature), BODY.as_bytes(), now);
        assert_eq!(verify_at(1_531_420_618 + 300), Ok(()));
        assert_eq!(verify_at(1_531_420_618 - 300), Ok(()));
        assert!(verify_at(1_531_420_618 + 301).is_err());
        assert!(verify_at(1_531_420_618 - 301).is_err());
    }

    #[test]
    fn a_changed_body_secret_or_garbled_header_fails() {
        let now = 1_531_420_618;
        let secret = secret();
        let tampered = BODY.replace("text=", "text=lint");
        assert_eq!(
            secret.verify(Some(TIMESTAMP), Some(EXPECTED), tampered.as_bytes(), now),
            Err(SignatureError::Mismatch)
        );
        let other = SigningSecret::new("another-secret").unwrap();
        assert_eq!(other.verify(Some(TIMESTAMP), Some(EXPECTED), BODY.as_bytes(), now), Err(SignatureError::Mismatch));
        for garbled in
            ["", "v0=", "v1=a2114d", "v0=zz", "a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"]
        {
            assert_eq!(
                secret.verify(Some(TIMESTAMP), Some(garbled), BODY.as_bytes(), now),
                Err(SignatureError::Mismatch)
            );
        }
        assert_eq!(
            secret.verify(None, Some(EXPECTED), BODY.as_bytes(), now),
            Err(SignatureError::Missing("X-Slack-Request-Timestamp"))
        );
    }

    #[test]
    fn debug_output_never_shows_the_secret() {
        assert!(!format!("{:?}", secret()).contains(SECRET));
    }
}

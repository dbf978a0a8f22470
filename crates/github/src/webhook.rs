//! GitHub webhook signatures: `X-Hub-Signature-256: sha256=<hex>` over the
//! raw body with the webhook secret, compared in constant time.

use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;

/// The push webhook's secret, kept out of `Debug` and logs by `secrecy`.
#[derive(Clone, Debug)]
pub struct WebhookSecret(SecretString);

impl WebhookSecret {
    pub fn new(secret: impl Into<String>) -> WebhookSecret {
        WebhookSecret(SecretString::from(secret.into()))
    }
}

/// True when `signature` is GitHub's signature of `body` under `secret`.
pub fn verify_webhook(secret: &WebhookSecret, signature: Option<&str>, body: &[u8]) -> bool {
    let Some(digest) =
        signature.and_then(|s| s.strip_prefix("sha256=")).and_then(|hex_digest| hex::decode(hex_digest).ok())
    else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.0.expose_secret().as_bytes()) else { return false };
    mac.update(body);
    mac.verify_slice(&digest).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn githubs_published_example_verifies() {
        let secret = WebhookSecret::new("It's a Secret to Everybody");
        let signature = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
        assert!(verify_webhook(&secret, Some(signature), b"Hello, World!"));
        assert!(!verify_webhook(&secret, Some(signature), b"Hello, World?"));
        assert!(!verify_webhook(&WebhookSecret::new("other"), Some(signature), b"Hello, World!"));
        assert!(!verify_webhook(&secret, None, b"Hello, World!"));
        assert!(!verify_webhook(&secret, Some("sha1=757107"), b"Hello, World!"));
    }
}

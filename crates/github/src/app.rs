//! GitHub App authentication: an RS256 JWT signed with the App's private
//! key buys an installation token (one hour); planbot renews it five
//! minutes before it expires, or at once if GitHub refuses it.

use std::fmt;
use std::sync::Mutex;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use ring::rand::SystemRandom;
use ring::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use serde_json::json;

/// Renew this long before GitHub would.
const RENEW_BEFORE: Duration = Duration::from_secs(300);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AppKeyError {
    #[error("GITHUB_APP_PRIVATE_KEY is not a PEM RSA private key ({0})")]
    Unreadable(String),
}

pub struct AppCredentials {
    pub app_id: String,
    pub installation_id: String,
    key: RsaKeyPair,
    token: Mutex<Option<(String, DateTime<Utc>)>>,
}

impl fmt::Debug for AppCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "AppCredentials {{ app_id: {}, installation_id: {}, key: <redacted> }}",
            self.app_id, self.installation_id
        )
    }
}

impl AppCredentials {
    /// `pem` is the key GitHub gives (PKCS#1 or PKCS#8). Literal `\n`
    /// sequences are accepted, as config vars often carry them.
    pub fn new(app_id: &str, installation_id: &str, pem: &str) -> Result<AppCredentials, AppKeyError> {
        let pem = pem.replace("\\n", "\n");
        let body: String = pem.lines().filter(|line| !line.starts_with("-----")).map(str::trim).collect();
        let der = STANDARD.decode(body).map_err(|e| AppKeyError::Unreadable(e.to_string()))?;
        let key = if pem.contains("BEGIN RSA PRIVATE KEY") {
            RsaKeyPair::from_der(&der)
        } else {
            RsaKeyPair::from_pkcs8(&der)
        }
        .map_err(|e| AppKeyError::Unreadable(e.to_string()))?;
        Ok(AppCredentials {
            app_id: app_id.to_owned(),
            installation_id: installation_id.to_owned(),
            key,
            token: Mutex::default(),
        })
    }

    /// The App's JWT: issued a minute in the past (clock drift), valid nine
    /// minutes (GitHub allows ten).
    pub fn jwt(&self, now: DateTime<Utc>) -> Result<String, AppKeyError> {
        let header = URL_SAFE_NO_PAD.encode(json!({"alg": "RS256", "typ": "JWT"}).to_string());
        let claims = json!({"iat": now.timestamp() - 60, "exp": now.timestamp() + 540, "iss": self.app_id});
        let signing_input = format!("{header}.{}", URL_SAFE_NO_PAD.encode(claims.to_string()));
        let mut signature = vec![0; self.key.public().modulus_len()];
        self.key
            .sign(&RSA_PKCS1_SHA256, &SystemRandom::new(), signing_input.as_bytes(), &mut signature)
            .map_err(|e| AppKeyError::Unreadable(e.to_string()))?;
        Ok(format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature)))
    }

    /// The cached installation token, if it is good for a while yet.
    pub fn cached_token(&self, now: DateTime<Utc>) -> Option<String> {
        let token = self.token.lock().unwrap_or_else(|p| p.into_inner());
        let renew_at = chrono::Duration::from_std(RENEW_BEFORE).unwrap_or_default();
        token.as_ref().filter(|(_, expires)| *expires - renew_at > now).map(|(token, _)| token.clone())
    }

    pub fn store_token(&self, token: String, expires_at: DateTime<Utc>) {
        *self.token.lock().unwrap_or_else(|p| p.into_inner()) = Some((token, expires_at));
    }

    pub fn forget_token(&self) {
        *self.token.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }
}

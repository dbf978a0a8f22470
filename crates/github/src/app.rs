//! GitHub App authentication: an RS256 JWT signed with the App's private
//! key buys an installation token (one hour); planbot renews it five
//! minutes before it expires, or at once if GitHub refuses it.

use std::fmt;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;

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
    key: EncodingKey,
    token: Mutex<Option<(SecretString, DateTime<Utc>)>>,
}

/// The claims GitHub reads: issued at, expires, and the App id.
#[derive(Serialize)]
struct Claims<'a> {
    iat: i64,
    exp: i64,
    iss: &'a str,
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
        let key =
            EncodingKey::from_rsa_pem(pem.trim().as_bytes()).map_err(|e| AppKeyError::Unreadable(e.to_string()))?;
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
        let claims = Claims { iat: now.timestamp() - 60, exp: now.timestamp() + 540, iss: &self.app_id };
        jsonwebtoken::encode(&Header::new(Algorithm::RS256), &claims, &self.key)
            .map_err(|e| AppKeyError::Unreadable(e.to_string()))
    }

    /// The cached installation token, if it is good for a while yet.
    pub fn cached_token(&self, now: DateTime<Utc>) -> Option<String> {
        let token = self.token.lock().unwrap_or_else(|p| p.into_inner());
        let renew_at = chrono::Duration::from_std(RENEW_BEFORE).unwrap_or_default();
        token
            .as_ref()
            .filter(|(_, expires)| *expires - renew_at > now)
            .map(|(token, _)| token.expose_secret().to_owned())
    }

    pub fn store_token(&self, token: String, expires_at: DateTime<Utc>) {
        *self.token.lock().unwrap_or_else(|p| p.into_inner()) = Some((SecretString::from(token), expires_at));
    }

    pub fn forget_token(&self) {
        *self.token.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }
}

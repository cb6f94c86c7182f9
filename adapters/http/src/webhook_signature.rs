//! The payment webhook's signature, in the style of Stripe's: the provider sends
//! `Flashsale-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>`, the MAC being over
//! `"<t>.<raw body>"` with the shared webhook secret. A request is genuine when one `v1` matches
//! (several may be sent while a secret is rotated; other keys such as `v0` are ignored),
//! compared in constant time, and `t` is within the tolerance of now, on either side, so a
//! captured request cannot be replayed later. The MAC covers the body's raw bytes, exactly as
//! received, before any parsing.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The header that carries the signature.
pub const SIGNATURE_HEADER: &str = "Flashsale-Signature";

/// The tolerance when none is configured: 5 minutes, as Stripe's.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

type HmacSha256 = Hmac<Sha256>;

/// The secret shared with the payment provider, keyed into HMAC-SHA256 once. Never printed.
#[derive(Clone)]
pub struct WebhookSecret(Arc<HmacSha256>);

/// A webhook secret that cannot sign anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum WebhookSecretError {
    /// The secret is empty (or blank).
    #[error("the webhook secret must not be empty")]
    Empty,
    /// HMAC refused the key.
    #[error("the webhook secret is not a usable HMAC key")]
    InvalidKey,
}

impl WebhookSecret {
    /// Keys HMAC-SHA256 with `secret`.
    ///
    /// # Errors
    /// [`WebhookSecretError`] when the secret is blank (or HMAC refuses it, which it does for no
    /// length).
    pub fn new(secret: impl AsRef<[u8]>) -> Result<Self, WebhookSecretError> {
        let secret = secret.as_ref();
        if secret.iter().all(u8::is_ascii_whitespace) {
            return Err(WebhookSecretError::Empty);
        }
        let mac = <HmacSha256 as Mac>::new_from_slice(secret)
            .map_err(|_| WebhookSecretError::InvalidKey)?;
        Ok(Self(Arc::new(mac)))
    }

    fn mac(&self) -> HmacSha256 {
        HmacSha256::clone(&self.0)
    }
}

impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebhookSecret(***)")
    }
}

/// How payment webhooks are checked.
#[derive(Debug, Clone)]
pub struct WebhookSettings {
    /// The shared secret.
    pub secret: WebhookSecret,
    /// Most a signature's timestamp may differ from now, either way.
    pub tolerance: Duration,
}

/// Why a webhook's signature is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// No signature header.
    #[error("the {SIGNATURE_HEADER} header is missing")]
    Missing,
    /// The header is not `t=<unix seconds>,v1=<hex>`.
    #[error("the {SIGNATURE_HEADER} header is malformed: {0}")]
    Malformed(&'static str),
    /// No `v1` matches the body and timestamp.
    #[error("no v1 signature matches the timestamp and the body")]
    Mismatch,
    /// The timestamp is too far from now.
    #[error(
        "the signature's timestamp {timestamp} is more than {tolerance_secs} s from now ({now})"
    )]
    OutsideTolerance {
        /// The signed timestamp, in Unix seconds.
        timestamp: i64,
        /// Now, in Unix seconds.
        now: i64,
        /// The tolerance, in seconds.
        tolerance_secs: u64,
    },
}

/// The signature header's parts.
struct Parsed {
    timestamp: i64,
    macs: Vec<Vec<u8>>,
}

fn parse(header: &str) -> Result<Parsed, SignatureError> {
    let mut timestamp = None;
    let mut macs = Vec::new();
    for part in header.split(',') {
        let Some((key, value)) = part.trim().split_once('=') else {
            return Err(SignatureError::Malformed("expected key=value pairs"));
        };
        match key {
            "t" => {
                let secs = value
                    .parse::<i64>()
                    .map_err(|_| SignatureError::Malformed("t is not whole Unix seconds"))?;
                timestamp = Some(secs);
            }
            "v1" => macs
                .push(hex::decode(value).map_err(|_| SignatureError::Malformed("v1 is not hex"))?),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed("no t"))?;
    if macs.is_empty() {
        return Err(SignatureError::Malformed("no v1"));
    }
    Ok(Parsed { timestamp, macs })
}

fn signed_payload(mac: &mut HmacSha256, timestamp: i64, body: &[u8]) {
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
}

impl WebhookSettings {
    /// Checks `header` (the signature header's value, if any) against the raw `body` at `now`
    /// (Unix seconds).
    ///
    /// # Errors
    /// [`SignatureError`] saying why the request is not taken as the provider's.
    pub fn verify(
        &self,
        header: Option<&str>,
        body: &[u8],
        now: i64,
    ) -> Result<(), SignatureError> {
        let parsed = parse(header.ok_or(SignatureError::Missing)?)?;
        let genuine = parsed.macs.iter().any(|candidate| {
            let mut mac = self.secret.mac();
            signed_payload(&mut mac, parsed.timestamp, body);
            mac.verify_slice(candidate).is_ok()
        });
        if !genuine {
            return Err(SignatureError::Mismatch);
        }
        let tolerance_secs = self.tolerance.as_secs();
        if parsed.timestamp.abs_diff(now) > tolerance_secs {
            return Err(SignatureError::OutsideTolerance {
                timestamp: parsed.timestamp,
                now,
                tolerance_secs,
            });
        }
        Ok(())
    }
}

/// The signature header's value for `body` sent at `timestamp` (Unix seconds), as a payment
/// provider computes it: for tests, tools and the docs' examples.
pub fn sign_webhook(secret: &WebhookSecret, timestamp: i64, body: &[u8]) -> String {
    let mut mac = secret.mac();
    signed_payload(&mut mac, timestamp, body);
    format!(
        "t={timestamp},v1={}",
        hex::encode(mac.finalize().into_bytes())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &[u8] = br#"{"orderId":"o1","paymentId":"pi_1"}"#;
    const NOW: i64 = 1_800_000_000;

    fn settings() -> WebhookSettings {
        WebhookSettings {
            secret: WebhookSecret::new("whsec_test").expect("a usable secret"),
            tolerance: DEFAULT_TOLERANCE,
        }
    }

    #[test]
    fn a_signature_over_the_timestamp_and_the_raw_body_is_accepted() {
        let header = sign_webhook(&settings().secret, NOW, BODY);
        assert!(header.starts_with(&format!("t={NOW},v1=")));
        assert_eq!(settings().verify(Some(&header), BODY, NOW), Ok(()));
    }

    #[test]
    fn the_signature_matches_an_independent_hmac_sha256() {
        // printf '%s' '1800000000.{"orderId":"o1","paymentId":"pi_1"}' |
        //     openssl dgst -sha256 -hmac whsec_test
        // as the README's example computes it.
        let header = sign_webhook(&settings().secret, NOW, BODY);
        assert_eq!(
            header,
            "t=1800000000,v1=793525af3319828977415b95e3f64d2b092163208f8e545035707e8c1d65df06"
        );
    }

    #[test]
    fn another_body_secret_or_timestamp_is_a_mismatch() {
        let header = sign_webhook(&settings().secret, NOW, BODY);
        let other_body = br#"{"orderId":"o2","paymentId":"pi_1"}"#;
        assert_eq!(
            settings().verify(Some(&header), other_body, NOW),
            Err(SignatureError::Mismatch)
        );
        let guess = WebhookSecret::new("guess").expect("a usable secret");
        let forged = sign_webhook(&guess, NOW, BODY);
        assert_eq!(
            settings().verify(Some(&forged), BODY, NOW),
            Err(SignatureError::Mismatch)
        );
        let moved = header.replace(&format!("t={NOW}"), &format!("t={}", NOW + 1));
        assert_eq!(
            settings().verify(Some(&moved), BODY, NOW),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn a_timestamp_beyond_the_tolerance_either_way_is_refused() {
        for at in [NOW - 301, NOW + 301] {
            let header = sign_webhook(&settings().secret, at, BODY);
            assert!(matches!(
                settings().verify(Some(&header), BODY, NOW),
                Err(SignatureError::OutsideTolerance { .. })
            ));
        }
        for at in [NOW - 300, NOW + 300] {
            let header = sign_webhook(&settings().secret, at, BODY);
            assert_eq!(settings().verify(Some(&header), BODY, NOW), Ok(()));
        }
    }

    #[test]
    fn any_matching_v1_is_enough_and_unknown_keys_are_ignored() {
        let good = sign_webhook(&settings().secret, NOW, BODY);
        let v1 = good
            .split_once(",v1=")
            .map(|(_, mac)| mac)
            .unwrap_or_default();
        let header = format!("t={NOW},v0=zz,v1={},v1={v1}", "00".repeat(32));
        assert_eq!(settings().verify(Some(&header), BODY, NOW), Ok(()));
    }

    #[test]
    fn missing_and_malformed_headers_are_told_apart() {
        assert_eq!(
            settings().verify(None, BODY, NOW),
            Err(SignatureError::Missing)
        );
        for bad in ["", "t=1", "v1=00", "t=x,v1=00", "t=1,v1=xyz", "garbage"] {
            assert!(
                matches!(
                    settings().verify(Some(bad), BODY, NOW),
                    Err(SignatureError::Malformed(_))
                ),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn a_blank_secret_is_refused() {
        for blank in ["", "  "] {
            assert_eq!(
                WebhookSecret::new(blank).err(),
                Some(WebhookSecretError::Empty)
            );
        }
    }

    #[test]
    fn the_secret_never_prints() {
        assert!(!format!("{:?}", settings()).contains("whsec_test"));
    }
}

//! The key layout. Every key of one product carries the product's hash tag `{product}`, so the
//! scripts that touch several of them run on one Redis Cluster slot; an idempotency record is
//! one key tagged with its buyer.

use std::net::IpAddr;

use flashsale_domain::{IdempotencyKey, ProductId, RequestId, UserId};

/// Builds key names under a prefix.
#[derive(Debug, Clone)]
pub struct Keys {
    prefix: String,
}

impl Keys {
    /// Keys under `prefix`, which must not contain `{` or `}` (they would break hash tags).
    ///
    /// # Errors
    /// A message when the prefix contains a brace.
    pub fn new(prefix: &str) -> Result<Self, String> {
        if prefix.contains(['{', '}']) {
            return Err(format!("the key prefix {prefix:?} must not contain braces"));
        }
        Ok(Self {
            prefix: prefix.to_owned(),
        })
    }

    /// Hash of the sale's rules and live stock: `stock`, `remaining`, `starts`, `ends`, `limit`.
    pub fn sale(&self, product: &ProductId) -> String {
        format!("{}{{{product}}}:sale", self.prefix)
    }

    /// Hash of buyers holding units: user → `request:quantity`.
    pub fn buyers(&self, product: &ProductId) -> String {
        format!("{}{{{product}}}:buyers", self.prefix)
    }

    /// Hash of reservations not yet settled: request → `user:quantity:reserved_at_ms`.
    pub fn in_flight(&self, product: &ProductId) -> String {
        format!("{}{{{product}}}:inflight", self.prefix)
    }

    /// Hash of reservations released because their publish failed: request → `user:quantity`.
    pub fn withdrawn(&self, product: &ProductId) -> String {
        format!("{}{{{product}}}:withdrawn", self.prefix)
    }

    /// Set of the additions of units applied to the sale (`lua/add_units.lua`), by restock id.
    pub fn restocks(&self, product: &ProductId) -> String {
        format!("{}{{{product}}}:restocks", self.prefix)
    }

    /// Marks a request cancelled after its reserve answer was lost (`lua/release.lua`); a
    /// reserve for it refuses (`lua/reserve.lua`).
    pub fn cancelled(&self, product: &ProductId, request: &RequestId) -> String {
        format!("{}{{{product}}}:cancelled:{request}", self.prefix)
    }

    /// A buyer's latest final request for a product.
    pub fn latest_request(&self, product: &ProductId, user: &UserId) -> String {
        format!("{}{{{product}}}:latest:{user}", self.prefix)
    }

    /// A client address's token bucket for one product.
    pub fn client_bucket(&self, product: &ProductId, ip: Option<&IpAddr>) -> String {
        match ip {
            Some(ip) => format!("{}{{{product}}}:rate:ip:{ip}", self.prefix),
            // Never drawn from: lua/reserve.lua skips the client bucket of an unknown address.
            None => format!("{}{{{product}}}:rate:ip:unknown", self.prefix),
        }
    }

    /// A buyer's token bucket for one product.
    pub fn buyer_bucket(&self, product: &ProductId, user: &UserId) -> String {
        format!("{}{{{product}}}:rate:user:{user}", self.prefix)
    }

    /// The pub/sub channel announcing products whose units came back (a release, a load).
    pub fn stock_returned_channel(&self) -> String {
        format!("{}stock-returned", self.prefix)
    }

    /// A buyer's idempotency record for one key, tagged with the buyer (`{idem:user}`): one
    /// key per record, and a buyer's keys on one slot.
    pub fn idempotency(&self, user: &UserId, key: &IdempotencyKey) -> String {
        format!("{}{{idem:{user}}}:{key}", self.prefix)
    }

    /// A lease by name (`lua/lease.lua`): one key, tagged with the lease.
    pub fn lease(&self, name: &str) -> String {
        format!("{}{{lease:{name}}}", self.prefix)
    }

    /// A purchase result, by request, under [`Self::purchase_tag`].
    pub fn purchase(&self, request: &RequestId) -> String {
        format!(
            "{}{{{}}}:purchase:{request}",
            self.prefix,
            self.purchase_tag(request)
        )
    }

    /// The hash tag of a purchase result: its product's, when the request id names it (as the
    /// ids the service makes do), so a product's results and latest pointers share one slot;
    /// else the request's own.
    pub fn purchase_tag(&self, request: &RequestId) -> String {
        match request.product() {
            Some(product) => product.to_string(),
            None => format!("request:{request}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot_tag(key: &str) -> &str {
        let open = key.find('{').expect("has a tag");
        let close = key[open..].find('}').expect("closed") + open;
        &key[open + 1..close]
    }

    #[test]
    fn every_key_of_a_product_shares_its_hash_tag() {
        let keys = Keys::new("fs:").expect("valid");
        let product = ProductId::parse("phone").expect("valid");
        let user = UserId::parse("alice").expect("valid");
        let ip: IpAddr = "::1".parse().expect("valid");
        for key in [
            keys.sale(&product),
            keys.buyers(&product),
            keys.in_flight(&product),
            keys.withdrawn(&product),
            keys.restocks(&product),
            keys.latest_request(&product, &user),
            keys.client_bucket(&product, Some(&ip)),
            keys.client_bucket(&product, None),
            keys.buyer_bucket(&product, &user),
            keys.purchase(&RequestId::for_product(&product, &"a".repeat(32)).expect("valid")),
        ] {
            assert!(key.starts_with("fs:"));
            assert_eq!(slot_tag(&key), "phone", "{key}");
        }
    }

    #[test]
    fn a_prefix_with_braces_is_refused() {
        assert!(Keys::new("a{b").is_err());
    }
}

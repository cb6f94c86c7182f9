//! A sale's buyer markers (who holds units, by which request), kept compact: a sale may have
//! millions of buyers, and an in-memory gate keeps every marker for the sale's life.
//!
//! A request id made by [`RequestId::for_product`] for the sale's own product is kept as the 16
//! bytes of its unique part; any other request id (a client's own) as its text, on the side.

use std::collections::HashMap;

use crate::{ProductId, Quantity, RequestId, UserId};

/// Bytes in the unique part of a request id made for a product (32 hex digits).
const UNIQUE_BYTES: usize = 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Held {
    /// The request's unique part, or `None` when its text is in [`Holders::texts`].
    unique: Option<[u8; UNIQUE_BYTES]>,
    quantity: Quantity,
}

/// Every buyer holding units of one sale, each with the request holding them.
#[derive(Debug, Clone)]
pub(crate) struct Holders {
    product: ProductId,
    /// `"<product>."`: what a request id made for this product starts with.
    prefix: Box<str>,
    held: HashMap<Box<str>, Held>,
    /// Request ids not made for this product, by buyer (rare).
    texts: HashMap<Box<str>, RequestId>,
}

impl Holders {
    /// No buyers of `product` yet.
    pub(crate) fn new(product: &ProductId) -> Self {
        Self {
            product: product.clone(),
            prefix: format!("{product}.").into_boxed_str(),
            held: HashMap::new(),
            texts: HashMap::new(),
        }
    }

    /// The request's unique part as bytes, when it was made for this product.
    fn unique_of(&self, request: &RequestId) -> Option<[u8; UNIQUE_BYTES]> {
        let unique = request.as_str().strip_prefix(&*self.prefix)?;
        let lower_hex = |b: u8| b.is_ascii_digit() || (b'a'..=b'f').contains(&b);
        if unique.len() != 2 * UNIQUE_BYTES || !unique.bytes().all(lower_hex) {
            return None;
        }
        u128::from_str_radix(unique, 16).ok().map(u128::to_be_bytes)
    }

    /// Number of buyers holding units.
    pub(crate) fn len(&self) -> usize {
        self.held.len()
    }

    /// Whether `user` holds units.
    pub(crate) fn contains(&self, user: &UserId) -> bool {
        self.held.contains_key(user.as_str())
    }

    /// The units `user` holds, when `request` is the request holding them.
    pub(crate) fn held_by(&self, user: &UserId, request: &RequestId) -> Option<Quantity> {
        let held = self.held.get(user.as_str())?;
        let same = match held.unique {
            Some(unique) => self.unique_of(request) == Some(unique),
            None => self.texts.get(user.as_str()) == Some(request),
        };
        same.then_some(held.quantity)
    }

    /// The request holding `user`'s units, if they hold any.
    pub(crate) fn request_of(&self, user: &UserId) -> Option<RequestId> {
        let held = self.held.get(user.as_str())?;
        match held.unique {
            // Cannot fail: 32 lowercase hex digits after a product id that was valid.
            Some(unique) => RequestId::for_product(
                &self.product,
                &format!("{:032x}", u128::from_be_bytes(unique)),
            )
            .ok(),
            None => self.texts.get(user.as_str()).cloned(),
        }
    }

    /// Marks `user` as holding `quantity` by `request`, replacing what they held.
    pub(crate) fn insert(&mut self, user: &UserId, request: &RequestId, quantity: Quantity) {
        let unique = self.unique_of(request);
        if unique.is_none() {
            self.texts.insert(user.as_str().into(), request.clone());
        } else {
            self.texts.remove(user.as_str());
        }
        self.held
            .insert(user.as_str().into(), Held { unique, quantity });
    }

    /// Removes `user`'s marker, with the units it held.
    pub(crate) fn remove(&mut self, user: &UserId) -> Option<Quantity> {
        self.texts.remove(user.as_str());
        self.held.remove(user.as_str()).map(|held| held.quantity)
    }

    /// Units held by all buyers together.
    pub(crate) fn units(&self) -> u64 {
        self.held
            .values()
            .map(|held| u64::from(held.quantity.get()))
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phone() -> ProductId {
        ProductId::parse("phone").expect("valid")
    }

    fn user(id: &str) -> UserId {
        UserId::parse(id).expect("valid")
    }

    #[test]
    fn a_request_made_for_the_product_and_a_clients_own_are_both_given_back_as_they_were() {
        let mut holders = Holders::new(&phone());
        let made =
            RequestId::for_product(&phone(), "00a2f3a4b5c6d7e8f90112233445566a").expect("valid");
        let own = RequestId::parse("my-own-id").expect("valid");
        let other_product = RequestId::for_product(
            &ProductId::parse("tablet").expect("valid"),
            "ffffffffffffffffffffffffffffffff",
        )
        .expect("valid");
        let two = Quantity::new(2).expect("valid");
        holders.insert(&user("a"), &made, Quantity::ONE);
        holders.insert(&user("b"), &own, two);
        holders.insert(&user("c"), &other_product, Quantity::ONE);
        assert_eq!(holders.request_of(&user("a")), Some(made.clone()));
        assert_eq!(holders.request_of(&user("b")), Some(own.clone()));
        assert_eq!(holders.request_of(&user("c")), Some(other_product));
        assert_eq!(holders.held_by(&user("a"), &made), Some(Quantity::ONE));
        assert_eq!(holders.held_by(&user("b"), &own), Some(two));
        assert_eq!(holders.held_by(&user("a"), &own), None);
        assert_eq!(holders.held_by(&user("b"), &made), None);
        assert_eq!((holders.len(), holders.units()), (3, 4));
    }

    #[test]
    fn a_marker_replaced_or_removed_leaves_nothing_of_the_old_request() {
        let mut holders = Holders::new(&phone());
        let own = RequestId::parse("my-own-id").expect("valid");
        let made =
            RequestId::for_product(&phone(), "0123456789abcdef0123456789abcdef").expect("valid");
        holders.insert(&user("a"), &own, Quantity::ONE);
        holders.insert(&user("a"), &made, Quantity::ONE);
        assert_eq!(holders.held_by(&user("a"), &own), None);
        assert_eq!(holders.request_of(&user("a")), Some(made));
        assert_eq!(holders.remove(&user("a")), Some(Quantity::ONE));
        assert!(!holders.contains(&user("a")));
        assert!(holders.texts.is_empty());
        assert_eq!(holders.remove(&user("a")), None);
    }

    #[test]
    fn upper_case_hex_is_kept_as_text_so_it_comes_back_unchanged() {
        let mut holders = Holders::new(&phone());
        let upper = RequestId::parse("phone.0123456789ABCDEF0123456789ABCDEF").expect("valid");
        holders.insert(&user("a"), &upper, Quantity::ONE);
        assert_eq!(holders.request_of(&user("a")), Some(upper));
    }
}

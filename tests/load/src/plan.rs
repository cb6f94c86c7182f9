//! Which buyer asks for which product: request `i` goes to user `i % users` and product
//! `(i % users + i / users) % products`. Consecutive requests spread over buyers and products,
//! and a buyer meets every product once before asking for one again.

/// The (user, product) of request `i`.
pub fn pair(i: u64, users: u32, products: u32) -> (u32, u32) {
    let users = u64::from(users.max(1));
    let products = u64::from(products.max(1));
    let user = i % users;
    let round = i / users;
    let product = (user + round) % products;
    // Both are below a u32 bound by construction.
    (user as u32, product as u32)
}

#[cfg(test)]
mod tests {
    use super::pair;
    use std::collections::HashSet;

    #[test]
    fn no_pair_repeats_before_every_user_met_every_product() {
        let mut seen = HashSet::new();
        for i in 0..(6 * 4) {
            assert!(seen.insert(pair(i, 6, 4)), "request {i}");
        }
    }

    #[test]
    fn one_product_means_one_request_per_user_per_round() {
        assert_eq!(pair(0, 3, 1), (0, 0));
        assert_eq!(pair(4, 3, 1), (1, 0));
    }
}

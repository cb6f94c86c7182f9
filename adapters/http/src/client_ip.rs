//! The client's address: the socket peer, or a configured proxy header when one is trusted.

use std::net::IpAddr;

use poem::Request;

/// The address rate limits apply to. With `trusted_header` set (e.g. `x-forwarded-for`), the
/// right-most address in it wins: the one the trusted proxy in front of us appended. Without
/// it, or when the header is absent or unparsable, the socket peer.
pub fn client_ip(req: &Request, trusted_header: Option<&str>) -> Option<IpAddr> {
    let from_header = trusted_header
        .and_then(|name| req.headers().get(name))
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.rsplit(',').next())
        .and_then(|last| last.trim().parse::<IpAddr>().ok());
    from_header.or_else(|| req.remote_addr().as_socket_addr().map(|addr| addr.ip()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(header: Option<&str>) -> Request {
        let mut builder = Request::builder();
        if let Some(value) = header {
            builder = builder.header("x-forwarded-for", value);
        }
        builder.finish()
    }

    #[test]
    fn the_header_is_ignored_unless_trusted() {
        assert_eq!(client_ip(&request(Some("1.2.3.4")), None), None);
    }

    #[test]
    fn the_right_most_forwarded_address_wins_when_trusted() {
        let ip = client_ip(&request(Some("9.9.9.9, 1.2.3.4")), Some("x-forwarded-for"));
        assert_eq!(ip, "1.2.3.4".parse().ok());
    }

    #[test]
    fn a_garbled_header_falls_back_to_the_peer() {
        assert_eq!(
            client_ip(&request(Some("nonsense")), Some("x-forwarded-for")),
            None
        );
    }
}

//! How an id column comes back from the database: as bytes (MySQL: its binary collation makes
//! the server flag it BINARY, which sqlx refuses to decode as `String`) or as text (SQLite).

use std::borrow::Cow;
use std::string::FromUtf8Error;

/// An id column as decoded: `Vec<u8>` or `String`.
pub trait IdColumn {
    /// The id's text, checked to be UTF-8 where it was read as bytes.
    ///
    /// # Errors
    /// The bytes are not UTF-8.
    fn to_text(&self) -> Result<String, FromUtf8Error>;

    /// The id's text for an error message, any bytes that are not UTF-8 replaced.
    fn lossy(&self) -> Cow<'_, str>;
}

impl IdColumn for String {
    fn to_text(&self) -> Result<String, FromUtf8Error> {
        Ok(self.clone())
    }

    fn lossy(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

impl IdColumn for Vec<u8> {
    fn to_text(&self) -> Result<String, FromUtf8Error> {
        String::from_utf8(self.clone())
    }

    fn lossy(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_must_be_utf8_and_text_always_is() {
        assert_eq!(b"p1".to_vec().to_text(), Ok("p1".to_owned()));
        assert!(vec![b'p', 0xff].to_text().is_err());
        assert_eq!(vec![b'p', 0xff].lossy(), "p\u{fffd}");
        assert_eq!("p1".to_owned().to_text(), Ok("p1".to_owned()));
        assert_eq!("p1".to_owned().lossy(), "p1");
    }
}

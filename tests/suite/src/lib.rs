//! Cross-crate test suites; the tests live in `tests/`. This library is empty on purpose.

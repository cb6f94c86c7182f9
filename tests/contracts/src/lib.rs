//! Port contract tests, written once and run against every adapter that implements a port.

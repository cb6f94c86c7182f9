//! The flashsale binary.
fn main() {}

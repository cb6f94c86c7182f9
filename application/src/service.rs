//! The service that owns the adapters and exposes every use case as a method.

use crate::ports::{Adapters, Ports};

/// The flash-sale service, generic over one deployment's adapters.
///
/// Each use case is a method defined in its own module (`use_cases::*`).
pub struct FlashSale<P: Ports> {
    pub(crate) ports: Adapters<P>,
}

impl<P: Ports> FlashSale<P> {
    /// A service over these adapters.
    pub fn new(ports: Adapters<P>) -> Self {
        Self { ports }
    }

    /// The adapters, for wiring that needs one of them directly (a worker loop, a probe).
    pub fn ports(&self) -> &Adapters<P> {
        &self.ports
    }
}

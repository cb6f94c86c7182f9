//! The service that owns the adapters and exposes every use case as a method.

use flashsale_domain::PaymentWindow;

use crate::ports::{Adapters, Ports};
use crate::GateRetention;

/// The flash-sale service, generic over one deployment's adapters.
///
/// Each use case is a method defined in its own module (`use_cases::*`).
pub struct FlashSale<P: Ports> {
    pub(crate) ports: Adapters<P>,
    payment_window: PaymentWindow,
    gate_retention: GateRetention,
}

impl<P: Ports> FlashSale<P> {
    /// A service over these adapters.
    pub fn new(ports: Adapters<P>) -> Self {
        Self {
            ports,
            payment_window: PaymentWindow::default(),
            gate_retention: GateRetention::default(),
        }
    }

    /// The same service giving sales created without a payment window this one (the
    /// deployment's default; the domain's otherwise).
    pub fn with_payment_window(mut self, window: PaymentWindow) -> Self {
        self.payment_window = window;
        self
    }

    /// The same service letting the stock gate forget sales `retention` after their end.
    pub fn with_gate_retention(mut self, retention: GateRetention) -> Self {
        self.gate_retention = retention;
        self
    }

    /// How long after its end a sale stays in the stock gate.
    pub fn gate_retention(&self) -> GateRetention {
        self.gate_retention
    }

    /// The payment window of a sale created without one.
    pub fn default_payment_window(&self) -> PaymentWindow {
        self.payment_window
    }

    /// The adapters, for wiring that needs one of them directly (a worker loop, a probe).
    pub fn ports(&self) -> &Adapters<P> {
        &self.ports
    }
}

//! The embedded adapters with a sale catalog that counts its `list` calls and can be told to
//! fail, behind a test client: what shows whether a request queried the catalog.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use flashsale_application::ports::{
    CatalogError, OrderAudit, PortFailure, Restocked, SaleCatalog, SaleRecord, StockSnapshot,
};
use flashsale_application::{Adapters, FlashSale, Ports};
use flashsale_domain::{ProductId, Sale};
use flashsale_http::{app, SalesSnapshot};
use flashsale_memory::{embedded, Embedded, EmbeddedSettings};
use poem::endpoint::BoxEndpoint;
use poem::test::TestClient;
use poem::EndpointExt;

use crate::helpers::{settings, NO_RATE_LIMITS};

type Inner = <Embedded as Ports>::Catalog;

/// Delegates to the embedded catalog, counting `list` calls; fails them (and audits) while
/// `failing`.
#[derive(Clone)]
pub struct CountingCatalog {
    inner: Inner,
    lists: Arc<AtomicUsize>,
    failing: Arc<AtomicBool>,
}

impl SaleCatalog for CountingCatalog {
    async fn create(&self, sale: &Sale) -> Result<(), CatalogError> {
        self.inner.create(sale).await
    }

    async fn list(&self) -> Result<Vec<SaleRecord>, CatalogError> {
        self.lists.fetch_add(1, Ordering::SeqCst);
        if self.failing.load(Ordering::SeqCst) {
            return Err(CatalogError::Unavailable(PortFailure::new("told to fail")));
        }
        self.inner.list().await
    }

    async fn sale(&self, product: &ProductId) -> Result<Option<SaleRecord>, CatalogError> {
        self.inner.sale(product).await
    }

    async fn set_paused(&self, product: &ProductId, paused: bool) -> Result<bool, CatalogError> {
        self.inner.set_paused(product, paused).await
    }

    async fn set_window(
        &self,
        product: &ProductId,
        window: flashsale_domain::SaleWindow,
    ) -> Result<bool, CatalogError> {
        self.inner.set_window(product, window).await
    }

    async fn add_units(
        &self,
        product: &ProductId,
        units: u32,
        restock: &flashsale_domain::RestockId,
    ) -> Result<Restocked, CatalogError> {
        self.inner.add_units(product, units, restock).await
    }

    async fn snapshots(&self) -> Result<Vec<StockSnapshot>, CatalogError> {
        self.inner.snapshots().await
    }

    async fn audit(&self, product: &ProductId) -> Result<Option<OrderAudit>, CatalogError> {
        if self.failing.load(Ordering::SeqCst) {
            return Err(CatalogError::Unavailable(PortFailure::new("told to fail")));
        }
        self.inner.audit(product).await
    }
}

/// The embedded profile with the counting catalog.
pub struct Counted;

impl Ports for Counted {
    type Gate = <Embedded as Ports>::Gate;
    type Queue = <Embedded as Ports>::Queue;
    type Store = <Embedded as Ports>::Store;
    type Catalog = CountingCatalog;
    type Results = <Embedded as Ports>::Results;
    type Limiter = <Embedded as Ports>::Limiter;
    type Clock = <Embedded as Ports>::Clock;
    type Ids = <Embedded as Ports>::Ids;
    type Idempotency = <Embedded as Ports>::Idempotency;
}

pub struct CountedApp {
    pub client: TestClient<BoxEndpoint<'static, poem::Response>>,
    pub catalog: SalesSnapshot<Counted>,
    lists: Arc<AtomicUsize>,
    failing: Arc<AtomicBool>,
}

impl CountedApp {
    /// Calls of the catalog's `list` so far.
    pub fn lists(&self) -> usize {
        self.lists.load(Ordering::SeqCst)
    }

    /// Makes the catalog's `list` and `audit` fail (or answer again).
    pub fn fail_lists(&self, failing: bool) {
        self.failing.store(failing, Ordering::SeqCst);
    }
}

/// The counted service alone, for a snapshot made by the test.
pub fn counted_service() -> (Arc<FlashSale<Counted>>, Arc<AtomicUsize>, Arc<AtomicBool>) {
    let (adapters, _receiver) = embedded(&EmbeddedSettings {
        rate_limits: NO_RATE_LIMITS,
        queue_capacity: 100,
        publish_timeout: Duration::from_millis(50),
        idempotency: crate::helpers::KEY_TIMES,
    });
    let lists = Arc::new(AtomicUsize::new(0));
    let failing = Arc::new(AtomicBool::new(false));
    let adapters = Adapters::<Counted> {
        gate: adapters.gate,
        queue: adapters.queue,
        store: adapters.store,
        catalog: CountingCatalog {
            inner: adapters.catalog,
            lists: lists.clone(),
            failing: failing.clone(),
        },
        results: adapters.results,
        limiter: adapters.limiter,
        clock: adapters.clock,
        ids: adapters.ids,
        idempotency: adapters.idempotency,
    };
    (Arc::new(FlashSale::new(adapters)), lists, failing)
}

/// The whole app over the counted service, its snapshot made by `snapshot` (`start` or `new`).
pub fn spawn_counted_app(
    snapshot: fn(Arc<FlashSale<Counted>>, Duration) -> SalesSnapshot<Counted>,
) -> CountedApp {
    let (service, lists, failing) = counted_service();
    let settings = settings(None);
    let catalog = snapshot(service.clone(), settings.catalog_refresh);
    let endpoint = app(service, catalog.clone(), &settings);
    CountedApp {
        client: TestClient::new(endpoint.map_to_response().boxed()),
        catalog,
        lists,
        failing,
    }
}

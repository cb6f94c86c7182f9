//! The Redis result store: final records by request, plus each buyer's latest final request
//! per product, kept for a configured time. Pending purchases are not here: the stock gate's
//! in-flight record is their state.

use std::collections::BTreeMap;
use std::time::Duration;

use flashsale_application::ports::{ResultStore, ResultStoreError};
use flashsale_domain::{ProductId, Purchase, RequestId, UserId};
use futures_util::future::try_join_all;
use redis::AsyncCommands;

use crate::error::command_failed;
use crate::purchase_codec::{decode, encode};
use crate::scripts::SAVE_RESULT;
use crate::RedisPool;

/// Purchase results in Redis.
#[derive(Clone)]
pub struct RedisResultStore {
    redis: RedisPool,
    ttl_secs: u64,
}

impl RedisResultStore {
    /// A store keeping records for `ttl` (at least one second).
    pub fn new(redis: RedisPool, ttl: Duration) -> Self {
        Self {
            redis,
            ttl_secs: ttl.as_secs().max(1),
        }
    }

    /// `lua/save_result.lua` per record (the first final state wins, but for the one record
    /// it supersedes, named in full), and the buyer's latest request: one pipeline per hash
    /// slot (a Redis Cluster refuses a pipeline across slots), each loading the script first (a
    /// Redis that restarted has forgotten it). A product's records and latest pointers share
    /// its slot, so a batch costs one pipeline per product.
    fn pipelines(&self, purchases: &[&Purchase]) -> Vec<redis::Pipeline> {
        let keys = self.redis.keys();
        let mut by_slot: BTreeMap<String, redis::Pipeline> = BTreeMap::new();
        for purchase in purchases {
            let replaceable = purchase
                .superseded_failure()
                .map(|failure| encode(&failure))
                .unwrap_or_default();
            let mut invocation = SAVE_RESULT.prepare_invoke();
            invocation
                .key(keys.purchase(&purchase.request_id))
                .arg(encode(purchase))
                .arg(self.ttl_secs)
                .arg(replaceable);
            pipeline_of(&mut by_slot, keys.purchase_tag(&purchase.request_id))
                .invoke_script(&invocation)
                .ignore();
            let latest = keys.latest_request(&purchase.product_id, &purchase.user_id);
            pipeline_of(&mut by_slot, purchase.product_id.to_string())
                .set_ex(latest, purchase.request_id.as_str(), self.ttl_secs)
                .ignore();
        }
        by_slot.into_values().collect()
    }
}

/// The pipeline of the slot of hash tag `tag`, begun with loading the script.
fn pipeline_of(
    by_slot: &mut BTreeMap<String, redis::Pipeline>,
    tag: String,
) -> &mut redis::Pipeline {
    by_slot.entry(tag).or_insert_with(|| {
        let mut pipe = redis::pipe();
        pipe.load_script(&SAVE_RESULT).ignore();
        pipe
    })
}

/// A command's failure while doing `context`: `Unavailable`.
fn failed(context: &'static str) -> impl FnOnce(redis::RedisError) -> ResultStoreError {
    move |error| ResultStoreError::Unavailable(command_failed(context, error))
}

impl ResultStore for RedisResultStore {
    async fn save(&self, purchases: &[Purchase]) -> Result<(), ResultStoreError> {
        let finals: Vec<&Purchase> = purchases.iter().filter(|p| p.is_final()).collect();
        if finals.is_empty() {
            return Ok(());
        }
        let pipelines = self.pipelines(&finals);
        try_join_all(pipelines.iter().map(|pipe| async move {
            let mut connection = self
                .redis
                .connection()
                .await
                .map_err(ResultStoreError::Unavailable)?;
            pipe.query_async::<()>(&mut *connection)
                .await
                .map_err(failed("saving results"))
        }))
        .await
        .map(drop)
    }

    async fn find(&self, request_id: &RequestId) -> Result<Option<Purchase>, ResultStoreError> {
        let mut connection = self
            .redis
            .connection()
            .await
            .map_err(ResultStoreError::Unavailable)?;
        let stored: Option<String> = connection
            .get(self.redis.keys().purchase(request_id))
            .await
            .map_err(failed("reading a result"))?;
        Ok(stored.as_deref().and_then(decode))
    }

    async fn find_for_buyer(
        &self,
        user_id: &UserId,
        product_id: &ProductId,
    ) -> Result<Option<Purchase>, ResultStoreError> {
        let latest: Option<String> = {
            let mut connection = self
                .redis
                .connection()
                .await
                .map_err(ResultStoreError::Unavailable)?;
            connection
                .get(self.redis.keys().latest_request(product_id, user_id))
                .await
                .map_err(failed("reading a buyer's latest request"))?
        };
        match latest.and_then(|id| RequestId::parse(id).ok()) {
            Some(request_id) => self.find(&request_id).await,
            None => Ok(None),
        }
    }
}

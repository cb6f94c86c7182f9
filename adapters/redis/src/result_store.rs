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

    /// One `lua/save_result.lua` call per hash slot (a Redis Cluster refuses a script whose
    /// keys span slots): the slot's records (the first final state wins, but for the one
    /// record it supersedes, named in full) and buyers' latest requests. A product's records
    /// and latest pointers share its slot, so a batch costs one call per product, each in a
    /// pipeline that loads the script first (a Redis that restarted has forgotten it); there a
    /// pointer moves only with a stored record. A record of a request id that names no product
    /// lives in a slot of its own, and its buyer's pointer is always set.
    fn pipelines(&self, purchases: &[&Purchase]) -> Vec<redis::Pipeline> {
        let keys = self.redis.keys();
        let mut by_slot: BTreeMap<String, SlotWrites> = BTreeMap::new();
        for purchase in purchases {
            let replaceable = purchase
                .superseded_failure()
                .map(|failure| encode(&failure))
                .unwrap_or_default();
            let record_slot = keys.purchase_tag(&purchase.request_id);
            let latest = keys.latest_request(&purchase.product_id, &purchase.user_id);
            let request = purchase.request_id.as_str();
            let tied = record_slot == purchase.product_id.as_str();
            if !tied {
                by_slot
                    .entry(purchase.product_id.to_string())
                    .or_default()
                    .latest_always
                    .push((latest.clone(), request));
            }
            by_slot
                .entry(record_slot)
                .or_default()
                .records
                .push(RecordWrite {
                    key: keys.purchase(&purchase.request_id),
                    record: encode(purchase),
                    replaceable,
                    latest: tied.then_some(latest),
                    request,
                });
        }
        by_slot
            .into_values()
            .map(|writes| writes.pipeline(self.ttl_secs))
            .collect()
    }
}

/// One record `lua/save_result.lua` stores unless one is kept already.
struct RecordWrite<'a> {
    /// The purchase key.
    key: String,
    /// The encoded record.
    record: String,
    /// The encoded record it replaces, or empty.
    replaceable: String,
    /// Its buyer's latest-request key, when in the record's slot: set only if it is stored.
    latest: Option<String>,
    /// Its request id.
    request: &'a str,
}

/// What one `lua/save_result.lua` call writes in one hash slot.
#[derive(Default)]
struct SlotWrites<'a> {
    /// Records of this slot.
    records: Vec<RecordWrite<'a>>,
    /// Latest-request keys of records kept in other slots, with their request ids.
    latest_always: Vec<(String, &'a str)>,
}

impl SlotWrites<'_> {
    fn pipeline(self, ttl_secs: u64) -> redis::Pipeline {
        let tied: Vec<&String> = self
            .records
            .iter()
            .filter_map(|r| r.latest.as_ref())
            .collect();
        let mut invocation = SAVE_RESULT.prepare_invoke();
        invocation
            .arg(ttl_secs)
            .arg(self.records.len())
            .arg(tied.len());
        let mut tie = 0;
        for write in &self.records {
            let index = if write.latest.is_some() {
                tie += 1;
                tie
            } else {
                0
            };
            invocation
                .key(&write.key)
                .arg(&write.record)
                .arg(&write.replaceable)
                .arg(index)
                .arg(write.request);
        }
        for key in tied {
            invocation.key(key);
        }
        for (key, request) in &self.latest_always {
            invocation.key(key).arg(*request);
        }
        let mut pipe = redis::pipe();
        pipe.load_script(&SAVE_RESULT)
            .ignore()
            .invoke_script(&invocation)
            .ignore();
        pipe
    }
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

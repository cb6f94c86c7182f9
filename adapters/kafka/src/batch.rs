//! One batch taken from the orders topic: decoded reservations, rejects, and offsets to commit.

use std::collections::BTreeMap;

use flashsale_domain::Reservation;
use rdkafka::message::{BorrowedMessage, OwnedMessage};
use rdkafka::{Message, Offset, TopicPartitionList};

use crate::codec::{decode, DecodeError};

/// A message that is not a valid order, kept whole for the dead-letter topic.
pub(crate) struct Rejected {
    /// The original message: topic, partition, offset, key, payload.
    pub message: OwnedMessage,
    /// Why it was rejected.
    pub error: DecodeError,
}

/// Where a message was read: named in the headers of its dead letter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ReadAt {
    /// The topic.
    pub topic: String,
    /// The partition.
    pub partition: i32,
    /// The message's offset in it.
    pub offset: i64,
}

/// The messages of one `process_orders` call, in the order they were read.
#[derive(Default)]
pub(crate) struct Batch {
    /// Reservations to process.
    pub valid: Vec<Reservation>,
    /// Where each of `valid` was read, index for index.
    pub read_at: Vec<ReadAt>,
    /// Messages to dead-letter.
    pub rejected: Vec<Rejected>,
    /// The highest offset read, per topic and partition.
    last_offsets: BTreeMap<String, BTreeMap<i32, i64>>,
}

impl Batch {
    /// An empty batch with room for `capacity` reservations.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            valid: Vec::with_capacity(capacity),
            read_at: Vec::with_capacity(capacity),
            ..Self::default()
        }
    }

    /// Messages read, valid or not.
    pub fn len(&self) -> usize {
        self.valid.len() + self.rejected.len()
    }

    /// Whether nothing was read.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Decodes a message into the batch and remembers its offset.
    pub fn push(&mut self, message: &BorrowedMessage<'_>) {
        let partitions = match self.last_offsets.get_mut(message.topic()) {
            Some(partitions) => partitions,
            None => self
                .last_offsets
                .entry(message.topic().to_owned())
                .or_default(),
        };
        let last = partitions
            .entry(message.partition())
            .or_insert(message.offset());
        *last = (*last).max(message.offset());
        match decode(message.payload()) {
            Ok(reservation) => {
                self.valid.push(reservation);
                self.read_at.push(ReadAt {
                    topic: message.topic().to_owned(),
                    partition: message.partition(),
                    offset: message.offset(),
                });
            }
            Err(error) => self.rejected.push(Rejected {
                message: message.detach(),
                error,
            }),
        }
    }

    /// What to commit once the batch is processed: per partition, the offset after the last
    /// message read (the next one to consume).
    pub fn offsets_to_commit(&self) -> TopicPartitionList {
        let mut list = TopicPartitionList::new();
        for (topic, partitions) in &self.last_offsets {
            for (partition, last) in partitions {
                // Fails only for an invalid offset; `last + 1` of a read message never is.
                let _ = list.add_partition_offset(topic, *partition, Offset::Offset(last + 1));
            }
        }
        list
    }
}

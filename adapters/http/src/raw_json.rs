//! A JSON request body kept as the raw bytes received, for an operation that must check them
//! before parsing (the payment webhook's signature covers the exact bytes). Its OpenAPI
//! schema is `T`'s, so the document shows the JSON the operation expects; the handler parses
//! the bytes into `T` itself, after the check.

use std::marker::PhantomData;

use poem::{FromRequest, Request, RequestBody};
use poem_openapi::payload::{Json, ParsePayload, Payload};
use poem_openapi::registry::{MetaSchemaRef, Registry};
use poem_openapi::types::Type;

/// The raw bytes of a JSON body documented as `T`.
pub struct RawJson<T> {
    /// The body exactly as received.
    pub bytes: Vec<u8>,
    schema: PhantomData<fn() -> T>,
}

impl<T: Type> Payload for RawJson<T> {
    const CONTENT_TYPE: &'static str = <Json<T> as Payload>::CONTENT_TYPE;

    fn check_content_type(content_type: &str) -> bool {
        <Json<T> as Payload>::check_content_type(content_type)
    }

    fn schema_ref() -> MetaSchemaRef {
        T::schema_ref()
    }

    fn register(registry: &mut Registry) {
        T::register(registry);
    }
}

impl<T: Type> ParsePayload for RawJson<T> {
    const IS_REQUIRED: bool = true;

    async fn from_request(request: &Request, body: &mut RequestBody) -> poem::Result<Self> {
        Ok(Self {
            bytes: Vec::<u8>::from_request(request, body).await?,
            schema: PhantomData,
        })
    }
}

poem_openapi::impl_apirequest_for_payload!(RawJson<T>, T: Type);

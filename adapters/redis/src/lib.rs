//! Redis adapters: the Lua stock gate, the token-bucket rate limiter and the result store.

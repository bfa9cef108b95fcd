//! Integration tests of the engine through its public API.

mod kb;
mod smoke;

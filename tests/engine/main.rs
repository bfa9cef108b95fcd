//! Integration tests of the engine through its public API.

mod corpus;
mod readers;
mod smoke;

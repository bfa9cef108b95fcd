//! Integration tests of the engine through its public API.

mod corpus;
mod kb;
mod readers;
mod smoke;

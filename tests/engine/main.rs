//! Integration tests of the engine through its public API.

mod codes;
mod corpus;
mod forum;
mod kb;
mod readers;
mod redact;
mod share;
mod smoke;

//! Integration tests of the engine through its public API.

mod chunking;
mod codes;
mod corpus;
mod forum;
mod kb;
mod layers;
mod outcomes;
mod parts;
mod pastes;
mod readers;
mod redact;
mod share;
mod smoke;
mod timeline;

// Windows Update, CBS/DISM, event exports, archives.
mod archive;
mod cbs;
mod digest;
mod event;
mod windows_update;

// hostile: broken and hostile inputs (issue 17).
mod hostile;

// setup-logs: Windows Setup (Panther, Sysprep, setupapi, SetupDiag).
mod setup;

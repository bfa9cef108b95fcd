//! The page's custom hooks.

pub mod use_clipboard;
pub mod use_diagnose;
pub mod use_session_text;

pub use use_clipboard::{CopyState, use_clipboard};
pub use use_diagnose::use_diagnose;
pub use use_session_text::{saved_text, use_session_text};

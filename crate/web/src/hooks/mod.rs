//! The page's custom hooks.

pub mod use_clipboard;
pub mod use_diagnose;
pub mod use_focus;
pub mod use_history;
pub mod use_saved_progress;
pub mod use_session_text;
pub mod use_share_link;
pub mod use_window_drop;

pub use use_clipboard::{CopyState, use_clipboard};
pub use use_diagnose::use_diagnose;
pub use use_focus::{focus_id, use_focus};
pub use use_history::use_history;
pub use use_saved_progress::{SavedCase, forget_case, saved_case, use_saved_progress};
pub use use_session_text::{saved_text, use_session_text};
pub use use_share_link::{compose, page_base, use_share_link};
pub use use_window_drop::use_window_drop;

//! The page's components, one per file.

pub mod answers_list;
pub mod app;
pub mod command_line;
pub mod copy_box;
pub mod error_banner;
pub mod evidence;
pub mod file_picker;
pub mod findings_list;
pub mod forum_copy;
pub mod guide_view;
pub mod input_form;
pub mod log_place;
pub mod marked_text;
pub mod notes_list;
pub mod progress_bar;
pub mod question_card;
pub mod result_summary;
pub mod share_panel;
pub mod start_help;
pub mod step_card;
pub mod timeline_view;

pub use app::App;

//! The page's components, one per file.

pub mod answers_list;
pub mod app;
pub mod command_line;
pub mod error_banner;
pub mod evidence;
pub mod file_picker;
pub mod findings_list;
pub mod guide_view;
pub mod input_form;
pub mod notes_list;
pub mod progress_bar;
pub mod question_card;
pub mod result_summary;
pub mod step_card;

pub use app::App;

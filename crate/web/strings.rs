//! Every sentence the page's guide, start and evidence show or announce, in one place: a translation is this
//! one file. Plain constants for fixed text, small functions for text with numbers or names in it, so that a
//! translation can change the word order.

/// The site heading.
pub const TITLE: &str = "Why did the update fail?";
pub const LEAD: &str = "Paste the error or drop the setup logs. This page finds the line that explains the failure and walks you through the fix, step by step. Nothing leaves your computer.";
pub const FOOTER: &str =
    "setup-triage reads Windows setup and update logs in your browser. Every step cites its source.";

// The input form.
pub const PASTE_LABEL: &str = "Paste the error message or the log text";
pub const PASTE_HELP: &str = "For example the line from Windows Update's history, or a few lines of a setup log. It stays on this computer.";
/// Offered only where there is a keyboard with a Ctrl key (not on phones).
pub const PASTE_HELP_KEYS: &str = " Ctrl+Enter diagnoses.";
pub const PASTE_PLACEHOLDER: &str = "For example: …failed with error 0x80070643";
pub const DIAGNOSE: &str = "Diagnose";
pub const CHOOSE_FILES: &str = "Choose log files";
pub const DROP_HINT: &str = " or drop them here. They are read on this computer and never uploaded.";
pub const CHOSEN_FILES: &str = "Chosen files";
pub const REMOVE: &str = "Remove";
pub fn remove_file(name: &str) -> String {
    format!("Remove {name}")
}

// Examples and where the logs are.
pub const EXAMPLES_TITLE: &str = "Not sure what to paste? Try an example";
pub const EXAMPLE_ERROR: &str = "Try a pasted error";
pub const EXAMPLE_LOG: &str = "Try a small sample log";
pub const EXAMPLE_HINT: &str = "An example replaces what is in the box above, then diagnoses it.";
pub const WHERE_LOGS_TITLE: &str = "Where are my logs?";
pub const WHERE_LOGS_INTRO: &str = "Windows writes these logs. Copy a path, paste it into File Explorer's address bar, then choose or drop the newest file here.";

// The guide.
pub const GUIDE_HINT: &str = "Try one step at a time, safest first. After each one, say whether it fixed the problem.";
pub const DID_IT_FIX: &str = "Did that fix it?";
pub const YES: &str = "Yes, it's fixed";
pub const NO_NEXT: &str = "No, next step";
pub const NO_LAST: &str = "No";
pub const TRIED: &str = "Tried, did not fix it";
pub const FIXED_IT: &str = "Fixed it";
pub const NOT_YET: &str = "Not tried yet";
pub const SHOW_STEP: &str = "Show this step";
pub const SHOW_TRIED_STEP: &str = "Show what this step said";
pub const START_AGAIN: &str = "Start the steps again";
pub const FIRST: &str = "First: ";
pub const TO_UNDO: &str = "To undo: ";
pub const HOW_TO_TELL: &str = "How to tell it worked: ";
pub const SOURCES: &str = "Sources: ";
pub const TO_BE_SURE: &str = "To be sure: ";
pub const RUN_AGAIN: &str = "Run the update or installation once more to make sure it now completes.";
pub const EXHAUSTED: &str = "None of the steps fixed it";
pub const EXHAUSTED_HELP: &str = "Add more logs from the failed attempt (the setup or Windows Update logs named in the steps) and diagnose again: they may show a different cause.";
pub const LINK_TO_STEP: &str = "Copy a link to this step";
pub const LINK_TO_STEP_COPIED: &str = "Link to this step copied";
pub const LINK_COPIED: &str = "Link copied";
pub const COPY: &str = "Copy";
pub const COPIED: &str = "Copied";
pub const SELECT_AND_COPY: &str = "Select and copy";
pub const SCRIPT_NOTE: &str = "Type these lines one by one; there is no Copy button on purpose, because each line acts on what the line before it selected.";
pub const COMMENT_NOTE: &str = "A note, not a command";

pub fn step_of(i: usize, n: usize) -> String {
    format!("Step {i} of {n}")
}
pub fn did_step_fix(i: usize) -> String {
    format!("Did step {i} fix it?")
}
pub fn step_fixed_it(i: usize) -> String {
    format!("Step {i} fixed it")
}
pub fn copy_command(c: &str) -> String {
    format!("Copy the command: {c}")
}
pub fn link_to_step(i: usize) -> String {
    format!("the link to step {i}")
}
pub fn command_label(i: usize) -> String {
    format!("Command {i}")
}

// What the live region says after each action.
pub fn step_announcement(i: usize, n: usize, title: &str) -> String {
    format!("Step {i} of {n}: {title}")
}
pub fn fixed_announcement(i: usize) -> String {
    format!("Step {i} fixed it. Check that the update or installation now completes.")
}
pub fn question_announcement(text: &str) -> String {
    format!("Answer saved. Next question: {text}")
}
pub fn result_announcement(title: &str) -> String {
    format!("Diagnosis ready: {title}")
}

// Evidence.
pub const NEXT_ERROR: &str = "Next error";
pub const PREVIOUS_ERROR: &str = "Previous error";
pub fn error_of(i: usize, n: usize) -> String {
    format!("Error {i} of {n}")
}

// History and reload.
pub fn files_to_choose_again(names: &str) -> String {
    format!("Restored from before the reload. To read the logs again, choose them again: {names}.")
}

/// The pasted error of "Try a pasted error": Windows Update's history line for a failed .NET update.
pub const EXAMPLE_ERROR_TEXT: &str =
    "Security Update for Microsoft .NET Framework 3.5 SP1 (KB979906) failed with Windows Update error 0x643";

/// Where each kind of log is: (what writes it, the path to paste into File Explorer, a note).
pub const LOG_PLACES: &[(&str, &str, &str)] = &[
    (
        "Windows Update and Windows features (CBS)",
        r"C:\Windows\Logs\CBS\CBS.log",
        "Also CbsPersist_*.log in the same folder for older attempts.",
    ),
    (
        "DISM (repairing Windows, adding features)",
        r"C:\Windows\Logs\DISM\dism.log",
        "",
    ),
    (
        "Windows Update on Windows 10 and 11",
        "Get-WindowsUpdateLog",
        "Run this in PowerShell: it writes WindowsUpdate.log to your Desktop. On Windows 7 and 8.1 the log is C:\\Windows\\WindowsUpdate.log.",
    ),
    (
        "An upgrade to a new Windows version (Windows Setup)",
        r"C:\$WINDOWS.~BT\Sources\Panther",
        "setupact.log and setuperr.log; after a rollback, also C:\\$WINDOWS.~BT\\Sources\\Rollback.",
    ),
    (
        "An installer (.msi) or .NET Framework setup",
        "%TEMP%",
        "The newest MSI*.LOG, dd_*.log or \"Microsoft .NET Framework … Setup\" file there.",
    ),
    (
        "A driver or device",
        r"C:\Windows\INF\setupapi.dev.log",
        "",
    ),
];
pub const BACK_TO_ANSWER: &str = "Back to an earlier answer. The questions and the guide are as they were then.";
pub const ERRORS_IN_LOG: &str = "Errors in the log";
pub const ERROR_KEYS: &str = "Keys: N for the next error, P for the previous one.";
pub const TECHNICAL_DETAILS: &str = "Technical details";

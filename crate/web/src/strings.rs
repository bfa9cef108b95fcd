//! Every sentence the page's guide, start and evidence show or announce, in one place: a translation is this
//! one file. Plain constants for fixed text, small functions for text with numbers or names in it, so that a
//! translation can change the word order.

/// The site heading.
pub const TITLE: &str = "Why did the update fail?";
pub const LEAD: &str = "Paste the error or drop the setup logs. This page finds the line that explains the failure and walks you through the fix, step by step. Nothing leaves your computer.";
pub const FOOTER: &str = "setup-triage reads Windows setup and update logs in your browser. Every step cites its source.";

// The input form.
pub const PASTE_LABEL: &str = "Paste the error message or the log text";
pub const PASTE_HELP: &str = "For example the line from Windows Update's history, or a few lines of a setup log. It stays on this computer.";
/// Offered only where there is a keyboard with a Ctrl key (not on phones).
pub const PASTE_HELP_KEYS: &str = " Ctrl+Enter diagnoses.";
pub const PASTE_PLACEHOLDER: &str = "For example: …failed with error 0x80070643";
pub const DIAGNOSE: &str = "Diagnose";
pub const CHOOSE_FILES: &str = "Choose log files";
pub const DROP_HINT: &str =
    " or drop them here. They are read on this computer and never uploaded.";
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
pub const GUIDE_HINT: &str =
    "Try one step at a time, safest first. After each one, say whether it fixed the problem.";
pub const DID_IT_FIX: &str = "Did that fix it?";
pub const YES: &str = "Yes, it's fixed";
pub const NO_NEXT: &str = "No, next step";
pub const NO_LAST: &str = "No";
pub const TRIED: &str = "Tried, did not fix it";
pub const FIXED_IT: &str = "Fixed it";
pub const SHOW_STEP: &str = "Show this step";
pub const SHOW_TRIED_STEP: &str = "Show what this step said";
pub const START_AGAIN: &str = "Start the steps again";
pub const FIRST: &str = "First: ";
pub const TO_UNDO: &str = "To undo: ";
pub const HOW_TO_TELL: &str = "How to tell it worked: ";
pub const SOURCES: &str = "Sources: ";
pub const TO_BE_SURE: &str = "To be sure: ";
pub const RUN_AGAIN: &str =
    "Run the update or installation once more to make sure it now completes.";
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
pub fn step_fixed_it(i: usize) -> String {
    format!("Step {i} fixed it")
}
pub fn copy_command(c: &str) -> String {
    format!("Copy the command: {c}")
}
pub fn link_to_step(i: usize) -> String {
    format!("the link to step {i}")
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
pub const EXAMPLE_ERROR_TEXT: &str = "Security Update for Microsoft .NET Framework 3.5 SP1 (KB979906) failed with Windows Update error 0x643";

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
    ("A driver or device", r"C:\Windows\INF\setupapi.dev.log", ""),
];
pub const BACK_TO_ANSWER: &str =
    "Back to an earlier answer. The questions and the guide are as they were then.";
pub const ERRORS_IN_LOG: &str = "Errors in the log";
pub const ERROR_KEYS: &str = "Keys: N for the next error, P for the previous one.";
pub const TECHNICAL_DETAILS: &str = "Technical details";

// The components' other sentences, one section per component.
pub const WELCOME_BACK: &str =
    "Welcome back: your answers and how far you got with the steps were kept on this computer.";
pub const COMPOSING_HELP: &str = "Answer each question as the person you are helping would. The guide follows your answers; at the end, share it as a link or copy it for a forum.";
pub const COMPOSE_QUESTIONS_HINT: &str =
    "Answer as the person you are helping would. Each answer picks the right steps.";
pub const QUESTIONS_HINT: &str = "The input does not say. Your answer picks the right steps.";

// page
pub const COMPOSE: &str = "Compose a guide without logs";
pub const COMPOSE_HINT: &str =
    " (for helpers: answer the questions yourself, then share the guide)";
pub const CLEAR_AND_START_OVER: &str = "Clear and start over";
pub const COMPOSING_TITLE: &str = "Composing a guide without logs";
pub const OPENED_FROM_LINK: &str = "Opened from a share link. Only the facts below and the one line that explains the failure were shared, not the logs.";
pub const QUESTIONS_TITLE: &str = "A question or two";

// answers
pub const YOUR_ANSWERS: &str = "Your answers";
/// Between an answer and its Change button (a separator, kept here so a translation can drop it).
pub const SPACE: &str = " ";
pub const CHANGE: &str = "Change";

// result
pub const HOW_SURE: &str = "How sure: ";
pub const THE_CAUSE: &str = "The cause";
pub const NO_CAUSE_LINE: &str =
    "No line in the input says why. The guide below starts with the steps that help in most cases.";
pub const ERROR_CODES: &str = "Error codes";
pub const WHAT_THE_INPUT_SAYS: &str = "What the input says";

// share
pub const SHARE_TITLE: &str = "Share this guide";
pub const SHARE_HELP: &str = "Someone helping you, on a forum or by e-mail, can open this same guide from a link. The link holds only what is shown here, with names replaced. Your logs stay on this computer.";
pub const SHARE_PREVIEW_TITLE: &str = "What the link holds";
pub const SHARE_EVIDENCE_FROM: &str = "The line that explains the failure, from ";
pub const SHARE_NO_LOG_LINE: &str = "No log line: only the answers and the facts below.";
pub const SHARE_NOTHING_REPLACED: &str = "Nothing here looked like a user or computer name, an address or a key, so nothing was replaced.";
pub const SHARE_REPLACED: &str = "Replaced before sharing: ";
pub const SHARE_PRINT_LINK: &str = "Open this guide again: ";
pub const SHARE_LINK_TITLE: &str = "The link";

// forum
pub const FORUM_TITLE: &str = "Copy the whole guide for a forum";
pub const FORUM_KEEP_NAMES: &str = "Don't replace names";
pub const FORUM_NAMES_WARNING: &str = "This copy now holds the names from your logs (your user name, the computer's name, addresses). Anyone who reads the forum can see them. Only post it where you would post your name.";
pub const FORUM_PLAIN_TEXT_NOTE: &str = "Plain text keeps your logs' words, names included: it is meant for you. The link at its end has names replaced.";

// notes
pub const NOTES_TITLE: &str = "Notes about the input";

// error
pub const DISMISS: &str = "Dismiss";

// progress
pub const STOP: &str = "Stop";

pub fn link_failed(message: &str) -> String {
    format!("{message} You can still paste an error or choose log files below.")
}

// Copy boxes, verdicts, inputs, answers, the reading.
pub const PRESS_CTRL_C: &str = "Press Ctrl+C to copy";
pub const VERDICT_FAILED: &str = "The installation or update failed";
pub const VERDICT_SUCCEEDED: &str = "The installation or update succeeded";
pub const VERDICT_INCONCLUSIVE: &str = "The input does not say whether it failed";
pub const I_DONT_KNOW: &str = "I don't know";
pub const NOTHING_TO_DIAGNOSE: &str = "There is nothing to diagnose yet: paste an error message or some log text, or choose a log file.";
pub const STOPPED: &str = "Stopped. Nothing was diagnosed; your text and files are still here.";
pub fn read_inputs(n: usize) -> String {
    format!("Read {n} input{}", if n == 1 { "" } else { "s" })
}
pub fn input_file(name: &str, format: &str, encoding: &str, lines: u64) -> String {
    format!("{name}: {format} ({encoding}), {lines} lines")
}
pub fn other_lines(n: usize) -> String {
    format!("Other lines that matter ({n})")
}
pub fn and_more(n: usize) -> String {
    format!("and {n} more.")
}
pub fn timeline_summary(total: u64) -> String {
    format!("What setup was doing when it failed ({total} actions in all)")
}

// Reading, forum formats, the installer's actions, messages of the hooks.
pub fn reading(file: &str) -> String {
    if file.is_empty() {
        "Reading…".to_string()
    } else {
        format!("Reading {file}…")
    }
}
pub fn read_of(read: &str, total: &str) -> String {
    format!(" {read} of {total}")
}
pub fn time_left(left: &str) -> String {
    format!(", about {left} left")
}
pub const A_SECOND: &str = "a second";
pub const A_MINUTE: &str = "a minute";
pub fn seconds(n: u64) -> String {
    format!("{n} seconds")
}
pub fn minutes(n: u64) -> String {
    format!("{n} minutes")
}
pub const FORMAT_BBCODE: &str = "BBCode (most forums)";
pub const FORMAT_MARKDOWN: &str = "Markdown (GitHub, Reddit, Discourse)";
pub const FORMAT_TEXT: &str = "Plain text (e-mail, your own notes)";
pub const COMPOSED_NOTE: &str = "Composed without logs: the guide follows the answers given here.";
pub fn unreadable(file: &str, why: &str) -> String {
    format!(
        "Could not read \"{file}\": {why}. Nothing you typed was lost; remove the file or choose it again."
    )
}
pub fn change_answer(question: &str) -> String {
    format!("Change the answer to: {question}")
}
pub const ACTION_FAILED: &str = "failed";
pub const ACTION_DONE: &str = "done";
pub const ACTION_NOT_RUN: &str = "not run";
pub const ACTION_CANCELLED: &str = "cancelled";
pub const ACTION_ENDED_WITH_FAILURE: &str = "ended with the failure";
pub const ACTION_SUSPENDED: &str = "suspended";
pub const ACTION_NO_END: &str = "no end in the log";
pub fn at_line(line: u64) -> String {
    format!(", line {line}:")
}

//! Line kinds: each reader declares the lines it acts on in one table, and everything that must agree with the
//! table is derived from it.
//!
//! A row of a reader's table ([`line_kinds!`]) names a kind of line (an enum variant), the part it plays for the
//! reader ([`Part`]), its pattern (with the captures the reader reads), the literals that find its lines in the
//! scanner's prefilter, and an example line. From the table come: the enum, the `RegexSet` that tells a line's
//! kinds in one pass ([`Kinds`]), each kind's capture regex (compiled once, on first use), and the reader's
//! prefilter lists (every row's literals, each once, in the table's order). The reader's `line` dispatches with a
//! `match` over the kinds a line has, in the table's order, so the compiler asks for an arm when a row is added.
//!
//! Adding a kind of line is one row and one `match` arm; the tests below check that every row's example is
//! matched by its pattern and found by its own literals and by the reader's prefilter.

use regex::bytes::SetMatches;

/// What a kind of line does for its reader (checked by the tests on each row's example).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(not(test), allow(dead_code))]
pub enum Part {
    /// It may say why the run failed: a root-cause candidate.
    Cause,
    /// It states an outcome: when that is a failure (a failed action, a failing exit code), it marks the
    /// failure without saying why.
    Failure,
    /// It says that something worked.
    Success,
    /// It teaches the reader something it keeps: a product name, an update's title, the Windows version, the
    /// span of an action.
    Fact,
    /// It looks like an error and is not one: it keeps other kinds on the same line from counting.
    Decoy,
}

/// One row of a reader's table, as data: what the derived lists and the tests read (the name and the part only
/// the tests: at run time they document the table).
#[derive(Debug)]
#[cfg_attr(not(test), allow(dead_code))]
pub struct KindRow {
    /// The kind's name: its enum variant.
    pub name: &'static str,
    pub part: Part,
    /// What makes a line of this kind (bytes regex syntax, Unicode off), with the captures the reader reads
    /// unless `fields` gives them.
    pub pattern: &'static str,
    /// A pattern of its own for the captures, where they are read with a pattern other than the one that tells
    /// the kind (written apart so that which lines are of the kind stays exactly as it was).
    pub fields: Option<&'static str>,
    /// The literals of the scanner's case-sensitive prefilter that find the kind's lines (see
    /// [`super::LogReader::prefilter`]); several rows may share one.
    pub prefilter: &'static [&'static str],
    /// The same, matched against the lowercased line (see [`super::LogReader::prefilter_lowercase`]).
    pub lowercase: &'static [&'static str],
    /// A real line of the kind (from a log or the reader's tests, names changed): the tests check that the
    /// pattern and the prefilter both find it. Only in test builds, so that the page's worker does not carry
    /// the examples.
    #[cfg(test)]
    pub example: &'static str,
}

/// A kind of line of one reader's table (implemented by [`line_kinds!`]).
pub trait LineKind: Copy + 'static {
    /// Every kind, in the table's order.
    const ALL: &'static [Self];
    /// The rows, in the same order.
    const ROWS: &'static [KindRow];
    /// The kind's position in the table.
    fn index(self) -> usize;
}

/// The kinds one line has, from one pass of the table's `RegexSet`.
pub struct Kinds<K: LineKind> {
    hits: SetMatches,
    kind: std::marker::PhantomData<K>,
}

impl<K: LineKind> Kinds<K> {
    pub fn new(hits: SetMatches) -> Kinds<K> {
        Kinds {
            hits,
            kind: std::marker::PhantomData,
        }
    }

    /// Whether the line is of any kind at all.
    pub fn any(&self) -> bool {
        self.hits.matched_any()
    }

    /// Whether the line is of this kind.
    pub fn has(&self, kind: K) -> bool {
        self.hits.matched(kind.index())
    }

    /// The line's kinds, in the table's order: the order the reader handles them in.
    pub fn iter(&self) -> impl Iterator<Item = K> + '_ {
        self.hits.iter().map(|i| K::ALL[i])
    }
}

/// Every row's literals, each once, in the table's order: a reader's prefilter list.
pub fn literals(rows: &[KindRow], lowercase: bool) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for row in rows {
        let own = if lowercase {
            row.lowercase
        } else {
            row.prefilter
        };
        for &l in own {
            if !out.contains(&l) {
                out.push(l);
            }
        }
    }
    out
}

/// Declares a reader's line kinds in one table: the enum, its [`LineKind`] rows, and the derived `RegexSet`,
/// capture regexes and prefilter lists (see the module's documentation). Each row:
///
/// ```text
/// /// What the line is and why the reader wants it.
/// Name: Part {
///     pattern: r"…",                 // tells the kind; its captures are what `captures` returns
///     fields: r"…",                  // optional: captures read with a pattern of their own
///     prefilter: [r"…", …],          // optional: case-sensitive literals that find the line
///     lowercase: [r"…", …],          // optional: literals found in the lowercased line
///     example: "…",                  // a real line of the kind
/// },
/// ```
///
/// After the enum, `set: re_set_no_prefilter,` builds the table's `RegexSet` without the regex crate's literal
/// prefilter (see [`crate::re::re_set_no_prefilter`]): for a table whose prefilter costs more to build than the
/// searches it saves.
macro_rules! line_kinds {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $(
                $(#[$kind_meta:meta])*
                $kind:ident: $part:ident {
                    pattern: $pattern:expr,
                    $(fields: $fields:expr,)?
                    $(prefilter: [$($literal:expr),* $(,)?],)?
                    $(lowercase: [$($lower:expr),* $(,)?],)?
                    example: $example:expr $(,)?
                }
            ),* $(,)?
        }
        $(set: $set:ident,)?
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        $vis enum $name {
            $($(#[$kind_meta])* $kind,)*
        }

        impl super::kinds::LineKind for $name {
            const ALL: &'static [$name] = &[$($name::$kind),*];
            const ROWS: &'static [super::kinds::KindRow] = &[$(
                super::kinds::KindRow {
                    name: stringify!($kind),
                    part: super::kinds::Part::$part,
                    pattern: $pattern,
                    fields: line_kinds!(@optional $($fields)?),
                    prefilter: &[$($($literal),*)?],
                    lowercase: &[$($($lower),*)?],
                    #[cfg(test)]
                    example: $example,
                }
            ),*];
            fn index(self) -> usize {
                self as usize
            }
        }

        #[allow(dead_code)]
        impl $name {
            const COUNT: usize = [$(stringify!($kind)),*].len();

            /// The kinds of a line, in one pass.
            fn of(line: &[u8]) -> super::kinds::Kinds<$name> {
                use super::kinds::LineKind;
                static SET: std::sync::OnceLock<regex::bytes::RegexSet> = std::sync::OnceLock::new();
                let set = SET.get_or_init(|| {
                    let patterns: Vec<&str> = <$name as LineKind>::ROWS.iter().map(|r| r.pattern).collect();
                    line_kinds!(@set $($set)?)(&patterns)
                });
                super::kinds::Kinds::new(set.matches(line))
            }

            /// The kind's capture regex (its `fields`, else its `pattern`), compiled on first use.
            fn regex(self) -> &'static regex::bytes::Regex {
                use super::kinds::LineKind;
                static EACH: [std::sync::OnceLock<regex::bytes::Regex>; $name::COUNT] =
                    [const { std::sync::OnceLock::new() }; $name::COUNT];
                EACH[self as usize].get_or_init(|| {
                    let row = &<$name as LineKind>::ROWS[self as usize];
                    $crate::re::re(row.fields.unwrap_or(row.pattern))
                })
            }

            /// The kind's captures in a line.
            fn captures(self, line: &[u8]) -> Option<regex::bytes::Captures<'_>> {
                self.regex().captures(line)
            }

            /// The reader's prefilter: every row's case-sensitive literals, each once.
            fn prefilter() -> &'static [&'static str] {
                use super::kinds::LineKind;
                static LIST: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
                LIST.get_or_init(|| super::kinds::literals(<$name as LineKind>::ROWS, false))
            }

            /// The reader's lowercase prefilter: every row's lowercase literals, each once.
            fn prefilter_lowercase() -> &'static [&'static str] {
                use super::kinds::LineKind;
                static LIST: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
                LIST.get_or_init(|| super::kinds::literals(<$name as LineKind>::ROWS, true))
            }
        }
    };
    (@set) => {
        $crate::re::re_set
    };
    (@set $set:ident) => {
        $crate::re::$set
    };
    (@optional) => { None };
    (@optional $fields:expr) => { Some($fields) };
}
pub(crate) use line_kinds;

#[cfg(test)]
mod tests {
    use super::super::{LogFormat, reader};
    use super::*;
    use crate::read::{Line, Output, re};
    use model::diagnosis::Role;

    /// One reader's table, with the prefilter lists the reader hands the scanner.
    struct Table {
        format: LogFormat,
        rows: &'static [KindRow],
        prefilter: &'static [&'static str],
        lowercase: &'static [&'static str],
        /// The reader has no prefilter: it sees every line, and its rows need no literals.
        every_line: bool,
    }

    fn tables() -> Vec<Table> {
        super::super::kind_tables()
            .into_iter()
            .map(|(format, rows)| {
                let reader = reader(format);
                Table {
                    format,
                    rows,
                    prefilter: reader.prefilter().unwrap_or_default(),
                    lowercase: reader.prefilter_lowercase().unwrap_or_default(),
                    every_line: reader.prefilter().is_none()
                        && reader.prefilter_lowercase().is_none(),
                }
            })
            .collect()
    }

    /// Whether one of the literals matches the line, as the scanner searches them.
    fn found(literals: &[&str], line: &str) -> bool {
        literals.iter().any(|l| re(l).is_match(line.as_bytes()))
    }

    /// A row's example is of its kind, and its own literals, and the reader's prefilter, find it.
    fn check(table: &Table, row: &KindRow) {
        let who = format!("{:?} kind {}", table.format, row.name);
        let line = row.example;
        assert!(
            re(row.pattern).is_match(line.as_bytes()),
            "{who}: the pattern does not match the example {line:?}"
        );
        if let Some(fields) = row.fields {
            assert!(
                re(fields).is_match(line.as_bytes()),
                "{who}: the fields pattern does not match the example {line:?}"
            );
        }
        if table.every_line {
            return;
        }
        let lower = line.to_ascii_lowercase();
        // A decoy may have no literals of its own: it only rules out lines other kinds find.
        let own = !row.prefilter.is_empty() || !row.lowercase.is_empty();
        assert!(
            !own || found(row.prefilter, line) || found(row.lowercase, &lower),
            "{who}: none of the row's literals finds the example {line:?}"
        );
        assert!(
            found(table.prefilter, line) || found(table.lowercase, &lower),
            "{who}: the reader's prefilter misses the example {line:?}"
        );
    }

    #[test]
    fn every_kind_s_example_is_of_its_kind_and_found_by_the_prefilter() {
        let tables = tables();
        assert!(tables.len() >= 2);
        for table in &tables {
            for row in table.rows {
                check(table, row);
            }
        }
    }

    /// What a kind's example alone makes its reader write: a cause, a failure (or a summary of one), no cause or
    /// failure for a decoy or a success.
    fn check_part(table: &Table, row: &KindRow) {
        let mut reader = reader(table.format);
        let mut out = Output::default();
        let line = Line {
            no: 1,
            offset: 0,
            text: row.example,
        };
        reader.line(&line, &mut out);
        // The end of the file, as after any log: the plain-text reader holds a line back until it knows whether
        // the next one continues it.
        reader.finish(&mut out);
        let roles: Vec<Role> = out.findings.iter().map(|f| f.role).collect();
        let who = format!("{:?} kind {} ({:?})", table.format, row.name, row.part);
        match row.part {
            Part::Cause => assert!(roles.contains(&Role::Cause), "{who}: {roles:?}"),
            Part::Failure => assert!(
                roles.contains(&Role::Failure) || roles.contains(&Role::Summary),
                "{who}: {roles:?}"
            ),
            Part::Decoy | Part::Success => assert!(
                !roles
                    .iter()
                    .any(|r| matches!(r, Role::Cause | Role::Failure)),
                "{who}: {roles:?}"
            ),
            // Facts change what the reader decides at the end, not what a line writes.
            Part::Fact => {}
        }
    }

    #[test]
    fn every_kind_s_example_plays_its_part() {
        for table in tables() {
            for row in table.rows {
                check_part(&table, row);
            }
        }
    }

    #[test]
    fn every_table_is_well_formed() {
        for table in tables() {
            let who = format!("{:?}", table.format);
            let mut names: Vec<&str> = table.rows.iter().map(|r| r.name).collect();
            names.sort_unstable();
            let before = names.len();
            names.dedup();
            assert_eq!(names.len(), before, "{who}: two kinds share a name");
            for row in table.rows {
                for p in [Some(row.pattern), row.fields].into_iter().flatten() {
                    let built = regex::bytes::RegexBuilder::new(p).unicode(false).build();
                    assert!(built.is_ok(), "{who} kind {}: {built:?}", row.name);
                }
                for l in row.prefilter.iter().chain(row.lowercase) {
                    let built = regex::bytes::RegexBuilder::new(l).unicode(false).build();
                    assert!(built.is_ok(), "{who} kind {}: {built:?}", row.name);
                    // The scanner searches the raw line, before pasting is undone (see `LogReader::prefilter`).
                    assert!(
                        !l.contains('^') && !l.contains('$') && !l.contains('"'),
                        "{who} kind {}: the literal {l:?} anchors or quotes",
                        row.name
                    );
                }
                for l in row.lowercase {
                    assert_eq!(
                        *l,
                        l.to_ascii_lowercase(),
                        "{who} kind {}: a lowercase literal has capitals",
                        row.name
                    );
                }
                let literals = !row.prefilter.is_empty() || !row.lowercase.is_empty();
                if table.every_line {
                    // Literals the scanner never searches for would only mislead.
                    assert!(
                        !literals,
                        "{who} kind {}: literals for a reader that sees every line",
                        row.name
                    );
                } else {
                    assert!(
                        row.part == Part::Decoy || literals,
                        "{who} kind {}: no literal finds its lines",
                        row.name
                    );
                }
            }
            // The lists the reader hands the scanner are exactly the rows' literals, each once.
            if !table.every_line {
                assert_eq!(table.prefilter, literals(table.rows, false), "{who}");
                assert_eq!(table.lowercase, literals(table.rows, true), "{who}");
            }
        }
    }
}

//! Matching findings against `expect` (SPEC §1): no unlisted kind; a kind
//! listed alone needs at least one finding; a kind listed with subjects
//! needs exactly that set of subjects.

use std::collections::{BTreeMap, BTreeSet};

use weft_scenario::{Expect, FindingKind, Subject};

use crate::Finding;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mismatch {
    /// Reported but not expected: (kind, subject).
    pub unexpected: Vec<(FindingKind, Option<Subject>)>,
    /// Expected but not reported.
    pub missing: Vec<(FindingKind, Option<Subject>)>,
}

impl Mismatch {
    pub fn is_match(&self) -> bool {
        self.unexpected.is_empty() && self.missing.is_empty()
    }
}

/// Subjects compare after normalising spellings (`queue.Empty` is `Empty`).
fn normalise(kind: FindingKind, s: &Subject) -> Subject {
    match (kind, s) {
        (FindingKind::Exception, Subject::Name(n)) => {
            Subject::Name(n.rsplit('.').next().unwrap_or(n).to_string())
        }
        (FindingKind::Assertion, Subject::Name(n)) => {
            Subject::Name(n.split_whitespace().collect::<Vec<_>>().join(" "))
        }
        (_, Subject::Set(v)) => {
            let mut v = v.clone();
            v.sort();
            v.dedup();
            Subject::Set(v)
        }
        (_, s) => s.clone(),
    }
}

/// Locks kept in a container are reported by element (`forks[0]`); an
/// `expect` may also name them by the global they were created under
/// (`forks`), as SPEC §1 words it. A reported cycle matches either spelling.
fn as_listed(kind: FindingKind, reported: &Subject, want: &BTreeSet<Subject>) -> Subject {
    if kind != FindingKind::LockOrderCycle || want.contains(reported) {
        return reported.clone();
    }
    if let Subject::Set(names) = reported {
        let mut bases: Vec<String> = names
            .iter()
            .map(|n| n.split('[').next().unwrap_or(n).to_string())
            .collect();
        bases.sort();
        bases.dedup();
        let base = Subject::Set(bases);
        if want.contains(&base) {
            return base;
        }
    }
    reported.clone()
}

pub fn match_expect(expect: &Expect, findings: &[Finding]) -> Mismatch {
    let mut reported: BTreeMap<FindingKind, BTreeSet<Option<Subject>>> = BTreeMap::new();
    for f in findings {
        reported
            .entry(f.kind)
            .or_default()
            .insert(f.subject.as_ref().map(|s| normalise(f.kind, s)));
    }
    let mut listed: BTreeMap<FindingKind, BTreeSet<Subject>> = BTreeMap::new();
    let mut alone: BTreeSet<FindingKind> = BTreeSet::new();
    if let Expect::Findings(list) = expect {
        for e in list {
            match &e.subject {
                Some(s) => {
                    listed
                        .entry(e.kind)
                        .or_default()
                        .insert(normalise(e.kind, s));
                }
                None => {
                    alone.insert(e.kind);
                }
            }
        }
    }
    let mut m = Mismatch::default();
    for (kind, subjects) in &reported {
        if !listed.contains_key(kind) && !alone.contains(kind) {
            for s in subjects {
                m.unexpected.push((*kind, s.clone()));
            }
        }
    }
    for kind in &alone {
        if !reported.contains_key(kind) && !listed.contains_key(kind) {
            m.missing.push((*kind, None));
        }
    }
    for (kind, want) in &listed {
        let got: BTreeSet<Subject> = reported
            .get(kind)
            .map(|s| {
                s.iter()
                    .flatten()
                    .map(|r| as_listed(*kind, r, want))
                    .collect()
            })
            .unwrap_or_default();
        for s in got.difference(want) {
            m.unexpected.push((*kind, Some(s.clone())));
        }
        for s in want.difference(&got) {
            // An assertion subject matches by its text; without one, any assertion does.
            m.missing.push((*kind, Some(s.clone())));
        }
    }
    m
}

//! The keyword index of the secret rules: one Aho-Corasick automaton over every rule's
//! keywords, built with the rule set, so a file's candidate rules are found in one pass.

use super::Matcher;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

/// The keyword automaton of a rule set, built once.
#[derive(Clone, Debug)]
pub struct SecretPrefilter {
    automaton: AhoCorasick,
    /// Keyword (pattern) index -> indices of the rules that listed it.
    rules_of_keyword: Vec<Vec<usize>>,
}

impl SecretPrefilter {
    /// `None` when the rule set has no secret rules.
    pub fn new(rules: &[super::Rule]) -> Option<SecretPrefilter> {
        let mut keywords: Vec<String> = Vec::new();
        let mut rules_of_keyword: Vec<Vec<usize>> = Vec::new();
        for (i, rule) in rules.iter().enumerate() {
            let Matcher::Secret(sm) = &rule.matcher else {
                continue;
            };
            for k in &sm.keywords {
                match keywords.iter().position(|x| x == k) {
                    Some(p) => {
                        if let Some(slot) = rules_of_keyword.get_mut(p) {
                            slot.push(i);
                        }
                    }
                    None => {
                        keywords.push(k.clone());
                        rules_of_keyword.push(vec![i]);
                    }
                }
            }
        }
        if keywords.is_empty() {
            return None;
        }
        // A full DFA: the search runs over every byte of every text file, and the keywords
        // are few enough that its size does not matter.
        let automaton = AhoCorasickBuilder::new()
            .kind(Some(AhoCorasickKind::DFA))
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&keywords)
            .ok()?;
        Some(SecretPrefilter {
            automaton,
            rules_of_keyword,
        })
    }

    /// Indices of the rules whose keywords occur in `text`, in rule order.
    pub(crate) fn candidates(&self, text: &str) -> Vec<usize> {
        let mut seen = vec![false; self.rules_of_keyword.len()];
        let mut out = Vec::new();
        for m in self.automaton.find_overlapping_iter(text) {
            let k = m.pattern().as_usize();
            if seen.get(k).copied().unwrap_or(true) {
                continue;
            }
            if let Some(s) = seen.get_mut(k) {
                *s = true;
            }
            out.extend(self.rules_of_keyword.get(k).into_iter().flatten().copied());
            if seen.iter().all(|s| *s) {
                break;
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

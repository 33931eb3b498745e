//! Every rule's examples are its tests: each `bad` snippet fires the rule, each `good` snippet
//! does not. And the generated rule index stays in sync with the rule files.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::print_stderr)] // test code: a panic is a failed test, a skip says why

use mcpgate::deps::lockfile::Family;
use mcpgate::deps::{AdvisoryDb, DepCheck, DepsContext};
use mcpgate::rules::{Language, Matcher, expand_example, rule_pages};
use mcpgate::tools::InventoryCheck;
use mcpgate::{RuleSet, analyze_text, analyze_text_with};
use std::path::Path;

#[test]
fn every_bad_example_fires_and_every_good_example_is_silent() {
    let rules = RuleSet::builtin().expect("built-in rules are valid");
    assert!(rules.rules().len() >= 6, "the rule pack shrank");
    let db =
        AdvisoryDb::open(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/advisories"))
            .expect("the advisory fixtures load");
    let mut failures = Vec::new();
    for rule in rules.rules() {
        // Secret examples are text in any file; code examples are in the rule's first language;
        // dependency examples name their file.
        let path = match (&rule.matcher, rule.languages.first(), &rule.examples.file) {
            (_, _, Some(file)) => file.as_str(),
            (Matcher::Secret(_), _, _) => "example.txt",
            (_, Some(Language::TypeScript), _) => "example.ts",
            (_, Some(Language::JavaScript), _) => "example.js",
            (_, Some(Language::Rust), _) => "example.rs",
            _ => "example.py",
        };
        // Examples stand for a project with lockfiles, but for the rule about their absence.
        let mut deps = DepsContext {
            db: Some(&db),
            ..DepsContext::default()
        };
        if !matches!(&rule.matcher, Matcher::Dependency(d) if d.check == DepCheck::MissingLockfile)
        {
            for family in [Family::Node, Family::Python] {
                deps.lock_dirs
                    .entry(family)
                    .or_default()
                    .insert(String::new());
            }
        }
        // The lock rule's examples are compared with an empty lock: every tool is new.
        let empty_lock = mcpgate::tools::Lock::of(&[]);
        let lock = matches!(&rule.matcher, Matcher::ToolInventory(m)
            if matches!(m.check, InventoryCheck::Changed | InventoryCheck::Escalated))
        .then_some(&empty_lock);
        let analyze = |path: &str, text: &str, rules: &RuleSet| {
            analyze_text_with(path, text, rules, &deps, lock)
        };
        for (i, bad) in rule.examples.bad.iter().enumerate() {
            let bad = expand_example(bad, i as u64);
            let outcome = analyze(path, &bad, &rules);
            if !outcome.findings.iter().any(|f| f.rule_id == rule.id) {
                failures.push(format!("{}: bad example {} does not fire", rule.id, i + 1));
            }
            if !outcome.notices.is_empty() {
                failures.push(format!(
                    "{}: bad example {} has notices {:?}",
                    rule.id,
                    i + 1,
                    outcome.notices
                ));
            }
        }
        // A good example is code to copy: no rule at all may fire on it.
        for (i, good) in rule.examples.good.iter().enumerate() {
            let good = expand_example(good, i as u64);
            let outcome = analyze(path, &good, &rules);
            if let Some(hit) = outcome.findings.first() {
                failures.push(format!(
                    "{}: good example {} fires {} at line {}",
                    rule.id,
                    i + 1,
                    hit.rule_id,
                    hit.location.start_line
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_rule_has_docs_cwe_and_examples() {
    let rules = RuleSet::builtin().expect("built-in rules are valid");
    for rule in rules.rules() {
        assert!(!rule.cwe.is_empty(), "{}", rule.id);
        assert!(
            !rule.docs.references.is_empty(),
            "{}: add references",
            rule.id
        );
        assert!(
            rule.origin.starts_with("rules/"),
            "{}: {}",
            rule.id,
            rule.origin
        );
    }
}

/// `docs/rules/` is generated from the rule files: `MCPGATE_BLESS=1 cargo test --test rules`
/// rewrites it (and removes pages of rules that are gone).
#[test]
fn rule_docs_are_in_sync() {
    let rules = RuleSet::builtin().expect("built-in rules are valid");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules");
    let pages = rule_pages(&rules);
    let bless = std::env::var_os("MCPGATE_BLESS").is_some();
    if bless {
        std::fs::create_dir_all(&dir).expect("mkdir docs/rules");
    }
    let mut stale = Vec::new();
    for (name, want) in &pages {
        let path = dir.join(name);
        if bless {
            std::fs::write(&path, want).expect("write a rule page");
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(want.as_str()) {
            stale.push(name.clone());
        }
    }
    for entry in std::fs::read_dir(&dir).expect("docs/rules exists") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        if !pages.iter().any(|(page, _)| *page == name) {
            if bless {
                std::fs::remove_file(dir.join(&name)).expect("remove a stale page");
            } else {
                stale.push(format!("{name} (no such rule)"));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "docs/rules is out of date ({}): run `MCPGATE_BLESS=1 cargo test --test rules`",
        stale.join(", ")
    );
}

/// The repository never holds a string shaped like a real credential: secret examples use
/// `{{gen:...}}` templates, expanded only at test time.
#[test]
fn rule_files_hold_no_literal_secrets() {
    let rules = RuleSet::builtin().expect("built-in rules are valid");
    for rule in rules.rules() {
        if !matches!(rule.matcher, Matcher::Secret(_)) {
            continue;
        }
        for example in rule.examples.bad.iter().chain(&rule.examples.good) {
            let outcome = analyze_text("example.txt", example, &rules);
            assert!(
                outcome.findings.is_empty(),
                "{}: an example finds a secret before expansion: {example}",
                rule.id
            );
        }
    }
}

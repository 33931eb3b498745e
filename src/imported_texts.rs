//! Tool texts that are constants of other modules, joined once every file is analyzed: the
//! description rules' findings on them, reported where the constant is written; the tools'
//! inventory descriptions and description hashes; and those tools against the lock, which
//! the per-file comparison left to this step. A file is read again only when something here
//! needs its lines; no text is kept from the first pass.

use crate::analyze::cross_file_texts::{TextModule, resolve};
use crate::analyze::source::Description;
use crate::analyze::source::model_text::texts_elsewhere;
use crate::analyze::{FileContext, FileOutcome};
use crate::finding::{Finding, Notice, NoticeCode, NoticeLevel};
use crate::rules::{RuleSet, TextKind};
use crate::tools::Lock;
use crate::walk::WalkedFile;
use std::collections::{BTreeMap, HashSet};

/// What a tool gains from the texts of other modules.
#[derive(Default)]
struct Gained {
    /// Every text, as written, for the description hash.
    written: Vec<String>,
    /// The description the model reads, when one text is it.
    description: Option<String>,
    /// The tool's name when it is a constant here: (the name as written there, its value).
    name: Option<(String, String)>,
}

/// The findings of the join (the caller settles them against ignore comments).
pub(crate) fn join(
    outcomes: &mut [(&WalkedFile, u64, FileOutcome)],
    rules: &RuleSet,
    lock: Option<&Lock>,
    max_file_size: u64,
) -> Vec<Finding> {
    let indexes: Vec<usize> = outcomes
        .iter()
        .enumerate()
        .filter(|(_, (_, _, o))| {
            !o.imported_texts.is_empty() || !o.text_constants.is_empty() || !o.reexports.is_empty()
        })
        .map(|(i, _)| i)
        .collect();
    let modules: Vec<TextModule<'_>> = indexes
        .iter()
        .filter_map(|&i| outcomes.get(i))
        .map(|(file, _, o)| TextModule {
            path: &file.rel,
            imported: &o.imported_texts,
            constants: &o.text_constants,
            reexports: &o.reexports,
        })
        .collect();
    let resolved = resolve(&modules);
    // Each constant once per kind of text, as the first tool that names it.
    let mut checked: BTreeMap<usize, Vec<Description>> = BTreeMap::new();
    let mut seen: HashSet<(usize, &str, Option<&str>, TextKind)> = HashSet::new();
    let mut gained: BTreeMap<(usize, usize), Gained> = BTreeMap::new();
    for r in &resolved {
        let (Some(&home), Some(&importer)) = (indexes.get(r.home), indexes.get(r.importer)) else {
            continue;
        };
        if r.text.kind != TextKind::Name && seen.insert((home, r.constant, r.key, r.text.kind)) {
            checked.entry(home).or_default().push(r.text.clone());
        }
        let tool = gained.entry((importer, r.tool_line)).or_default();
        tool.written.push(r.text.text());
        if r.text.kind == TextKind::Name && !r.any_entry {
            tool.name
                .get_or_insert_with(|| (r.text.owner.clone(), r.text.plain()));
        }
        if r.text.kind == TextKind::Description && !r.any_entry {
            tool.description.get_or_insert_with(|| r.text.plain());
        }
    }
    drop(modules);
    for ((importer, line), mut gained) in gained {
        let Some((_, _, o)) = outcomes.get_mut(importer) else {
            continue;
        };
        gained.written.sort();
        for tool in o.tools.iter_mut().filter(|t| t.line == line) {
            if let Some((written, name)) = &gained.name
                && tool.name == *written
            {
                tool.name = name.clone();
            }
            if tool.description.is_empty()
                && let Some(description) = &gained.description
            {
                tool.description = description.clone();
            }
            // The file's own texts and the imported ones: a change to either is a change to
            // what the model reads.
            tool.description_sha256 = crate::tools::sha256_hex(&format!(
                "{}\n{}",
                tool.description_sha256,
                gained.written.join("\n")
            ));
        }
    }
    let mut findings = Vec::new();
    for (home, texts) in checked {
        let Some((file, _, outcome)) = outcomes.get_mut(home) else {
            continue;
        };
        let Some(text) = read_again(file, max_file_size, outcome) else {
            continue;
        };
        let ctx = FileContext::new(&file.rel, &text);
        let head = text.as_bytes().get(..256).unwrap_or(text.as_bytes());
        let lang = crate::analyze::source::language_for(std::path::Path::new(&file.rel), head);
        let mut found = crate::analyze::source::description_findings(&ctx, rules, &texts, lang);
        ctx.fingerprint(&mut found);
        findings.extend(found);
    }
    findings.extend(check_whole_tools(outcomes, rules, lock, max_file_size));
    findings
}

/// The checks of a tool's whole text that the per-file pass left to this step for the tools
/// whose texts are in other modules: what its description promises, and its locked entry.
fn check_whole_tools(
    outcomes: &mut [(&WalkedFile, u64, FileOutcome)],
    rules: &RuleSet,
    lock: Option<&Lock>,
    max_file_size: u64,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (file, _, outcome) in outcomes.iter_mut() {
        let waiting = |tool: &crate::tools::Tool| texts_elsewhere(tool, &outcome.imported_texts);
        if !outcome.tools.iter().any(waiting) {
            continue;
        }
        let Some(text) = read_again(file, max_file_size, outcome) else {
            continue;
        };
        let ctx = FileContext::new(&file.rel, &text);
        let imported = &outcome.imported_texts;
        let waiting = |tool: &crate::tools::Tool| texts_elsewhere(tool, imported);
        let mut found = crate::check::promises_broken(&ctx, rules, &outcome.tools, waiting);
        if let Some(lock) = lock {
            found.extend(crate::check::lock_drift(
                &ctx,
                rules,
                lock,
                &outcome.tools,
                waiting,
            ));
        }
        ctx.fingerprint(&mut found);
        findings.extend(found);
    }
    findings
}

/// The file's text again; a notice naming it when it cannot be read (it went away or changed
/// during the scan).
fn read_again(file: &WalkedFile, cap: u64, outcome: &mut FileOutcome) -> Option<String> {
    match crate::file_text::read_again(file, cap) {
        Ok(text) => Some(text),
        Err(e) => {
            outcome.notices.push(Notice::new(
                NoticeCode::ReadFailed,
                &file.rel,
                NoticeLevel::Error,
                format!(
                    "cannot read again for the tool texts it shares with other modules: {e}; those are not checked"
                ),
            ));
            None
        }
    }
}

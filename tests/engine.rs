//! The IR taint engine (issue 20) against the current engines, on the example server: every
//! flow the current engine reports for a rule the engine's model covers, the new one finds
//! too (rule, line). The engine's own shape fixtures are unit tests in `src/analyze/engine/`.
#![allow(clippy::expect_used, clippy::unwrap_used)] // test code: a panic is a failed test

/// The example server, with the sinks of the built-in rules: every flow the current engine
/// reports there, the new one finds too (rule, line).
#[test]
fn the_rules_model_finds_the_example_servers_flows() {
    let rules = mcpgate::rules::RuleSet::builtin().expect("rules");
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/vulnerable-server");
    for (file, language) in [
        ("server.py", mcpgate::rules::Language::Python),
        (
            "node-server/src/index.ts",
            mcpgate::rules::Language::TypeScript,
        ),
    ] {
        let src = std::fs::read_to_string(format!("{root}/{file}")).expect("example");
        let module = mcpgate::analyze::ir::lower_source(file, &src).expect("lowered");
        let model = mcpgate::analyze::engine::Model::from_rules(&rules, language);
        let mut found: Vec<(String, usize)> = mcpgate::analyze::engine::analyze(&module, &model)
            .flows
            .into_iter()
            .map(|f| (f.rule, f.at.start_row + 1))
            .collect();
        found.dedup();
        let old: Vec<(String, usize)> = mcpgate::check::analyze_text(file, &src, &rules)
            .findings
            .into_iter()
            .filter(|f| model.sinks.iter().any(|s| s.rule == f.rule_id))
            .map(|f| (f.rule_id, f.location.start_line))
            .collect();
        for o in &old {
            assert!(found.contains(o), "{file}: {o:?} missing from {found:?}");
        }
    }
}

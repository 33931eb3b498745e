//! The IR taint engine's scaling (issue 20): generated Python modules of 1k, 10k and 100k
//! functions (chains of helpers, fans, mutual recursion, a tool every 50 functions) are
//! parsed, lowered and analyzed; the table shows the time of each step, the flows found and
//! the process's peak RSS after each size.
//!
//! `cargo bench --bench engine`. Prints a Markdown table.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::print_stdout,
    clippy::print_stderr
)] // a benchmark prints its figures; a panic is a failed run

#[allow(dead_code)] // helpers shared by the benches; this one reads only peak_rss_kib
mod common;

use mcpgate::analyze::engine::{ArgSel, Model, Sink, analyze};
use std::fmt::Write as _;
use std::time::Instant;

fn program(functions: usize) -> String {
    let mut src =
        String::from("import os\nfrom mcp.server.fastmcp import FastMCP\nmcp = FastMCP('x')\n\n");
    for i in 0..functions {
        let _ = match i % 10 {
            // The end of a chain of ten: the sink.
            9 => writeln!(
                src,
                "def f{i}(x, y):\n    os.system('run ' + x)\n    return y\n"
            ),
            // A fan: two callees, one of them further along the chain.
            3 => writeln!(
                src,
                "def f{i}(x, y):\n    a = f{}(x, y)\n    return f{}(y, a)\n",
                i + 1,
                i + 2
            ),
            // Mutual recursion with the previous function.
            5 => writeln!(
                src,
                "def f{i}(x, y):\n    if y:\n        return f{}(x, y)\n    return f{}(x, y)\n",
                i - 1,
                i + 1
            ),
            _ => writeln!(
                src,
                "def f{i}(x, y):\n    z = [x]\n    z.append(y)\n    return f{}(x, z)\n",
                i + 1
            ),
        };
        if i % 50 == 0 {
            let _ = writeln!(
                src,
                "@mcp.tool()\ndef tool{i}(arg: str) -> str:\n    return f{i}(arg, 'c')\n"
            );
        }
    }
    src
}

fn main() {
    println!("| functions | source | parse | lower | analyze | flows | budget hit | peak RSS |");
    println!("|---|---|---|---|---|---|---|---|");
    for functions in [1_000, 10_000, 100_000] {
        let src = program(functions);
        let mut parser = tree_sitter::Parser::new();
        parser
            .set_language(&tree_sitter_python::LANGUAGE.into())
            .expect("grammar");
        let t0 = Instant::now();
        let tree = parser.parse(&src, None).expect("parse");
        let t1 = Instant::now();
        let module = mcpgate::analyze::ir::python::lower(tree.root_node(), &src);
        let t2 = Instant::now();
        let text = src.clone();
        let analysis = std::thread::Builder::new()
            .stack_size(16 * 1024 * 1024)
            .spawn(move || analyze(&module, &model(), &text))
            .expect("thread")
            .join()
            .expect("analysis");
        let t3 = Instant::now();
        println!(
            "| {functions} | {:.1} MB | {:.2} s | {:.2} s | {:.2} s | {} | {} | {} MB |",
            src.len() as f64 / 1e6,
            (t1 - t0).as_secs_f64(),
            (t2 - t1).as_secs_f64(),
            (t3 - t2).as_secs_f64(),
            analysis.flows.len(),
            analysis.out_of_budget,
            common::peak_rss_kib().map_or(0, |k| k / 1024),
        );
    }
}

fn model() -> Model {
    Model {
        sinks: vec![Sink {
            rule: "shell".into(),
            callee: "os.system".into(),
            args: vec![ArgSel::Position(0)],
            sanitizers: Vec::new(),
            ..Sink::default()
        }],
        sanitizers: Vec::new(),
        sources: Vec::new(),
        budget: None,
        auth: Vec::new(),
        ..Model::default()
    }
}

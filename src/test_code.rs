//! Which files are test code: tests, their fixtures and mocks, by path (`tests/`,
//! `__tests__/`, `test_x.py`, `x.test.ts`, `conftest.py`) or by the test framework a source
//! file imports (pytest, unittest, vitest, jest, mocha, node:test, bun:test).
//!
//! Test code calls production code with values it chose itself and holds sample keys and
//! tokens, so most rules make noise there: findings of rules that do not say otherwise
//! (`test_code = "report"`, the credential formats) are set aside unless the scan is asked to
//! include tests.

/// Directory names that hold tests or their data.
const TEST_DIRS: &[&str] = &[
    "test",
    "tests",
    "__tests__",
    "__mocks__",
    "__fixtures__",
    "spec",
    "specs",
    "fixtures",
    "testdata",
    "test-data",
    "test_data",
    "e2e",
];

/// Whether `rel` (a report path, `/`-separated) names test code by where it is or what it is
/// called.
pub fn is_test_path(rel: &str) -> bool {
    let mut parts = rel.rsplit('/');
    let name = parts.next().unwrap_or_default();
    if parts.any(|dir| TEST_DIRS.contains(&dir.to_ascii_lowercase().as_str())) {
        return true;
    }
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
    match ext {
        "py" => stem.starts_with("test_") || stem.ends_with("_test") || stem == "conftest",
        "ts" | "tsx" | "mts" | "cts" | "js" | "jsx" | "mjs" | "cjs" => [".test", ".spec", ".e2e"]
            .iter()
            .any(|marker| stem.ends_with(marker) || stem.contains(&format!("{marker}-"))),
        "go" => stem.ends_with("_test"),
        _ => false,
    }
}

/// Whether a source file's text imports a test framework at the start of a line.
pub fn imports_test_framework(text: &str) -> bool {
    const PYTHON: &[&str] = &[
        "import pytest",
        "from pytest ",
        "import unittest",
        "from unittest import",
    ];
    const JS: &[&str] = &[
        "vitest",
        "@jest/globals",
        "mocha",
        "node:test",
        "bun:test",
        "@playwright/test",
    ];
    // Cheap first: most files mention none of them.
    if !(text.contains("pytest")
        || text.contains("unittest")
        || JS.iter().any(|f| text.contains(f)))
    {
        return false;
    }
    text.lines().map(str::trim_start).any(|line| {
        PYTHON.iter().any(|p| line.starts_with(p))
            || ((line.starts_with("import ") || line.contains("require("))
                && JS.iter().any(|f| {
                    line.contains(&format!("'{f}'")) || line.contains(&format!("\"{f}\""))
                }))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_of_tests_and_their_data() {
        for path in [
            "tests/test_server.py",
            "src/pkg/tests/helpers.py",
            "test_server.py",
            "pkg/server_test.py",
            "conftest.py",
            "src/server.test.ts",
            "src/server.spec.js",
            "src/__tests__/server.ts",
            "src/fixtures/certs/server-key.pem",
            "packages/x/e2e/run.ts",
            "Tests/data.json",
        ] {
            assert!(is_test_path(path), "{path}");
        }
        for path in [
            "src/server.py",
            "src/testing_utils.py",
            "src/contest.ts",
            "src/attestation.py",
            "examples/vulnerable-server/server.py",
            "src/latest.ts",
            "test.py",
        ] {
            assert!(!is_test_path(path), "{path}");
        }
    }

    #[test]
    fn imports_of_test_frameworks() {
        assert!(imports_test_framework("import os\nimport pytest\n"));
        assert!(imports_test_framework("from unittest import TestCase\n"));
        assert!(imports_test_framework(
            "import { describe, it } from 'vitest';\n"
        ));
        assert!(imports_test_framework(
            "const test = require(\"node:test\");\n"
        ));
        assert!(!imports_test_framework("from unittest.mock import patch\n"));
        assert!(!imports_test_framework("# run with pytest\nimport os\n"));
        assert!(!imports_test_framework(
            "const note = 'see the vitest docs';\n"
        ));
    }
}

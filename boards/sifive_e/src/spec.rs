//! The spec testsuite's smoke subset on the device: a spec bundle of compiled images
//! (`mote-spec-tests --write-bundle FILE --payload images`), embedded in flash, run by the
//! executor with the images in place. The checks that need the validator (`assert_invalid`,
//! `assert_malformed`) are skips in such a bundle; `spectest` has no memory here (one 64 KiB
//! page would not fit).
//!
//! The report goes to UART0, in the protocol of `mote_spec_bundle::report`, which
//! `cargo xtask qemu-test sifive_e` reads.

use alloc::format;
use core::fmt::Write as _;

use mote_core::{Config, Engine, Limits, Module};
use mote_interp::Interpreter;
use mote_spec_bundle::Tally;
use mote_spec_bundle::command::ModuleSource;
use mote_spec_bundle::exec::{Loader, Options};
use mote_spec_bundle::format::{Bundle, File, PayloadKind};
use mote_spec_bundle::report;

use crate::rt;
use crate::uart::Uart0;

/// The name in reports.
pub const TARGET: &str = "qemu-sifive_e";

/// The limits of the smoke run: [`Limits::MCU`] cut to the heap, with room for a few
/// instances (the `spectest` module's globals and table, a file's modules).
pub const LIMITS: Limits = Limits {
    value_stack_slots: 128,
    call_depth: 16,
    nested_calls: 1,
    memory_bytes: 4 * 1024,
    table_elements: 64,
    instances: 8,
    memories: 1,
    tables: 2,
    ..Limits::MCU
};

/// Loads the bundle's images in place: they stay in flash, like an app's.
#[derive(Debug)]
struct InPlace;

impl Loader<'static> for InPlace {
    fn load(
        &mut self,
        engine: &Engine,
        module: &ModuleSource<'static>,
    ) -> Result<Module, alloc::string::String> {
        match module {
            ModuleSource::Image(alloc::borrow::Cow::Borrowed(image)) => {
                Module::from_image(engine, image)
                    .map_err(|e| format!("loading the image failed: {e}"))
            }
            other => mote_spec_bundle::exec::load(engine, other),
        }
    }
}

/// Runs `bundle` (embedded 4-byte aligned); returns the exit status: 0 when nothing failed, 1
/// when something did, 2 when the bundle is missing or bad.
pub fn run(bundle: &'static [u8], uart: &mut Uart0) -> i32 {
    match run_bundle(bundle, uart) {
        Ok(total) => i32::from(total.failed > 0),
        Err(message) => {
            let _ = writeln!(uart, "@error {message}");
            2
        }
    }
}

fn run_bundle(bytes: &'static [u8], uart: &mut Uart0) -> Result<Tally, alloc::string::String> {
    if bytes.is_empty() {
        return Err("no spec bundle embedded: build with MOTE_SPEC_BUNDLE=FILE (cargo xtask qemu-test sifive_e)".into());
    }
    let bundle = Bundle::parse(bytes).map_err(|e| format!("{e}"))?;
    if bundle.header.payload != PayloadKind::Images {
        return Err(
            "a bundle of .wasm modules: this firmware runs compiled images only (--payload images)"
                .into(),
        );
    }
    let mut config = Config::new();
    config.features(bundle.header.features).limits(LIMITS);
    let mut print = |text: &str| {
        let _ = uart.write_str(text);
    };
    print(&report::suite(
        &bundle.header.suite,
        bundle.header.file_count,
    ));
    let mut total = Tally::default();
    for (index, body) in bundle.bodies().enumerate() {
        let mut file =
            File::parse(body.map_err(|e| format!("{e}"))?).map_err(|e| format!("{e}"))?;
        let engine = Engine::new(&config, Interpreter::new());
        let options = Options {
            fuel: None,
            spectest_memory: false,
        };
        let tally = report::run_file(index, engine, options, InPlace, &mut file, &mut print)?;
        total.add(&tally);
    }
    let memory = [
        rt::heap_peak(),
        rt::HEAP_BYTES,
        rt::stack_peak(),
        rt::stack_bytes(),
    ];
    print(&report::end(&bundle.header.suite, TARGET, &total, memory));
    Ok(total)
}

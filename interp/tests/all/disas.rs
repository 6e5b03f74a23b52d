//! Golden tests of the translator's output: each `tests/disas/NAME.wat` is translated and its
//! disassembly compared with `tests/disas/NAME.disas`. After an intended change to the
//! translator, re-bless with `MOTE_BLESS=1 cargo test -p mote-interp --test all`, and review the
//! diff of the `.disas` files like code.

use std::path::Path;

use mote_core::{Config, Engine, Module};

#[test]
fn translator_output_matches_the_golden_files() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/disas");
    let bless = std::env::var_os("MOTE_BLESS").is_some();
    let engine = Engine::new(&Config::default(), mote_interp::Interpreter::new());
    let mut checked = 0;
    let mut mismatches = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().collect();
    entries.sort_by_key(|e| e.path());
    for entry in entries {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "wat") {
            continue;
        }
        let wasm = wat::parse_file(&path).unwrap();
        let module = Module::new(&engine, &wasm).unwrap();
        let listing = mote_interp::disassemble(&module).unwrap();
        let golden = path.with_extension("disas");
        if bless {
            std::fs::write(&golden, &listing).unwrap();
        } else {
            let expected = std::fs::read_to_string(&golden).unwrap_or_default();
            if expected != listing {
                mismatches.push(format!(
                    "{}:\n--- expected\n{expected}\n+++ got\n{listing}",
                    golden.display()
                ));
            }
        }
        checked += 1;
    }
    assert!(checked > 0, "no .wat files in {}", dir.display());
    assert!(
        mismatches.is_empty(),
        "translator output changed (re-bless with MOTE_BLESS=1 if intended):\n{}",
        mismatches.join("\n")
    );
}

use std::sync::Arc;

use mote_core::engine::{Backend, CompiledCode, Execution, ModuleTranslator};
use mote_core::module::ModuleInfo;
use mote_core::wasmparser;

use mote_core::Error;

use super::*;

/// A backend that compiles only modules without function bodies, so that these tests check the
/// runner whatever state the real engines are in. Host functions run without a backend.
/// With `NoCode(true)`, a function body makes it panic, as a buggy engine might.
struct NoCode(bool);

struct NoCodeTranslator(bool);

impl Backend for NoCode {
    fn name(&self) -> &'static str {
        "no-code"
    }

    fn new_translator(
        &self,
        _: &Config,
        _: &ModuleInfo,
    ) -> Result<Box<dyn ModuleTranslator>, Error> {
        Ok(Box::new(NoCodeTranslator(self.0)))
    }

    fn new_execution(&self, _: &Config) -> Box<dyn Execution> {
        unreachable!("no Wasm function exists to be called")
    }
}

impl ModuleTranslator for NoCodeTranslator {
    fn translate_function(
        &mut self,
        _: &ModuleInfo,
        _: u32,
        _: wasmparser::FunctionBody<'_>,
        _: wasmparser::FuncValidator<wasmparser::ValidatorResources>,
    ) -> Result<(), Error> {
        assert!(!self.0, "the no-code test backend panics on code");
        Err(Error::unsupported(
            "the no-code test backend has no translator",
            None,
        ))
    }

    fn finish(self: Box<Self>, _: &ModuleInfo) -> Result<CompiledCode, Error> {
        Ok(Arc::new(()))
    }
}

/// Runs `.wast` text as file `test.wast` of suite `wasm-v2` on the no-code backend.
fn run_text(text: &str) -> FileReport {
    run_text_on(text, false)
}

fn run_text_on(text: &str, panic_on_code: bool) -> FileReport {
    let config = Config::default();
    let ctx = FileContext {
        suite: "wasm-v2",
        engine: EngineKind::Interp,
        config: &config,
        fuel: None,
    };
    run_file_with(&ctx, "test.wast", text, || {
        Engine::new(&config, NoCode(panic_on_code))
    })
}

fn assert_all_pass(text: &str) -> FileReport {
    let report = run_text(text);
    assert_eq!(report.failed, 0, "{:#?}", report.failures);
    report
}

// These modules have no function bodies, so they run without the interpreter's translator.

#[test]
fn modules_register_get_and_spectest() {
    let report = assert_all_pass(
        r#"
        (module $A
          (import "spectest" "global_i32" (global $g i32))
          (import "spectest" "global_f64" (global $h f64))
          (global (export "g") i32 (global.get $g))
          (global (export "h") f64 (global.get $h))
          (global (export "mut") (mut i64) (i64.const -7))
          (memory (export "mem") 1))
        (assert_return (get "g") (i32.const 666))
        (assert_return (get $A "h") (f64.const 666.6))
        (register "a" $A)
        (module $B
          (import "a" "mut" (global (mut i64)))
          (import "spectest" "table" (table 10 20 funcref))
          (import "spectest" "memory" (memory 1 2))
          (global (export "x") externref (ref.null extern))
          (global (export "f") funcref (ref.null func)))
        (assert_return (get "x") (ref.null extern))
        (assert_return (get "f") (ref.null))
        (assert_return (get $A "mut") (i64.const -7))
        (module (import "a" "mem" (memory 1)))
        (module definition $D (global (export "d") f32 (f32.const nan:0x200000)))
        (module instance $I $D)
        (assert_return (get $I "d") (f32.const nan:0x200000))
        (assert_return (get "d") (either (f32.const 1) (f32.const nan:0x200000)))
        "#,
    );
    assert_eq!(report.passed, 13);
}

#[test]
fn host_functions_are_invoked() {
    assert_all_pass(
        r#"
        (module
          (import "spectest" "print_i32" (func $p (param i32)))
          (import "spectest" "print_f64_f64" (func $q (param f64 f64)))
          (import "spectest" "print" (func $r))
          (export "p" (func $p))
          (export "q" (func $q))
          (export "r" (func $r)))
        (invoke "p" (i32.const 1))
        (assert_return (invoke "q" (f64.const 1) (f64.const -0)))
        (assert_return (invoke "r"))
        "#,
    );
}

#[test]
fn assertions_on_modules() {
    assert_all_pass(
        r#"
        (assert_invalid (module (global i32 (i64.const 0))) "type mismatch")
        (assert_invalid (module (func $f (call $nope))) "unknown function")
        (assert_malformed (module binary "\00asm\02\00\00\00") "unknown binary version")
        (assert_malformed (module quote "(global i32 (i32.const 0x))") "unknown operator")
        (assert_unlinkable (module (import "spectest" "nope" (global i32))) "unknown import")
        (assert_unlinkable (module (import "spectest" "global_i32" (global i64))) "incompatible import type")
        (assert_trap (module (memory 0) (data (i32.const 1) "x")) "out of bounds memory access")
        "#,
    );
}

#[test]
fn failures_are_reported_with_their_location() {
    let report = run_text(
        "(module (global (export \"g\") i32 (i32.const 1)))\n\
         (assert_return (get \"g\") (i32.const 2))\n\
         (assert_invalid (module) \"nothing wrong\")\n\
         (assert_trap (module (memory 1)) \"out of bounds\")\n\
         (assert_return (get $Nope \"g\") (i32.const 1))\n\
         (register \"x\" $Nope)\n\
         (thread $T (module))\n",
    );
    assert_eq!(
        (report.passed, report.failed),
        (1, 6),
        "{:#?}",
        report.failures
    );
    let first = &report.failures[0];
    assert_eq!(
        (first.kind, first.line, first.column),
        ("assert_return", 2, 2)
    );
    assert_eq!(first.message, "expected [i32:2], got [i32:1]");
    assert_eq!(report.failures[1].kind, "assert_invalid");
    assert!(report.failures[1].message.contains("but it compiled"));
    assert_eq!(report.failures[2].kind, "assert_trap (module)");
    assert_eq!(report.failures[4].message, "module `$Nope` does not exist");
    assert_eq!(report.failures[5].message, "unsupported directive `thread`");
}

#[test]
fn unparsable_files_fail_once() {
    let report = run_text("(module (global i32 (i32.const 0))\n(assert_return");
    assert_eq!((report.passed, report.failed), (0, 1));
    assert_eq!(report.failures[0].kind, "parse");
}

#[test]
fn panics_in_the_engine_fail_one_directive() {
    let report = run_text_on(
        r#"
        (module (func))
        (module (global (export "g") i32 (i32.const 5)))
        (assert_return (get "g") (i32.const 5))
        "#,
        true,
    );
    assert_eq!(
        (report.passed, report.failed),
        (2, 1),
        "{:#?}",
        report.failures
    );
    let message = &report.failures[0].message;
    assert!(
        message.starts_with("PANIC: the no-code test backend panics on code (at "),
        "{message}"
    );
}

#[test]
fn directives_after_a_failed_module_point_at_it() {
    let report = run_text(
        "(module $M (global (export \"g\") i32 (i32.const 1)))\n\
         (module $M (import \"nowhere\" \"g\" (global i32)))\n\
         (assert_return (get \"g\") (i32.const 1))\n\
         (assert_return (get $M \"g\") (i32.const 1))\n\
         (module $M (global (export \"g\") i32 (i32.const 2)))\n\
         (assert_return (get $M \"g\") (i32.const 2))\n",
    );
    assert_eq!(
        (report.passed, report.failed),
        (3, 3),
        "{:#?}",
        report.failures
    );
    let messages: Vec<&str> = report.failures.iter().map(|f| f.message.as_str()).collect();
    assert!(
        messages[0].starts_with("instantiation failed: cannot link"),
        "{messages:?}"
    );
    assert_eq!(
        &messages[1..],
        [
            "the current module failed to compile or instantiate at line 2",
            "module `$M` failed to compile or instantiate at line 2"
        ]
    );
}

/// Runs `.wast` text on the real interpreter.
fn run_text_on_interp(text: &str) -> FileReport {
    let config = Config::default();
    let ctx = FileContext {
        suite: "wasm-v2",
        engine: EngineKind::Interp,
        config: &config,
        fuel: None,
    };
    run_file(&ctx, "test.wast", text)
}

#[test]
fn code_runs_on_the_interpreter_and_wrong_answers_fail() {
    let report = run_text_on_interp(
        r#"
        (module
          (func (export "one") (result i32) (i32.const 1))
          (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
          (func (export "nan") (result f32) (f32.div (f32.const 0) (f32.const 0)))
          (func $loop (export "loop") (call $loop)))
        (assert_return (invoke "one") (i32.const 1))
        (assert_return (invoke "one") (i32.const 2))
        (assert_trap (invoke "div" (i32.const 1) (i32.const 0)) "integer divide by zero")
        (assert_trap (invoke "one") "unreachable")
        (assert_return (invoke "nan") (f32.const nan:canonical))
        (assert_return (invoke "nan") (f32.const 0))
        (assert_exhaustion (invoke "loop") "call stack exhausted")
        "#,
    );
    assert_eq!(
        (report.passed, report.failed),
        (5, 3),
        "{:#?}",
        report.failures
    );
    let lines: Vec<u32> = report.failures.iter().map(|f| f.line).collect();
    assert_eq!(lines, [8, 10, 12]);
    assert_eq!(report.failures[0].message, "expected [i32:2], got [i32:1]");
    assert_eq!(
        report.failures[1].message,
        "expected trap `unreachable`, got [i32:1]"
    );
}

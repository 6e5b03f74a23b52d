//! Unit tests of the pieces that need no guest: range checks, error mapping, the manifest.

use embedded_hal::i2c::{ErrorKind as I2cKind, NoAcknowledgeSource};
use embedded_hal::spi::ErrorKind as SpiKind;

use crate::errno::{self, Errno};
use crate::manifest::{Kind, Manifest};
use crate::mem::{array_len, range};

#[test]
fn ranges_are_checked_in_u64() {
    assert_eq!(range(16, 0, 16), Ok(0..16));
    assert_eq!(range(16, 16, 0), Ok(16..16));
    assert_eq!(range(16, 17, 0), Err(Errno::FAULT));
    assert_eq!(range(16, 8, 9), Err(Errno::FAULT));
    assert_eq!(range(16, u32::MAX, 2), Err(Errno::FAULT));
    assert_eq!(range(usize::MAX, u32::MAX, u64::MAX), Err(Errno::FAULT));
    assert_eq!(array_len(u32::MAX, 48), 48 * u64::from(u32::MAX));
}

#[test]
fn hal_errors_map_through_kind() {
    let nack = I2cKind::NoAcknowledge(NoAcknowledgeSource::Address);
    assert_eq!(errno::from_i2c(nack), Errno::NXIO);
    assert_eq!(errno::from_i2c(I2cKind::ArbitrationLoss), Errno::BUSY);
    assert_eq!(errno::from_i2c(I2cKind::Overrun), Errno::OVERFLOW);
    assert_eq!(errno::from_i2c(I2cKind::Bus), Errno::IO);
    assert_eq!(errno::from_spi(SpiKind::Overrun), Errno::OVERFLOW);
    assert_eq!(errno::from_spi(SpiKind::ModeFault), Errno::IO);
    let timeout = embedded_io::ErrorKind::TimedOut;
    assert_eq!(errno::from_io(timeout), Errno::TIMEDOUT);
    assert_eq!(Errno::FAULT.negated(), -21);
    assert_eq!(
        errno::level1(Ok(u32::MAX)),
        i32::MAX,
        "never negative on success"
    );
}

#[test]
fn grants_are_found_by_label_and_kind() {
    let m = Manifest::new()
        .grant("led", Kind::Gpio, 3)
        .grant("bus", Kind::I2c, 0)
        .grant("led", Kind::Gpio, 4);
    assert_eq!(m.find(b"led", Kind::Gpio), Some(0), "the first grant wins");
    assert_eq!(m.find(b"bus", Kind::I2c), Some(1));
    assert_eq!(m.find(b"bus", Kind::Spi), None);
    assert_eq!(m.find(b"le", Kind::Gpio), None);
    assert_eq!(m.grants()[0].index, 3);
}

mod imports_only {
    extern crate std;

    use alloc::format;

    use mote_core::{Config, Engine, Linker, Module, Store};

    use crate::testing::TestBoard;
    use crate::{Kind, Manifest, Platform};

    type Host = Platform<TestBoard>;

    fn module(engine: &Engine, imports: &str) -> Module {
        let wat = format!(
            r#"(module {imports}
                 (memory (export "memory") 1)
                 (data (i32.const 0) "led")
                 (func (export "_start") (result i32)
                   (call $toggle (call $open (i32.const 0) (i32.const 3) (i32.const 1)))))"#
        );
        let wasm = wat::parse_str(&wat).expect("valid text");
        Module::new(engine, &wasm).expect("a valid module")
    }

    const USED: &str = r#"
        (import "mote:board" "gpio.open" (func $open (param i32 i32 i32) (result i32)))
        (import "mote:board" "gpio.toggle" (func $toggle (param i32) (result i32)))
        (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
        (import "wasi_snapshot_preview1" "fd_seek" (func (param i32 i64 i32 i32) (result i32)))"#;

    #[test]
    fn defines_only_what_the_module_imports() {
        let engine = Engine::new(&Config::default(), mote_interp::Interpreter::new());
        let module = module(&engine, USED);
        let mut linker = Linker::new(&engine);
        crate::add_imports_to_linker(&mut linker, &module, |p: &mut Host| p).expect("defined once");
        // The four imports, one of them a function outside the subset (ENOSYS), and nothing else.
        assert_eq!(format!("{linker:?}"), "Linker { definitions: 4, .. }");
        let manifest = Manifest::new().grant("led", Kind::Gpio, 0);
        let mut store = Store::new(&engine, Platform::new(TestBoard::default(), manifest));
        assert!(
            linker
                .get(&mut store, "wasi_snapshot_preview1", "fd_seek")
                .is_some()
        );
        assert!(
            linker
                .get(&mut store, "wasi_snapshot_preview1", "proc_exit")
                .is_none()
        );
        assert!(linker.get(&mut store, "mote:board", "gpio.read").is_none());
        let instance = linker.instantiate(&mut store, &module).expect("linked");
        let start = instance
            .get_typed_func::<(), i32>(&store, "_start")
            .expect("exported");
        assert_eq!(start.call(&mut store, ()).expect("runs"), 0);
        assert!(store.data().board().pins[0].0, "the LED toggled on");

        // All of WASI-lite, for comparison.
        let mut all = Linker::<Host>::new(&engine);
        crate::add_to_linker(&mut all, |p: &mut Host| p).expect("defined once");
        let count = format!("{all:?}");
        assert_ne!(count, "Linker { definitions: 4, .. }");
    }

    #[test]
    fn unknown_imports_stay_undefined() {
        let engine = Engine::new(&Config::default(), mote_interp::Interpreter::new());
        let imports = r#"
            (import "mote:board" "gpio.open" (func $open (param i32 i32 i32) (result i32)))
            (import "mote:board" "gpio.toggle" (func $toggle (param i32) (result i32)))
            (import "mote:board" "no.such" (func (param i32) (result i32)))
            (import "env" "fd_write" (func (param i32 i32 i32 i32) (result i32)))"#;
        let module = module(&engine, imports);
        let mut linker = Linker::new(&engine);
        crate::add_imports_to_linker(&mut linker, &module, |p: &mut Host| p).expect("defined once");
        assert_eq!(format!("{linker:?}"), "Linker { definitions: 2, .. }");
        let mut store = Store::new(
            &engine,
            Platform::new(TestBoard::default(), Manifest::new()),
        );
        let err = linker
            .instantiate(&mut store, &module)
            .expect_err("no.such is not defined");
        assert!(format!("{err}").contains("no.such"), "{err}");
        // Defining twice is refused, as with `add_to_linker`.
        assert!(crate::add_imports_to_linker(&mut linker, &module, |p: &mut Host| p).is_err());
    }
}

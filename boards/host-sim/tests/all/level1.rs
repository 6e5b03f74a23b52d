//! Level 1 (`mote:board`) on host-sim: grants, handles and every device.

use mote_core::{CallOutcome, Val};
use mote_platform::Blocking;

use crate::Guest;

const TOOBIG: i32 = -1;
const AGAIN: i32 = -6;
const BADF: i32 = -8;
const INVAL: i32 = -28;
const NXIO: i32 = -60;
const TIMEDOUT: i32 = -73;
const NOTCAPABLE: i32 = -76;

#[test]
fn only_granted_labels_open() {
    let mut g = Guest::new(b"");
    assert_eq!(g.open("gpio.open", "secret", &[0]), NOTCAPABLE);
    assert_eq!(g.open("i2c.open", "led", &[]), NOTCAPABLE, "wrong kind");
    assert_eq!(
        g.open("gpio.open", &"x".repeat(40), &[0]),
        NOTCAPABLE,
        "too long"
    );
    assert_eq!(g.open("gpio.open", "led", &[4]), INVAL, "unknown flag");
    let led = g.open("gpio.open", "led", &[1]);
    assert!(led >= 0);
    let i2c = g.open("i2c.open", "i2c0", &[]);
    assert!(i2c >= 0 && i2c != led);
    // Handles are checked: kind, range, opened.
    assert_eq!(g.call_i("gpio.set", &[i2c, 1]), BADF);
    assert_eq!(g.call_i("gpio.set", &[-1, 1]), BADF);
    assert_eq!(g.call_i("gpio.set", &[1000, 1]), BADF);
    let button = 1; // granted, never opened
    assert_eq!(g.call_i("gpio.read", &[button]), BADF);
    assert_eq!(g.call_i("i2c.read", &[led, 0x48, 1000, 1]), BADF);
}

#[test]
fn gpio_drives_and_reads_pins() {
    let mut g = Guest::new(b"");
    let led = g.open("gpio.open", "led", &[1 | 2]);
    assert_eq!(g.call_i("gpio.read", &[led]), 1, "initially high");
    assert_eq!(g.call_i("gpio.toggle", &[led]), 0);
    assert_eq!(g.call_i("gpio.read", &[led]), 0);
    assert_eq!(g.call_i("gpio.set", &[led, 1]), 0);
    assert!(g.store.data().board().pins[0].high);
    assert_eq!(
        g.trace.contents(),
        "[host-sim] gpio led: high\n[host-sim] gpio led: low\n[host-sim] gpio led: high\n"
    );
}

#[test]
fn gpio_edges_become_events() {
    let mut g = Guest::new(b"");
    let led = g.open("gpio.open", "led", &[1]);
    assert_eq!(g.call("event.poll", &[]), AGAIN);
    assert_eq!(g.call_i("gpio.watch", &[led, 4]), INVAL);
    assert_eq!(g.call_i("gpio.watch", &[led, 1]), 0, "rising only");
    g.call_i("gpio.set", &[led, 1]);
    assert_eq!(g.call("event.poll", &[]), led << 8 | 1);
    assert_eq!(g.call("event.poll", &[]), AGAIN);
    g.call_i("gpio.set", &[led, 0]);
    assert_eq!(
        g.call("event.poll", &[]),
        AGAIN,
        "falling edges are not watched"
    );
    assert_eq!(g.call_i("gpio.watch", &[led, 3]), 0);
    g.call_i("gpio.toggle", &[led]);
    assert_eq!(g.call("event.wait", &[Val::I64(1000)]), led << 8 | 1);
    let before = g.store.data().board().delay.slept_ns;
    assert_eq!(g.call("event.wait", &[Val::I64(5000)]), TIMEDOUT);
    assert!(g.store.data().board().delay.slept_ns - before >= 4_000_000);
}

#[test]
fn i2c_reads_the_tmp105() {
    let mut g = Guest::new(b"");
    let bus = g.open("i2c.open", "i2c0", &[]);
    g.poke(1000, &[0x01, 0x60]); // configuration: 12 bits
    assert_eq!(g.call_i("i2c.write", &[bus, 0x48, 1000, 2]), 0);
    g.poke(1000, &[0x00]);
    assert_eq!(
        g.call_i("i2c.write_read", &[bus, 0x48, 1000, 1, 1100, 2]),
        0
    );
    assert_eq!(g.peek(1100, 2), [0x15, 0x80], "21.5 °C");
    g.store.data_mut().board_mut().set_temperature(-0.0625);
    assert_eq!(g.call_i("i2c.read", &[bus, 0x48, 1100, 2]), 0);
    assert_eq!(g.peek(1100, 2), [0xFF, 0xF0]);
    assert_eq!(
        g.call_i("i2c.read", &[bus, 0x50, 1100, 2]),
        NXIO,
        "nothing at 0x50"
    );
    assert_eq!(
        g.call_i("i2c.read", &[bus, 0x80, 1100, 2]),
        INVAL,
        "not a 7-bit address"
    );
    assert_eq!(g.call_i("i2c.read", &[bus, 0x48, 1100, 300]), TOOBIG);
    // A transaction: write the pointer (config), read it back.
    g.poke(1000, &[0x01]);
    let desc: Vec<u8> = [1u32, 1000, 1, 0, 1200, 1]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect();
    g.poke(2000, &desc);
    assert_eq!(g.call_i("i2c.transaction", &[bus, 0x48, 2000, 2]), 0);
    assert_eq!(g.peek(1200, 1), [0x60]);
    assert_eq!(g.call_i("i2c.transaction", &[bus, 0x48, 2000, 9]), TOOBIG);
    g.poke(2000, &2u32.to_le_bytes());
    assert_eq!(
        g.call_i("i2c.transaction", &[bus, 0x48, 2000, 2]),
        INVAL,
        "transfer is SPI only"
    );
}

#[test]
fn spi_talks_to_the_eeprom() {
    let mut g = Guest::new(b"");
    let spi = g.open("spi.open", "spi0", &[]);
    g.poke(1000, &[0x06]); // WREN
    assert_eq!(g.call_i("spi.write", &[spi, 1000, 1]), 0);
    g.poke(1000, &[0x02, 0x00, 0x10, 0xAB, 0xCD]); // WRITE at 0x0010
    assert_eq!(g.call_i("spi.write", &[spi, 1000, 5]), 0);
    // READ at 0x0010 as a transaction: write the command, read two bytes.
    g.poke(1100, &[0x03, 0x00, 0x10]);
    let desc: Vec<u8> = [1u32, 1100, 3, 3, 0, 10, 0, 1200, 2]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect();
    g.poke(2000, &desc);
    assert_eq!(g.call_i("spi.transaction", &[spi, 2000, 3]), 0);
    assert_eq!(g.peek(1200, 2), [0xAB, 0xCD]);
    // Transfer in place: RDSR, then the status (write latch cleared after the write).
    g.poke(1300, &[0x05, 0x00]);
    assert_eq!(g.call_i("spi.transfer", &[spi, 1300, 2]), 0);
    assert_eq!(g.peek(1300, 2), [0xFF, 0x00]);
    assert_eq!(
        g.call_i("spi.configure", &[spi, 1_000_000, 0]),
        -58,
        "ENOTSUP on host-sim"
    );
    assert_eq!(g.call_i("spi.configure", &[spi, 1_000_000, 4]), INVAL);
}

#[test]
fn uart_pwm_and_delay() {
    let mut g = Guest::new(b"ping");
    let uart = g.open("uart.open", "uart0", &[]);
    assert_eq!(g.call_i("uart.read", &[uart, 1000, 16]), 4);
    assert_eq!(g.peek(1000, 4), b"ping");
    assert_eq!(g.call_i("uart.read", &[uart, 1000, 16]), 0, "end of input");
    g.poke(1000, b"pong\n");
    assert_eq!(g.call_i("uart.write", &[uart, 1000, 5]), 5);
    assert_eq!(g.out.contents(), "pong\n");

    let pwm = g.open("pwm.open", "pwm0", &[]);
    assert_eq!(g.call_i("pwm.max_duty", &[pwm]), 255);
    assert_eq!(g.call_i("pwm.set_duty", &[pwm, 128]), 0);
    assert_eq!(g.call_i("pwm.set_duty", &[pwm, 256]), INVAL);
    assert_eq!(g.store.data().board().pwm.duty, 128);
    assert!(g.trace.contents().contains("pwm0: duty 128/255"));

    let before = g.store.data().board().delay.slept_ns;
    assert_eq!(g.call_i("delay.ms", &[5]), 0);
    assert_eq!(g.call_i("delay.us", &[7]), 0);
    assert_eq!(g.store.data().board().delay.slept_ns - before, 5_007_000);
}

#[test]
fn blocking_calls_can_yield() {
    let mut g = Guest::with(b"", Blocking::Yield, &[], &[]);
    let func = g.instance.get_func(&g.store, "delay.ms").unwrap();
    let mut results = [Val::I32(-1)];
    let outcome = func
        .call_resumable(&mut g.store, &[Val::I32(10)], &mut results)
        .unwrap();
    let CallOutcome::Suspended(call) = outcome else {
        panic!("delay.ms did not yield");
    };
    assert_eq!(
        g.store.data().board().delay.slept_ns,
        0,
        "the CPU was not blocked"
    );
    let wake = g.store.data_mut().take_wake_at().expect("a wake-up time");
    assert!(wake >= 10_000_000);
    assert!(matches!(
        call.resume(&mut g.store, &mut results),
        Ok(CallOutcome::Finished)
    ));
    assert_eq!(results[0], Val::I32(0));
    // event.wait yields too, and asks to be called again.
    assert_eq!(g.call("event.wait", &[Val::I64(-1)]), AGAIN);
}

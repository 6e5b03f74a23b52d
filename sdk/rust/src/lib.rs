//! # mote-guest
//!
//! Safe, allocation-free wrappers for Mote's WASI-lite imports (`docs/wasi-lite.md` in the
//! Mote repository): the console, clocks, randomness and exit of level 0
//! (`wasi_snapshot_preview1`), and the board's pins and buses of level 1 (`mote:board`).
//!
//! ```no_run
//! #![no_std]
//! #![no_main]
//! use mote_guest::{gpio::Pin, delay, println};
//!
//! #[unsafe(no_mangle)]
//! pub extern "C" fn _start() {
//!     let led = Pin::output("led", false).expect("the board grants `led`");
//!     for _ in 0..3 {
//!         led.toggle().ok();
//!         delay::ms(100);
//!     }
//!     println!("done");
//! }
//! ```
//!
//! Build apps for `wasm32-unknown-unknown` (or `wasm32-wasip1`) with a small stack and memory;
//! `examples/guest/.cargo/config.toml` in the Mote repository has the linker settings.
#![no_std]

pub mod sys;

#[cfg(feature = "embedded-hal")]
pub mod hal;

use core::fmt;

/// An error code from the host (a WASI `errno` value, as in `docs/wasi-lite.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Error(pub u16);

impl Error {
    /// `E2BIG`: a transfer is larger than the host's bounce buffer (256 bytes).
    pub const TOOBIG: Error = Error(1);
    /// `EAGAIN`: nothing yet, try again.
    pub const AGAIN: Error = Error(6);
    /// `EBADF`: not an open handle of this kind.
    pub const BADF: Error = Error(8);
    /// `EFAULT`: a buffer lies outside the guest's memory.
    pub const FAULT: Error = Error(21);
    /// `EINVAL`: an invalid argument.
    pub const INVAL: Error = Error(28);
    /// `EBUSY`: I2C arbitration lost, SPI chip-select fault.
    pub const BUSY: Error = Error(10);
    /// `EOVERFLOW`: a bus overrun.
    pub const OVERFLOW: Error = Error(61);
    /// `ENOTSUP`: the board cannot do this.
    pub const NOTSUP: Error = Error(58);
    /// `EIO`: a bus or device error.
    pub const IO: Error = Error(29);
    /// `ENXIO`: no I2C device acknowledged the address.
    pub const NXIO: Error = Error(60);
    /// `ETIMEDOUT`: the wait timed out.
    pub const TIMEDOUT: Error = Error(73);
    /// `ENOTCAPABLE`: the label was not granted to this app.
    pub const NOTCAPABLE: Error = Error(76);
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error code {}", self.0)
    }
}

impl core::error::Error for Error {}

/// The result of a host call.
pub type Result<T> = core::result::Result<T, Error>;

/// A level-1 return value: non-negative is success, negative a negated code.
fn level1(ret: i32) -> Result<u32> {
    u32::try_from(ret).map_err(|_| Error(u16::try_from(ret.unsigned_abs()).unwrap_or(u16::MAX)))
}

/// A level-0 return value: 0 is success.
fn level0(ret: i32) -> Result<()> {
    match ret {
        0 => Ok(()),
        e => Err(Error(u16::try_from(e).unwrap_or(u16::MAX))),
    }
}

/// A buffer length as the `i32` the ABI takes (lengths above `i32::MAX` are refused).
fn len(n: usize) -> Result<i32> {
    i32::try_from(n).map_err(|_| Error::INVAL)
}

/// A level-1 handle as the `i32` the ABI takes.
fn handle(h: u32) -> i32 {
    h.cast_signed()
}

/// The console: file descriptors 1 (stdout) and 2 (stderr).
pub mod console {
    use super::*;

    /// Writes `bytes` to file descriptor `fd` (1 or 2); returns how many were written.
    ///
    /// # Errors
    /// `EBADF` for another descriptor, or the console's error.
    pub fn write(fd: i32, bytes: &[u8]) -> Result<usize> {
        let iov = [bytes.as_ptr() as usize, bytes.len()];
        let mut written = 0u32;
        // SAFETY: `iov` describes `bytes`, which lives across the call; `written` is a valid
        // place for the result. The host checks both against the guest's memory.
        level0(unsafe { sys::fd_write(fd, &iov, 1, &mut written) })?;
        Ok(written as usize)
    }

    /// Reads from stdin into `buf`; returns how many bytes were read (0 at end of input).
    ///
    /// # Errors
    /// `EBADF` when the board has no stdin.
    pub fn read(buf: &mut [u8]) -> Result<usize> {
        let iov = [buf.as_mut_ptr() as usize, buf.len()];
        let mut read = 0u32;
        // SAFETY: `iov` describes `buf`, exclusively borrowed across the call; `read` is valid.
        level0(unsafe { sys::fd_read(0, &iov, 1, &mut read) })?;
        Ok(read as usize)
    }

    /// A `core::fmt::Write` sink for stdout (`Console(1)`) or stderr (`Console(2)`).
    #[derive(Debug, Clone, Copy)]
    pub struct Console(pub i32);

    impl fmt::Write for Console {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            let mut rest = s.as_bytes();
            while !rest.is_empty() {
                let n = write(self.0, rest).map_err(|_| fmt::Error)?;
                rest = rest.get(n..).ok_or(fmt::Error)?;
                if n == 0 {
                    return Err(fmt::Error);
                }
            }
            Ok(())
        }
    }
}

/// Prints to stdout, like `std::print!`.
#[macro_export]
macro_rules! print {
    ($($arg:tt)*) => {{
        let _ = core::fmt::Write::write_fmt(&mut $crate::console::Console(1), format_args!($($arg)*));
    }};
}

/// Prints a line to stdout, like `std::println!`.
#[macro_export]
macro_rules! println {
    () => { $crate::print!("\n") };
    ($($arg:tt)*) => {{
        $crate::print!($($arg)*);
        $crate::print!("\n");
    }};
}

/// Ends the program with `status` (WASI `proc_exit`).
pub fn exit(status: i32) -> ! {
    // SAFETY: `proc_exit` takes a plain integer and does not return.
    unsafe { sys::proc_exit(status) }
}

/// Lets the host run something else (WASI `sched_yield`).
pub fn yield_now() {
    // SAFETY: no arguments.
    unsafe { sys::sched_yield() };
}

/// Clocks.
pub mod time {
    use super::*;

    /// Nanoseconds since the Unix epoch, where the board has a wall clock.
    ///
    /// # Errors
    /// `EINVAL` when the board has no such clock.
    pub fn realtime_ns() -> Result<u64> {
        let mut t = 0u64;
        // SAFETY: `t` is a valid place for the result.
        level0(unsafe { sys::clock_time_get(0, 1, &mut t) })?;
        Ok(t)
    }

    /// The resolution of the monotonic clock in nanoseconds.
    ///
    /// # Errors
    /// `EINVAL` when the board has no such clock.
    pub fn resolution_ns() -> Result<u64> {
        let mut t = 0u64;
        // SAFETY: `t` is a valid place for the result.
        level0(unsafe { sys::clock_res_get(1, &mut t) })?;
        Ok(t)
    }

    /// Sleeps `ns` nanoseconds on the monotonic clock (WASI `poll_oneoff` with one relative
    /// clock subscription).
    ///
    /// # Errors
    /// The host's error.
    pub fn sleep_ns(ns: u64) -> Result<()> {
        // A 48-byte subscription: userdata 0, tag 0 (clock), id 1 (monotonic), timeout, flags 0.
        let mut sub = [0u8; 48];
        sub[16] = 1;
        sub[24..32].copy_from_slice(&ns.to_le_bytes());
        let mut event = [0u8; 32];
        let mut count = 0u32;
        // SAFETY: `sub`, `event` and `count` are valid for the sizes the ABI reads and writes.
        level0(unsafe { sys::poll_oneoff(sub.as_ptr(), event.as_mut_ptr(), 1, &mut count) })?;
        match u16::from_le_bytes([event[8], event[9]]) {
            0 => Ok(()),
            e => Err(Error(e)),
        }
    }

    /// Nanoseconds on the monotonic clock.
    ///
    /// # Errors
    /// `EINVAL` when the board has no such clock.
    pub fn monotonic_ns() -> Result<u64> {
        let mut t = 0u64;
        // SAFETY: `t` is a valid place for the result.
        level0(unsafe { sys::clock_time_get(1, 1, &mut t) })?;
        Ok(t)
    }
}

/// The program's arguments and environment (WASI `args_get`, `environ_get`), copied into a
/// caller-provided buffer.
pub mod env {
    use super::*;

    /// NUL-terminated strings in a buffer, iterated as `&[u8]`.
    #[derive(Debug, Clone)]
    pub struct Strings<'a> {
        rest: &'a [u8],
        left: u32,
    }

    impl<'a> Iterator for Strings<'a> {
        type Item = &'a [u8];
        fn next(&mut self) -> Option<&'a [u8]> {
            if self.left == 0 {
                return None;
            }
            self.left -= 1;
            let end = self.rest.iter().position(|&b| b == 0)?;
            let (s, rest) = self.rest.split_at(end);
            self.rest = rest.get(1..).unwrap_or(&[]);
            Some(s)
        }
    }

    /// How many bytes [`args`] needs: 4 per argument for the host's pointer table, plus the
    /// strings with their NULs.
    ///
    /// # Errors
    /// The host's error.
    pub fn args_len() -> Result<usize> {
        let (count, size) = sizes(sys::args_sizes_get)?;
        Ok(count as usize * 4 + size as usize)
    }

    /// The arguments (the first is by convention the program), stored in `buf`.
    ///
    /// # Errors
    /// `E2BIG` when `buf` is shorter than [`args_len`].
    pub fn args(buf: &mut [u8]) -> Result<Strings<'_>> {
        strings(buf, sys::args_sizes_get, sys::args_get)
    }

    /// How many bytes [`vars`] needs.
    ///
    /// # Errors
    /// The host's error.
    pub fn vars_len() -> Result<usize> {
        let (count, size) = sizes(sys::environ_sizes_get)?;
        Ok(count as usize * 4 + size as usize)
    }

    /// The environment as `KEY=VALUE` strings, stored in `buf`.
    ///
    /// # Errors
    /// `E2BIG` when `buf` is shorter than [`vars_len`].
    pub fn vars(buf: &mut [u8]) -> Result<Strings<'_>> {
        strings(buf, sys::environ_sizes_get, sys::environ_get)
    }

    type SizesFn = unsafe extern "C" fn(*mut u32, *mut u32) -> i32;
    type GetFn = unsafe extern "C" fn(*mut *mut u8, *mut u8) -> i32;

    fn sizes(f: SizesFn) -> Result<(u32, u32)> {
        let (mut count, mut size) = (0u32, 0u32);
        // SAFETY: both pointers are valid places for a `u32`.
        level0(unsafe { f(&mut count, &mut size) })?;
        Ok((count, size))
    }

    fn strings(buf: &mut [u8], sizes_fn: SizesFn, get: GetFn) -> Result<Strings<'_>> {
        let (count, size) = sizes(sizes_fn)?;
        let table = count as usize * 4;
        if buf.len() < table + size as usize {
            return Err(Error::TOOBIG);
        }
        let (ptrs, strs) = buf.split_at_mut(table);
        // SAFETY: `ptrs` holds `count` pointers' worth of bytes (the host writes them
        // byte-wise, so alignment does not matter) and `strs` at least `size` bytes.
        level0(unsafe { get(ptrs.as_mut_ptr().cast(), strs.as_mut_ptr()) })?;
        Ok(Strings {
            rest: strs,
            left: count,
        })
    }
}

/// Fills `buf` with random bytes (WASI `random_get`).
///
/// # Errors
/// When the board has no random source.
pub fn random(buf: &mut [u8]) -> Result<()> {
    // SAFETY: `buf` is valid for writes of its length.
    level0(unsafe { sys::random_get(buf.as_mut_ptr(), len(buf.len())?) })
}

/// Delays: they block, or yield to other apps where the embedder schedules cooperatively.
pub mod delay {
    use super::*;

    /// Waits `us` microseconds.
    pub fn us(us: u32) {
        // SAFETY: a plain integer argument.
        unsafe { sys::delay_us(us.cast_signed()) };
    }

    /// Waits `ms` milliseconds.
    pub fn ms(ms: u32) {
        // SAFETY: a plain integer argument.
        unsafe { sys::delay_ms(ms.cast_signed()) };
    }
}

/// GPIO pins.
pub mod gpio {
    use super::*;

    /// Watch rising edges (for [`Pin::watch`]).
    pub const RISING: u32 = 1;
    /// Watch falling edges.
    pub const FALLING: u32 = 2;

    /// An opened pin.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct Pin(pub u32);

    fn open(label: &str, flags: i32) -> Result<Pin> {
        // SAFETY: `label` is valid for reads of its length.
        level1(unsafe { sys::gpio_open(label.as_ptr(), len(label.len())?, flags) }).map(Pin)
    }

    impl Pin {
        /// Opens the pin granted as `label` as an input.
        ///
        /// # Errors
        /// `ENOTCAPABLE` when `label` was not granted.
        pub fn input(label: &str) -> Result<Pin> {
            open(label, 0)
        }

        /// Opens the pin granted as `label` as an output, starting at `high`.
        ///
        /// # Errors
        /// `ENOTCAPABLE` when `label` was not granted.
        pub fn output(label: &str, high: bool) -> Result<Pin> {
            open(label, 1 | if high { 2 } else { 0 })
        }

        /// Drives the pin high or low.
        ///
        /// # Errors
        /// The HAL's error.
        pub fn set(&self, high: bool) -> Result<()> {
            // SAFETY: plain integer arguments.
            level1(unsafe { sys::gpio_set(handle(self.0), i32::from(high)) }).map(drop)
        }

        /// Drives the pin high.
        ///
        /// # Errors
        /// The HAL's error.
        pub fn set_high(&self) -> Result<()> {
            self.set(true)
        }

        /// Drives the pin low.
        ///
        /// # Errors
        /// The HAL's error.
        pub fn set_low(&self) -> Result<()> {
            self.set(false)
        }

        /// Inverts the pin's output.
        ///
        /// # Errors
        /// The HAL's error.
        pub fn toggle(&self) -> Result<()> {
            // SAFETY: a plain integer argument.
            level1(unsafe { sys::gpio_toggle(handle(self.0)) }).map(drop)
        }

        /// Whether the pin reads high.
        ///
        /// # Errors
        /// The HAL's error.
        pub fn is_high(&self) -> Result<bool> {
            // SAFETY: a plain integer argument.
            level1(unsafe { sys::gpio_read(handle(self.0)) }).map(|v| v != 0)
        }

        /// Reports `edges` ([`RISING`] | [`FALLING`], or 0 to stop) as events.
        ///
        /// # Errors
        /// `EINVAL` for unknown edge bits.
        pub fn watch(&self, edges: u32) -> Result<()> {
            // SAFETY: plain integer arguments.
            level1(unsafe { sys::gpio_watch(handle(self.0), edges.cast_signed()) }).map(drop)
        }
    }
}

/// Events (GPIO edges).
pub mod event {
    use super::*;

    /// An event: which pin and which edge.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct Event {
        /// The pin.
        pub pin: gpio::Pin,
        /// [`gpio::RISING`] or [`gpio::FALLING`].
        pub edge: u32,
    }

    fn decode(v: u32) -> Event {
        Event {
            pin: gpio::Pin(v >> 8),
            edge: v & 0xFF,
        }
    }

    /// The next pending event, if any.
    ///
    /// # Errors
    /// The HAL's error while sampling pins.
    pub fn poll() -> Result<Option<Event>> {
        // SAFETY: no arguments.
        match level1(unsafe { sys::event_poll() }) {
            Ok(v) => Ok(Some(decode(v))),
            Err(Error::AGAIN) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Waits for an event, at most `timeout_us` microseconds (`None`: forever).
    ///
    /// # Errors
    /// `ETIMEDOUT`; `EAGAIN` when the host yielded instead of waiting (call again).
    pub fn wait(timeout_us: Option<u64>) -> Result<Event> {
        let t = timeout_us.map_or(-1, |t| i64::try_from(t).unwrap_or(i64::MAX));
        // SAFETY: a plain integer argument.
        level1(unsafe { sys::event_wait(t) }).map(decode)
    }
}

/// Bus transaction operations (I2C and SPI).
#[derive(Debug)]
pub enum Operation<'a> {
    /// Read into the buffer.
    Read(&'a mut [u8]),
    /// Write the bytes.
    Write(&'a [u8]),
    /// SPI only: send the buffer and replace it with what was received.
    Transfer(&'a mut [u8]),
    /// SPI only: wait this many nanoseconds with chip select held.
    DelayNs(u32),
}

impl Default for Operation<'_> {
    /// A zero delay (a placeholder in fixed-size operation arrays).
    fn default() -> Self {
        Operation::DelayNs(0)
    }
}

/// The most operations in one transaction.
pub const MAX_OPS: usize = 8;

fn raw_ops(ops: &mut [Operation<'_>]) -> Result<([sys::RawOp; MAX_OPS], i32)> {
    if ops.len() > MAX_OPS {
        return Err(Error::TOOBIG);
    }
    let mut raw = [sys::RawOp {
        kind: 0,
        ptr: core::ptr::null(),
        len: 0,
    }; MAX_OPS];
    for (r, op) in raw.iter_mut().zip(ops.iter_mut()) {
        *r = match op {
            Operation::Read(b) => sys::RawOp {
                kind: 0,
                ptr: b.as_mut_ptr(),
                len: len(b.len())?.cast_unsigned(),
            },
            Operation::Write(b) => sys::RawOp {
                kind: 1,
                ptr: b.as_ptr(),
                len: len(b.len())?.cast_unsigned(),
            },
            Operation::Transfer(b) => sys::RawOp {
                kind: 2,
                ptr: b.as_mut_ptr(),
                len: len(b.len())?.cast_unsigned(),
            },
            Operation::DelayNs(ns) => sys::RawOp {
                kind: 3,
                ptr: core::ptr::null(),
                len: *ns,
            },
        };
    }
    Ok((raw, len(ops.len())?))
}

/// I2C buses.
pub mod i2c {
    use super::*;

    /// An opened I2C bus.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct I2c(pub u32);

    impl I2c {
        /// Opens the bus granted as `label`.
        ///
        /// # Errors
        /// `ENOTCAPABLE` when `label` was not granted.
        pub fn open(label: &str) -> Result<I2c> {
            // SAFETY: `label` is valid for reads of its length.
            level1(unsafe { sys::i2c_open(label.as_ptr(), len(label.len())?) }).map(I2c)
        }

        /// Reads `buf.len()` bytes from the device at `addr`.
        ///
        /// # Errors
        /// `ENXIO` when nothing acknowledges, other bus errors.
        pub fn read(&self, addr: u8, buf: &mut [u8]) -> Result<()> {
            // SAFETY: `buf` is valid for writes of its length.
            level1(unsafe {
                sys::i2c_read(
                    handle(self.0),
                    i32::from(addr),
                    buf.as_mut_ptr(),
                    len(buf.len())?,
                )
            })
            .map(drop)
        }

        /// Writes `bytes` to the device at `addr`.
        ///
        /// # Errors
        /// As [`I2c::read`].
        pub fn write(&self, addr: u8, bytes: &[u8]) -> Result<()> {
            // SAFETY: `bytes` is valid for reads of its length.
            level1(unsafe {
                sys::i2c_write(
                    handle(self.0),
                    i32::from(addr),
                    bytes.as_ptr(),
                    len(bytes.len())?,
                )
            })
            .map(drop)
        }

        /// Writes `bytes` then reads into `buf` with a repeated start.
        ///
        /// # Errors
        /// As [`I2c::read`].
        pub fn write_read(&self, addr: u8, bytes: &[u8], buf: &mut [u8]) -> Result<()> {
            // SAFETY: `bytes` and `buf` are valid for their lengths and do not overlap.
            level1(unsafe {
                sys::i2c_write_read(
                    handle(self.0),
                    i32::from(addr),
                    bytes.as_ptr(),
                    len(bytes.len())?,
                    buf.as_mut_ptr(),
                    len(buf.len())?,
                )
            })
            .map(drop)
        }

        /// Runs `ops` (reads and writes) as one transaction.
        ///
        /// # Errors
        /// `EINVAL` for SPI-only operations, `E2BIG` for more than [`MAX_OPS`] operations or
        /// 256 bytes, bus errors.
        pub fn transaction(&self, addr: u8, ops: &mut [Operation<'_>]) -> Result<()> {
            let (raw, n) = raw_ops(ops)?;
            // SAFETY: each descriptor points into a buffer borrowed by `ops` for the call.
            level1(unsafe {
                sys::i2c_transaction(handle(self.0), i32::from(addr), raw.as_ptr(), n)
            })
            .map(drop)
        }
    }
}

/// SPI devices.
pub mod spi {
    use super::*;

    /// An opened SPI device.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct Spi(pub u32);

    impl Spi {
        /// Opens the device granted as `label`.
        ///
        /// # Errors
        /// `ENOTCAPABLE` when `label` was not granted.
        pub fn open(label: &str) -> Result<Spi> {
            // SAFETY: `label` is valid for reads of its length.
            level1(unsafe { sys::spi_open(label.as_ptr(), len(label.len())?) }).map(Spi)
        }

        /// Sets the clock frequency and SPI mode (0 to 3).
        ///
        /// # Errors
        /// `ENOTSUP` where the board cannot reconfigure the bus.
        pub fn configure(&self, hz: u32, mode: u8) -> Result<()> {
            // SAFETY: plain integer arguments.
            level1(unsafe { sys::spi_configure(handle(self.0), hz.cast_signed(), i32::from(mode)) })
                .map(drop)
        }

        /// Reads into `buf` (sending zeros).
        ///
        /// # Errors
        /// Bus errors; `E2BIG` above 256 bytes.
        pub fn read(&self, buf: &mut [u8]) -> Result<()> {
            // SAFETY: `buf` is valid for writes of its length.
            level1(unsafe { sys::spi_read(handle(self.0), buf.as_mut_ptr(), len(buf.len())?) })
                .map(drop)
        }

        /// Writes `bytes`.
        ///
        /// # Errors
        /// As [`Spi::read`].
        pub fn write(&self, bytes: &[u8]) -> Result<()> {
            // SAFETY: `bytes` is valid for reads of its length.
            level1(unsafe { sys::spi_write(handle(self.0), bytes.as_ptr(), len(bytes.len())?) })
                .map(drop)
        }

        /// Sends `buf` and replaces it with the bytes received.
        ///
        /// # Errors
        /// As [`Spi::read`].
        pub fn transfer(&self, buf: &mut [u8]) -> Result<()> {
            // SAFETY: `buf` is valid for reads and writes of its length.
            level1(unsafe { sys::spi_transfer(handle(self.0), buf.as_mut_ptr(), len(buf.len())?) })
                .map(drop)
        }

        /// Runs `ops` with chip select held for the whole transaction.
        ///
        /// # Errors
        /// As [`Spi::read`]; `E2BIG` for more than [`MAX_OPS`] operations.
        pub fn transaction(&self, ops: &mut [Operation<'_>]) -> Result<()> {
            let (raw, n) = raw_ops(ops)?;
            // SAFETY: each descriptor points into a buffer borrowed by `ops` for the call.
            level1(unsafe { sys::spi_transaction(handle(self.0), raw.as_ptr(), n) }).map(drop)
        }
    }
}

/// Serial ports.
pub mod uart {
    use super::*;

    /// An opened UART.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct Uart(pub u32);

    impl Uart {
        /// Opens the UART granted as `label`.
        ///
        /// # Errors
        /// `ENOTCAPABLE` when `label` was not granted.
        pub fn open(label: &str) -> Result<Uart> {
            // SAFETY: `label` is valid for reads of its length.
            level1(unsafe { sys::uart_open(label.as_ptr(), len(label.len())?) }).map(Uart)
        }

        /// Reads at least one byte into `buf`, blocking; returns the count (0 at end of input).
        ///
        /// # Errors
        /// The port's error.
        pub fn read(&self, buf: &mut [u8]) -> Result<usize> {
            // SAFETY: `buf` is valid for writes of its length.
            level1(unsafe { sys::uart_read(handle(self.0), buf.as_mut_ptr(), len(buf.len())?) })
                .map(|n| n as usize)
        }

        /// Writes all of `bytes`.
        ///
        /// # Errors
        /// The port's error.
        pub fn write(&self, bytes: &[u8]) -> Result<usize> {
            // SAFETY: `bytes` is valid for reads of its length.
            level1(unsafe { sys::uart_write(handle(self.0), bytes.as_ptr(), len(bytes.len())?) })
                .map(|n| n as usize)
        }
    }
}

/// PWM channels.
pub mod pwm {
    use super::*;

    /// An opened PWM channel.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct Pwm(pub u32);

    impl Pwm {
        /// Opens the channel granted as `label`.
        ///
        /// # Errors
        /// `ENOTCAPABLE` when `label` was not granted.
        pub fn open(label: &str) -> Result<Pwm> {
            // SAFETY: `label` is valid for reads of its length.
            level1(unsafe { sys::pwm_open(label.as_ptr(), len(label.len())?) }).map(Pwm)
        }

        /// The duty cycle that means 100 %.
        ///
        /// # Errors
        /// `EBADF` for a stale handle.
        pub fn max_duty(&self) -> Result<u16> {
            // SAFETY: a plain integer argument.
            level1(unsafe { sys::pwm_max_duty(handle(self.0)) })
                .map(|d| u16::try_from(d).unwrap_or(u16::MAX))
        }

        /// Sets the duty cycle (0 to [`Pwm::max_duty`]).
        ///
        /// # Errors
        /// `EINVAL` above the maximum.
        pub fn set_duty(&self, duty: u16) -> Result<()> {
            // SAFETY: plain integer arguments.
            level1(unsafe { sys::pwm_set_duty(handle(self.0), i32::from(duty)) }).map(drop)
        }
    }
}

#[cfg(all(feature = "panic-handler", target_family = "wasm", not(test)))]
#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    let _ = fmt::Write::write_fmt(&mut console::Console(2), format_args!("panic: {info}\n"));
    exit(101)
}

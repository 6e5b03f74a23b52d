//! The raw imports, exactly as `docs/wasi-lite.md` specifies them. Prefer the safe wrappers.
//!
//! Level 0 functions return a WASI `errno` (0 on success); level 1 functions return a
//! non-negative value on success and a negated `errno` on failure.
#![allow(missing_docs, reason = "each import is specified in docs/wasi-lite.md")]

#[link(wasm_import_module = "wasi_snapshot_preview1")]
unsafe extern "C" {
    pub fn fd_write(fd: i32, iovs: *const [usize; 2], iovs_len: i32, nwritten: *mut u32) -> i32;
    pub fn fd_read(fd: i32, iovs: *const [usize; 2], iovs_len: i32, nread: *mut u32) -> i32;
    pub fn clock_time_get(id: i32, precision: i64, time: *mut u64) -> i32;
    pub fn random_get(buf: *mut u8, len: i32) -> i32;
    pub fn proc_exit(code: i32) -> !;
    pub fn clock_res_get(id: i32, resolution: *mut u64) -> i32;
    pub fn args_sizes_get(argc: *mut u32, buf_size: *mut u32) -> i32;
    pub fn args_get(argv: *mut *mut u8, buf: *mut u8) -> i32;
    pub fn environ_sizes_get(count: *mut u32, buf_size: *mut u32) -> i32;
    pub fn environ_get(environ: *mut *mut u8, buf: *mut u8) -> i32;
    pub fn poll_oneoff(subs: *const u8, events: *mut u8, nsubs: i32, nevents: *mut u32) -> i32;
    pub fn sched_yield() -> i32;
}

#[link(wasm_import_module = "mote:board")]
unsafe extern "C" {
    #[link_name = "gpio.open"]
    pub fn gpio_open(label: *const u8, len: i32, flags: i32) -> i32;
    #[link_name = "gpio.set"]
    pub fn gpio_set(handle: i32, high: i32) -> i32;
    #[link_name = "gpio.toggle"]
    pub fn gpio_toggle(handle: i32) -> i32;
    #[link_name = "gpio.read"]
    pub fn gpio_read(handle: i32) -> i32;
    #[link_name = "gpio.watch"]
    pub fn gpio_watch(handle: i32, edges: i32) -> i32;
    #[link_name = "i2c.open"]
    pub fn i2c_open(label: *const u8, len: i32) -> i32;
    #[link_name = "i2c.read"]
    pub fn i2c_read(handle: i32, addr: i32, buf: *mut u8, len: i32) -> i32;
    #[link_name = "i2c.write"]
    pub fn i2c_write(handle: i32, addr: i32, buf: *const u8, len: i32) -> i32;
    #[link_name = "i2c.write_read"]
    pub fn i2c_write_read(
        handle: i32,
        addr: i32,
        wbuf: *const u8,
        wlen: i32,
        rbuf: *mut u8,
        rlen: i32,
    ) -> i32;
    #[link_name = "i2c.transaction"]
    pub fn i2c_transaction(handle: i32, addr: i32, ops: *const RawOp, n: i32) -> i32;
    #[link_name = "spi.open"]
    pub fn spi_open(label: *const u8, len: i32) -> i32;
    #[link_name = "spi.configure"]
    pub fn spi_configure(handle: i32, hz: i32, mode: i32) -> i32;
    #[link_name = "spi.read"]
    pub fn spi_read(handle: i32, buf: *mut u8, len: i32) -> i32;
    #[link_name = "spi.write"]
    pub fn spi_write(handle: i32, buf: *const u8, len: i32) -> i32;
    #[link_name = "spi.transfer"]
    pub fn spi_transfer(handle: i32, buf: *mut u8, len: i32) -> i32;
    #[link_name = "spi.transaction"]
    pub fn spi_transaction(handle: i32, ops: *const RawOp, n: i32) -> i32;
    #[link_name = "uart.open"]
    pub fn uart_open(label: *const u8, len: i32) -> i32;
    #[link_name = "uart.read"]
    pub fn uart_read(handle: i32, buf: *mut u8, len: i32) -> i32;
    #[link_name = "uart.write"]
    pub fn uart_write(handle: i32, buf: *const u8, len: i32) -> i32;
    #[link_name = "delay.us"]
    pub fn delay_us(us: i32) -> i32;
    #[link_name = "delay.ms"]
    pub fn delay_ms(ms: i32) -> i32;
    #[link_name = "pwm.open"]
    pub fn pwm_open(label: *const u8, len: i32) -> i32;
    #[link_name = "pwm.max_duty"]
    pub fn pwm_max_duty(handle: i32) -> i32;
    #[link_name = "pwm.set_duty"]
    pub fn pwm_set_duty(handle: i32, duty: i32) -> i32;
    #[link_name = "event.poll"]
    pub fn event_poll() -> i32;
    #[link_name = "event.wait"]
    pub fn event_wait(timeout_us: i64) -> i32;
}

/// A transaction descriptor: `kind` 0 read, 1 write, 2 transfer in place, 3 delay (`len` ns).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct RawOp {
    pub kind: u32,
    pub ptr: *const u8,
    pub len: u32,
}

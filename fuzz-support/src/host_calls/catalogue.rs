//! Every host function of `mote-platform` that takes a guest pointer, with the role of each
//! argument (for the generator) and the guest ranges it must check and may write (for the
//! oracle), as `docs/wasi-lite.md` documents them.
//!
//! Left out, because they take no pointer: `proc_exit`, `sched_yield`, `fd_close` and the other
//! pointer-free preview 1 stubs, `gpio.set`/`toggle`/`read`/`watch`, `delay.*`, `pwm.max_duty`,
//! `pwm.set_duty`, `event.*` and `spi.configure`.

use mote::Val;
use mote_platform::{BOUNCE, Errno, Kind};

/// How a function reports errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// `wasi_snapshot_preview1`: 0 on success, the errno otherwise.
    Wasi,
    /// `mote:board`: a non-negative value on success, the negated errno otherwise.
    Board,
}

/// A record in an array the guest passes by pointer and count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Record {
    /// A WASI `ciovec`/`iovec`: `{ buf: u32, len: u32 }`.
    Iovec,
    /// A transaction descriptor: `{ kind: u32, ptr: u32, len: u32 }`.
    Desc,
    /// A `poll_oneoff` subscription (48 bytes; the clock fields are the interesting ones).
    Sub,
}

impl Record {
    /// The record's size in guest memory.
    pub const fn size(self) -> u32 {
        match self {
            Record::Iovec => 8,
            Record::Desc => 12,
            Record::Sub => 48,
        }
    }
}

/// What an argument is, so that the generator can aim at the edges that matter for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arg {
    /// A small integer: a file descriptor, clock id, flag set or mode.
    Int,
    /// An `i64` (clock precision, file offsets, timestamps).
    I64,
    /// A device handle of this kind: usually the one the guest opened, sometimes a bad one.
    Handle(Kind),
    /// A 7-bit I2C address (usually the simulated sensor's).
    I2cAddr,
    /// A guest pointer.
    Ptr,
    /// The length in bytes of the buffer at the `Ptr` argument with this index.
    Len(usize),
    /// The length of a device label written at the `Ptr` argument with this index.
    Label(usize),
    /// The number of records at the `Ptr` argument with this index; the generator may write
    /// records there.
    Count(usize, Record),
}

/// Which function it is, for the oracle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Id {
    /// `fd_write`.
    FdWrite,
    /// `fd_read`.
    FdRead,
    /// `fd_fdstat_get`.
    FdFdstatGet,
    /// `fd_prestat_get` (always `EBADF`: no preopened directories).
    FdPrestatGet,
    /// `clock_time_get`.
    ClockTimeGet,
    /// `clock_res_get`.
    ClockResGet,
    /// `random_get`.
    RandomGet,
    /// `args_sizes_get`.
    ArgsSizesGet,
    /// `args_get`.
    ArgsGet,
    /// `environ_sizes_get`.
    EnvironSizesGet,
    /// `environ_get`.
    EnvironGet,
    /// `poll_oneoff`.
    PollOneoff,
    /// A preview 1 function outside the subset: always `ENOSYS`, whatever the arguments.
    Unsupported,
    /// `gpio.open`, `i2c.open`, `spi.open`, `uart.open`, `pwm.open`.
    Open(Kind),
    /// `i2c.read`.
    I2cRead,
    /// `i2c.write`.
    I2cWrite,
    /// `i2c.write_read`.
    I2cWriteRead,
    /// `i2c.transaction`.
    I2cTransaction,
    /// `spi.read`.
    SpiRead,
    /// `spi.write`.
    SpiWrite,
    /// `spi.transfer`.
    SpiTransfer,
    /// `spi.transaction`.
    SpiTransaction,
    /// `uart.read`.
    UartRead,
    /// `uart.write`.
    UartWrite,
}

/// One host function.
#[derive(Debug)]
pub struct HostFn {
    /// The import module.
    pub module: &'static str,
    /// The import name.
    pub name: &'static str,
    /// What it is.
    pub id: Id,
    /// Its parameters (the result is always one `i32`).
    pub args: &'static [Arg],
}

impl HostFn {
    /// How the function reports errors.
    pub fn level(&self) -> Level {
        if self.module == mote_platform::WASI_MODULE {
            Level::Wasi
        } else {
            Level::Board
        }
    }

    /// The error the function always returns, if it never succeeds.
    pub fn always_fails_with(&self) -> Option<Errno> {
        match self.id {
            Id::Unsupported => Some(Errno::NOSYS),
            Id::FdPrestatGet => Some(Errno::BADF),
            _ => None,
        }
    }

    /// The kind of device handle it takes, if any.
    pub fn handle_kind(&self) -> Option<Kind> {
        self.args.iter().find_map(|a| match a {
            Handle(kind) => Some(*kind),
            _ => None,
        })
    }
}

use Arg::{Count, Handle, I2cAddr, I64, Int, Label, Len, Ptr};

const W: &str = mote_platform::WASI_MODULE;
const B: &str = mote_platform::BOARD_MODULE;

const fn wasi(name: &'static str, id: Id, args: &'static [Arg]) -> HostFn {
    HostFn {
        module: W,
        name,
        id,
        args,
    }
}

const fn board(name: &'static str, id: Id, args: &'static [Arg]) -> HostFn {
    HostFn {
        module: B,
        name,
        id,
        args,
    }
}

/// The stubs ignore their arguments: every `i32` is fed as a pointer.
const fn stub(name: &'static str, args: &'static [Arg]) -> HostFn {
    wasi(name, Id::Unsupported, args)
}

const IOVS: &[Arg] = &[Int, Ptr, Count(1, Record::Iovec), Ptr];
const OPEN: &[Arg] = &[Ptr, Label(0)];

/// Every host function that takes a guest pointer.
pub const CATALOGUE: &[HostFn] = &[
    wasi("fd_write", Id::FdWrite, IOVS),
    wasi("fd_read", Id::FdRead, IOVS),
    wasi("fd_fdstat_get", Id::FdFdstatGet, &[Int, Ptr]),
    wasi("fd_prestat_get", Id::FdPrestatGet, &[Int, Ptr]),
    wasi("clock_time_get", Id::ClockTimeGet, &[Int, I64, Ptr]),
    wasi("clock_res_get", Id::ClockResGet, &[Int, Ptr]),
    wasi("random_get", Id::RandomGet, &[Ptr, Len(0)]),
    wasi("args_sizes_get", Id::ArgsSizesGet, &[Ptr, Ptr]),
    wasi("args_get", Id::ArgsGet, &[Ptr, Ptr]),
    wasi("environ_sizes_get", Id::EnvironSizesGet, &[Ptr, Ptr]),
    wasi("environ_get", Id::EnvironGet, &[Ptr, Ptr]),
    wasi(
        "poll_oneoff",
        Id::PollOneoff,
        &[Ptr, Ptr, Count(0, Record::Sub), Ptr],
    ),
    stub("fd_filestat_get", &[Int, Ptr]),
    stub("fd_pread", &[Int, Ptr, Count(1, Record::Iovec), I64, Ptr]),
    stub("fd_prestat_dir_name", &[Int, Ptr, Len(1)]),
    stub("fd_pwrite", &[Int, Ptr, Count(1, Record::Iovec), I64, Ptr]),
    stub("fd_readdir", &[Int, Ptr, Len(1), I64, Ptr]),
    stub("fd_seek", &[Int, I64, Int, Ptr]),
    stub("fd_tell", &[Int, Ptr]),
    stub("path_create_directory", &[Int, Ptr, Len(1)]),
    stub("path_filestat_get", &[Int, Int, Ptr, Len(2), Ptr]),
    stub(
        "path_filestat_set_times",
        &[Int, Int, Ptr, Len(2), I64, I64, Int],
    ),
    stub("path_link", &[Int, Int, Ptr, Len(2), Int, Ptr, Len(5)]),
    stub(
        "path_open",
        &[Int, Int, Ptr, Len(2), Int, I64, I64, Int, Ptr],
    ),
    stub("path_readlink", &[Int, Ptr, Len(1), Ptr, Len(3), Ptr]),
    stub("path_remove_directory", &[Int, Ptr, Len(1)]),
    stub("path_rename", &[Int, Ptr, Len(1), Int, Ptr, Len(4)]),
    stub("path_symlink", &[Ptr, Len(0), Int, Ptr, Len(3)]),
    stub("path_unlink_file", &[Int, Ptr, Len(1)]),
    stub("sock_accept", &[Int, Int, Ptr]),
    stub(
        "sock_recv",
        &[Int, Ptr, Count(1, Record::Iovec), Int, Ptr, Ptr],
    ),
    stub("sock_send", &[Int, Ptr, Count(1, Record::Iovec), Int, Ptr]),
    board("gpio.open", Id::Open(Kind::Gpio), &[Ptr, Label(0), Int]),
    board("i2c.open", Id::Open(Kind::I2c), OPEN),
    board("spi.open", Id::Open(Kind::Spi), OPEN),
    board("uart.open", Id::Open(Kind::Uart), OPEN),
    board("pwm.open", Id::Open(Kind::Pwm), OPEN),
    board(
        "i2c.read",
        Id::I2cRead,
        &[Handle(Kind::I2c), I2cAddr, Ptr, Len(2)],
    ),
    board(
        "i2c.write",
        Id::I2cWrite,
        &[Handle(Kind::I2c), I2cAddr, Ptr, Len(2)],
    ),
    board(
        "i2c.write_read",
        Id::I2cWriteRead,
        &[Handle(Kind::I2c), I2cAddr, Ptr, Len(2), Ptr, Len(4)],
    ),
    board(
        "i2c.transaction",
        Id::I2cTransaction,
        &[Handle(Kind::I2c), I2cAddr, Ptr, Count(2, Record::Desc)],
    ),
    board("spi.read", Id::SpiRead, &[Handle(Kind::Spi), Ptr, Len(1)]),
    board("spi.write", Id::SpiWrite, &[Handle(Kind::Spi), Ptr, Len(1)]),
    board(
        "spi.transfer",
        Id::SpiTransfer,
        &[Handle(Kind::Spi), Ptr, Len(1)],
    ),
    board(
        "spi.transaction",
        Id::SpiTransaction,
        &[Handle(Kind::Spi), Ptr, Count(1, Record::Desc)],
    ),
    board(
        "uart.read",
        Id::UartRead,
        &[Handle(Kind::Uart), Ptr, Len(1)],
    ),
    board(
        "uart.write",
        Id::UartWrite,
        &[Handle(Kind::Uart), Ptr, Len(1)],
    ),
];

/// The function named `name` in [`CATALOGUE`].
pub fn find(name: &str) -> Option<&'static HostFn> {
    CATALOGUE.iter().find(|f| f.name == name)
}

/// A guest byte range `[start, start + len)`, in `u64` so that it cannot wrap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// The first byte.
    pub start: u64,
    /// The number of bytes.
    pub len: u64,
}

impl Span {
    fn new(start: u32, len: u64) -> Self {
        Self {
            start: u64::from(start),
            len,
        }
    }

    /// One past the last byte.
    pub fn end(self) -> u64 {
        self.start + self.len
    }

    /// Whether the byte at `at` is in the span.
    pub fn contains(self, at: u64) -> bool {
        self.start <= at && at < self.end()
    }
}

/// What a successful call did to guest memory, by the documentation.
#[derive(Debug, Default)]
pub struct Effects {
    /// Ranges the function reads or writes, so must have checked: each lies inside memory
    /// whenever the call succeeds.
    pub checked: Vec<Span>,
    /// The ranges it may have written. Every other byte must be unchanged.
    pub writes: Vec<Span>,
}

/// The number of strings and their total size with NULs, as `args_sizes_get` reports them.
pub fn string_sizes(strings: &[String]) -> (u32, u64) {
    let count = u32::try_from(strings.len()).unwrap_or(u32::MAX);
    let size = strings.iter().map(|s| s.len() as u64 + 1).sum();
    (count, size)
}

/// Reads guest memory as the platform does: little-endian fields of records.
struct View<'a> {
    mem: &'a [u8],
}

impl View<'_> {
    /// `span` when it lies inside memory; otherwise the error names it.
    fn inside(&self, span: Span) -> Result<Span, Span> {
        if span.end() <= self.mem.len() as u64 {
            Ok(span)
        } else {
            Err(span)
        }
    }

    /// The `u32` at `at` (which the caller has checked).
    fn u32_at(&self, at: u64) -> u32 {
        let at = usize::try_from(at).unwrap_or(usize::MAX);
        let bytes = self
            .mem
            .get(at..at.saturating_add(4))
            .and_then(|b| <[u8; 4]>::try_from(b).ok())
            .unwrap_or_default();
        u32::from_le_bytes(bytes)
    }

    /// Records `(field0, field1, field2)` of `count` records of `size` bytes at `ptr`, after
    /// checking the array.
    fn records(
        &self,
        e: &mut Effects,
        ptr: u32,
        count: u32,
        size: u32,
    ) -> Result<Vec<[u32; 3]>, Span> {
        let array = self.inside(Span::new(ptr, u64::from(count) * u64::from(size)))?;
        e.checked.push(array);
        Ok((0..u64::from(count))
            .map(|i| {
                let base = array.start + i * u64::from(size);
                [
                    self.u32_at(base),
                    self.u32_at(base + 4),
                    if size >= 12 { self.u32_at(base + 8) } else { 0 },
                ]
            })
            .collect())
    }
}

/// The `i32` argument `i` as the unsigned value it stands for.
fn a(args: &[Val], i: usize) -> u32 {
    match args.get(i) {
        Some(Val::I32(v)) => v.cast_unsigned(),
        _ => 0,
    }
}

/// The ranges that `f`, called with `args` on memory `mem` (as it was before the call), checks
/// and may write when it succeeds; `argv` and `env` are the platform's strings.
///
/// # Errors
/// The first range that the function needs but that lies outside memory: then the call must
/// not have succeeded.
pub fn effects(
    f: &HostFn,
    args: &[Val],
    mem: &[u8],
    argv: &[String],
    env: &[String],
) -> Result<Effects, Span> {
    let v = View { mem };
    let mut e = Effects::default();
    let bounce = BOUNCE as u64;
    // Checks `span` and records it as possibly written.
    let out = |e: &mut Effects, span: Span| -> Result<(), Span> {
        let span = v.inside(span)?;
        e.checked.push(span);
        e.writes.push(span);
        Ok(())
    };
    let input = |e: &mut Effects, span: Span| -> Result<(), Span> {
        e.checked.push(v.inside(span)?);
        Ok(())
    };
    match f.id {
        Id::FdWrite | Id::FdRead => {
            let iovs = v.records(&mut e, a(args, 1), a(args, 2), Record::Iovec.size())?;
            for &[ptr, len, _] in &iovs {
                input(&mut e, Span::new(ptr, u64::from(len)))?;
            }
            out(&mut e, Span::new(a(args, 3), 4))?;
            if f.id == Id::FdRead
                && let Some(&[ptr, len, _]) = iovs.iter().find(|[_, len, _]| *len != 0)
            {
                e.writes.push(Span::new(ptr, u64::from(len).min(bounce)));
            }
        }
        Id::FdFdstatGet => out(&mut e, Span::new(a(args, 1), 24))?,
        Id::ClockTimeGet => out(&mut e, Span::new(a(args, 2), 8))?,
        Id::ClockResGet => out(&mut e, Span::new(a(args, 1), 8))?,
        Id::RandomGet => out(&mut e, Span::new(a(args, 0), u64::from(a(args, 1))))?,
        Id::ArgsSizesGet | Id::EnvironSizesGet => {
            out(&mut e, Span::new(a(args, 0), 4))?;
            out(&mut e, Span::new(a(args, 1), 4))?;
        }
        Id::ArgsGet | Id::EnvironGet => {
            let strings = if f.id == Id::ArgsGet { argv } else { env };
            let (count, size) = string_sizes(strings);
            out(&mut e, Span::new(a(args, 0), u64::from(count) * 4))?;
            out(&mut e, Span::new(a(args, 1), size))?;
        }
        Id::PollOneoff => {
            let n = a(args, 2);
            input(&mut e, Span::new(a(args, 0), u64::from(n) * 48))?;
            out(&mut e, Span::new(a(args, 1), u64::from(n) * 32))?;
            out(&mut e, Span::new(a(args, 3), 4))?;
        }
        Id::Unsupported | Id::FdPrestatGet => {}
        Id::Open(_) => input(&mut e, Span::new(a(args, 0), u64::from(a(args, 1))))?,
        Id::I2cRead => out(&mut e, Span::new(a(args, 2), u64::from(a(args, 3))))?,
        Id::I2cWrite => input(&mut e, Span::new(a(args, 2), u64::from(a(args, 3))))?,
        Id::I2cWriteRead => {
            input(&mut e, Span::new(a(args, 2), u64::from(a(args, 3))))?;
            out(&mut e, Span::new(a(args, 4), u64::from(a(args, 5))))?;
        }
        Id::SpiRead | Id::SpiTransfer => out(&mut e, Span::new(a(args, 1), u64::from(a(args, 2))))?,
        Id::SpiWrite | Id::UartWrite => {
            input(&mut e, Span::new(a(args, 1), u64::from(a(args, 2))))?;
        }
        Id::UartRead => {
            let (ptr, len) = (a(args, 1), u64::from(a(args, 2)));
            input(&mut e, Span::new(ptr, len))?;
            e.writes.push(Span::new(ptr, len.min(bounce)));
        }
        Id::I2cTransaction | Id::SpiTransaction => {
            let (ptr, n) = if f.id == Id::I2cTransaction {
                (a(args, 2), a(args, 3))
            } else {
                (a(args, 1), a(args, 2))
            };
            for [kind, ptr, len] in v.records(&mut e, ptr, n, Record::Desc.size())? {
                match kind {
                    // Read, and transfer in place (SPI only): the guest gets bytes back.
                    0 | 2 => out(&mut e, Span::new(ptr, u64::from(len)))?,
                    1 => input(&mut e, Span::new(ptr, u64::from(len)))?,
                    // A delay (SPI): `ptr` is ignored, `len` is nanoseconds.
                    _ => {}
                }
            }
        }
    }
    Ok(e)
}

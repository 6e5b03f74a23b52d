//! Level 1, part 2: I2C, SPI and UART.
//!
//! A bus transfer moves through the host-stack bounce buffer, so one call (one I2C or SPI
//! transaction) carries at most [`BOUNCE`] bytes in all, in at most [`MAX_OPS`] operations;
//! larger ones fail with `E2BIG` before anything is sent.

use embedded_hal::i2c::{I2c, Operation as I2cOp};
use embedded_hal::spi::{MODE_0, MODE_1, MODE_2, MODE_3, Operation as SpiOp, SpiDevice};
use mote_core::{Caller, Error, Memory};

use crate::board::{Board, SpiConfig};
use crate::defs::Defs;
use crate::errno::{Errno, from_i2c, from_io, from_spi, level1};
use crate::manifest::Kind;
use crate::mem::{self, BOUNCE, BOUNCE_U32, array_len, at, check, memory, u};
use crate::periph::{device, open};
use crate::{BOARD_MODULE as M, Getter};

/// The most operations in one `i2c.transaction` or `spi.transaction`.
pub const MAX_OPS: usize = 8;
/// Operation kinds in a transaction descriptor.
const OP_READ: u32 = 0;
const OP_WRITE: u32 = 1;
const OP_TRANSFER: u32 = 2;
const OP_DELAY_NS: u32 = 3;
/// A transaction descriptor: `{ kind: u32, ptr: u32, len: u32 }`.
const OP_SIZE: u32 = 12;

pub(crate) fn add<T: 'static, B: Board + 'static>(
    linker: &mut Defs<'_, T>,
    get: Getter<T, B>,
) -> Result<(), Error> {
    linker.func_wrap(
        M,
        "i2c.open",
        move |mut c: Caller<'_, T>, label: i32, len: i32| {
            level1(open(&mut c, get, u(label), u(len), Kind::I2c))
        },
    )?;
    linker.func_wrap(
        M,
        "i2c.read",
        move |mut c: Caller<'_, T>, h: i32, addr: i32, buf: i32, len: i32| {
            let ops = [(OP_READ, u(buf), u(len))];
            level1(i2c(&mut c, get, h, addr, &ops))
        },
    )?;
    linker.func_wrap(
        M,
        "i2c.write",
        move |mut c: Caller<'_, T>, h: i32, addr: i32, buf: i32, len: i32| {
            let ops = [(OP_WRITE, u(buf), u(len))];
            level1(i2c(&mut c, get, h, addr, &ops))
        },
    )?;
    linker.func_wrap(
        M,
        "i2c.write_read",
        move |mut c: Caller<'_, T>, h: i32, addr: i32, w: i32, wlen: i32, r: i32, rlen: i32| {
            let ops = [(OP_WRITE, u(w), u(wlen)), (OP_READ, u(r), u(rlen))];
            level1(i2c(&mut c, get, h, addr, &ops))
        },
    )?;
    linker.func_wrap(
        M,
        "i2c.transaction",
        move |mut c: Caller<'_, T>, h: i32, addr: i32, ops: i32, n: i32| {
            level1(
                descriptors(&c, u(ops), u(n))
                    .and_then(|(ops, n)| i2c(&mut c, get, h, addr, &ops[..n])),
            )
        },
    )?;
    linker.func_wrap(
        M,
        "spi.open",
        move |mut c: Caller<'_, T>, label: i32, len: i32| {
            level1(open(&mut c, get, u(label), u(len), Kind::Spi))
        },
    )?;
    linker.func_wrap(
        M,
        "spi.configure",
        move |mut c: Caller<'_, T>, h: i32, hz: i32, mode: i32| {
            let p = get(c.data_mut());
            let mode = match mode {
                0 => MODE_0,
                1 => MODE_1,
                2 => MODE_2,
                3 => MODE_3,
                _ => return Errno::INVAL.negated(),
            };
            level1(device(p, h, Kind::Spi).and_then(|index| {
                p.board
                    .spi_configure(
                        index,
                        SpiConfig {
                            frequency_hz: u(hz),
                            mode,
                        },
                    )
                    .map(|()| 0)
            }))
        },
    )?;
    linker.func_wrap(
        M,
        "spi.read",
        move |mut c: Caller<'_, T>, h: i32, buf: i32, len: i32| {
            level1(spi(&mut c, get, h, &[(OP_READ, u(buf), u(len))]))
        },
    )?;
    linker.func_wrap(
        M,
        "spi.write",
        move |mut c: Caller<'_, T>, h: i32, buf: i32, len: i32| {
            level1(spi(&mut c, get, h, &[(OP_WRITE, u(buf), u(len))]))
        },
    )?;
    linker.func_wrap(
        M,
        "spi.transfer",
        move |mut c: Caller<'_, T>, h: i32, buf: i32, len: i32| {
            level1(spi(&mut c, get, h, &[(OP_TRANSFER, u(buf), u(len))]))
        },
    )?;
    linker.func_wrap(
        M,
        "spi.transaction",
        move |mut c: Caller<'_, T>, h: i32, ops: i32, n: i32| {
            level1(
                descriptors(&c, u(ops), u(n)).and_then(|(ops, n)| spi(&mut c, get, h, &ops[..n])),
            )
        },
    )?;
    linker.func_wrap(
        M,
        "uart.open",
        move |mut c: Caller<'_, T>, label: i32, len: i32| {
            level1(open(&mut c, get, u(label), u(len), Kind::Uart))
        },
    )?;
    linker.func_wrap(
        M,
        "uart.read",
        move |mut c: Caller<'_, T>, h: i32, buf: i32, len: i32| {
            level1(uart_read(&mut c, get, h, u(buf), u(len)))
        },
    )?;
    linker.func_wrap(
        M,
        "uart.write",
        move |mut c: Caller<'_, T>, h: i32, buf: i32, len: i32| {
            level1(uart_write(&mut c, get, h, u(buf), u(len)))
        },
    )?;
    Ok(())
}

type Desc = (u32, u32, u32);

/// Reads `n` transaction descriptors at `ptr`.
fn descriptors<T>(c: &Caller<'_, T>, ptr: u32, n: u32) -> Result<([Desc; MAX_OPS], usize), Errno> {
    let m = memory(c)?;
    check(c, m, ptr, array_len(n, OP_SIZE))?;
    let count = usize::try_from(n)
        .ok()
        .filter(|&n| n <= MAX_OPS)
        .ok_or(Errno::TOOBIG)?;
    let mut out = [(0, 0, 0); MAX_OPS];
    for (i, d) in out.iter_mut().take(count).enumerate() {
        let base = at(
            ptr,
            array_len(u32::try_from(i).map_err(|_| Errno::TOOBIG)?, OP_SIZE),
        )?;
        *d = (
            mem::read_u32(c, m, base)?,
            mem::read_u32(c, m, at(base, 4)?)?,
            mem::read_u32(c, m, at(base, 8)?)?,
        );
    }
    Ok((out, count))
}

/// Checks the buffers of `ops`, copies the bytes to send into `bounce` (each operation gets
/// the next `len` bytes of it) and returns the total.
fn stage<T>(
    c: &Caller<'_, T>,
    m: Memory,
    ops: &[Desc],
    bounce: &mut [u8; BOUNCE],
) -> Result<(), Errno> {
    let mut total = 0u64;
    for &(kind, ptr, len) in ops {
        if kind == OP_DELAY_NS {
            continue;
        }
        if kind > OP_TRANSFER {
            return Err(Errno::INVAL);
        }
        check(c, m, ptr, u64::from(len))?;
        total += u64::from(len);
    }
    if total > BOUNCE as u64 {
        return Err(Errno::TOOBIG);
    }
    let mut offset = 0usize;
    for &(kind, ptr, len) in ops {
        if kind == OP_DELAY_NS {
            continue;
        }
        let part = bounce
            .get_mut(offset..offset + len as usize)
            .ok_or(Errno::TOOBIG)?;
        if kind != OP_READ {
            mem::read(c, m, ptr, part)?;
        }
        offset += len as usize;
    }
    Ok(())
}

/// Copies what the read and transfer operations received back to the guest.
fn unstage<T>(
    c: &mut Caller<'_, T>,
    m: Memory,
    ops: &[Desc],
    bounce: &[u8; BOUNCE],
) -> Result<(), Errno> {
    let mut offset = 0usize;
    for &(kind, ptr, len) in ops {
        if kind == OP_DELAY_NS {
            continue;
        }
        let part = bounce
            .get(offset..offset + len as usize)
            .ok_or(Errno::TOOBIG)?;
        if kind != OP_WRITE {
            mem::write(c, m, ptr, part)?;
        }
        offset += len as usize;
    }
    Ok(())
}

/// Splits `bounce` into one buffer per operation, in order.
fn split<'a>(ops: &[Desc], mut rest: &'a mut [u8]) -> Result<[&'a mut [u8]; MAX_OPS], Errno> {
    let mut parts: [&mut [u8]; MAX_OPS] = Default::default();
    for (part, &(kind, _, len)) in parts.iter_mut().zip(ops) {
        let len = if kind == OP_DELAY_NS { 0 } else { len as usize };
        if len > rest.len() {
            return Err(Errno::TOOBIG);
        }
        let (head, tail) = rest.split_at_mut(len);
        *part = head;
        rest = tail;
    }
    Ok(parts)
}

fn i2c<T, B: Board>(
    c: &mut Caller<'_, T>,
    get: Getter<T, B>,
    h: i32,
    addr: i32,
    ops: &[Desc],
) -> Result<u32, Errno> {
    let addr = u8::try_from(addr)
        .ok()
        .filter(|&a| a < 0x80)
        .ok_or(Errno::INVAL)?;
    if ops.iter().any(|&(kind, _, _)| kind > OP_WRITE) {
        return Err(Errno::INVAL);
    }
    let index = device(get(c.data_mut()), h, Kind::I2c)?;
    let m = memory(c)?;
    let mut bounce = [0u8; BOUNCE];
    stage(c, m, ops, &mut bounce)?;
    {
        let parts = split(ops, &mut bounce)?;
        let mut kinds = ops.iter().map(|&(kind, _, _)| kind);
        let mut hal_ops = parts.map(|part| match kinds.next() {
            Some(OP_WRITE) => I2cOp::Write(part),
            _ => I2cOp::Read(part),
        });
        let bus = get(c.data_mut()).board.i2c(index).ok_or(Errno::BADF)?;
        let hal_ops = hal_ops.get_mut(..ops.len()).ok_or(Errno::TOOBIG)?;
        bus.transaction(addr, hal_ops)
            .map_err(|e| from_i2c(embedded_hal::i2c::Error::kind(&e)))?;
    }
    unstage(c, m, ops, &bounce)?;
    Ok(0)
}

fn spi<T, B: Board>(
    c: &mut Caller<'_, T>,
    get: Getter<T, B>,
    h: i32,
    ops: &[Desc],
) -> Result<u32, Errno> {
    let index = device(get(c.data_mut()), h, Kind::Spi)?;
    let m = memory(c)?;
    let mut bounce = [0u8; BOUNCE];
    stage(c, m, ops, &mut bounce)?;
    {
        let parts = split(ops, &mut bounce)?;
        let mut descs = ops.iter();
        let mut hal_ops = parts.map(|part| match descs.next() {
            Some(&(OP_WRITE, _, _)) => SpiOp::Write(part),
            Some(&(OP_TRANSFER, _, _)) => SpiOp::TransferInPlace(part),
            Some(&(OP_DELAY_NS, _, ns)) => SpiOp::DelayNs(ns),
            _ => SpiOp::Read(part),
        });
        let dev = get(c.data_mut()).board.spi(index).ok_or(Errno::BADF)?;
        let hal_ops = hal_ops.get_mut(..ops.len()).ok_or(Errno::TOOBIG)?;
        dev.transaction(hal_ops)
            .map_err(|e| from_spi(embedded_hal::spi::Error::kind(&e)))?;
    }
    unstage(c, m, ops, &bounce)?;
    Ok(0)
}

fn uart_read<T, B: Board>(
    c: &mut Caller<'_, T>,
    get: Getter<T, B>,
    h: i32,
    ptr: u32,
    len: u32,
) -> Result<u32, Errno> {
    let index = device(get(c.data_mut()), h, Kind::Uart)?;
    let m = memory(c)?;
    check(c, m, ptr, u64::from(len))?;
    if len == 0 {
        return Ok(0);
    }
    let mut bounce = [0u8; BOUNCE];
    let buf = bounce
        .get_mut(..(len as usize).min(BOUNCE))
        .ok_or(Errno::FAULT)?;
    let uart = get(c.data_mut()).board.uart(index).ok_or(Errno::BADF)?;
    let got =
        embedded_io::Read::read(uart, buf).map_err(|e| from_io(embedded_io::Error::kind(&e)))?;
    mem::write(c, m, ptr, buf.get(..got).ok_or(Errno::IO)?)?;
    u32::try_from(got).map_err(|_| Errno::IO)
}

fn uart_write<T, B: Board>(
    c: &mut Caller<'_, T>,
    get: Getter<T, B>,
    h: i32,
    ptr: u32,
    len: u32,
) -> Result<u32, Errno> {
    let index = device(get(c.data_mut()), h, Kind::Uart)?;
    let m = memory(c)?;
    check(c, m, ptr, u64::from(len))?;
    let mut bounce = [0u8; BOUNCE];
    let mut done = 0u32;
    while done < len {
        let k = (len - done).min(BOUNCE_U32);
        let buf = bounce.get_mut(..k as usize).ok_or(Errno::FAULT)?;
        mem::read(c, m, ptr.wrapping_add(done), buf)?;
        let uart = get(c.data_mut()).board.uart(index).ok_or(Errno::BADF)?;
        embedded_io::Write::write_all(uart, buf)
            .map_err(|e| from_io(embedded_io::Error::kind(&e)))?;
        done += k;
    }
    let uart = get(c.data_mut()).board.uart(index).ok_or(Errno::BADF)?;
    embedded_io::Write::flush(uart).map_err(|e| from_io(embedded_io::Error::kind(&e)))?;
    Ok(len)
}

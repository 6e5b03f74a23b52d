//! Level 0: the `wasi_snapshot_preview1` subset.
//!
//! Conventions of preview 1: every function returns an `errno` (0 on success) and writes its
//! results through guest pointers. Every pointer is checked before anything is written, so a
//! failed call leaves guest memory untouched.

use alloc::format;

use embedded_hal::delay::DelayNs;
use mote_core::{Caller, Error, FuncType, Memory, Val, ValType};

use crate::board::{Board, Clock, Stream};
use crate::defs::Defs;
use crate::errno::{Errno, from_io, wasi};
use crate::mem::{self, BOUNCE, BOUNCE_U32, array_len, at, check, memory, u};
use crate::{Blocking, Getter, Platform, WASI_MODULE};

const M: &str = WASI_MODULE;

pub(crate) fn add<T: 'static, B: Board + 'static>(
    linker: &mut Defs<'_, T>,
    get: Getter<T, B>,
) -> Result<(), Error> {
    linker.func_wrap(
        M,
        "fd_write",
        move |mut c: Caller<'_, T>, fd: i32, iovs: i32, n: i32, out: i32| {
            wasi(fd_write(&mut c, get, fd, u(iovs), u(n), u(out)))
        },
    )?;
    linker.func_wrap(
        M,
        "fd_read",
        move |mut c: Caller<'_, T>, fd: i32, iovs: i32, n: i32, out: i32| {
            wasi(fd_read(&mut c, get, fd, u(iovs), u(n), u(out)))
        },
    )?;
    linker.func_wrap(
        M,
        "fd_fdstat_get",
        move |mut c: Caller<'_, T>, fd: i32, out: i32| wasi(fd_fdstat_get(&mut c, fd, u(out))),
    )?;
    // wasi-libc enumerates preopened directories until `EBADF`: there are none.
    linker.func_wrap(M, "fd_prestat_get", |_fd: i32, _out: i32| {
        Errno::BADF.code()
    })?;
    linker.func_wrap(
        M,
        "clock_time_get",
        move |mut c: Caller<'_, T>, id: i32, _precision: i64, out: i32| {
            wasi(clock_time_get(&mut c, get, id, u(out)))
        },
    )?;
    linker.func_wrap(
        M,
        "clock_res_get",
        move |mut c: Caller<'_, T>, id: i32, out: i32| wasi(clock_res_get(&mut c, get, id, u(out))),
    )?;
    linker.func_wrap(
        M,
        "random_get",
        move |mut c: Caller<'_, T>, buf: i32, len: i32| {
            wasi(random_get(&mut c, get, u(buf), u(len)))
        },
    )?;
    linker.func_wrap(
        M,
        "proc_exit",
        move |mut c: Caller<'_, T>, code: i32| -> Result<(), Error> {
            get(c.data_mut()).exit_code = Some(u(code));
            Err(Error::host(format!("proc_exit({})", u(code))))
        },
    )?;
    linker.func_wrap(
        M,
        "args_sizes_get",
        move |mut c: Caller<'_, T>, count: i32, size: i32| {
            wasi(sizes_get(&mut c, get, Strings::Args, u(count), u(size)))
        },
    )?;
    linker.func_wrap(
        M,
        "args_get",
        move |mut c: Caller<'_, T>, ptrs: i32, buf: i32| {
            wasi(strings_get(&mut c, get, Strings::Args, u(ptrs), u(buf)))
        },
    )?;
    linker.func_wrap(
        M,
        "environ_sizes_get",
        move |mut c: Caller<'_, T>, count: i32, size: i32| {
            wasi(sizes_get(&mut c, get, Strings::Env, u(count), u(size)))
        },
    )?;
    linker.func_wrap(
        M,
        "environ_get",
        move |mut c: Caller<'_, T>, ptrs: i32, buf: i32| {
            wasi(strings_get(&mut c, get, Strings::Env, u(ptrs), u(buf)))
        },
    )?;
    linker.func_wrap(M, "sched_yield", |mut c: Caller<'_, T>| {
        c.request_yield();
        0i32
    })?;
    linker.func_wrap(
        M,
        "poll_oneoff",
        move |mut c: Caller<'_, T>, subs: i32, events: i32, n: i32, out: i32| {
            wasi(crate::wasi_poll::poll_oneoff(
                &mut c,
                get,
                u(subs),
                u(events),
                u(n),
                u(out),
            ))
        },
    )?;
    for (name, params) in UNSUPPORTED {
        let ty = || FuncType::new(params.iter().copied(), [ValType::I32]);
        linker.func_new(M, name, ty, |_, _, results| {
            if let Some(slot) = results.first_mut() {
                *slot = Val::I32(Errno::NOSYS.code());
            }
            Ok(())
        })?;
    }
    Ok(())
}

const I: ValType = ValType::I32;
const L: ValType = ValType::I64;

/// The preview 1 functions outside the subset, with their parameter types; each returns
/// `ENOSYS`.
const UNSUPPORTED: &[(&str, &[ValType])] = &[
    ("fd_advise", &[I, L, L, I]),
    ("fd_allocate", &[I, L, L]),
    ("fd_close", &[I]),
    ("fd_datasync", &[I]),
    ("fd_fdstat_set_flags", &[I, I]),
    ("fd_fdstat_set_rights", &[I, L, L]),
    ("fd_filestat_get", &[I, I]),
    ("fd_filestat_set_size", &[I, L]),
    ("fd_filestat_set_times", &[I, L, L, I]),
    ("fd_pread", &[I, I, I, L, I]),
    ("fd_prestat_dir_name", &[I, I, I]),
    ("fd_pwrite", &[I, I, I, L, I]),
    ("fd_readdir", &[I, I, I, L, I]),
    ("fd_renumber", &[I, I]),
    ("fd_seek", &[I, L, I, I]),
    ("fd_sync", &[I]),
    ("fd_tell", &[I, I]),
    ("path_create_directory", &[I, I, I]),
    ("path_filestat_get", &[I, I, I, I, I]),
    ("path_filestat_set_times", &[I, I, I, I, L, L, I]),
    ("path_link", &[I, I, I, I, I, I, I]),
    ("path_open", &[I, I, I, I, I, L, L, I, I]),
    ("path_readlink", &[I, I, I, I, I, I]),
    ("path_remove_directory", &[I, I, I]),
    ("path_rename", &[I, I, I, I, I, I]),
    ("path_symlink", &[I, I, I, I, I]),
    ("path_unlink_file", &[I, I, I]),
    ("proc_raise", &[I]),
    ("sock_accept", &[I, I, I]),
    ("sock_recv", &[I, I, I, I, I, I]),
    ("sock_send", &[I, I, I, I, I]),
    ("sock_shutdown", &[I, I]),
];

/// Checks an iovec array and every buffer it names; returns the total length.
fn check_iovs<T>(c: &Caller<'_, T>, m: Memory, iovs: u32, n: u32) -> Result<u64, Errno> {
    check(c, m, iovs, array_len(n, 8))?;
    let mut total = 0u64;
    for i in 0..n {
        let (ptr, len) = iov(c, m, iovs, i)?;
        check(c, m, ptr, u64::from(len))?;
        total += u64::from(len);
    }
    Ok(total)
}

/// The `i`th iovec `(buf, len)` of a checked array.
fn iov<T>(c: &Caller<'_, T>, m: Memory, iovs: u32, i: u32) -> Result<(u32, u32), Errno> {
    let base = at(iovs, array_len(i, 8))?;
    Ok((
        mem::read_u32(c, m, base)?,
        mem::read_u32(c, m, at(base, 4)?)?,
    ))
}

fn fd_write<T, B: Board>(
    c: &mut Caller<'_, T>,
    get: Getter<T, B>,
    fd: i32,
    iovs: u32,
    n: u32,
    out: u32,
) -> Result<(), Errno> {
    let stream = match fd {
        1 => Stream::Stdout,
        2 => Stream::Stderr,
        _ => return Err(Errno::BADF),
    };
    let m = memory(c)?;
    let total = check_iovs(c, m, iovs, n)?;
    let total = u32::try_from(total).map_err(|_| Errno::OVERFLOW)?;
    check(c, m, out, 4)?;
    let mut chunk = [0u8; BOUNCE];
    for i in 0..n {
        let (mut ptr, mut len) = iov(c, m, iovs, i)?;
        while len > 0 {
            let k = len.min(BOUNCE_U32);
            let buf = chunk.get_mut(..k as usize).ok_or(Errno::FAULT)?;
            mem::read(c, m, ptr, buf)?;
            let console = get(c.data_mut()).board.console(stream).ok_or(Errno::BADF)?;
            embedded_io::Write::write_all(console, buf)
                .map_err(|e| from_io(embedded_io::Error::kind(&e)))?;
            ptr = ptr.wrapping_add(k);
            len -= k;
        }
    }
    if let Some(console) = get(c.data_mut()).board.console(stream) {
        embedded_io::Write::flush(console).map_err(|e| from_io(embedded_io::Error::kind(&e)))?;
    }
    mem::write(c, m, out, &total.to_le_bytes())
}

fn fd_read<T, B: Board>(
    c: &mut Caller<'_, T>,
    get: Getter<T, B>,
    fd: i32,
    iovs: u32,
    n: u32,
    out: u32,
) -> Result<(), Errno> {
    if fd != 0 {
        return Err(Errno::BADF);
    }
    let m = memory(c)?;
    check_iovs(c, m, iovs, n)?;
    check(c, m, out, 4)?;
    // One read into the first non-empty buffer: reads may be short.
    let mut read = 0u32;
    for i in 0..n {
        let (ptr, len) = iov(c, m, iovs, i)?;
        if len == 0 {
            continue;
        }
        let mut chunk = [0u8; BOUNCE];
        let buf = chunk
            .get_mut(..len.min(BOUNCE_U32) as usize)
            .ok_or(Errno::FAULT)?;
        let stdin = get(c.data_mut()).board.stdin().ok_or(Errno::BADF)?;
        let got = embedded_io::Read::read(stdin, buf)
            .map_err(|e| from_io(embedded_io::Error::kind(&e)))?;
        let data = buf.get(..got).ok_or(Errno::IO)?;
        mem::write(c, m, ptr, data)?;
        read = u32::try_from(got).map_err(|_| Errno::IO)?;
        break;
    }
    mem::write(c, m, out, &read.to_le_bytes())
}

fn fd_fdstat_get<T>(c: &mut Caller<'_, T>, fd: i32, out: u32) -> Result<(), Errno> {
    const FD_READ: u64 = 1 << 1;
    const FD_WRITE: u64 = 1 << 6;
    const CHARACTER_DEVICE: u8 = 2;
    let rights = match fd {
        0 => FD_READ,
        1 | 2 => FD_WRITE,
        _ => return Err(Errno::BADF),
    };
    let m = memory(c)?;
    let mut stat = [0u8; 24];
    stat[0] = CHARACTER_DEVICE;
    stat[8..16].copy_from_slice(&rights.to_le_bytes());
    mem::write(c, m, out, &stat)
}

pub(crate) fn clock(id: u32) -> Result<Clock, Errno> {
    match id {
        0 => Ok(Clock::Realtime),
        1 => Ok(Clock::Monotonic),
        2 => Ok(Clock::Process),
        3 => Ok(Clock::Thread),
        _ => Err(Errno::INVAL),
    }
}

fn clock_time_get<T, B: Board>(
    c: &mut Caller<'_, T>,
    get: Getter<T, B>,
    id: i32,
    out: u32,
) -> Result<(), Errno> {
    let clock = clock(u(id))?;
    let m = memory(c)?;
    check(c, m, out, 8)?;
    let now = get(c.data_mut()).board.now_ns(clock).ok_or(Errno::INVAL)?;
    mem::write(c, m, out, &now.to_le_bytes())
}

fn clock_res_get<T, B: Board>(
    c: &mut Caller<'_, T>,
    get: Getter<T, B>,
    id: i32,
    out: u32,
) -> Result<(), Errno> {
    let clock = clock(u(id))?;
    let m = memory(c)?;
    check(c, m, out, 8)?;
    let res = get(c.data_mut())
        .board
        .resolution_ns(clock)
        .ok_or(Errno::INVAL)?;
    mem::write(c, m, out, &res.to_le_bytes())
}

fn random_get<T, B: Board>(
    c: &mut Caller<'_, T>,
    get: Getter<T, B>,
    mut ptr: u32,
    mut len: u32,
) -> Result<(), Errno> {
    let m = memory(c)?;
    check(c, m, ptr, u64::from(len))?;
    let mut chunk = [0u8; BOUNCE];
    while len > 0 {
        let k = len.min(BOUNCE_U32);
        let buf = chunk.get_mut(..k as usize).ok_or(Errno::FAULT)?;
        get(c.data_mut()).board.fill_random(buf)?;
        mem::write(c, m, ptr, buf)?;
        ptr = ptr.wrapping_add(k);
        len -= k;
    }
    Ok(())
}

#[derive(Clone, Copy)]
enum Strings {
    Args,
    Env,
}

fn strings<B>(p: &Platform<B>, which: Strings) -> &[alloc::string::String] {
    match which {
        Strings::Args => &p.args,
        Strings::Env => &p.env,
    }
}

/// The count and the total size (each string plus its NUL) of the args or environment.
fn sizes<B>(p: &Platform<B>, which: Strings) -> Result<(u32, u32), Errno> {
    let list = strings(p, which);
    let count = u32::try_from(list.len()).map_err(|_| Errno::OVERFLOW)?;
    let mut size = 0u64;
    for s in list {
        size += u64::try_from(s.len()).map_err(|_| Errno::OVERFLOW)? + 1;
    }
    Ok((count, u32::try_from(size).map_err(|_| Errno::OVERFLOW)?))
}

fn sizes_get<T, B: Board>(
    c: &mut Caller<'_, T>,
    get: Getter<T, B>,
    which: Strings,
    count_ptr: u32,
    size_ptr: u32,
) -> Result<(), Errno> {
    let m = memory(c)?;
    check(c, m, count_ptr, 4)?;
    check(c, m, size_ptr, 4)?;
    let (count, size) = sizes(get(c.data_mut()), which)?;
    mem::write(c, m, count_ptr, &count.to_le_bytes())?;
    mem::write(c, m, size_ptr, &size.to_le_bytes())
}

fn strings_get<T, B: Board>(
    c: &mut Caller<'_, T>,
    get: Getter<T, B>,
    which: Strings,
    ptrs: u32,
    buf: u32,
) -> Result<(), Errno> {
    let m = memory(c)?;
    let (count, size) = sizes(get(c.data_mut()), which)?;
    check(c, m, ptrs, array_len(count, 4))?;
    check(c, m, buf, u64::from(size))?;
    let mut offset = 0u32;
    let mut chunk = [0u8; BOUNCE];
    for i in 0..count as usize {
        mem::write(
            c,
            m,
            at(
                ptrs,
                array_len(u32::try_from(i).map_err(|_| Errno::OVERFLOW)?, 4),
            )?,
            &(buf + offset).to_le_bytes(),
        )?;
        let mut done = 0usize;
        loop {
            let s = strings(get(c.data_mut()), which)
                .get(i)
                .ok_or(Errno::INVAL)?
                .as_bytes();
            let rest = s.get(done..).ok_or(Errno::INVAL)?;
            if rest.is_empty() {
                break;
            }
            let k = rest.len().min(BOUNCE);
            let part = chunk.get_mut(..k).ok_or(Errno::FAULT)?;
            part.copy_from_slice(rest.get(..k).ok_or(Errno::INVAL)?);
            mem::write(c, m, buf + offset, part)?;
            let k32 = u32::try_from(k).map_err(|_| Errno::OVERFLOW)?;
            offset += k32;
            done += k;
        }
        mem::write(c, m, buf + offset, &[0])?;
        offset += 1;
    }
    Ok(())
}

/// Waits `ns` nanoseconds as the platform's [`Blocking`] mode says.
pub(crate) fn wait_ns<T, B: Board>(c: &mut Caller<'_, T>, get: Getter<T, B>, ns: u64) {
    let p = get(c.data_mut());
    match p.blocking {
        Blocking::Delay => {
            let delay = p.board.delay();
            let mut rest = ns;
            while rest > 0 {
                let step = rest.min(1_000_000_000);
                // `step` is at most 10^9, which fits in `u32`.
                delay.delay_ns(u32::try_from(step).unwrap_or(u32::MAX));
                rest -= step;
            }
        }
        Blocking::Yield => {
            let now = p.board.now_ns(Clock::Monotonic).unwrap_or(0);
            p.wake_at = Some(now.saturating_add(ns));
            c.request_yield();
        }
    }
}

//! `poll_oneoff`: waiting on clock subscriptions.
//!
//! Layouts (preview 1, little-endian): a `subscription` is 48 bytes: `userdata: u64` at 0, the
//! tag `u8` at 8 (0 clock, 1 fd_read, 2 fd_write), then for a clock: `id: u32` at 16,
//! `timeout: u64` at 24, `precision: u64` at 32, `flags: u16` at 40 (bit 0: absolute time).
//! An `event` is 32 bytes: `userdata: u64` at 0, `error: u16` at 8, `type: u8` at 10, and
//! `fd_readwrite { nbytes: u64, flags: u16 }` at 16.
//!
//! Be careful when changing the order of work here: the subscriptions are read twice (there is
//! no room to copy them), and events are written while the second pass still reads them. The
//! two arrays must therefore not overlap (`EINVAL`), or an event could rewrite a later
//! subscription, and even make the call fail after it had written to guest memory.

use mote_core::Caller;

use crate::Getter;
use crate::board::Board;
use crate::errno::Errno;
use crate::mem::{self, array_len, at, check, memory};
use crate::wasi::{clock, wait_ns};

const SUB_SIZE: u32 = 48;
const EVENT_SIZE: u32 = 32;
const TAG_CLOCK: u8 = 0;
const ABSTIME: u16 = 1;

/// What one subscription asks for: the nanoseconds to wait, or an fd event (unsupported here).
enum Sub {
    Clock { userdata: u64, wait: u64 },
    Fd { userdata: u64, tag: u8 },
}

fn read_sub<T, B: Board>(
    c: &mut Caller<'_, T>,
    get: Getter<T, B>,
    m: mote_core::Memory,
    base: u32,
) -> Result<Sub, Errno> {
    let mut raw = [0u8; SUB_SIZE as usize];
    mem::read(c, m, base, &mut raw)?;
    let u64_at = |o: usize| -> u64 {
        let mut b = [0u8; 8];
        b.copy_from_slice(&raw[o..o + 8]);
        u64::from_le_bytes(b)
    };
    let userdata = u64_at(0);
    let tag = raw[8];
    if tag != TAG_CLOCK {
        return Ok(Sub::Fd { userdata, tag });
    }
    let id = u32::from_le_bytes([raw[16], raw[17], raw[18], raw[19]]);
    let timeout = u64_at(24);
    let flags = u16::from_le_bytes([raw[40], raw[41]]);
    let wait = if flags & ABSTIME != 0 {
        let now = get(c.data_mut())
            .board
            .now_ns(clock(id)?)
            .ok_or(Errno::INVAL)?;
        timeout.saturating_sub(now)
    } else {
        clock(id)?;
        timeout
    };
    Ok(Sub::Clock { userdata, wait })
}

pub(crate) fn poll_oneoff<T, B: Board>(
    c: &mut Caller<'_, T>,
    get: Getter<T, B>,
    subs: u32,
    events: u32,
    n: u32,
    out: u32,
) -> Result<(), Errno> {
    let m = memory(c)?;
    check(c, m, subs, array_len(n, SUB_SIZE))?;
    check(c, m, events, array_len(n, EVENT_SIZE))?;
    check(c, m, out, 4)?;
    if n == 0 {
        return Err(Errno::INVAL);
    }
    // Both ranges were checked, so their ends fit in `u64` and inside memory.
    let subs_end = u64::from(subs) + array_len(n, SUB_SIZE);
    let events_end = u64::from(events) + array_len(n, EVENT_SIZE);
    if u64::from(subs) < events_end && u64::from(events) < subs_end {
        return Err(Errno::INVAL);
    }
    // Pass 1: the shortest clock wait, and whether any fd subscription answers at once.
    let mut shortest: Option<u64> = None;
    let mut any_fd = false;
    for i in 0..n {
        match read_sub(c, get, m, at(subs, array_len(i, SUB_SIZE))?)? {
            Sub::Clock { wait, .. } => shortest = Some(shortest.map_or(wait, |s| s.min(wait))),
            Sub::Fd { .. } => any_fd = true,
        }
    }
    if !any_fd && let Some(wait) = shortest {
        wait_ns(c, get, wait);
    }
    // Pass 2: an event for each fd subscription (unsupported: `NOTSUP`), or, when there is
    // none, for each clock that is due.
    let mut count = 0u32;
    for i in 0..n {
        let (userdata, error, kind) = match read_sub(c, get, m, at(subs, array_len(i, SUB_SIZE))?)?
        {
            Sub::Fd { userdata, tag } => (userdata, Errno::NOTSUP.0, tag),
            Sub::Clock { userdata, wait } if !any_fd && Some(wait) <= shortest => {
                (userdata, 0, TAG_CLOCK)
            }
            Sub::Clock { .. } => continue,
        };
        let mut event = [0u8; EVENT_SIZE as usize];
        event[0..8].copy_from_slice(&userdata.to_le_bytes());
        event[8..10].copy_from_slice(&error.to_le_bytes());
        event[10] = kind;
        mem::write(c, m, at(events, array_len(count, EVENT_SIZE))?, &event)?;
        count += 1;
    }
    mem::write(c, m, out, &count.to_le_bytes())
}

//! Level 1, part 1: opening grants, GPIO, delays, PWM and events.
//!
//! Conventions: every function returns an `i32`; a non-negative value is success (a handle, a
//! level, a count), a negative one is a negated [`Errno`].

use embedded_hal::delay::DelayNs;
use embedded_hal::digital::{InputPin, OutputPin, StatefulOutputPin};
use embedded_hal::pwm::SetDutyCycle;
use mote_core::{Caller, Error};

use crate::board::{Board, Clock};
use crate::defs::Defs;
use crate::errno::{Errno, from_digital, from_pwm, level1};
use crate::manifest::{Kind, MAX_LABEL};
use crate::mem::{self, memory, u};
use crate::wasi::wait_ns;
use crate::{BOARD_MODULE as M, Blocking, Getter, Platform};

/// `gpio.open` flag: drive the pin as an output.
const OUTPUT: u32 = 1;
/// `gpio.open` flag: with `OUTPUT`, start high.
const INITIAL_HIGH: u32 = 2;
/// `gpio.watch` edge bits, also the low byte of a GPIO event.
const RISING: u8 = 1;
const FALLING: u8 = 2;

pub(crate) fn add<T: 'static, B: Board + 'static>(
    linker: &mut Defs<'_, T>,
    get: Getter<T, B>,
) -> Result<(), Error> {
    linker.func_wrap(
        M,
        "gpio.open",
        move |mut c: Caller<'_, T>, label: i32, len: i32, flags: i32| {
            level1(gpio_open(&mut c, get, u(label), u(len), u(flags)))
        },
    )?;
    linker.func_wrap(
        M,
        "gpio.set",
        move |mut c: Caller<'_, T>, h: i32, high: i32| {
            level1(with_pin(get(c.data_mut()), h, |pin| {
                if high != 0 {
                    pin.set_high()
                } else {
                    pin.set_low()
                }
                .map(|()| 0)
            }))
        },
    )?;
    linker.func_wrap(M, "gpio.toggle", move |mut c: Caller<'_, T>, h: i32| {
        level1(with_pin(get(c.data_mut()), h, |pin| {
            pin.toggle().map(|()| 0)
        }))
    })?;
    linker.func_wrap(M, "gpio.read", move |mut c: Caller<'_, T>, h: i32| {
        level1(with_pin(get(c.data_mut()), h, |pin| {
            pin.is_high().map(u32::from)
        }))
    })?;
    linker.func_wrap(
        M,
        "gpio.watch",
        move |mut c: Caller<'_, T>, h: i32, edges: i32| {
            level1(gpio_watch(get(c.data_mut()), h, u(edges)))
        },
    )?;
    linker.func_wrap(M, "delay.us", move |mut c: Caller<'_, T>, us: i32| {
        wait_ns(&mut c, get, u64::from(u(us)) * 1_000);
        0i32
    })?;
    linker.func_wrap(M, "delay.ms", move |mut c: Caller<'_, T>, ms: i32| {
        wait_ns(&mut c, get, u64::from(u(ms)) * 1_000_000);
        0i32
    })?;
    linker.func_wrap(
        M,
        "pwm.open",
        move |mut c: Caller<'_, T>, label: i32, len: i32| {
            level1(open(&mut c, get, u(label), u(len), Kind::Pwm))
        },
    )?;
    linker.func_wrap(M, "pwm.max_duty", move |mut c: Caller<'_, T>, h: i32| {
        level1(with_pwm(get(c.data_mut()), h, |pwm| {
            Ok(u32::from(pwm.max_duty_cycle()))
        }))
    })?;
    linker.func_wrap(
        M,
        "pwm.set_duty",
        move |mut c: Caller<'_, T>, h: i32, duty: i32| {
            level1(with_pwm(get(c.data_mut()), h, |pwm| {
                let duty = u16::try_from(u(duty)).map_err(|_| Errno::INVAL)?;
                if duty > pwm.max_duty_cycle() {
                    return Err(Errno::INVAL);
                }
                pwm.set_duty_cycle(duty)
                    .map_err(|e| from_pwm(embedded_hal::pwm::Error::kind(&e)))?;
                Ok(0)
            }))
        },
    )?;
    linker.func_wrap(M, "event.poll", move |mut c: Caller<'_, T>| {
        level1(poll_event(get(c.data_mut())).and_then(|e| e.ok_or(Errno::AGAIN)))
    })?;
    linker.func_wrap(
        M,
        "event.wait",
        move |mut c: Caller<'_, T>, timeout_us: i64| level1(wait_event(&mut c, get, timeout_us)),
    )?;
    Ok(())
}

/// Opens the grant of the label at `[ptr, ptr + len)` as `kind`; returns its handle.
pub(crate) fn open<T, B: Board>(
    c: &mut Caller<'_, T>,
    get: Getter<T, B>,
    ptr: u32,
    len: u32,
    kind: Kind,
) -> Result<u32, Errno> {
    let m = memory(c)?;
    mem::check(c, m, ptr, u64::from(len))?;
    let mut label = [0u8; MAX_LABEL];
    let label = label.get_mut(..len as usize).ok_or(Errno::NOTCAPABLE)?;
    mem::read(c, m, ptr, label)?;
    let p = get(c.data_mut());
    let handle = p.manifest.find(label, kind).ok_or(Errno::NOTCAPABLE)?;
    let slot = p.slots.get_mut(handle).ok_or(Errno::NOTCAPABLE)?;
    slot.open = true;
    u32::try_from(handle).map_err(|_| Errno::OVERFLOW)
}

/// The board index of an opened handle of `kind`.
pub(crate) fn device<B>(p: &Platform<B>, handle: i32, kind: Kind) -> Result<usize, Errno> {
    let h = usize::try_from(handle).map_err(|_| Errno::BADF)?;
    let grant = p.manifest.grants().get(h).ok_or(Errno::BADF)?;
    let open = p.slots.get(h).is_some_and(|s| s.open);
    if grant.kind != kind || !open {
        return Err(Errno::BADF);
    }
    Ok(grant.index)
}

fn gpio_open<T, B: Board>(
    c: &mut Caller<'_, T>,
    get: Getter<T, B>,
    ptr: u32,
    len: u32,
    flags: u32,
) -> Result<u32, Errno> {
    if flags & !(OUTPUT | INITIAL_HIGH) != 0 {
        return Err(Errno::INVAL);
    }
    let handle = open(c, get, ptr, len, Kind::Gpio)?;
    if flags & OUTPUT != 0 {
        let h = i32::try_from(handle).map_err(|_| Errno::BADF)?;
        with_pin(get(c.data_mut()), h, |pin| {
            if flags & INITIAL_HIGH != 0 {
                pin.set_high()
            } else {
                pin.set_low()
            }
        })?;
    }
    Ok(handle)
}

fn with_pin<B: Board, R>(
    p: &mut Platform<B>,
    handle: i32,
    f: impl FnOnce(&mut B::Pin) -> Result<R, <B::Pin as embedded_hal::digital::ErrorType>::Error>,
) -> Result<R, Errno> {
    let index = device(p, handle, Kind::Gpio)?;
    let pin = p.board.pin(index).ok_or(Errno::BADF)?;
    f(pin).map_err(|e| from_digital(embedded_hal::digital::Error::kind(&e)))
}

fn with_pwm<B: Board>(
    p: &mut Platform<B>,
    handle: i32,
    f: impl FnOnce(&mut B::Pwm) -> Result<u32, Errno>,
) -> Result<u32, Errno> {
    let index = device(p, handle, Kind::Pwm)?;
    f(p.board.pwm(index).ok_or(Errno::BADF)?)
}

fn gpio_watch<B: Board>(p: &mut Platform<B>, handle: i32, edges: u32) -> Result<u32, Errno> {
    let edges = u8::try_from(edges)
        .ok()
        .filter(|e| e & !(RISING | FALLING) == 0)
        .ok_or(Errno::INVAL)?;
    let level = with_pin(p, handle, InputPin::is_high)?;
    let h = usize::try_from(handle).map_err(|_| Errno::BADF)?;
    let slot = p.slots.get_mut(h).ok_or(Errno::BADF)?;
    slot.watch = edges;
    slot.last = level;
    Ok(0)
}

/// Samples every watched pin; returns the first edge as `handle << 8 | edge`.
fn poll_event<B: Board>(p: &mut Platform<B>) -> Result<Option<u32>, Errno> {
    for h in 0..p.slots.len() {
        let Some(slot) = p.slots.get(h).copied() else {
            break;
        };
        if slot.watch == 0 {
            continue;
        }
        let handle = i32::try_from(h).map_err(|_| Errno::BADF)?;
        let level = with_pin(p, handle, InputPin::is_high)?;
        if level == slot.last {
            continue;
        }
        if let Some(s) = p.slots.get_mut(h) {
            s.last = level;
        }
        let edge = if level { RISING } else { FALLING };
        if slot.watch & edge != 0 {
            let h = u32::try_from(h).map_err(|_| Errno::OVERFLOW)?;
            return Ok(Some(h << 8 | u32::from(edge)));
        }
    }
    Ok(None)
}

/// Polls every millisecond until an event or the timeout (negative: none).
fn wait_event<T, B: Board>(
    c: &mut Caller<'_, T>,
    get: Getter<T, B>,
    timeout_us: i64,
) -> Result<u32, Errno> {
    let p = get(c.data_mut());
    if let Some(event) = poll_event(p)? {
        return Ok(event);
    }
    if p.blocking == Blocking::Yield {
        // Let the scheduler run something else; the guest asks again.
        wait_ns(c, get, 1_000_000);
        return Err(Errno::AGAIN);
    }
    let start = p.board.now_ns(Clock::Monotonic).ok_or(Errno::NOSYS)?;
    let limit = u64::try_from(timeout_us)
        .ok()
        .map(|us| us.saturating_mul(1_000));
    loop {
        let p = get(c.data_mut());
        if let Some(event) = poll_event(p)? {
            return Ok(event);
        }
        let now = p.board.now_ns(Clock::Monotonic).ok_or(Errno::NOSYS)?;
        if limit.is_some_and(|limit| now.saturating_sub(start) >= limit) {
            return Err(Errno::TIMEDOUT);
        }
        p.board.delay().delay_ms(1);
    }
}

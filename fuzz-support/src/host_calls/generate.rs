//! Cases for `host_calls` from the fuzzer's bytes: a function, a memory, and pointers, lengths
//! and counts biased toward the edges of that memory (0, end - 1, end, end + 1, near
//! `u32::MAX`, sums that wrap, buffers that overlap each other or their own descriptors).

use arbitrary::{Result, Unstructured};
use mote::Val;

use super::catalogue::{Arg, CATALOGUE, Record};
use super::{Case, MemoryShape, handle_of, manifest};

/// Labels a guest might open: granted ones (the harness grants `""` of every kind), prefixes,
/// and one longer than `MAX_LABEL`.
const LABELS: &[&str] = &[
    "",
    "led",
    "i2c0",
    "spi0",
    "uart0",
    "pwm0",
    "gpio7",
    "spi",
    "spi0\0",
    "abcdefghijklmnopqrstuvwxyz0123456",
];

/// Memory sizes with 1-byte pages: empty, smaller than every record, around record and bounce
/// buffer sizes, and around one 64 KiB page.
const SMALL_SIZES: &[u32] = &[
    0, 1, 2, 3, 4, 5, 7, 8, 9, 11, 12, 13, 16, 23, 24, 25, 31, 32, 33, 47, 48, 49, 64, 96, 255,
    256, 257, 511, 512, 4096, 65535, 65536, 65537,
];

/// The low 32 bits of `v`: pointers are generated in `u64` and wrap like the guest's `i32`s.
#[expect(
    clippy::cast_possible_truncation,
    reason = "keeping the low 32 bits is the point"
)]
fn low32(v: u64) -> u32 {
    v as u32
}

fn i32_of(v: u32) -> Val {
    Val::I32(v.cast_signed())
}

/// Generates the values of one case, remembering the pointers so far (for overlaps).
struct Gen<'a, 'b> {
    u: &'b mut Unstructured<'a>,
    /// The memory's size in bytes.
    size: u64,
    ptrs: Vec<u32>,
    writes: Vec<(u32, Vec<u8>)>,
    /// Every pointer and length in bounds (most successful calls come from such cases).
    tame: bool,
}

impl Gen<'_, '_> {
    fn small(&mut self, max: u64) -> Result<u64> {
        self.u.int_in_range(0..=max)
    }

    /// A pointer: inside, at or just past the end, near `u32::MAX` or 2 GiB, or next to one
    /// generated before.
    fn ptr(&mut self) -> Result<u32> {
        if self.tame {
            return self.inside_ptr();
        }
        let s = self.size;
        let v = match self.u.int_in_range(0u8..=15)? {
            0 => 0,
            1 => s.wrapping_sub(1),
            2 => s,
            3 => s + 1,
            4 => s.saturating_sub(1 + self.small(63)?),
            5 => u64::from(u32::MAX) - self.small(64)?,
            6 => 0x8000_0000 - 32 + self.small(64)?,
            k @ (7 | 8) if !self.ptrs.is_empty() => {
                let base = *self.u.choose(&self.ptrs)?;
                // Next to it, or a few records of 16, 32 or 48 bytes away.
                let delta = if k == 7 {
                    self.u.int_in_range(-16i64..=16)?
                } else {
                    16 * self.u.int_in_range(-6i64..=6)?
                };
                u64::from(base).wrapping_add_signed(delta)
            }
            9..=12 => self.small(s.saturating_sub(1))?,
            13 => self.small(s.saturating_sub(1))? & !7,
            _ => u64::from(self.u.arbitrary::<u32>()?),
        };
        let p = low32(v);
        self.ptrs.push(p);
        Ok(p)
    }

    /// A pointer inside the memory (0 in an empty one).
    fn inside_ptr(&mut self) -> Result<u32> {
        let p = low32(self.small(self.size.saturating_sub(1))?);
        self.ptrs.push(p);
        Ok(p)
    }

    /// A pointer and length for a buffer named by a record: usually inside the memory.
    fn buffer(&mut self) -> Result<(u32, u32)> {
        let ptr = if self.u.ratio(3, 4)? {
            self.inside_ptr()?
        } else {
            self.ptr()?
        };
        let len = if self.u.ratio(3, 4)? {
            let room = self.size.saturating_sub(u64::from(ptr)).min(300);
            low32(self.small(room)?)
        } else {
            self.len(ptr)?
        };
        Ok((ptr, len))
    }

    /// A length for a buffer at `ptr`: empty, exactly to the end, one past it, one that wraps
    /// `ptr + len` to 0 or just past it, around the bounce buffer, huge.
    fn len(&mut self, ptr: u32) -> Result<u32> {
        let s = self.size;
        let p = u64::from(ptr);
        if self.tame {
            return Ok(low32(self.small(s.saturating_sub(p).min(300))?));
        }
        let v = match self.u.int_in_range(0u8..=15)? {
            0 => 0,
            1 => 1,
            2 => s.wrapping_sub(p),
            3 => s.wrapping_sub(p).wrapping_add(1),
            4 => s.wrapping_sub(p).wrapping_sub(1),
            5 => (1u64 << 32) - p,
            6 => (1u64 << 32) - p + 1 + self.small(15)?,
            7 => u64::from(u32::MAX),
            8 => 255 + self.small(2)?,
            9..=11 => 2 + self.small(62)?,
            12 => self.small(s)?,
            13 => 0x8000_0000,
            _ => u64::from(self.u.arbitrary::<u32>()?),
        };
        Ok(low32(v))
    }

    /// A count of `record`s at `ptr`: none, a few (around the 8-operation limit), as many as
    /// fit, one more, or one whose byte size overflows 32 bits.
    fn count(&mut self, ptr: u32, record: Record) -> Result<u32> {
        let r = u64::from(record.size());
        let fit = self.size.saturating_sub(u64::from(ptr)) / r;
        if self.tame {
            return Ok(low32(fit.min(1 + self.small(3)?)));
        }
        let v = match self.u.int_in_range(0u8..=9)? {
            0 => 0,
            1 | 2 => 1 + self.small(2)?,
            3 => 7 + self.small(3)?,
            4 => fit,
            5 => fit + 1,
            6 => (1u64 << 32) / r + self.small(1)?,
            7 => u64::from(u32::MAX),
            8 => 0x8000_0000,
            _ => u64::from(self.u.arbitrary::<u32>()?),
        };
        Ok(low32(v))
    }

    fn int(&mut self) -> Result<i32> {
        Ok(match self.u.int_in_range(0u8..=9)? {
            0..=5 => self.u.int_in_range(0..=4)?,
            6 => -1,
            7 => i32::MIN,
            8 => i32::MAX,
            _ => self.u.arbitrary()?,
        })
    }

    fn int64(&mut self) -> Result<i64> {
        Ok(match self.u.int_in_range(0u8..=5)? {
            0 => 0,
            1 => 1,
            2 => -1,
            3 => i64::MAX,
            4 => i64::MIN,
            _ => self.u.arbitrary()?,
        })
    }

    fn i2c_addr(&mut self) -> Result<i32> {
        Ok(match self.u.int_in_range(0u8..=7)? {
            0..=3 => 0x48,
            4 => 0x7F,
            5 => 0x80,
            6 => -1,
            _ => self.u.arbitrary()?,
        })
    }

    /// Usually the handle the guest opened; otherwise one of the wrong kind, one past the
    /// grants, negative or arbitrary.
    fn handle(&mut self, kind: mote_platform::Kind) -> Result<i32> {
        let grants = i32::try_from(manifest().grants().len()).unwrap_or(i32::MAX);
        Ok(match self.u.int_in_range(0u8..=11)? {
            0..=6 => handle_of(kind),
            7 => self.u.int_in_range(0..=grants)?,
            8 => -1,
            9 => i32::MIN,
            10 => i32::MAX,
            _ => self.u.arbitrary()?,
        })
    }

    /// Writes `bytes` at `at` after the memory is filled (clipped to the memory).
    fn write(&mut self, at: u32, bytes: Vec<u8>) {
        self.writes.push((at, bytes));
    }

    /// Up to 8 records at `ptr` (the rest of the array keeps the fill pattern).
    fn records(&mut self, ptr: u32, count: u32, record: Record) -> Result<()> {
        // Usually every record up to 8, so that the call can succeed.
        let n = if self.u.ratio(7, 8)? {
            u64::from(count).min(8)
        } else {
            u64::from(count).min(self.small(8)?)
        };
        let mut bytes = Vec::new();
        for _ in 0..n {
            match record {
                Record::Iovec => {
                    let (buf, len) = self.buffer()?;
                    bytes.extend_from_slice(&buf.to_le_bytes());
                    bytes.extend_from_slice(&len.to_le_bytes());
                }
                Record::Desc => {
                    let kind: u32 = match self.u.int_in_range(0u8..=9)? {
                        k @ 0..=7 => u32::from(k % 4),
                        8 => 4,
                        _ => self.u.arbitrary()?,
                    };
                    let (ptr, len) = self.buffer()?;
                    for field in [kind, ptr, len] {
                        bytes.extend_from_slice(&field.to_le_bytes());
                    }
                }
                Record::Sub => bytes.extend_from_slice(&self.subscription()?),
            }
        }
        self.write(ptr, bytes);
        Ok(())
    }

    /// A `poll_oneoff` subscription, mostly clocks (relative or absolute, due now or never),
    /// sometimes an fd or an unknown tag.
    fn subscription(&mut self) -> Result<[u8; 48]> {
        let mut sub = [0u8; 48];
        let userdata: u64 = match self.u.int_in_range(0u8..=3)? {
            0 => u64::MAX,
            1 => 0,
            _ => self.u.arbitrary()?,
        };
        sub[0..8].copy_from_slice(&userdata.to_le_bytes());
        sub[8] = match self.u.int_in_range(0u8..=7)? {
            0..=4 => 0,
            5 => 1,
            6 => 2,
            _ => self.u.arbitrary()?,
        };
        let id: u32 = match self.u.int_in_range(0u8..=6)? {
            k @ 0..=4 => u32::from(k % 4),
            5 => 4,
            _ => self.u.arbitrary()?,
        };
        sub[16..20].copy_from_slice(&id.to_le_bytes());
        let timeout: u64 = match self.u.int_in_range(0u8..=4)? {
            0 => 0,
            1 => 1,
            2 => u64::MAX,
            _ => self.u.arbitrary()?,
        };
        sub[24..32].copy_from_slice(&timeout.to_le_bytes());
        sub[32..40].copy_from_slice(&self.u.arbitrary::<u64>()?.to_le_bytes());
        let flags: u16 = match self.u.int_in_range(0u8..=3)? {
            0 | 1 => 0,
            2 => 1,
            _ => self.u.arbitrary()?,
        };
        sub[40..42].copy_from_slice(&flags.to_le_bytes());
        Ok(sub)
    }
}

fn memory_shape(u: &mut Unstructured<'_>) -> Result<MemoryShape> {
    let exported = !u.ratio(1, 64)?;
    Ok(if u.ratio(3, 4)? {
        let bytes = if u.ratio(3, 4)? {
            *u.choose(SMALL_SIZES)?
        } else {
            u.int_in_range(0..=70_000)?
        };
        MemoryShape {
            page_size_log2: 0,
            pages: bytes,
            exported,
        }
    } else {
        MemoryShape {
            page_size_log2: 16,
            pages: u.int_in_range(0..=2)?,
            exported,
        }
    })
}

/// A short string for the guest's arguments or environment.
fn string(u: &mut Unstructured<'_>) -> Result<String> {
    Ok(match u.int_in_range(0u8..=4)? {
        0 => String::new(),
        1 => "prog".into(),
        2 => "KEY=value".into(),
        // Longer than the bounce buffer: copied out in chunks.
        3 => "x".repeat(300),
        _ => {
            let s: String = u.arbitrary()?;
            s.chars().take(40).collect()
        }
    })
}

/// A case from the fuzzer's bytes.
///
/// # Errors
/// Only when `u` is malformed for `arbitrary` (running out of data gives the edge values).
pub fn case(u: &mut Unstructured<'_>) -> Result<Case> {
    let func = u.choose_index(CATALOGUE.len())?;
    let memory = memory_shape(u)?;
    let pattern = u.arbitrary()?;
    let open = !u.ratio(1, 16)?;
    let input_len = u.int_in_range(0..=300)?;
    let input = u.bytes(input_len)?.to_vec();
    let mut argv = Vec::new();
    let mut env = Vec::new();
    for _ in 0..u.int_in_range(0..=3)? {
        argv.push(string(u)?);
    }
    for _ in 0..u.int_in_range(0..=2)? {
        env.push(string(u)?);
    }
    let mut g = Gen {
        u,
        size: memory.bytes(),
        ptrs: Vec::new(),
        writes: Vec::new(),
        tame: false,
    };
    g.tame = g.u.ratio(1, 4)?;
    let f = &CATALOGUE[func];
    let mut raw: Vec<u32> = Vec::with_capacity(f.args.len());
    let mut args = Vec::with_capacity(f.args.len());
    for &arg in f.args {
        let at = |i: usize| raw.get(i).copied().unwrap_or(0);
        let value = match arg {
            Arg::Int => Val::I32(g.int()?),
            Arg::I64 => Val::I64(g.int64()?),
            Arg::Handle(kind) => Val::I32(g.handle(kind)?),
            Arg::I2cAddr => Val::I32(g.i2c_addr()?),
            Arg::Ptr => i32_of(g.ptr()?),
            Arg::Len(p) => i32_of(g.len(at(p))?),
            Arg::Label(p) => {
                let label = *g.u.choose(LABELS)?;
                g.write(at(p), label.as_bytes().to_vec());
                if g.u.ratio(3, 4)? {
                    i32_of(u32::try_from(label.len()).unwrap_or(u32::MAX))
                } else {
                    i32_of(g.len(at(p))?)
                }
            }
            Arg::Count(p, record) => {
                let count = g.count(at(p), record)?;
                g.records(at(p), count, record)?;
                i32_of(count)
            }
        };
        raw.push(match value {
            Val::I32(v) => v.cast_unsigned(),
            _ => 0,
        });
        args.push(value);
    }
    let writes = g.writes;
    Ok(Case {
        func,
        memory,
        pattern,
        writes,
        args,
        open,
        input,
        argv,
        env,
    })
}

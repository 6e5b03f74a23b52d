//! The one declarative list of expected skips.
//!
//! A directive is skipped only if it matches an entry here, and every entry says why. Skipped
//! directives are not run at all (a skipped `module` is not instantiated, so later directives
//! that use it see the previous module). Prefer fixing Mote over adding entries; the runner
//! warns about entries that no longer match anything, so the list cannot silently rot.

/// One expected skip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Skip {
    /// The suite name as given to `--suite`: `wasm-v1`, `wasm-v2`, `wasm-v3`, `wasm-latest` or
    /// `proposals/NAME`.
    pub suite: &'static str,
    /// The `.wast` file name, for example `"float_exprs.wast"`.
    pub file: &'static str,
    /// The 1-based line on which the directive starts, or `None` to skip the whole file.
    pub line: Option<u32>,
    /// Why the directive cannot pass yet.
    pub reason: &'static str,
}

impl Skip {
    /// Whether the entry names the directive at `line` of `file` in `suite` (or the whole file).
    pub fn matches(&self, suite: &str, file: &str, line: u32) -> bool {
        self.suite == suite && self.file == file && self.line.is_none_or(|l| l == line)
    }
}

/// Every expected skip, for every suite and engine.
pub const SKIPS: &[Skip] = &[];

/// The index in [`SKIPS`] of the entry that skips the directive at `line` of `file` in `suite`
/// (an entry for that line, or for the whole file), if any.
pub fn find(suite: &str, file: &str, line: u32) -> Option<usize> {
    SKIPS
        .iter()
        .position(|skip| skip.matches(suite, file, line))
}

/// An expected skip on one device only: a check that needs more of something than the device
/// has (RAM, most often), which the host and larger devices run. The bundle writer
/// ([`crate::bundle`]) writes these directives as skips, with the reason, into the bundles for
/// that board; the host runner ignores them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeviceSkip {
    /// The board, as `cargo xtask qemu-spec BOARD` names it.
    pub board: &'static str,
    /// Where, and why (as in [`SKIPS`]).
    pub skip: Skip,
}

/// `as-memory.grow-value` grows a 1-page memory by 0x132 pages, to 307 pages (19.2 MiB).
const GROW_307_PAGES: &str = "grows a memory to 307 pages (19.2 MiB, contiguous); the machine's \
                              largest RAM is its 16 MiB PSRAM, the heap";
/// `memory_grow.wast` grows a memory to 803 pages (50.2 MiB).
const GROW_803_PAGES: &str = "grows a memory to 803 pages (50.2 MiB); the machine's largest RAM \
                              is its 16 MiB PSRAM, the heap";
/// The grow after that one expects the size it would have made.
const AFTER_GROW_803_PAGES: &str = "expects the 803 pages of the grow at line 45, which does not \
                                    fit in the machine's 16 MiB of heap";

/// Every expected skip on a device.
pub const DEVICE_SKIPS: &[DeviceSkip] = &[
    DeviceSkip {
        board: "mps2-an386",
        skip: Skip {
            suite: "wasm-v1",
            file: "call.wast",
            line: Some(294),
            reason: GROW_307_PAGES,
        },
    },
    DeviceSkip {
        board: "mps2-an386",
        skip: Skip {
            suite: "wasm-v1",
            file: "call_indirect.wast",
            line: Some(574),
            reason: GROW_307_PAGES,
        },
    },
    DeviceSkip {
        board: "mps2-an386",
        skip: Skip {
            suite: "wasm-v1",
            file: "memory_grow.wast",
            line: Some(45),
            reason: GROW_803_PAGES,
        },
    },
    DeviceSkip {
        board: "mps2-an386",
        skip: Skip {
            suite: "wasm-v1",
            file: "memory_grow.wast",
            line: Some(48),
            reason: AFTER_GROW_803_PAGES,
        },
    },
    DeviceSkip {
        board: "mps2-an386",
        skip: Skip {
            suite: "wasm-v2",
            file: "call.wast",
            line: Some(359),
            reason: GROW_307_PAGES,
        },
    },
    DeviceSkip {
        board: "mps2-an386",
        skip: Skip {
            suite: "wasm-v2",
            file: "call_indirect.wast",
            line: Some(603),
            reason: GROW_307_PAGES,
        },
    },
    DeviceSkip {
        board: "mps2-an386",
        skip: Skip {
            suite: "wasm-v2",
            file: "memory_grow.wast",
            line: Some(45),
            reason: GROW_803_PAGES,
        },
    },
    DeviceSkip {
        board: "mps2-an386",
        skip: Skip {
            suite: "wasm-v2",
            file: "memory_grow.wast",
            line: Some(48),
            reason: AFTER_GROW_803_PAGES,
        },
    },
];

/// The index in [`DEVICE_SKIPS`] of the entry for `board` that skips the directive at `line`
/// of `file` in `suite`, if any.
pub fn find_on_device(board: &str, suite: &str, file: &str, line: u32) -> Option<usize> {
    DEVICE_SKIPS
        .iter()
        .position(|entry| entry.board == board && entry.skip.matches(suite, file, line))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_has_a_reason_and_a_wast_file() {
        let device = DEVICE_SKIPS.iter().map(|entry| &entry.skip);
        for skip in SKIPS.iter().chain(device) {
            assert!(!skip.reason.trim().is_empty(), "{skip:?} has no reason");
            assert!(
                skip.file.ends_with(".wast"),
                "{skip:?} does not name a .wast file"
            );
        }
        assert!(DEVICE_SKIPS.iter().all(|entry| !entry.board.is_empty()));
    }

    #[test]
    fn entries_are_unique() {
        for (i, a) in SKIPS.iter().enumerate() {
            for b in &SKIPS[i + 1..] {
                assert!(
                    !(a.suite == b.suite && a.file == b.file && a.line == b.line),
                    "duplicate skip entry {a:?}"
                );
            }
        }
    }
}

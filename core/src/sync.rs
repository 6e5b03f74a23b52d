//! `Arc` and atomics that also exist on targets without compare-and-swap (Cortex-M0/M0+,
//! `thumbv6m-none-eabi`, and RISC-V cores without the A extension).
//!
//! There, `alloc::sync::Arc` is missing; `portable-atomic-util`'s `Arc` takes its place, with
//! `portable-atomic` emulating the atomic operations in a critical section. The firmware then
//! provides the `critical-section` implementation (for example `cortex-m`'s
//! `critical-section-single-core` feature). Code in this workspace creates `Arc<dyn Trait>`
//! through `Box` (`Arc::from(Box::new(x) as Box<dyn Trait>)`), which both `Arc`s support on
//! stable Rust.

#[cfg(target_has_atomic = "ptr")]
pub use alloc::sync::Arc;
#[cfg(target_has_atomic = "ptr")]
pub use core::sync::atomic::AtomicU32;

#[cfg(not(target_has_atomic = "ptr"))]
pub use portable_atomic::AtomicU32;
#[cfg(not(target_has_atomic = "ptr"))]
pub use portable_atomic_util::Arc;

/// The engine's epoch counter ([`Engine::increment_epoch`](crate::Engine::increment_epoch)):
/// 64 bits where the target has 64-bit atomics (every host the JIT runs on, which reads it from
/// compiled code), else 32 bits (the interpreter's targets; a counter that wraps after 2^32
/// increments).
#[cfg(target_has_atomic = "64")]
pub type AtomicEpoch = core::sync::atomic::AtomicU64;
/// See the 64-bit definition.
#[cfg(not(target_has_atomic = "64"))]
pub type AtomicEpoch = AtomicU32;

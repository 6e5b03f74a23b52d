//! Bytes of data segments: shared on the heap, or borrowed from a compiled image in flash.

use crate::sync::Arc;
use core::fmt;
use core::ops::Deref;

/// Immutable bytes that are cheap to clone: either reference-counted on the heap (modules
/// decoded from `.wasm`) or a `'static` slice (compiled images executed in place, where the
/// bytes stay in flash and cost no RAM).
#[derive(Clone)]
pub struct Bytes(Repr);

#[derive(Clone)]
enum Repr {
    Shared(Arc<[u8]>),
    Static(&'static [u8]),
}

impl Bytes {
    /// No bytes (a dropped segment).
    pub const fn empty() -> Self {
        Bytes(Repr::Static(&[]))
    }

    /// Borrows `bytes` for the life of the program, without copying.
    pub const fn from_static(bytes: &'static [u8]) -> Self {
        Bytes(Repr::Static(bytes))
    }
}

impl Deref for Bytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match &self.0 {
            Repr::Shared(bytes) => bytes,
            Repr::Static(bytes) => bytes,
        }
    }
}

impl From<Arc<[u8]>> for Bytes {
    fn from(bytes: Arc<[u8]>) -> Self {
        Bytes(Repr::Shared(bytes))
    }
}

impl From<&[u8]> for Bytes {
    /// Copies `bytes` to the heap.
    fn from(bytes: &[u8]) -> Self {
        Bytes(Repr::Shared(Arc::from(bytes)))
    }
}

impl fmt::Debug for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Bytes({} bytes)", self.len())
    }
}

impl PartialEq for Bytes {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl Eq for Bytes {}

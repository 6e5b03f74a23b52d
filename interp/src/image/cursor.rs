//! Little-endian readers and writers over image bytes, with offsets in every error.

use alloc::vec::Vec;

use mote_core::Error;

/// Appends little-endian values.
#[derive(Debug, Default)]
pub(super) struct Writer {
    pub(super) bytes: Vec<u8>,
}

impl Writer {
    pub(super) fn u8(&mut self, v: u8) {
        self.bytes.push(v);
    }

    pub(super) fn bool(&mut self, v: bool) {
        self.u8(u8::from(v));
    }

    pub(super) fn u16(&mut self, v: u16) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }

    pub(super) fn u32(&mut self, v: u32) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }

    pub(super) fn u64(&mut self, v: u64) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }

    /// A count or length; the caller made sure it fits (images are below 4 GiB).
    pub(super) fn len(&mut self, n: usize) -> Result<(), Error> {
        let n = u32::try_from(n)
            .map_err(|_| Error::limit("image item count", n as u64, u64::from(u32::MAX)))?;
        self.u32(n);
        Ok(())
    }

    pub(super) fn str(&mut self, s: &str) -> Result<(), Error> {
        self.len(s.len())?;
        self.bytes.extend_from_slice(s.as_bytes());
        Ok(())
    }

    /// Pads with zeros to a multiple of 4 bytes.
    pub(super) fn align4(&mut self) {
        while !self.bytes.len().is_multiple_of(4) {
            self.bytes.push(0);
        }
    }

    pub(super) fn position(&self) -> usize {
        self.bytes.len()
    }
}

/// Reads little-endian values from a section of an image; errors name the image offset.
#[derive(Debug)]
pub(super) struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    /// Offset of `bytes[0]` in the image, for messages.
    base: usize,
}

impl<'a> Reader<'a> {
    pub(super) fn new(bytes: &'a [u8], base: usize) -> Self {
        Self {
            bytes,
            pos: 0,
            base,
        }
    }

    /// An error at the current position.
    pub(super) fn error(&self, what: &'static str) -> Error {
        Error::bad_image(what, self.position())
    }

    pub(super) fn take(&mut self, n: usize) -> Result<&'a [u8], Error> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&end| end <= self.bytes.len())
            .ok_or_else(|| self.error("truncated"))?;
        let slice = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(slice)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], Error> {
        let mut out = [0; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    pub(super) fn u8(&mut self) -> Result<u8, Error> {
        Ok(self.array::<1>()?[0])
    }

    pub(super) fn bool(&mut self) -> Result<bool, Error> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(self.error("a flag is neither 0 nor 1")),
        }
    }

    pub(super) fn u32(&mut self) -> Result<u32, Error> {
        self.array().map(u32::from_le_bytes)
    }

    pub(super) fn u64(&mut self) -> Result<u64, Error> {
        self.array().map(u64::from_le_bytes)
    }

    /// A count of items that take at least `min_size` bytes each: bounded by what is left, so
    /// a corrupted count cannot make the loader allocate more than the image's size.
    pub(super) fn count(&mut self, min_size: usize) -> Result<usize, Error> {
        let n = self.u32()? as usize;
        if n.saturating_mul(min_size.max(1)) > self.bytes.len() - self.pos {
            return Err(self.error("a count exceeds the bytes that follow"));
        }
        Ok(n)
    }

    pub(super) fn str(&mut self) -> Result<&'a str, Error> {
        let len = self.count(1)?;
        let bytes = self.take(len)?;
        core::str::from_utf8(bytes).map_err(|_| self.error("a name is not UTF-8"))
    }

    /// Offset of the next byte in the image, for messages.
    pub(super) fn position(&self) -> u64 {
        (self.base + self.pos) as u64
    }

    pub(super) fn is_empty(&self) -> bool {
        self.pos == self.bytes.len()
    }
}

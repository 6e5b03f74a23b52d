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

/// Reads little-endian values from a section of an image. Errors are sticky: the first one is
/// kept with its image offset, and every read after it returns zeros, so a reader needs no
/// error branch per value and reports the failure once, at [`Reader::finish`].
#[derive(Debug)]
pub(super) struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    /// Offset of `bytes[0]` in the image, for messages.
    base: usize,
    /// The first problem, and its offset in the image.
    error: Option<(&'static str, u64)>,
}

impl<'a> Reader<'a> {
    pub(super) fn new(bytes: &'a [u8], base: usize) -> Self {
        Self {
            bytes,
            pos: 0,
            base,
            error: None,
        }
    }

    /// Records `what` as the problem at the current position (unless there was one before),
    /// and stops reading.
    #[cold]
    pub(super) fn fail(&mut self, what: &'static str) {
        if self.error.is_none() {
            self.error = Some((what, self.position()));
        }
        self.pos = self.bytes.len();
    }

    /// The first problem, if any; else that every byte was read.
    pub(super) fn finish(&self) -> Result<(), Error> {
        match self.error {
            Some((what, at)) => Err(Error::bad_image(what, at)),
            None if self.pos != self.bytes.len() => Err(Error::bad_image(
                "bytes after the end of the section",
                self.position(),
            )),
            None => Ok(()),
        }
    }

    /// The next `n` bytes (none after a problem).
    pub(super) fn take(&mut self, n: usize) -> &'a [u8] {
        match self.bytes.get(self.pos..self.pos.saturating_add(n)) {
            Some(slice) => {
                self.pos += n;
                slice
            }
            None => {
                self.fail("truncated");
                &[]
            }
        }
    }

    fn array<const N: usize>(&mut self) -> [u8; N] {
        self.take(N).try_into().unwrap_or([0; N])
    }

    pub(super) fn u8(&mut self) -> u8 {
        self.array::<1>()[0]
    }

    /// A byte below `n`, else `what` is the problem (and 0 is returned).
    pub(super) fn code(&mut self, n: u8, what: &'static str) -> u8 {
        let code = self.u8();
        if code < n {
            code
        } else {
            self.fail(what);
            0
        }
    }

    pub(super) fn bool(&mut self) -> bool {
        self.code(2, "a flag is neither 0 nor 1") == 1
    }

    pub(super) fn u32(&mut self) -> u32 {
        u32::from_le_bytes(self.array())
    }

    pub(super) fn u64(&mut self) -> u64 {
        u64::from_le_bytes(self.array())
    }

    /// A count of items that take at least `min_size` bytes each: bounded by what is left, so
    /// a corrupted count cannot make the loader allocate more than the image's size.
    pub(super) fn count(&mut self, min_size: usize) -> usize {
        let n = self.u32() as usize;
        if n.saturating_mul(min_size.max(1)) > self.bytes.len() - self.pos {
            self.fail("a count exceeds the bytes that follow");
            return 0;
        }
        n
    }

    pub(super) fn str(&mut self) -> &'a str {
        let len = self.count(1);
        let bytes = self.take(len);
        core::str::from_utf8(bytes).unwrap_or_else(|_| {
            self.fail("a name is not UTF-8");
            ""
        })
    }

    /// Skips the zero padding up to the next multiple of 4 bytes of the image.
    pub(super) fn align4(&mut self) {
        while self.error.is_none() && !self.position().is_multiple_of(4) {
            if self.u8() != 0 {
                self.fail("padding is not zero");
            }
        }
    }

    /// Offset of the next byte in the image, for messages.
    pub(super) fn position(&self) -> u64 {
        (self.base + self.pos) as u64
    }
}

//! The defmt frames of a firmware built with the feature `defmt` (lm3s6965evb): the firmware
//! writes them over semihosting, QEMU puts them in a file of their own (`-semihosting-config
//! ...,chardev=ID` with `-chardev file,...`, away from the UART's text on stdout), and this
//! module decodes them with the `.defmt` table of the firmware's ELF (`defmt-decoder`, the
//! library of `defmt-print`) into `LEVEL message` lines.

use std::path::{Path, PathBuf};

use defmt_decoder::{DecodeError, Encoding, Frame, Table};

use crate::Error;

/// The `.defmt` table of the firmware `elf`: the format strings the frames refer to.
pub fn table(elf: &Path) -> Result<Table, Error> {
    let bytes =
        std::fs::read(elf).map_err(|e| Error(format!("cannot read {}: {e}", elf.display())))?;
    match Table::parse(&bytes) {
        Ok(Some(table)) => Ok(table),
        Ok(None) => Err(Error(format!(
            "{}: no `.defmt` table in this ELF (is the firmware built with the feature `defmt`?)",
            elf.display()
        ))),
        Err(e) => Err(Error(format!(
            "{}: cannot read its `.defmt` table: {e:#}",
            elf.display()
        ))),
    }
}

/// One decoded frame as a line: its level in capitals (`PRINTLN` for `defmt::println!`), a
/// space, the message.
pub fn line(frame: &Frame<'_>) -> String {
    let level = frame.level().map_or_else(
        || "PRINTLN".to_owned(),
        |level| level.as_str().to_uppercase(),
    );
    format!("{level} {}", frame.display_message())
}

/// A stream of frames decoded as its bytes come (the file QEMU writes grows during the run).
pub struct Frames<'t> {
    decoder: Box<dyn defmt_decoder::StreamDecoder + Send + Sync + 't>,
    /// Whether the encoding ends each frame with a zero byte (rzCOBS), so that a partial frame
    /// at the end can be told.
    delimited: bool,
    /// Bytes received since the last frame's end.
    pending: usize,
    /// Frames decoded so far.
    count: usize,
    /// The file the bytes come from, for the messages.
    source: PathBuf,
}

impl<'t> Frames<'t> {
    /// A decoder of frames encoded with `table`'s firmware, read from `source`.
    pub fn new(table: &'t Table, source: &Path) -> Self {
        Self {
            decoder: table.new_stream_decoder(),
            delimited: matches!(table.encoding(), Encoding::Rzcobs),
            pending: 0,
            count: 0,
            source: source.to_path_buf(),
        }
    }

    /// Takes the next `bytes` of the stream; returns the lines of the frames they complete.
    /// A frame that does not decode (corrupt, or from another firmware than the table's) is
    /// an error naming the file and the frame's number.
    pub fn push(&mut self, bytes: &[u8]) -> Result<Vec<String>, Error> {
        for &byte in bytes {
            if byte == 0 {
                self.pending = 0;
            } else {
                self.pending += 1;
            }
        }
        self.decoder.received(bytes);
        let mut lines = Vec::new();
        loop {
            match self.decoder.decode() {
                Ok(frame) => {
                    lines.push(line(&frame));
                    self.count += 1;
                }
                Err(DecodeError::UnexpectedEof) => return Ok(lines),
                Err(DecodeError::Malformed) => {
                    return Err(Error(format!(
                        "{}: defmt frame {} is corrupt or does not match the firmware's \
                         `.defmt` table (after {} good frames: {lines:?})",
                        self.source.display(),
                        self.count + 1,
                        self.count
                    )));
                }
            }
        }
    }

    /// Ends the stream: an error if it stops inside a frame.
    pub fn finish(&self) -> Result<(), Error> {
        if self.delimited && self.pending > 0 {
            return Err(Error(format!(
                "{}: the defmt stream ends inside a frame ({} bytes after frame {})",
                self.source.display(),
                self.pending,
                self.count
            )));
        }
        Ok(())
    }
}

/// Decodes a whole stream of frames (`bytes`, read from `source`).
pub fn decode_all(table: &Table, bytes: &[u8], source: &Path) -> Result<Vec<String>, Error> {
    let mut frames = Frames::new(table, source);
    let lines = frames.push(bytes)?;
    frames.finish()?;
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_an_elf() {
        let dir = std::env::temp_dir().join(format!("mote-xtask-defmt-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("scratch directory");
        let path = dir.join("firmware.elf");
        std::fs::write(&path, b"not an ELF").expect("write");
        let e = table(&path).expect_err("not an ELF");
        assert!(e.to_string().contains("firmware.elf"), "{e}");
        let e = table(&dir.join("missing.elf")).expect_err("no file");
        assert!(e.to_string().contains("missing.elf"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}

//! The runtime's messages (`mote: ...`): text lines on the board's console, or with the feature
//! `defmt` defmt frames (over the transport the firmware links: defmt-rtt on real boards),
//! which leave the formatting to the host and the strings in the ELF, not in flash.
//! [`DefmtConsole`] sends the app's own console output (WASI `fd_write` to stdout and stderr)
//! through defmt too, one frame per line.

use core::fmt;

/// An informational message.
pub fn info<W: embedded_io::Write>(console: Option<&mut W>, args: fmt::Arguments<'_>) {
    #[cfg(feature = "defmt")]
    {
        let _ = console;
        defmt::info!("mote: {}", defmt::Display2Format(&args));
    }
    #[cfg(not(feature = "defmt"))]
    line(console, args);
}

/// An error message.
pub fn error<W: embedded_io::Write>(console: Option<&mut W>, args: fmt::Arguments<'_>) {
    #[cfg(feature = "defmt")]
    {
        let _ = console;
        defmt::error!("mote: {}", defmt::Display2Format(&args));
    }
    #[cfg(not(feature = "defmt"))]
    line(console, args);
}

#[cfg(not(feature = "defmt"))]
fn line<W: embedded_io::Write>(console: Option<&mut W>, args: fmt::Arguments<'_>) {
    if let Some(console) = console {
        // A console that fails has nowhere to report it.
        let _ = console.write_fmt(format_args!("mote: {args}\r\n"));
        let _ = console.flush();
    }
}

/// The app's console through defmt: bytes are gathered up to a newline (or [`Self::LINE`]
/// bytes) and sent as one `app: ...` frame. `flush` keeps a partial line (mote-platform flushes
/// after every `fd_write`, and an app may print a line in several writes): call
/// [`Self::end_line`] when the app is done to send what is left.
#[cfg(feature = "defmt")]
#[derive(Debug)]
pub struct DefmtConsole {
    line: [u8; Self::LINE],
    len: usize,
}

#[cfg(feature = "defmt")]
impl Default for DefmtConsole {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(feature = "defmt")]
impl DefmtConsole {
    /// The longest line sent as one frame.
    pub const LINE: usize = 96;

    /// An empty console.
    pub const fn new() -> Self {
        Self {
            line: [0; Self::LINE],
            len: 0,
        }
    }

    /// Sends the partial line left without a newline, if any, as a frame of its own.
    pub fn end_line(&mut self) {
        if self.len > 0 {
            self.send();
        }
    }

    fn send(&mut self) {
        let line = &self.line[..self.len];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        match core::str::from_utf8(line) {
            Ok(text) => defmt::info!("app: {=str}", text),
            Err(_) => defmt::info!("app: {=[u8]}", line),
        }
        self.len = 0;
    }
}

#[cfg(feature = "defmt")]
impl embedded_io::ErrorType for DefmtConsole {
    type Error = core::convert::Infallible;
}

#[cfg(feature = "defmt")]
impl embedded_io::Write for DefmtConsole {
    fn write(&mut self, buf: &[u8]) -> Result<usize, Self::Error> {
        for &byte in buf {
            if byte == b'\n' {
                self.send();
            } else {
                if self.len == Self::LINE {
                    self.send();
                }
                self.line[self.len] = byte;
                self.len += 1;
            }
        }
        Ok(buf.len())
    }

    /// Keeps a partial line for the rest of it (see [`DefmtConsole::end_line`]): each frame is
    /// a whole line.
    fn flush(&mut self) -> Result<(), Self::Error> {
        Ok(())
    }
}

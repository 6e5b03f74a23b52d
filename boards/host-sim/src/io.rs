//! Where the simulated board's output goes and where its input comes from.

use std::collections::VecDeque;
use std::io::{Read as _, Write as _};
use std::sync::{Arc, Mutex, PoisonError};

/// A destination for console, UART and trace output.
#[derive(Debug, Clone)]
pub enum Sink {
    /// The process's standard output.
    Stdout,
    /// The process's standard error.
    Stderr,
    /// A shared buffer (tests read it back with [`Sink::contents`]).
    Buffer(Arc<Mutex<Vec<u8>>>),
}

impl Sink {
    /// A fresh, empty buffer sink.
    pub fn buffer() -> Self {
        Sink::Buffer(Arc::default())
    }

    /// What a buffer sink holds, as text (empty for the standard streams).
    pub fn contents(&self) -> String {
        match self {
            Sink::Buffer(buf) => {
                String::from_utf8_lossy(&buf.lock().unwrap_or_else(PoisonError::into_inner))
                    .into_owned()
            }
            _ => String::new(),
        }
    }

    /// Writes all of `bytes`.
    ///
    /// # Errors
    /// As the underlying stream.
    pub fn write_all(&self, bytes: &[u8]) -> std::io::Result<()> {
        match self {
            Sink::Stdout => std::io::stdout().lock().write_all(bytes),
            Sink::Stderr => std::io::stderr().lock().write_all(bytes),
            Sink::Buffer(buf) => {
                buf.lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .extend_from_slice(bytes);
                Ok(())
            }
        }
    }

    /// Flushes a standard stream.
    ///
    /// # Errors
    /// As the underlying stream.
    pub fn flush(&self) -> std::io::Result<()> {
        match self {
            Sink::Stdout => std::io::stdout().flush(),
            Sink::Stderr => std::io::stderr().flush(),
            Sink::Buffer(_) => Ok(()),
        }
    }
}

/// An `embedded-io` writer over a [`Sink`]: the console streams and the UART's transmit side.
#[derive(Debug, Clone)]
pub struct SinkWriter(pub Sink);

impl embedded_io::ErrorType for SinkWriter {
    type Error = std::io::Error;
}

impl embedded_io::Write for SinkWriter {
    fn write(&mut self, buf: &[u8]) -> Result<usize, std::io::Error> {
        self.0.write_all(buf)?;
        Ok(buf.len())
    }
    fn flush(&mut self) -> Result<(), std::io::Error> {
        self.0.flush()
    }
}

/// A source of input: the console's stdin and the UART's receive side.
#[derive(Debug, Clone)]
pub enum Source {
    /// The process's standard input.
    Stdin,
    /// Bytes given in advance; then end of input.
    Bytes(Arc<Mutex<VecDeque<u8>>>),
}

impl Source {
    /// A source that yields `bytes`, then end of input.
    pub fn bytes(bytes: &[u8]) -> Self {
        Source::Bytes(Arc::new(Mutex::new(bytes.iter().copied().collect())))
    }
}

impl embedded_io::ErrorType for Source {
    type Error = std::io::Error;
}

impl embedded_io::Read for Source {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, std::io::Error> {
        match self {
            Source::Stdin => std::io::stdin().lock().read(buf),
            Source::Bytes(bytes) => {
                let mut bytes = bytes.lock().unwrap_or_else(PoisonError::into_inner);
                let mut n = 0;
                for slot in buf.iter_mut() {
                    match bytes.pop_front() {
                        Some(b) => *slot = b,
                        None => break,
                    }
                    n += 1;
                }
                Ok(n)
            }
        }
    }
}

/// Writes `[host-sim] line` to the trace sink, if tracing is on. Trace output is best effort.
pub(crate) fn trace(sink: Option<&Sink>, line: std::fmt::Arguments<'_>) {
    if let Some(sink) = sink {
        let _ = sink.write_all(format!("[host-sim] {line}\n").as_bytes());
    }
}

/// Bytes as `[01 60]`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    let parts: Vec<String> = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("[{}]", parts.join(" "))
}

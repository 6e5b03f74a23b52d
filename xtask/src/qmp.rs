//! A minimal QMP (QEMU Machine Protocol) client over a Unix socket: enough to set a device
//! property and resume a machine started with `-S`.
//!
//! QMP is one JSON object per line. The server greets, the client enters command mode with
//! `qmp_capabilities`, then each command gets a `{"return": ...}` or `{"error": ...}` line;
//! asynchronous `{"event": ...}` lines may come in between and are skipped. The few commands
//! sent here are written by hand, so no JSON library is needed.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::Error;

/// A connected QMP session in command mode.
#[derive(Debug)]
pub struct Qmp {
    reader: BufReader<UnixStream>,
    writer: UnixStream,
}

impl Qmp {
    /// Connects to the QMP socket at `path`, retrying until `deadline` while QEMU starts (and
    /// while `alive` says it still runs), reads the greeting and enters command mode.
    pub fn connect(
        path: &Path,
        deadline: Instant,
        mut alive: impl FnMut() -> bool,
    ) -> Result<Self, Error> {
        let stream = loop {
            match UnixStream::connect(path) {
                Ok(stream) => break stream,
                Err(e) => {
                    if !alive() {
                        return Err(Error(format!(
                            "QEMU exited before its QMP socket {} accepted a connection",
                            path.display()
                        )));
                    }
                    if Instant::now() > deadline {
                        return Err(Error(format!(
                            "cannot connect to QEMU's QMP socket {}: {e}",
                            path.display()
                        )));
                    }
                    std::thread::sleep(Duration::from_millis(20));
                }
            }
        };
        let qmp_error = |e: std::io::Error| Error(format!("QMP socket {}: {e}", path.display()));
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .map_err(qmp_error)?;
        let writer = stream.try_clone().map_err(qmp_error)?;
        let mut qmp = Self {
            reader: BufReader::new(stream),
            writer,
        };
        let greeting = qmp.read_line()?;
        if !greeting.starts_with("{\"QMP\"") {
            return Err(Error(format!("unexpected QMP greeting: {greeting}")));
        }
        qmp.execute("qmp_capabilities", None)?;
        Ok(qmp)
    }

    fn read_line(&mut self) -> Result<String, Error> {
        let mut line = String::new();
        match self.reader.read_line(&mut line) {
            Ok(0) => Err(Error::new("QEMU closed the QMP connection")),
            Ok(_) => Ok(line.trim_end().to_owned()),
            Err(e) => Err(Error(format!("reading from QMP: {e}"))),
        }
    }

    /// Runs `command` with `arguments` (a JSON object, written by the caller) and waits for
    /// its answer.
    pub fn execute(&mut self, command: &str, arguments: Option<&str>) -> Result<(), Error> {
        let request = match arguments {
            Some(args) => format!("{{\"execute\": \"{command}\", \"arguments\": {args}}}\n"),
            None => format!("{{\"execute\": \"{command}\"}}\n"),
        };
        self.writer
            .write_all(request.as_bytes())
            .map_err(|e| Error(format!("sending QMP command `{command}`: {e}")))?;
        loop {
            let line = self.read_line()?;
            match classify(&line) {
                Reply::Return => return Ok(()),
                Reply::Event => {}
                Reply::Error => {
                    return Err(Error(format!(
                        "QMP command `{}` failed: {line}",
                        request.trim_end()
                    )));
                }
            }
        }
    }

    /// Sets the integer QOM property `property` of the object at `path`.
    pub fn qom_set_int(&mut self, path: &str, property: &str, value: i64) -> Result<(), Error> {
        let args = format!(
            "{{\"path\": \"{}\", \"property\": \"{}\", \"value\": {value}}}",
            escape(path),
            escape(property)
        );
        self.execute("qom-set", Some(&args))
    }
}

/// What a QMP line is.
#[derive(Debug, PartialEq, Eq)]
enum Reply {
    /// A command's success.
    Return,
    /// A command's failure.
    Error,
    /// An asynchronous event (or anything else that is not an answer).
    Event,
}

fn classify(line: &str) -> Reply {
    let line = line.trim_start();
    if line.starts_with("{\"return\"") {
        Reply::Return
    } else if line.starts_with("{\"error\"") {
        Reply::Error
    } else {
        Reply::Event
    }
}

/// `text` as the inside of a JSON string.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies() {
        assert_eq!(classify(r#"{"return": {}}"#), Reply::Return);
        assert_eq!(
            classify(r#"{"error": {"class": "GenericError", "desc": "no such object"}}"#),
            Reply::Error
        );
        assert_eq!(
            classify(r#"{"timestamp": {"seconds": 1, "microseconds": 2}, "event": "RESUME"}"#),
            Reply::Event
        );
    }

    #[test]
    fn escaping() {
        assert_eq!(
            escape(r#"/machine/peripheral/a"b\c"#),
            r#"/machine/peripheral/a\"b\\c"#
        );
        assert_eq!(escape("\n"), "\\u000a");
    }
}

//! From `.wast` text to the executor's commands: parsing with `wast`, locating directives,
//! the skip list, and encoding text modules to binary. The host runner and the bundle writer
//! both go through here, so a directive means the same on the host and on a device.

use std::borrow::Cow;

use mote_spec_bundle::command::{Action, Command, Invoke, Kind, ModuleSource, Op};
use wast::{QuoteWat, WastDirective, WastExecute, WastInvoke};

use crate::{skip, values};

#[cfg(test)]
mod tests;

/// One directive of a file, located, before conversion.
pub(crate) enum Item<'a> {
    /// A directive to convert with [`command`] (which may panic inside the text encoder: the
    /// host runner converts under its panic guard).
    Directive {
        /// The directive.
        directive: WastDirective<'a>,
        /// Its 1-based line.
        line: u32,
        /// Its 1-based column.
        column: u32,
    },
    /// A directive the skip list names (or the file's parse error): the command, and the index
    /// of the matching entry in [`skip::SKIPS`] if any.
    Ready(Command<'a>, Option<usize>),
}

/// Parses `text` (the file `name` of `suite`) and calls `each` with every directive in order.
/// A file that does not parse gives one `parse` command that fails (or is skipped, if the
/// skip list names the file or the line of the error).
pub(crate) fn for_each_directive(
    suite: &str,
    name: &str,
    text: &str,
    mut each: impl FnMut(Item<'_>),
) {
    let lines = LineIndex::new(text);
    let buffer = match lex(text) {
        Ok(buffer) => buffer,
        Err(err) => return each(parse_failure(suite, name, &lines, &err)),
    };
    let directives = match parse(&buffer, text) {
        Ok(directives) => directives,
        Err(err) => return each(parse_failure(suite, name, &lines, &err)),
    };
    for directive in directives {
        let (line, column) = lines.locate(directive.span().offset());
        match skip::find(suite, name, line) {
            Some(index) => {
                let op = Op::Skip(Cow::Borrowed(skip::SKIPS[index].reason));
                let command = Command {
                    kind: kind(&directive),
                    line,
                    column,
                    op,
                };
                each(Item::Ready(command, Some(index)));
            }
            None => each(Item::Directive {
                directive,
                line,
                column,
            }),
        }
    }
}

fn parse_failure(suite: &str, name: &str, lines: &LineIndex, err: &wast::Error) -> Item<'static> {
    let (line, column) = lines.locate(err.span().offset());
    let skip = skip::find(suite, name, line);
    let op = match skip {
        Some(index) => Op::Skip(Cow::Borrowed(skip::SKIPS[index].reason)),
        None => Op::Fail(format!("cannot parse: {err}").into()),
    };
    Item::Ready(
        Command {
            kind: Kind::Parse,
            line,
            column,
            op,
        },
        skip,
    )
}

fn lex(text: &str) -> Result<wast::parser::ParseBuffer<'_>, wast::Error> {
    let mut lexer = wast::lexer::Lexer::new(text);
    // The testsuite has identifiers and strings with unusual Unicode on purpose.
    lexer.allow_confusing_unicode(true);
    wast::parser::ParseBuffer::new_with_lexer(lexer).map_err(|mut e| {
        e.set_text(text);
        e
    })
}

fn parse<'a>(
    buffer: &'a wast::parser::ParseBuffer<'a>,
    text: &str,
) -> Result<Vec<WastDirective<'a>>, wast::Error> {
    match wast::parser::parse::<wast::Wast<'a>>(buffer) {
        Ok(wast) => Ok(wast.directives),
        Err(mut e) => {
            e.set_text(text);
            Err(e)
        }
    }
}

/// The directive's kind.
pub(crate) fn kind(directive: &WastDirective<'_>) -> Kind {
    match directive {
        WastDirective::Module(_) => Kind::Module,
        WastDirective::ModuleDefinition(_) => Kind::ModuleDefinition,
        WastDirective::ModuleInstance { .. } => Kind::ModuleInstance,
        WastDirective::AssertMalformed { .. } => Kind::AssertMalformed,
        WastDirective::AssertInvalid { .. } => Kind::AssertInvalid,
        WastDirective::AssertInvalidCustom { .. } => Kind::AssertInvalidCustom,
        WastDirective::AssertMalformedCustom { .. } => Kind::AssertMalformedCustom,
        WastDirective::Register { .. } => Kind::Register,
        WastDirective::Invoke(_) => Kind::Invoke,
        WastDirective::AssertTrap {
            exec: WastExecute::Wat(_),
            ..
        } => Kind::AssertTrapModule,
        WastDirective::AssertTrap { .. } => Kind::AssertTrap,
        WastDirective::AssertReturn { .. } => Kind::AssertReturn,
        WastDirective::AssertExhaustion { .. } => Kind::AssertExhaustion,
        WastDirective::AssertUnlinkable { .. } => Kind::AssertUnlinkable,
        WastDirective::AssertException { .. } => Kind::AssertException,
        WastDirective::AssertSuspension { .. } => Kind::AssertSuspension,
        WastDirective::Thread(_) => Kind::Thread,
        WastDirective::Wait { .. } => Kind::Wait,
    }
}

/// The command of a directive at `line`:`column`: text modules are encoded to binary here.
pub(crate) fn command<'a>(directive: WastDirective<'a>, line: u32, column: u32) -> Command<'a> {
    let kind = kind(&directive);
    let name = |id: Option<wast::token::Id<'a>>| id.map(|id| Cow::Borrowed(id.name()));
    let op = match directive {
        WastDirective::Module(mut wat) => Op::Module {
            name: name(wat.name()),
            module: encode(&mut wat),
        },
        WastDirective::ModuleDefinition(mut wat) => Op::Definition {
            name: name(wat.name()),
            module: encode(&mut wat),
        },
        WastDirective::ModuleInstance {
            instance, module, ..
        } => Op::Instance {
            name: name(instance),
            definition: name(module),
        },
        WastDirective::Register {
            name: as_name,
            module,
            ..
        } => Op::Register {
            as_name: Cow::Borrowed(as_name),
            module: name(module),
        },
        WastDirective::Invoke(invoke) => Op::Invoke(self::invoke(&invoke)),
        WastDirective::AssertReturn { exec, results, .. } => Op::AssertReturn {
            action: action(exec),
            results: results.iter().map(values::expected).collect(),
        },
        WastDirective::AssertTrap { exec, message, .. } => Op::AssertTrap {
            action: action(exec),
            message: Cow::Borrowed(message),
        },
        WastDirective::AssertExhaustion { call, message, .. } => Op::AssertExhaustion {
            invoke: invoke(&call),
            message: Cow::Borrowed(message),
        },
        WastDirective::AssertInvalid {
            mut module,
            message,
            ..
        }
        | WastDirective::AssertMalformed {
            mut module,
            message,
            ..
        } => Op::AssertRejected {
            module: encode(&mut module),
            message: Cow::Borrowed(message),
        },
        WastDirective::AssertUnlinkable {
            module, message, ..
        } => Op::AssertUnlinkable {
            module: encode(&mut QuoteWat::Wat(module)),
            message: Cow::Borrowed(message),
        },
        WastDirective::AssertInvalidCustom { mut module, .. }
        | WastDirective::AssertMalformedCustom { mut module, .. } => Op::AssertCustomIgnored {
            module: encode(&mut module),
        },
        WastDirective::AssertException { .. }
        | WastDirective::AssertSuspension { .. }
        | WastDirective::Thread(_)
        | WastDirective::Wait { .. } => {
            Op::Fail(format!("unsupported directive `{}`", kind.name()).into())
        }
    };
    Command {
        kind,
        line,
        column,
        op,
    }
}

fn invoke<'a>(invoke: &WastInvoke<'a>) -> Invoke<'a> {
    Invoke {
        module: invoke.module.map(|id| Cow::Borrowed(id.name())),
        name: Cow::Borrowed(invoke.name),
        args: invoke.args.iter().map(values::arg).collect(),
    }
}

fn action(exec: WastExecute<'_>) -> Action<'_> {
    match exec {
        WastExecute::Invoke(call) => Action::Invoke(invoke(&call)),
        WastExecute::Get { module, global, .. } => Action::Get {
            module: module.map(|id| Cow::Borrowed(id.name())),
            global: Cow::Borrowed(global),
        },
        WastExecute::Wat(wat) => Action::Instantiate(encode(&mut QuoteWat::Wat(wat))),
    }
}

/// Text to binary (binary modules are just concatenated).
fn encode(wat: &mut QuoteWat<'_>) -> ModuleSource<'static> {
    match wat.encode() {
        Ok(bytes) => ModuleSource::Wasm(Cow::Owned(bytes)),
        Err(e) => ModuleSource::Unencodable(format!("text to binary failed: {e}").into()),
    }
}

/// Byte offset to 1-based line and column, in `O(log lines)`.
pub(crate) struct LineIndex {
    /// Byte offset where each line starts.
    starts: Vec<usize>,
}

impl LineIndex {
    pub(crate) fn new(text: &str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Self { starts }
    }

    pub(crate) fn locate(&self, offset: usize) -> (u32, u32) {
        let line = self.starts.partition_point(|&start| start <= offset).max(1) - 1;
        let column = offset - self.starts[line];
        let to_u32 = |n: usize| u32::try_from(n + 1).unwrap_or(u32::MAX);
        (to_u32(line), to_u32(column))
    }
}

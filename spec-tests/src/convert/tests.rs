use super::*;

#[test]
fn line_index_is_one_based() {
    let index = LineIndex::new("ab\ncd\n\nef");
    assert_eq!(index.locate(0), (1, 1));
    assert_eq!(index.locate(1), (1, 2));
    assert_eq!(index.locate(3), (2, 1));
    assert_eq!(index.locate(6), (3, 1));
    assert_eq!(index.locate(8), (4, 2));
}

/// The commands of `text`, converted.
fn commands(text: &str) -> Vec<Command<'static>> {
    let mut out = Vec::new();
    for_each_directive("wasm-v2", "test.wast", text, |item| {
        let command = match item {
            Item::Directive {
                directive,
                line,
                column,
            } => command(directive, line, column),
            Item::Ready(command, _) => command,
        };
        out.push(owned(command));
    });
    out
}

/// `command` without borrows (for the test's convenience: compare through `Debug`).
fn owned(command: Command<'_>) -> Command<'static> {
    let text = format!("{:?}", command.op);
    Command {
        kind: command.kind,
        line: command.line,
        column: command.column,
        op: Op::Fail(text.into()),
    }
}

#[test]
fn directives_become_commands() {
    let got = commands(
        "(module $M (func (export \"f\")))\n\
         (assert_malformed (module quote \"(func (i32.const 0x))\") \"unknown operator\")\n\
         (register \"m\" $M)\n\
         (assert_return (invoke $M \"f\" (i32.const 1)) (i32.const 2))\n\
         (thread $T (module))\n",
    );
    let kinds: Vec<(Kind, u32)> = got.iter().map(|c| (c.kind, c.line)).collect();
    assert_eq!(
        kinds,
        [
            (Kind::Module, 1),
            (Kind::AssertMalformed, 2),
            (Kind::Register, 3),
            (Kind::AssertReturn, 4),
            (Kind::Thread, 5)
        ]
    );
    let Op::Fail(text) = &got[1].op else {
        unreachable!()
    };
    assert!(
        text.contains("Unencodable(\"text to binary failed"),
        "{text}"
    );
    let Op::Fail(text) = &got[2].op else {
        unreachable!()
    };
    assert!(
        text.contains("as_name: \"m\", module: Some(\"M\")"),
        "{text}"
    );
    let Op::Fail(text) = &got[4].op else {
        unreachable!()
    };
    assert!(text.contains("unsupported directive `thread`"), "{text}");
}

#[test]
fn a_file_that_does_not_parse_is_one_command() {
    let got = commands("(module (global i32 (i32.const 0))\n(assert_return");
    assert_eq!(got.len(), 1);
    assert_eq!((got[0].kind, got[0].line), (Kind::Parse, 2));
}

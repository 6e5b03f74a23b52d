use alloc::vec;
use alloc::vec::Vec;

use super::*;

/// One command of every kind of op, value and pattern.
fn commands() -> Vec<Command<'static>> {
    let invoke = Invoke {
        module: Some("$M".into()),
        name: "f".into(),
        args: vec![
            Value::I32(-1),
            Value::I64(i64::MIN),
            Value::F32(0x7fa0_0000),
            Value::F64(0xfff8_0000_0000_0001),
            Value::NullFuncRef,
            Value::NullExternRef,
            Value::ExternRef(7),
            Value::Unsupported("v128".into()),
        ],
    };
    let results = vec![
        Expected::I32(3),
        Expected::I64(-3),
        Expected::F32(FloatPattern::Bits(1)),
        Expected::F32(FloatPattern::CanonicalNan),
        Expected::F32(FloatPattern::ArithmeticNan),
        Expected::F64(FloatPattern::Bits(2)),
        Expected::F64(FloatPattern::CanonicalNan),
        Expected::F64(FloatPattern::ArithmeticNan),
        Expected::RefNull(None),
        Expected::RefNull(Some(NullKind::Func)),
        Expected::RefNull(Some(NullKind::Extern)),
        Expected::RefFunc,
        Expected::RefExtern(None),
        Expected::RefExtern(Some(9)),
        Expected::Either(vec![Expected::I32(1), Expected::Unsupported("v128".into())]),
    ];
    let ops = vec![
        Op::Module {
            name: Some("$M".into()),
            module: ModuleSource::Wasm(vec![0, 97, 115, 109, 1].into()),
        },
        Op::Definition {
            name: None,
            module: ModuleSource::Image(vec![1, 2, 3].into()),
        },
        Op::Instance {
            name: Some("$I".into()),
            definition: None,
        },
        Op::Register {
            as_name: "m".into(),
            module: None,
        },
        Op::Invoke(invoke.clone()),
        Op::AssertReturn {
            action: Action::Invoke(invoke.clone()),
            results,
        },
        Op::AssertTrap {
            action: Action::Get {
                module: None,
                global: "g".into(),
            },
            message: "unreachable".into(),
        },
        Op::AssertTrap {
            action: Action::Instantiate(ModuleSource::Unencodable("text to binary failed".into())),
            message: "out of bounds".into(),
        },
        Op::AssertExhaustion {
            invoke,
            message: "call stack exhausted".into(),
        },
        Op::AssertRejected {
            module: ModuleSource::Wasm(vec![0; 9].into()),
            message: "type mismatch".into(),
        },
        Op::AssertCustomIgnored {
            module: ModuleSource::Wasm(Vec::new().into()),
        },
        Op::AssertUnlinkable {
            module: ModuleSource::Wasm(vec![5].into()),
            message: "unknown import".into(),
        },
        Op::Fail("unsupported directive `thread`".into()),
        Op::Skip("a reason".into()),
    ];
    ops.into_iter()
        .enumerate()
        .map(|(i, op)| Command {
            kind: Kind::ALL[i % Kind::ALL.len()],
            line: u32::try_from(i).unwrap_or(0) + 1,
            column: 2,
            op,
        })
        .collect()
}

fn bundle() -> Vec<u8> {
    let mut writer = Writer::new(&Features::default(), PayloadKind::Wasm, "wasm-v2");
    writer.file("a.wast", &commands());
    writer.file("empty.wast", &[]);
    writer.finish()
}

#[test]
fn round_trip() {
    let bytes = bundle();
    let bundle = Bundle::parse(&bytes).expect("parses");
    assert_eq!(bundle.header.features, Features::default());
    assert_eq!(bundle.header.payload, PayloadKind::Wasm);
    assert_eq!(bundle.header.suite, "wasm-v2");
    assert_eq!(bundle.header.file_count, 2);
    let bodies: Vec<&[u8]> = bundle.bodies().map(|b| b.expect("body")).collect();
    assert_eq!(bodies.len(), 2);
    let mut file = File::parse(bodies[0]).expect("file");
    assert_eq!(file.name, "a.wast");
    let mut read = Vec::new();
    while let Some(command) = file.next_command() {
        read.push(command.expect("command"));
    }
    assert_eq!(read, commands());
    let mut empty = File::parse(bodies[1]).expect("file");
    assert_eq!((empty.name, empty.command_count), ("empty.wast", 0));
    assert!(empty.next_command().is_none());
}

#[test]
fn blobs_and_bodies_are_aligned() {
    let bytes = bundle();
    let bundle = Bundle::parse(&bytes).expect("parses");
    for body in bundle.bodies() {
        let body = body.expect("body");
        let offset = body.as_ptr().addr() - bytes.as_ptr().addr();
        assert_eq!(offset % 4, 0, "a body starts at {offset}");
        let mut file = File::parse(body).expect("file");
        while let Some(command) = file.next_command() {
            if let Op::Module {
                module: ModuleSource::Wasm(Cow::Borrowed(blob)),
                ..
            }
            | Op::Definition {
                module: ModuleSource::Image(Cow::Borrowed(blob)),
                ..
            } = command.expect("command").op
            {
                assert_eq!((blob.as_ptr().addr() - body.as_ptr().addr()) % 4, 0);
            }
        }
    }
}

/// Reads everything in `bytes`, returning the first error.
fn read_all(bytes: &[u8]) -> Result<usize, FormatError> {
    let bundle = Bundle::parse(bytes)?;
    let mut commands = 0;
    for body in bundle.bodies() {
        let mut file = File::parse(body?)?;
        while let Some(command) = file.next_command() {
            command?;
            commands += 1;
        }
    }
    Ok(commands)
}

#[test]
fn truncated_and_corrupted_bundles_are_errors() {
    let bytes = bundle();
    assert_eq!(read_all(&bytes), Ok(commands().len()));
    for len in 0..bytes.len() {
        // Every truncation is an error (or reads fewer commands), never a panic.
        if let Ok(n) = read_all(&bytes[..len]) {
            assert!(n < commands().len(), "truncated at {len}");
        }
    }
    for at in 0..bytes.len() {
        let mut bad = bytes.clone();
        bad[at] ^= 0xff;
        let _ = read_all(&bad);
    }
    let mut bad = bytes.clone();
    bad[0] = b'X';
    assert_eq!(
        read_all(&bad).map_err(|e| e.what),
        Err("not a spec bundle (no MOTESPEC magic)")
    );
    let mut bad = bytes;
    bad[8] = 2;
    assert!(read_all(&bad).is_err(), "version 2");
}

#[test]
fn features_round_trip() {
    for features in [Features::default(), Features::wasm1()] {
        assert_eq!(
            features_from_bits(features_to_bits(&features)),
            Some(features)
        );
    }
    let all = Features {
        memory64: true,
        multi_memory: true,
        ..Features::default()
    };
    assert_eq!(features_to_bits(&all), (1 << 12) - 1);
    assert_eq!(features_from_bits(1 << 12), None);
}

#[test]
fn deep_either_is_refused() {
    let mut pattern = Expected::I32(0);
    for _ in 0..8 {
        pattern = Expected::Either(vec![pattern]);
    }
    let command = Command {
        kind: Kind::AssertReturn,
        line: 1,
        column: 1,
        op: Op::AssertReturn {
            action: Action::Get {
                module: None,
                global: "g".into(),
            },
            results: vec![pattern],
        },
    };
    let mut writer = Writer::new(&Features::default(), PayloadKind::Wasm, "x");
    writer.file("deep.wast", &[command]);
    let bytes = writer.finish();
    assert_eq!(
        read_all(&bytes).map_err(|e| e.what),
        Err("`either` patterns nest too deeply")
    );
}

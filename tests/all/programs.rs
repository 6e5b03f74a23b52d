//! Differential property test of whole function bodies: random stack programs over `i32`
//! locals, with blocks, `if`, `br_if` and counted loops, run by Mote and by a reference
//! evaluator here. Aimed at the translator's handling of locals and operand stack across
//! control flow (lazy `local.get`, `local.set` retargeting, block results).

use mote::{Instance, Module, Store, TrapCode, Val};
use proptest::prelude::*;
use proptest::sample::select;

use crate::ops::int32;

/// Locals the programs use: 3 parameters and 2 declared locals. Loop counters come after them.
const USER_LOCALS: u8 = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bin {
    Add,
    Sub,
    Mul,
    Xor,
    Shl,
    ShrS,
    Rotl,
    DivS,
    RemU,
    LtS,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Un {
    Eqz,
    Clz,
    Popcnt,
    Extend8S,
}

impl Bin {
    fn name(self) -> &'static str {
        match self {
            Bin::Add => "i32.add",
            Bin::Sub => "i32.sub",
            Bin::Mul => "i32.mul",
            Bin::Xor => "i32.xor",
            Bin::Shl => "i32.shl",
            Bin::ShrS => "i32.shr_s",
            Bin::Rotl => "i32.rotl",
            Bin::DivS => "i32.div_s",
            Bin::RemU => "i32.rem_u",
            Bin::LtS => "i32.lt_s",
        }
    }
}

impl Un {
    fn name(self) -> &'static str {
        match self {
            Un::Eqz => "i32.eqz",
            Un::Clz => "i32.clz",
            Un::Popcnt => "i32.popcnt",
            Un::Extend8S => "i32.extend8_s",
        }
    }
}

/// A node of a random program, before or after legalisation (which drops or completes nodes
/// so that the program validates).
#[derive(Debug, Clone)]
enum Node {
    Const(i32),
    Get(u8),
    Set(u8),
    Tee(u8),
    Bin(Bin),
    Un(Un),
    Drop,
    Select,
    /// `br_if 0` with one value, to the innermost block or `if`.
    BrIf,
    Block(Vec<Node>),
    If(Vec<Node>, Vec<Node>),
    /// Runs its body this many times (a counter local, `br_if` back to the top).
    Loop(u8, Vec<Node>),
}

fn node() -> impl Strategy<Value = Node> {
    let bins = vec![
        Bin::Add,
        Bin::Sub,
        Bin::Mul,
        Bin::Xor,
        Bin::Shl,
        Bin::ShrS,
        Bin::Rotl,
        Bin::DivS,
        Bin::RemU,
        Bin::LtS,
    ];
    let uns = vec![Un::Eqz, Un::Clz, Un::Popcnt, Un::Extend8S];
    let leaf = prop_oneof![
        2 => int32().prop_map(Node::Const),
        4 => (0..USER_LOCALS).prop_map(Node::Get),
        3 => (0..USER_LOCALS).prop_map(Node::Set),
        2 => (0..USER_LOCALS).prop_map(Node::Tee),
        3 => select(bins).prop_map(Node::Bin),
        1 => select(uns).prop_map(Node::Un),
        1 => Just(Node::Drop),
        1 => Just(Node::Select),
        1 => Just(Node::BrIf),
    ];
    leaf.prop_recursive(3, 64, 6, |inner| {
        let body = || prop::collection::vec(inner.clone(), 0..6);
        prop_oneof![
            body().prop_map(Node::Block),
            (body(), body()).prop_map(|(a, b)| Node::If(a, b)),
            (1..4u8, body()).prop_map(|(n, b)| Node::Loop(n, b)),
        ]
    })
}

/// The kind of the innermost label, which decides whether `br_if 0` is allowed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Label {
    None,
    Value,
    Loop,
}

/// Keeps the nodes of `raw` that are valid at their stack height, and completes the sequence
/// so that it leaves exactly `want` values.
fn legalise(raw: &[Node], label: Label, loops: u8, want: usize) -> Vec<Node> {
    let mut out = Vec::new();
    let mut height = 0usize;
    for node in raw {
        let (need, change): (usize, isize) = match node {
            Node::Const(_) | Node::Get(_) => (0, 1),
            Node::Set(_) | Node::Drop => (1, -1),
            Node::Tee(_) | Node::Un(_) => (1, 0),
            Node::Bin(_) => (2, -1),
            Node::Select => (3, -2),
            Node::BrIf if label == Label::Value => (2, -1),
            Node::BrIf => continue,
            Node::Block(_) => (0, 1),
            Node::If(..) => (1, 0),
            Node::Loop(..) if loops >= 3 => continue,
            Node::Loop(..) => (0, 0),
        };
        if height < need {
            continue;
        }
        out.push(match node {
            Node::Block(body) => Node::Block(legalise(body, Label::Value, loops, 1)),
            Node::If(a, b) => Node::If(
                legalise(a, Label::Value, loops, 1),
                legalise(b, Label::Value, loops, 1),
            ),
            Node::Loop(n, body) => Node::Loop(*n, legalise(body, Label::Loop, loops + 1, 0)),
            other => other.clone(),
        });
        height = height.checked_add_signed(change).unwrap();
    }
    while height > want {
        out.push(if want == 0 {
            Node::Drop
        } else {
            Node::Bin(Bin::Xor)
        });
        height -= 1;
    }
    while height < want {
        out.push(Node::Const(0));
        height += 1;
    }
    out
}

fn emit(nodes: &[Node], loops: u8, wat: &mut String) {
    for node in nodes {
        let text = match node {
            Node::Const(c) => format!("i32.const {c}"),
            Node::Get(l) => format!("local.get {l}"),
            Node::Set(l) => format!("local.set {l}"),
            Node::Tee(l) => format!("local.tee {l}"),
            Node::Bin(op) => op.name().into(),
            Node::Un(op) => op.name().into(),
            Node::Drop => "drop".into(),
            Node::Select => "select".into(),
            Node::BrIf => "br_if 0".into(),
            Node::Block(body) => {
                wat.push_str("block (result i32)\n");
                emit(body, loops, wat);
                "end".into()
            }
            Node::If(a, b) => {
                wat.push_str("if (result i32)\n");
                emit(a, loops, wat);
                wat.push_str("else\n");
                emit(b, loops, wat);
                "end".into()
            }
            Node::Loop(n, body) => {
                let counter = USER_LOCALS + loops;
                wat.push_str(&format!("i32.const {n}\nlocal.set {counter}\nloop\n"));
                emit(body, loops + 1, wat);
                format!(
                    "local.get {counter}\ni32.const 1\ni32.sub\nlocal.tee {counter}\nbr_if 0\nend"
                )
            }
        };
        wat.push_str(&text);
        wat.push('\n');
    }
}

/// How a sequence of nodes ended.
enum Flow {
    Normal,
    Branch(i32),
}

fn eval(nodes: &[Node], locals: &mut [i32; 8], stack: &mut Vec<i32>) -> Result<Flow, TrapCode> {
    for node in nodes {
        match node {
            Node::Const(c) => stack.push(*c),
            Node::Get(l) => stack.push(locals[usize::from(*l)]),
            Node::Set(l) => locals[usize::from(*l)] = stack.pop().unwrap(),
            Node::Tee(l) => locals[usize::from(*l)] = *stack.last().unwrap(),
            Node::Drop => drop(stack.pop()),
            Node::Un(op) => {
                let a = stack.pop().unwrap();
                stack.push(match op {
                    Un::Eqz => i32::from(a == 0),
                    Un::Clz => a.leading_zeros() as i32,
                    Un::Popcnt => a.count_ones() as i32,
                    Un::Extend8S => i32::from(a as i8),
                });
            }
            Node::Bin(op) => {
                let b = stack.pop().unwrap();
                let a = stack.pop().unwrap();
                stack.push(match op {
                    Bin::Add => a.wrapping_add(b),
                    Bin::Sub => a.wrapping_sub(b),
                    Bin::Mul => a.wrapping_mul(b),
                    Bin::Xor => a ^ b,
                    Bin::Shl => a.wrapping_shl(b as u32),
                    Bin::ShrS => a.wrapping_shr(b as u32),
                    Bin::Rotl => a.rotate_left(b as u32),
                    Bin::DivS if b == 0 => return Err(TrapCode::IntegerDivisionByZero),
                    Bin::DivS => a.checked_div(b).ok_or(TrapCode::IntegerOverflow)?,
                    Bin::RemU => (a as u32)
                        .checked_rem(b as u32)
                        .ok_or(TrapCode::IntegerDivisionByZero)?
                        as i32,
                    Bin::LtS => i32::from(a < b),
                });
            }
            Node::Select => {
                let c = stack.pop().unwrap();
                let b = stack.pop().unwrap();
                let a = stack.pop().unwrap();
                stack.push(if c != 0 { a } else { b });
            }
            Node::BrIf => {
                let c = stack.pop().unwrap();
                if c != 0 {
                    return Ok(Flow::Branch(stack.pop().unwrap()));
                }
            }
            Node::Block(body) => stack.push(eval_label(body, locals)?),
            Node::If(a, b) => {
                let c = stack.pop().unwrap();
                stack.push(eval_label(if c != 0 { a } else { b }, locals)?);
            }
            Node::Loop(n, body) => {
                for _ in 0..*n {
                    eval(body, locals, &mut Vec::new())?;
                }
            }
        }
    }
    Ok(Flow::Normal)
}

/// Runs the body of a block or `if` with one result.
fn eval_label(body: &[Node], locals: &mut [i32; 8]) -> Result<i32, TrapCode> {
    let mut stack = Vec::new();
    match eval(body, locals, &mut stack)? {
        Flow::Branch(v) => Ok(v),
        Flow::Normal => Ok(stack.pop().unwrap()),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_programs_match_the_evaluator(
        raw in prop::collection::vec(node(), 1..24),
        args in [int32(), int32(), int32()],
    ) {
        let body = legalise(&raw, Label::None, 0, 1);
        let mut wat = String::from(
            "(module (func (export \"f\") (param i32 i32 i32) \
             (result i32 i32 i32 i32 i32 i32) (local i32 i32 i32 i32 i32)\n",
        );
        emit(&body, 0, &mut wat);
        wat.push_str("local.get 0\nlocal.get 1\nlocal.get 2\nlocal.get 3\nlocal.get 4))");

        let mut locals = [args[0], args[1], args[2], 0, 0, 0, 0, 0];
        let mut stack = Vec::new();
        let expected = eval(&body, &mut locals, &mut stack).map(|_| {
            let mut results = vec![stack[0]];
            results.extend_from_slice(&locals[..5]);
            results
        });

        let engine = crate::proptest::sandbox();
        let module = Module::new(engine, wat::parse_str(&wat).unwrap());
        let module = module.map_err(|e| TestCaseError::fail(format!("{e}\n{wat}")))?;
        let mut store = Store::new(engine, ());
        store.set_fuel(1_000_000).unwrap();
        let instance = Instance::new(&mut store, &module, &[]).unwrap();
        let f = instance.get_func(&store, "f").unwrap();
        let mut results = [Val::I32(0); 6];
        let params = args.map(Val::I32);
        let got = f
            .call(&mut store, &params, &mut results)
            .map(|()| results.iter().map(|v| v.i32().unwrap()).collect::<Vec<_>>());
        match (got, expected) {
            (Ok(got), Ok(want)) => prop_assert_eq!(got, want, "{}", wat),
            (Err(e), Err(code)) => prop_assert_eq!(e.trap_code(), Some(code), "{}", wat),
            (got, want) => prop_assert!(false, "got {:?}, expected {:?}\n{}", got, want, wat),
        }
    }
}

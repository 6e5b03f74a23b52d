use mote_core::ErrorKind;

use super::patch;
use crate::op::Op;

#[test]
fn patching_a_jump_sets_its_target() {
    let mut code = [Op::Unreachable, Op::Br { target: 0 }];
    assert!(patch(&mut code, 1, 7, 0x2a).is_ok());
    assert!(matches!(code[1], Op::Br { target: 7 }));
}

#[test]
fn patching_a_non_jump_is_an_internal_error() {
    let mut code = [Op::Unreachable, Op::Br { target: 0 }];
    // Not a jump, and past the end: both are translator bugs, reported with the operator's
    // byte offset instead of miscompiling.
    for at in [0, 2] {
        let error = patch(&mut code, at, 7, 0x2a).unwrap_err();
        assert!(
            matches!(error.kind(), ErrorKind::Internal { offset: 0x2a, .. }),
            "{error}"
        );
    }
    assert!(matches!(code, [Op::Unreachable, Op::Br { target: 0 }]));
}

//! One pass over a function body that validates and translates each operator.
//!
//! The reader decodes an operator straight into a call of [`VisitOperator`] on [`Visit`], which
//! hands the immediates to the validator first and then, once they are valid, to the
//! translator. Compared with reading an [`Operator`] and passing it to
//! `FuncValidator::op`, this skips building the operator in the reader, the validator's
//! dispatch on it again and dropping it: about a fifth of translation time.

use alloc::vec::Vec;

use mote_core::Error;
use mote_core::wasmparser::{
    self, BinaryReader, FrameKind, FrameStack, FuncValidator, Operator, ValidatorResources,
    VisitOperator,
};

use super::{FuncTranslator, invalid};

/// The validator and the translator of one function, at the operator at `offset`.
pub(super) struct Visit<'v, 'f, 'i> {
    pub(super) validator: &'v mut FuncValidator<ValidatorResources>,
    pub(super) func: &'f mut FuncTranslator<'i>,
    /// Byte offset of the operator being visited, in the module.
    pub(super) offset: u64,
}

impl Visit<'_, '_, '_> {
    /// Validates and translates every operator that `reader` holds, then checks that the
    /// body ends where its last `end` is.
    pub(super) fn run(&mut self, reader: &mut BinaryReader<'_>) -> Result<(), Error> {
        while !reader.eof() {
            self.offset = reader.original_position();
            self.func.offset = u32::try_from(self.offset).unwrap_or(u32::MAX);
            reader.visit_operator(self).map_err(|e| invalid(&e))??;
        }
        let end = reader.original_position();
        reader
            .finish_expression(&self.validator.visitor(end))
            .map_err(|e| invalid(&e))
    }
}

impl FrameStack for Visit<'_, '_, '_> {
    fn current_frame(&self) -> Option<FrameKind> {
        self.validator.get_control_frame(0).map(|frame| frame.kind)
    }
}

/// For each operator: the validator sees the immediates first (cloned: they are `Copy`, or a
/// `BrTable`, which is a reader over the module's bytes), then the translator gets the
/// operator.
macro_rules! visit_then_translate {
    ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*))*) => {
        $(
            #[allow(clippy::clone_on_copy, reason = "one macro for Copy and Clone immediates")]
            fn $visit(&mut self $($(, $arg: $argty)*)?) -> Self::Output {
                self.validator
                    .visitor(self.offset)
                    .$visit($($($arg.clone()),*)?)
                    .map_err(|e| invalid(&e))?;
                self.func.translate(Operator::$op $({ $($arg),* })?, self.offset)
            }
        )*
    };
}

impl<'a> VisitOperator<'a> for Visit<'_, '_, '_> {
    type Output = Result<(), Error>;

    wasmparser::for_each_visit_operator!(visit_then_translate);
}

//! The oracle behind the `image` fuzz target: mutated compiled images into the safe loader.
//!
//! A `wasm-smith` module is compiled to an image (with fuel metering, so that whatever a
//! mutation does to the control flow, calls end), then up to eight bytes or words are changed
//! and, most of the time, the checksum is recomputed so that the mutation reaches the checks
//! behind it. The loader must reject the bytes with an error, or the module must instantiate
//! and run under tiny limits without a panic, with the store usable afterwards.

use arbitrary::{Result, Unstructured};
use mote::{ErrorKind, Module};

use crate::differential::hex;
use crate::generate::{self, Purpose};
use crate::oracles;

/// Runs one input; panics only on a Mote bug.
///
/// # Errors
/// When `data` is too short to generate a module.
pub fn image(data: &[u8]) -> Result<()> {
    let mut u = Unstructured::new(data);
    let limits = generate::tiny_limits(&mut u)?;
    let (config, wasm) = generate::module(&mut u, Purpose::Execute)?;
    let features = generate::features_for(&config);
    let engine = mote::engine(&generate::mote_config(features, limits, true));
    let Ok(mut image) = mote::image::compile(&engine, &wasm) else {
        // Limits of the tiny configuration; the `translate` target covers compilation.
        return Ok(());
    };
    let pristine = image.clone();
    for _ in 0..u.int_in_range(0..=8)? {
        let at = u.choose_index(image.len())?;
        match u.int_in_range(0..=3)? {
            0 => image[at] = u.arbitrary()?,
            1 => image[at] ^= 1 << u.int_in_range(0..=7)?,
            _ => {
                // A whole little-endian word: counts, offsets, indices and slots.
                let at = at & !3;
                let word: u32 = *u.choose(&[0, 1, 2, 0xffff, 0x1_0000, 0x7fff_ffff, u32::MAX])?;
                let end = (at + 4).min(image.len());
                image[at..end].copy_from_slice(&word.to_le_bytes()[..end - at]);
            }
        }
    }
    let resealed = !u.ratio(1, 16)?;
    if resealed {
        mote::image::reseal(&mut image);
    }
    let module = match Module::from_image_bytes(&engine, &image) {
        Ok(module) => module,
        Err(e) => {
            assert!(
                image != pristine,
                "an unmodified image does not load: {e}\n{}",
                hex(&wasm)
            );
            assert!(
                matches!(
                    e.kind(),
                    ErrorKind::BadImage { .. }
                        | ErrorKind::Limit { .. }
                        | ErrorKind::Unsupported { .. }
                ),
                "a bad image gave an error of the wrong kind: {e}"
            );
            return Ok(());
        }
    };
    assert!(
        resealed || image == pristine,
        "a changed image loaded despite its stale checksum"
    );
    let Some((mut store, instance)) = oracles::instantiate_with_dummies(
        &mut u,
        &engine,
        &module,
        Some(20_000),
        &wasm,
        "instantiating an image",
    )?
    else {
        return Ok(());
    };
    oracles::run_calls(&mut u, &mut store, instance, true, &wasm)?;
    oracles::check_store_usable(&engine, &mut store, true);
    Ok(())
}

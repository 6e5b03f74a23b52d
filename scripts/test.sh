#!/usr/bin/env bash
# Runs every check of the project: formatting, lints across the feature matrix, embedded
# builds, the spec suites and all tests. This is the test command of the README and of CI.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "toolchain (reads rust-toolchain.toml)"
rustup toolchain install
rustc --version

step "format"
cargo fmt --all -- --check

step "clippy, host, all targets"
cargo clippy --workspace --all-targets -- -D warnings

for target in thumbv7em-none-eabihf riscv32imac-unknown-none-elf; do
    step "no_std builds for $target"
    # Executor only (no wasmparser): what a device that runs pre-translated code needs.
    cargo clippy -p mote-core -p mote-interp --no-default-features --target "$target" -- -D warnings
    # Full: validate and translate on the device.
    cargo clippy -p mote-core -p mote-interp --no-default-features \
        --features mote-core/validate,mote-interp/translate --target "$target" -- -D warnings
    # WASI-lite over embedded-hal: no std, no chip.
    cargo clippy -p mote-platform --no-default-features --target "$target" -- -D warnings
done
step "the build command of the issue"
cargo build -p mote-core -p mote-interp --no-default-features --target thumbv7em-none-eabihf

step "spec suites (release), both engines"
for engine in interp jit; do
    for suite in wasm-v1 wasm-v2 proposals/custom-page-sizes proposals/tail-call \
        proposals/extended-const proposals/multi-memory regression; do
        cargo run --release -q -p mote-spec-tests -- --engine "$engine" --suite "$suite" | tail -n 1
    done
done

step "guest SDK and example apps (wasm32; they live outside the host workspace)"
(cd sdk/rust && cargo fmt --check && cargo clippy --target wasm32-unknown-unknown -- -D warnings)
(cd examples/guest && cargo fmt --check && cargo clippy --locked -- -D warnings)
(cd examples/wasi-std && cargo fmt --check && cargo clippy --locked -- -D warnings)

step "the main job: run an example app"
cargo run --release -q -p mote -- run examples/fib.wat --invoke fib 20
cargo run --release -q -p mote -- run examples/thermometer.wasm --sensor-temp 21.5

step "fuzz targets compile (fuzz/ is a cargo-fuzz crate outside the workspace)"
# Running them needs nightly and cargo-fuzz (see SECURITY.md); `cargo test` below runs a seeded
# smoke of every target through `mote-fuzz-support` instead.
cargo check --manifest-path fuzz/Cargo.toml --bins

step "tests"
cargo test --workspace

step "Miri: the interpreter's unit tests (subset)"
# Two sample-heavy tests take more than ten minutes under Miri and are skipped here (run them
# with `cargo +nightly miri test -p mote-interp --lib`). Miri needs the nightly toolchain with
# its component; where that is missing the step says so and is skipped.
if cargo +nightly miri --version >/dev/null 2>&1; then
    cargo +nightly miri test -p mote-interp --lib -- \
        --skip trunc_matches_reference --skip promote_demote_round_trip
else
    echo "skipped: no nightly toolchain with Miri (rustup +nightly component add miri rust-src)"
fi

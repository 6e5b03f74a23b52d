#!/usr/bin/env bash
# Rebuilds the example guest apps and copies them next to this script, where `mote run` and
# the tests find them (the built .wasm files are committed, so running them needs no Wasm
# toolchain). Uses the repository's pinned toolchain and its wasm32 targets:
#
#   bash examples/build.sh
#
# - guest/: no_std apps over the mote-guest SDK, for wasm32-unknown-unknown, in 8 KiB of
#   linear memory (see guest/.cargo/config.toml): hello, blink, thermometer, uart-echo,
#   eeprom (a driver over embedded-hal traits, through the SDK's `embedded-hal` feature).
# - wasi-std/: an ordinary std program for wasm32-wasip1.
# - c/: C apps, when clang is installed (Debian: clang lld wasi-libc libclang-rt-14-dev-wasm32):
#   thermometer.c (freestanding, over sdk/c/mote.h) and wasi-hello.c (wasi-libc).
set -euo pipefail
cd "$(dirname "$0")"
rustup toolchain install >/dev/null

(cd guest && cargo build --release --locked)
for app in hello blink thermometer uart-echo eeprom; do
    cp "guest/target/wasm32-unknown-unknown/release/$app.wasm" "$app.wasm"
done

(cd wasi-std && cargo build --release --locked)
cp wasi-std/target/wasm32-wasip1/release/wasi-std.wasm wasi-std.wasm

if command -v clang >/dev/null; then
    clang --target=wasm32 -Os -nostdlib -Wl,--no-entry -Wl,--export=_start \
        -Wl,-z,stack-size=4096 -Wl,--initial-memory=65536 -Wl,--max-memory=65536 \
        -Wl,--strip-all -o thermometer-c.wasm c/thermometer.c
    clang --target=wasm32-wasi --sysroot=/usr -Os -Wl,-z,stack-size=16384 -Wl,--strip-all \
        -o wasi-hello-c.wasm c/wasi-hello.c
else
    echo "clang not found: the C examples were not rebuilt" >&2
fi

ls -l ./*.wasm

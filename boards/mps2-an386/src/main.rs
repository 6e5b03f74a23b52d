//! The spec testsuite on QEMU's `mps2-an386` (Cortex-M4F): reads a spec bundle from the host
//! through semihosting and runs every `.wast` file in it with the full runtime (see `spec`),
//! then leaves QEMU with status 0 when nothing failed.
#![no_std]
#![no_main]

extern crate alloc;

#[expect(
    unsafe_code,
    reason = "the heap, the stack paint, semihosting and the fault handler"
)]
mod rt;
mod spec;

use core::panic::PanicInfo;

use cortex_m_rt::entry;

/// The exit status after a panic (Rust's own for a panicking thread).
const EXIT_PANIC: i32 = 101;

#[entry]
fn main() -> ! {
    rt::init_heap();
    rt::paint_stack();
    let status = match rt::command_line()
        .map_err(alloc::string::String::from)
        .and_then(|line| spec::Args::parse(&line))
    {
        Ok(args) => spec::run(&args),
        Err(message) => {
            rt::print(&alloc::format!("@error {message}\n"));
            spec::EXIT_USAGE
        }
    };
    rt::exit(status)
}

/// Prints the panic and leaves QEMU with status 101 (xtask reports the file that was running
/// as failed and resumes with the next one).
#[panic_handler]
fn panic(info: &PanicInfo<'_>) -> ! {
    // No allocation: the panic may be the allocator's (out of memory).
    let mut text = rt::FixedText::<512>::default();
    let _ = core::fmt::write(&mut text, format_args!("\n@panic {info}"));
    rt::print(text.as_str());
    rt::print("\n");
    rt::exit(EXIT_PANIC)
}

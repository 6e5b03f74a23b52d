//! A `std` program for `wasm32-wasip1` that prints the same on Mote as natively:
//! `println!`, `std::env::args`/`vars`, `Instant`, `SystemTime`, `thread::sleep`
//! (`poll_oneoff`), random numbers (`HashMap`'s `RandomState` seeds from `random_get`),
//! stdin, and the exit status.

use std::collections::HashMap;
use std::io::Read;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    println!("args: {args:?}");
    println!(
        "MOTE_GREETING={}",
        std::env::var("MOTE_GREETING").unwrap_or_default()
    );

    let start = Instant::now();
    std::thread::sleep(Duration::from_millis(20));
    println!(
        "slept at least 20 ms: {}",
        start.elapsed() >= Duration::from_millis(20)
    );

    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    println!("after 2020: {}", now.as_secs() > 1_577_836_800);

    let mut map = HashMap::new();
    map.insert("random", 1);
    println!("hash map works: {}", map["random"] == 1);

    let mut input = String::new();
    let read = std::io::stdin().read_to_string(&mut input).is_ok();
    println!("stdin: {read}, {} lines", input.lines().count());

    eprintln!("to stderr");
    std::process::exit(if args.is_empty() { 0 } else { 3 });
}

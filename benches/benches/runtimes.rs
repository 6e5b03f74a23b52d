//! Criterion benches of every engine (Mote; with `--features peers` also wasmi, wasm3 and
//! wasmtime): `translate` (compile each guest module), `instantiate`, `execute` (each workload
//! at its timing size) and `host_call` (a guest loop calling a host function).
//!
//! `cargo bench -p mote-benches [--features peers] -- execute/fib` runs a subset.

use std::hint::black_box;
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, BenchmarkId, Criterion, criterion_group, criterion_main};
use mote_benches::engines::{self, Runtime, Visitor};
use mote_benches::report::checked_call;
use mote_benches::workloads::{EXECUTE, Guest, HOST_CALLS, Workload};

/// Which group a [`Bench`] fills.
#[derive(Clone, Copy)]
enum Group {
    Translate,
    Instantiate,
    Execute,
    HostCall,
}

struct Bench<'a, 'c> {
    group: Group,
    criterion: &'a mut BenchmarkGroup<'c, WallTime>,
}

impl Visitor for Bench<'_, '_> {
    fn visit<R: Runtime>(&mut self, rt: &R) {
        match self.group {
            Group::Translate => {
                for guest in Guest::ALL {
                    let id = BenchmarkId::new(rt.name(), guest.name());
                    self.criterion.bench_function(id, |b| {
                        b.iter(|| rt.compile(black_box(guest.wasm())).unwrap());
                    });
                }
            }
            Group::Instantiate => {
                for guest in Guest::ALL {
                    let module = rt.compile(guest.wasm()).unwrap();
                    let id = BenchmarkId::new(rt.name(), guest.name());
                    self.criterion.bench_function(id, |b| {
                        b.iter(|| rt.instantiate(&module).unwrap());
                    });
                }
            }
            Group::Execute => {
                for workload in &EXECUTE {
                    execute(self.criterion, rt, workload);
                }
            }
            Group::HostCall => execute(self.criterion, rt, &HOST_CALLS),
        }
    }
}

fn execute<R: Runtime>(group: &mut BenchmarkGroup<'_, WallTime>, rt: &R, workload: &Workload) {
    let module = rt.compile(workload.guest.wasm()).unwrap();
    let mut instance = rt.instantiate(&module).unwrap();
    let id = BenchmarkId::new(rt.name(), workload.name);
    group.bench_function(id, |b| {
        b.iter(|| checked_call(rt, &mut instance, workload, workload.size).unwrap());
    });
}

fn run_group(c: &mut Criterion, name: &str, group: Group, slow: bool) {
    let mut criterion = c.benchmark_group(name);
    if slow {
        criterion
            .sample_size(10)
            .measurement_time(Duration::from_secs(3));
    }
    engines::for_each(&mut Bench {
        group,
        criterion: &mut criterion,
    })
    .unwrap();
    criterion.finish();
}

fn benches(c: &mut Criterion) {
    run_group(c, "translate", Group::Translate, false);
    run_group(c, "instantiate", Group::Instantiate, false);
    run_group(c, "execute", Group::Execute, true);
    run_group(c, "host_call", Group::HostCall, true);
}

criterion_group!(runtimes, benches);
criterion_main!(runtimes);

//! RD Service figures: PidData parsing (documents per second) and a full discovery of 21 ports
//! with one simulated service, with and without a port that accepts and never answers.
//! `cargo bench --bench rd`; the figures go in BENCHMARKS.md.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rd::{self, DiscoverOptions};
use sandbox::rd::{Behaviour, Fault, SimOptions, SimulatedRd, vendor};

fn real(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/rd-fixtures/real/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("the real samples are in rd-fixtures/real")
}

fn pid_parse(c: &mut Criterion) {
    let mut g = c.benchmark_group("pid_parse");
    g.throughput(Throughput::Elements(1));
    for (name, doc) in [
        ("mantra_mfs100", real("mantra_mfs100_pid.xml")),
        ("startek_fm220u", real("startek_fm220u_pid.xml")),
        (
            "morpho_wrapped",
            vendor("morpho-mso1300-e3")
                .unwrap()
                .pid_ok
                .as_bytes()
                .to_vec(),
        ),
    ] {
        g.bench_function(name, |b| b.iter(|| rd::parse_pid(black_box(&doc)).unwrap()));
    }
    g.finish();
}

/// Simulators on `base + offset`, for a block of 21 ports starting at a free port.
async fn block(with_hang: bool) -> (u16, Vec<SimulatedRd>) {
    'attempt: for _ in 0..50 {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let base = probe.local_addr().unwrap().port();
        drop(probe);
        if base > 65000 {
            continue;
        }
        let mut plan = vec![(0u16, Behaviour::default())];
        if with_hang {
            plan.push((
                10,
                Behaviour {
                    fault: Fault::Hang,
                    ..Behaviour::default()
                },
            ));
        }
        let mut sims = Vec::new();
        for (offset, behaviour) in plan {
            let mut opts = SimOptions::new(vendor("mantra-mfs100").unwrap());
            opts.port = base + offset;
            opts.behaviour = behaviour;
            match SimulatedRd::start(opts).await {
                Ok(s) => sims.push(s),
                Err(_) => continue 'attempt,
            }
        }
        return (base, sims);
    }
    panic!("no free block of ports");
}

fn discovery(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mut g = c.benchmark_group("discover_21_ports");
    g.sample_size(20);
    g.measurement_time(Duration::from_secs(10));
    for (label, with_hang) in [("one_service", false), ("one_service_one_hanging", true)] {
        let (base, sims) = rt.block_on(block(with_hang));
        let opts = DiscoverOptions {
            ports: rd::PortRange::new(base, base + 20).unwrap(),
            ..DiscoverOptions::default()
        };
        g.bench_function(label, |b| {
            b.iter(|| {
                let found = rt.block_on(rd::discover(&opts));
                assert_eq!(found.len(), 1);
            })
        });
        rt.block_on(async {
            for s in sims {
                s.shutdown().await;
            }
        });
    }
    g.finish();
}

criterion_group!(benches, pid_parse, discovery);
criterion_main!(benches);

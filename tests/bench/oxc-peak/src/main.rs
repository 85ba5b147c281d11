//! `oxc-peak FILE`: oxc's parse + semantic (nodes built, as in `server/benches/engine.rs`) on
//! FILE once, on a thread with a large stack, then prints the wall time and the process's peak
//! RSS (VmHWM from /proc/self/status) as JSON.

use std::time::Instant;

fn vm_hwm_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn main() {
    let path = std::env::args().nth(1).expect("usage: oxc-peak FILE");
    let text = std::fs::read_to_string(&path).expect("read FILE");
    let source_type = oxc_span::SourceType::from_path(&path).unwrap_or_default();
    let before = vm_hwm_kib();
    let (ms, symbols) = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || {
            let start = Instant::now();
            let allocator = oxc_allocator::Allocator::default();
            let ret = oxc_parser::Parser::new(&allocator, &text, source_type).parse();
            let semantic = oxc_semantic::SemanticBuilder::new()
                .with_build_nodes(true)
                .build(&ret.program);
            let symbols = semantic.semantic.scoping().symbols_len();
            (start.elapsed().as_secs_f64() * 1e3, symbols)
        })
        .expect("spawn")
        .join()
        .expect("join");
    println!(
        "{{\"file\":{path:?},\"ms\":{ms:.1},\"symbols\":{symbols},\"peakMiB\":{:.1},\"peakBeforeMiB\":{:.1}}}",
        vm_hwm_kib() as f64 / 1024.0,
        before as f64 / 1024.0
    );
}

//! Benchmark placeholder (filled in phase 4).
fn main() {}

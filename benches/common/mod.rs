//! Shared by the benchmarks.

use std::path::PathBuf;
use std::process::Command;

/// Build the release `jixiao` binary the benchmarks run; returns its path.
pub fn release_binary() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let status = Command::new("cargo")
        .args(["build", "--release", "--bin", "jixiao"])
        .current_dir(&manifest)
        .status()
        .expect("cargo build");
    assert!(status.success());
    manifest.join("target/release/jixiao")
}

//! Shared by the benchmarks.

// Each benchmark uses its part.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Instant;

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

// Running and timing a child process.

/// One finished child process.
pub struct Run {
    pub wall_ms: f64,
    /// User + system CPU time of the child.
    pub cpu_ms: f64,
    /// Peak resident set size in MB (10^6 bytes).
    pub rss_mb: f64,
    /// CPU time other processes used while the child ran: the machine may be shared,
    /// and this says how far a figure can be trusted.
    pub others_ms: f64,
    pub stderr: String,
}

/// CPU time all processes have used so far (ms): the busy columns of /proc/stat's `cpu`
/// line (user, nice, system, irq, softirq, steal), in clock ticks. The kernel's own
/// writeback of a build's files counts here too, so "other" is an upper bound.
pub fn machine_busy_ms() -> f64 {
    // SAFETY: sysconf only reads a configuration value.
    let tick_ms = 1000.0 / unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let ticks: Vec<f64> = stat
        .lines()
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .skip(1)
        .filter_map(|v| v.parse().ok())
        .collect();
    [0, 1, 2, 5, 6, 7]
        .iter()
        .filter_map(|&i| ticks.get(i))
        .sum::<f64>()
        * tick_ms
}

pub fn cores() -> f64 {
    std::thread::available_parallelism().map_or(1, |n| n.get()) as f64
}

/// Run a command to completion (it must succeed); wall time, and the child's CPU time and
/// peak RSS from `wait4`. Only spawn-to-exit is timed: callers prepare folders before.
pub fn run(cmd: &mut Command) -> Run {
    let busy = machine_busy_ms();
    let t = Instant::now();
    // Reaped below with wait4, which also gives the resource usage.
    #[allow(clippy::zombie_processes)]
    let child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let pid = child.id() as libc::pid_t;
    let mut stderr = String::new();
    let mut err = child.stderr.expect("stderr");
    std::io::Read::read_to_string(&mut err, &mut stderr).ok();
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is our child; status and usage are valid out-pointers.
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall_ms = t.elapsed().as_secs_f64() * 1000.0;
    assert_eq!(r, pid, "wait4");
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "command failed: {cmd:?}\n{stderr}"
    );
    let ms = |t: libc::timeval| t.tv_sec as f64 * 1000.0 + t.tv_usec as f64 / 1000.0;
    let cpu_ms = ms(usage.ru_utime) + ms(usage.ru_stime);
    let others_ms = (machine_busy_ms() - busy - cpu_ms).max(0.0);
    Run {
        wall_ms,
        cpu_ms,
        rss_mb: usage.ru_maxrss as f64 * 1024.0 / 1e6,
        others_ms,
        stderr,
    }
}

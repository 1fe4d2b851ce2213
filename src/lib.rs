//! jixiao (绩效): import Chinese budget performance-target tables, check them against
//! the official rules, and publish them as a static website.
//!
//! The flow is `load → analyse → render`, each step usable without the CLI.

pub mod amount;
pub mod check;
pub mod config;
pub mod content;
pub mod diff;
pub mod forms;
#[doc(hidden)]
pub mod fuzzing;
pub mod import;
pub mod markdown;
pub mod model;
pub mod opendata;
pub mod serve;
pub mod site;
pub mod site_init;
pub mod slug;
pub mod sources;
pub mod synth;
pub mod text;

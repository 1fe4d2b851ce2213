//! Form understanding: the rows of any source document → the 绩效目标表 it holds.
//!
//! rows (a document flattened, every row numbered) → tables (labels recognised by what
//! they say, not by column) or flat exports (one row per indicator under a header row).
//! The ledger accounts for every numbered row and line: mapped to a field, or reported.

pub mod columns;
pub mod flat;
pub mod labels;
pub mod report;
pub mod rows;
pub mod tables;

//! 安居 Anju's command line as a library: the subcommands ([`cli`]) and the synthetic
//! demo city ([`demo`]), so that tests can call them without a shell.
//!
//! It holds no business rules: what a change does is `domain`'s, where it is kept
//! the store's.

pub mod cli;
pub mod demo;
pub mod oracle;

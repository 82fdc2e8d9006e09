//! Integration tests of the `anju` command line and demo city, in one binary.

mod demo;
mod import;
mod init;
mod oracle;
mod verify;

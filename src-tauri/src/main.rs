//! The `dala-app` binary: everything happens in [`dala_app::run`].

// Hide the console window on Windows release builds; no effect on Linux.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    dala_app::run();
}

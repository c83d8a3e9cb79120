//! Checks that the interface was built before the shell embeds it, then runs tauri-build.

use std::path::Path;

fn main() {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let index = Path::new(&manifest).join("../ui/dist/index.html");
    // `generate_context!` embeds ui/dist at compile time and fails with an unhelpful message when it
    // is missing; say what to do instead.
    if !index.is_file() {
        panic!(
            "\n\n  ui/dist/index.html is missing: the interface must be built before the desktop shell.\n  \
             Run `npm --prefix ui ci && npm --prefix ui run build` (or scripts/app.sh, which does it).\n\n"
        );
    }
    println!("cargo:rerun-if-changed=../ui/dist");
    tauri_build::build()
}

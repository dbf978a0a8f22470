//! Embeds every migration file of both engines: `src/migrations.rs` turns
//! the list into sqlx migrations, as `sqlx::migrate!` would, without sqlx's
//! proc-macro crate (which builds a second sqlx for the host).

use std::fmt::Write as _;
use std::path::Path;
use std::{env, fs, io};

fn main() -> io::Result<()> {
    println!("cargo:rerun-if-changed=../../migrations");
    let manifest = env::var("CARGO_MANIFEST_DIR").map_err(io::Error::other)?;
    let mut code = String::new();
    for (name, folder) in [("SQLITE", "sqlite"), ("POSTGRES", "postgres")] {
        let dir = Path::new(&manifest).join("../../migrations").join(folder).canonicalize()?;
        let mut files: Vec<_> =
            fs::read_dir(&dir)?.map(|entry| entry.map(|entry| entry.path())).collect::<io::Result<_>>()?;
        files.retain(|path| path.is_file());
        files.sort();
        let _ = writeln!(code, "pub(crate) const {name}: &[(&str, &str)] = &[");
        for path in files {
            let file_name = path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
            let _ = writeln!(code, "    ({file_name:?}, include_str!({:?})),", path.display().to_string());
        }
        code.push_str("];\n");
    }
    let out = env::var("OUT_DIR").map_err(io::Error::other)?;
    fs::write(Path::new(&out).join("migrations.rs"), code)
}

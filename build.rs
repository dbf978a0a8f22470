// New migration files must rebuild the binary that embeds them.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-changed=examples/autorisen");
}

// The example plan is compiled in: a change to it must rebuild the crate.
fn main() {
    println!("cargo:rerun-if-changed=../../examples/autorisen");
}

//! Browser entry point: Trunk builds this binary into dist/.
fn main() {
    playground::start();
}

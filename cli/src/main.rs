//! `bpfplay`: the playground's VM on the command line.
fn main() {
    eprintln!("bpfplay: no subcommands yet");
    std::process::exit(2);
}

#[test]
fn scratch() {
    let p = std::path::Path::new(&std::env::var("SCRATCH").unwrap()).to_path_buf();
    let (s, prog) = weft_check::load(&p).unwrap();
    let (d, r, a) = weft_oracle::engines::default_vs_reference(&s, &prog, Default::default());
    println!(
        "{a:?}\n{:?}\n{:?}\n{:?}",
        d.findings, d.final_states, r.final_states
    );
}

use weft_diag::Embedded;
use weft_syntax::*;
#[test]
fn scratch() {
    let e = Embedded::detached("t.py", "x = 1");
    let t = std::time::Instant::now();
    for _ in 0..10000 { let _ = parse_module(&e); }
    println!("10k tiny parses: {:?}", t.elapsed());
    let t = std::time::Instant::now();
    for _ in 0..10000 { let _ = std::thread::Builder::new().stack_size(64<<20).spawn(|| 1).unwrap().join(); }
    println!("10k spawns 64MB: {:?}", t.elapsed());
    let t = std::time::Instant::now();
    for _ in 0..10000 { let _ = std::thread::Builder::new().stack_size(8<<20).spawn(|| 1).unwrap().join(); }
    println!("10k spawns 8MB: {:?}", t.elapsed());
    let unit = "x = foo(a, b[1], c.d) + 2 * (e - f) if g else [h for h in i]\n";
    let src = unit.repeat(10 * 1024 * 1024 / unit.len());
    let e = Embedded::detached("t.py", &src);
    let t = std::time::Instant::now();
    let _ = parse_module(&e);
    println!("10MB: {:?}", t.elapsed());
}

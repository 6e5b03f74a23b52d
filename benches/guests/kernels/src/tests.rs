use super::*;

#[test]
fn small_known_answers() {
    assert_eq!(fib(20), 6765);
    assert_eq!(sieve(10), 2 + 3 + 5 + 7);
    assert_eq!(sieve(1), 0);
    assert_ne!(sort(1000), u64::MAX);
    let mut v = [5, 1, 4, 1, 3];
    heapsort(&mut v);
    assert_eq!(v, [1, 1, 3, 4, 5]);
    assert_eq!(host_calls(3), 31 + 2);
    assert_eq!(vm(0), 0);
}

#[test]
fn vm_matches_the_loop_it_runs() {
    let mut acc = 0i64;
    for i in 0..1000i64 {
        acc = acc.wrapping_mul(31) ^ i;
    }
    assert_eq!(vm(1000), acc.cast_unsigned());
}

#[test]
fn sha256_test_vectors() {
    let hex = |d: [u8; 32]| {
        d.iter()
            .map(|b| alloc::format!("{b:02x}"))
            .collect::<alloc::string::String>()
    };
    let mut h = Sha256::new();
    h.update(b"abc");
    assert_eq!(
        hex(h.finalize()),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    let mut h = Sha256::new();
    h.update(b"");
    assert_eq!(
        hex(h.finalize()),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    let mut h = Sha256::new();
    for chunk in b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".chunks(7) {
        h.update(chunk);
    }
    assert_eq!(
        hex(h.finalize()),
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
    );
}

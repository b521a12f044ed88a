//! Differential test of the hand-written JSON codec against serde_json: generated
//! documents must read back the same in both, and mutated (mostly broken) documents must
//! be accepted or rejected by both alike, never panicking.

use awsrt::internal::json::{decode_value, to_vec, Value};

/// xorshift64*: deterministic, so a failure names a reproducible seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn gen_string(rng: &mut Rng) -> String {
    const PIECES: [&str; 12] = [
        "a", "Z", " ", "\"", "\\", "/", "\n", "\u{1}", "é", "€", "😀", "\u{7f}",
    ];
    (0..rng.below(6))
        .map(|_| PIECES[rng.below(PIECES.len() as u64) as usize])
        .collect()
}

fn gen_value(rng: &mut Rng, depth: u32) -> Value {
    let kinds = if depth >= 5 { 5 } else { 7 };
    match rng.below(kinds) {
        0 => Value::Null,
        1 => Value::Bool(rng.below(2) == 1),
        2 => {
            let i = match rng.below(3) {
                0 => rng.below(100) as i64 - 50,
                1 => rng.next() as i64,
                _ => [i64::MIN, i64::MAX, 0][rng.below(3) as usize],
            };
            Value::Number {
                value: i as f64,
                exact: Some(i),
            }
        }
        3 => {
            let f = match rng.below(3) {
                0 => (rng.below(2000) as f64 - 1000.0) / 8.0,
                1 => f64::from_bits(rng.next() & !(0x7ff << 52) | (rng.below(0x7fe) << 52)),
                _ => [0.1, 1e300, 5e-324, -2.5e-8][rng.below(4) as usize],
            };
            Value::Number {
                value: f,
                exact: None,
            }
        }
        4 => Value::String(gen_string(rng)),
        5 => Value::Array(
            (0..rng.below(4))
                .map(|_| gen_value(rng, depth + 1))
                .collect(),
        ),
        _ => {
            let mut members: Vec<(String, Value)> = Vec::new();
            for n in 0..rng.below(4) {
                // Distinct keys: serde_json keeps one value per key, we keep all.
                let key = format!("{}{n}", gen_string(rng));
                members.push((key, gen_value(rng, depth + 1)));
            }
            Value::Object(members)
        }
    }
}

/// serde_json's reading converted to ours, for comparison.
fn from_serde(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => Value::Number {
            value: n.as_f64().unwrap_or(f64::NAN),
            exact: n.as_i64(),
        },
        serde_json::Value::String(s) => Value::String(s.clone()),
        serde_json::Value::Array(a) => Value::Array(a.iter().map(from_serde).collect()),
        serde_json::Value::Object(o) => {
            Value::Object(o.iter().map(|(k, v)| (k.clone(), from_serde(v))).collect())
        }
    }
}

/// Equality with a little float slack: serde_json's default float parser may be off
/// by an ulp; ours is Rust's correctly rounded one.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number { value: x, exact: i }, Value::Number { value: y, exact: j }) => {
            // serde_json reads `-0` as the float -0.0; we read it as the integer 0.
            let zero = *x == 0.0 && *y == 0.0 && i.unwrap_or(0) == 0 && j.unwrap_or(0) == 0;
            (i == j || zero) && (x == y || (x - y).abs() <= x.abs().max(y.abs()) * 1e-15)
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((ka, a), (kb, b))| ka == kb && same(a, b))
        }
        _ => a == b,
    }
}

fn has_duplicate_keys(v: &Value) -> bool {
    match v {
        Value::Array(a) => a.iter().any(has_duplicate_keys),
        Value::Object(o) => {
            o.iter()
                .enumerate()
                .any(|(i, (k, _))| o[..i].iter().any(|(k2, _)| k2 == k))
                || o.iter().any(|(_, v)| has_duplicate_keys(v))
        }
        _ => false,
    }
}

#[test]
fn generated_documents_agree_with_serde_json() {
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let (mut docs, mut mutants, mut accepted) = (0, 0, 0);
    for _ in 0..3_000 {
        let v = gen_value(&mut rng, 0);
        let ours = to_vec(&v);
        let theirs: serde_json::Value = serde_json::from_slice(&ours).unwrap_or_else(|e| {
            panic!(
                "serde_json rejects our output {}: {e}",
                String::from_utf8_lossy(&ours)
            )
        });
        assert!(
            same(&from_serde(&theirs), &v),
            "serde_json read {} differently",
            String::from_utf8_lossy(&ours)
        );
        let back = decode_value(&ours).expect("our own output parses");
        assert!(
            same(&back, &v),
            "{} read back as {back:?}",
            String::from_utf8_lossy(&ours)
        );
        // serde_json's pretty output (whitespace, its own escapes) reads the same too.
        let pretty = serde_json::to_vec_pretty(&theirs).expect("serializes");
        assert!(same(&decode_value(&pretty).expect("pretty parses"), &v));
        docs += 1;

        for _ in 0..10 {
            let mut m = ours.clone();
            let at = rng.below(m.len() as u64 + 1) as usize;
            const NOISE: &[u8] = b"{}[],:\"\\ -+.0123456789eEtfnu\x01\xff\xc3";
            match rng.below(4) {
                0 if at < m.len() => {
                    m.remove(at);
                }
                1 => m.insert(at, NOISE[rng.below(NOISE.len() as u64) as usize]),
                2 if at < m.len() => m[at] = NOISE[rng.below(NOISE.len() as u64) as usize],
                _ => m.truncate(at),
            }
            let ours = decode_value(&m);
            let theirs = serde_json::from_slice::<serde_json::Value>(&m);
            match (&ours, &theirs) {
                (Ok(a), Ok(b)) => {
                    if !has_duplicate_keys(a) {
                        assert!(
                            same(a, &from_serde(b)),
                            "{} read differently",
                            String::from_utf8_lossy(&m)
                        );
                    }
                    accepted += 1;
                }
                (Err(_), Err(_)) => {}
                // serde_json rejects numbers beyond f64; we read them as ±infinity.
                (Ok(_), Err(e)) if e.to_string().contains("number out of range") => {}
                _ => panic!(
                    "disagreement on {:?}: ours {ours:?}, serde_json {theirs:?}",
                    String::from_utf8_lossy(&m)
                ),
            }
            mutants += 1;
        }
    }
    println!("json differential: {docs} documents, {mutants} mutants ({accepted} still valid)");
    assert!(accepted > 0 && accepted < mutants);
}

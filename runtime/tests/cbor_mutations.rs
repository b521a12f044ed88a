//! Mutated CBOR bodies never panic the decoder, and the typed reader, the generic
//! decoder and `skip` agree on which inputs are well formed.

use awsrt::internal::cbor::{self, CborReader, CborWriter};
use awsrt::internal::{
    decode_list, decode_map, Decode, DecodeError, Field, Reader, TimestampFormat, Writer,
};
use awsrt::DateTime;

static FIELDS: [Field; 6] = [
    Field::new("Id"),
    Field::new("Count"),
    Field::new("When"),
    Field::new("Items"),
    Field::new("Attrs"),
    Field::new("Ratio"),
];

/// A response-like shape; decoding it walks every reader entry point.
#[derive(Debug)]
#[allow(dead_code)] // Fields are read only through Debug, to keep the decode honest.
struct Shape {
    id: Option<String>,
    count: Option<i64>,
    when: Option<DateTime>,
    items: Option<Vec<Shape>>,
    attrs: Option<awsrt::Map<bool>>,
    ratio: Option<f64>,
}

impl Decode for Shape {
    fn decode<R: Reader>(r: &mut R) -> Result<Self, DecodeError> {
        let mut s = Shape {
            id: None,
            count: None,
            when: None,
            items: None,
            attrs: None,
            ratio: None,
        };
        r.begin_struct()?;
        while let Some(i) = r.next_field(&FIELDS)? {
            match i {
                0 => s.id = Some(r.string()?),
                1 => s.count = Some(r.integer()?),
                2 => s.when = Some(r.timestamp(TimestampFormat::Default)?),
                3 => s.items = Some(decode_list(r, Shape::decode)?),
                4 => s.attrs = Some(decode_map(r, |r| r.boolean())?),
                5 => s.ratio = Some(r.float()?),
                _ => r.skip()?,
            }
        }
        Ok(s)
    }
}

fn seed_body() -> Vec<u8> {
    let mut w = CborWriter::new();
    w.begin_struct();
    w.field(&FIELDS[0]);
    w.string("abc");
    w.field(&FIELDS[1]);
    w.integer(-70000);
    w.field(&FIELDS[2]);
    w.timestamp(
        &DateTime::from_millis(1_700_000_000_123),
        TimestampFormat::Default,
    );
    w.field(&FIELDS[3]);
    w.begin_list(2);
    for n in 0..2 {
        w.begin_struct();
        w.field(&FIELDS[1]);
        w.integer(n);
        w.field(&FIELDS[4]);
        w.begin_map(1);
        w.map_key("k");
        w.boolean(true);
        w.end_map();
        w.end_struct();
    }
    w.end_list();
    w.field(&FIELDS[5]);
    w.float64(0.5);
    w.end_struct();
    let mut body = w.into_bytes();
    // An unknown member with indefinite strings and a tag, to give mutations more to hit.
    body.pop();
    body.extend_from_slice(&[
        0x61, b'z', 0x9f, 0x7f, 0x61, b'a', 0xff, 0x5f, 0x41, 0x00, 0xff, 0xc2, 0x41, 0x01, 0xff,
        0xff,
    ]);
    body
}

/// xorshift64*: a fixed sequence, so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn seed_decodes() {
    let body = seed_body();
    let s: Shape = cbor::from_slice(&body).unwrap();
    assert_eq!(s.items.as_ref().map(Vec::len), Some(2));
    assert_eq!(s.count, Some(-70000));
    assert!(cbor::decode_value(&body).is_ok());
}

#[test]
fn mutations_never_panic_and_decoders_agree() {
    let seed = seed_body();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let interesting = [
        0x00, 0x17, 0x18, 0x1b, 0x1f, 0x3f, 0x5f, 0x7f, 0x9f, 0xbf, 0xc1, 0xf6, 0xf7, 0xf8, 0xf9,
        0xfb, 0xff,
    ];
    let (mut well_formed, mut typed_ok) = (0, 0);
    for _ in 0..20_000 {
        let mut b = seed.clone();
        for _ in 0..1 + rng.below(3) {
            match rng.below(4) {
                0 => {
                    let i = rng.below(b.len());
                    b[i] = rng.next() as u8;
                }
                1 => {
                    let i = rng.below(b.len());
                    b[i] = interesting[rng.below(interesting.len())];
                }
                2 => b.truncate(rng.below(b.len() + 1)),
                _ => {
                    let i = rng.below(b.len() + 1);
                    b.insert(i, interesting[rng.below(interesting.len())]);
                }
            }
            if b.is_empty() {
                break;
            }
        }
        let generic = cbor::decode_value(&b);
        let mut r = CborReader::new(&b);
        let skipped = r.skip().is_ok() && r.position() == b.len();
        // skip does not check UTF-8, the generic decoder does; otherwise they agree.
        if generic.is_ok() {
            assert!(skipped, "skip refused a well-formed item: {b:02x?}");
            well_formed += 1;
        }
        if cbor::from_slice::<Shape>(&b).is_ok() {
            typed_ok += 1;
            assert!(
                b.is_empty() || skipped,
                "typed decode accepted a malformed item: {b:02x?}"
            );
        }
    }
    // The mutations must exercise both outcomes for the test to mean anything.
    assert!(
        well_formed > 100 && well_formed < 19_000,
        "well formed: {well_formed}"
    );
    assert!(typed_ok > 50, "typed ok: {typed_ok}");
}

//! Peak heap while decoding hostile bodies, measured with a counting global allocator:
//! nested CBOR counts must not reserve memory level after level, and an XML body of
//! tiny elements must not become a tree tens of times its size. One test, so no other
//! test's allocations run in parallel with the measurement.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use awsrt::internal::{cbor, xml::Element};

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to the system allocator unchanged; only counters are
// added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        if !p.is_null() {
            let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = System.realloc(ptr, layout, new_size);
        if !p.is_null() {
            if new_size >= layout.size() {
                let grow = new_size - layout.size();
                let now = CURRENT.fetch_add(grow, Ordering::Relaxed) + grow;
                PEAK.fetch_max(now, Ordering::Relaxed);
            } else {
                CURRENT.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// The heap `f` needed above what was allocated when it started.
fn peak_of<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = CURRENT.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let out = f();
    (out, PEAK.load(Ordering::Relaxed).saturating_sub(base))
}

const MIB: usize = 1024 * 1024;

/// 64 nested definite arrays, each declaring as many items as there are bytes left (the
/// most `check_count` lets through), over 1 MiB of bytes that are not a valid item.
fn nested_cbor_counts() -> Vec<u8> {
    let levels = 64;
    let total = MIB + levels * 5;
    let mut b = Vec::with_capacity(total);
    for _ in 0..levels {
        let rest = (total - b.len() - 5) as u32;
        b.push(0x9a); // array, 4-byte count
        b.extend_from_slice(&rest.to_be_bytes());
    }
    // 0x1c: reserved additional information, an error at the first item.
    b.resize(total, 0x1c);
    b
}

/// A 1 MiB document of empty elements, the most tree per input byte XML allows.
fn tiny_xml_elements() -> Vec<u8> {
    let mut b = b"<r>".to_vec();
    while b.len() < MIB {
        b.extend_from_slice(b"<a/>");
    }
    b.extend_from_slice(b"</r>");
    b
}

#[test]
fn hostile_bodies_decode_within_a_small_multiple_of_their_size() {
    // CBOR: all levels together may reserve one item per input byte (32 bytes each).
    let body = nested_cbor_counts();
    let (result, peak) = peak_of(|| cbor::decode_value(&body));
    assert!(result.is_err());
    println!(
        "nested CBOR counts, {} bytes: peak {peak} bytes",
        body.len()
    );
    assert!(
        peak <= 40 * body.len(),
        "decoding {} bytes of CBOR peaked at {peak} bytes",
        body.len()
    );

    // XML: refused once the tree passes 16 bytes per input byte.
    let body = tiny_xml_elements();
    let (result, peak) = peak_of(|| Element::parse(&body));
    println!("tiny XML elements, {} bytes: peak {peak} bytes", body.len());
    let err = match result {
        Ok(root) => panic!(
            "a tree of {} elements was built for {} bytes (peak {peak} bytes)",
            root.children.len(),
            body.len()
        ),
        Err(e) => e,
    };
    assert!(
        err.to_string().contains("too large to hold as a tree"),
        "{err}"
    );
    assert!(
        peak <= 20 * body.len(),
        "parsing {} bytes of XML peaked at {peak} bytes",
        body.len()
    );

    // A realistic awsQuery response of the same size still parses, within bounds.
    let mut body = b"<ListJobsResponse xmlns=\"http://importexport.amazonaws.com/doc/2010-06-01/\">\n  <ListJobsResult>\n    <Jobs>\n".to_vec();
    let mut n = 0;
    while body.len() < MIB {
        body.extend_from_slice(
            format!(
                "      <member>\n        <JobId>JOB{n:08}</JobId>\n        <CreationDate>2024-01-02T03:04:05Z</CreationDate>\n        <IsCanceled>false</IsCanceled>\n        <JobType>Import</JobType>\n      </member>\n"
            )
            .as_bytes(),
        );
        n += 1;
    }
    body.extend_from_slice(b"    </Jobs>\n    <IsTruncated>false</IsTruncated>\n  </ListJobsResult>\n</ListJobsResponse>\n");
    let (result, peak) = peak_of(|| Element::parse(&body));
    println!("awsQuery ListJobs, {} bytes: peak {peak} bytes", body.len());
    let root = result.expect("a realistic response parses");
    assert_eq!(
        root.path(&["ListJobsResult", "Jobs"])
            .unwrap()
            .children
            .len(),
        n
    );
}

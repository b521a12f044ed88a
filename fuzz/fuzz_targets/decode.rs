//! Decoding of every shape of the generated Snowball crate (inputs, outputs, structures,
//! operation errors) in CBOR and JSON, and whole responses through the client pipeline.
//!
//! Input: byte 0 picks the protocol (bit 0) and the mode (bits 1-2: shape, shape, error,
//! response); byte 1 picks the shape, error enum or operation; byte 2 picks the error code
//! or the response's status and headers; the rest is the body.
#![no_main]

use std::cell::RefCell;
use std::fmt::Debug;

use awsrt::internal::{cbor, json, Decode};
use awsrt::TestTransport;
use awsrt::internal::OperationError;
use libfuzzer_sys::fuzz_target;
use snowball::{Config, Credentials, Protocol};

include!(concat!(env!("OUT_DIR"), "/shapes.rs"));

type ShapeDecoder = fn(bool, &[u8]);
type ErrorDecoder = fn(bool, &str, &[u8]);

fn decode_shape<T: Decode + Debug>(use_cbor: bool, body: &[u8]) {
    let decoded = if use_cbor {
        cbor::from_slice::<T>(body)
    } else {
        json::from_slice::<T>(body)
    };
    match decoded {
        Ok(v) => drop(format!("{v:?}")),
        Err(e) => drop(e.to_string()),
    }
}

fn decode_error<E: OperationError + Debug + std::fmt::Display>(
    use_cbor: bool,
    code: &str,
    body: &[u8],
) {
    let decoded = if use_cbor {
        E::decode(code, &mut cbor::CborReader::new(body))
    } else {
        E::decode(code, &mut json::JsonReader::new(body))
    };
    match decoded {
        Ok(e) => drop(format!("{e:?} {e}")),
        Err(e) => drop(e.to_string()),
    }
}

macro_rules! shape_table {
    ($($t:path),* $(,)?) => { &[$(decode_shape::<$t> as ShapeDecoder),*] };
}
macro_rules! error_table {
    ($($t:path => [$($c:expr),* $(,)?]),* $(,)?) => {
        &[$((decode_error::<$t> as ErrorDecoder, &[$($c),*] as &[&str])),*]
    };
}

static SHAPES: &[ShapeDecoder] = for_each_shape!(shape_table);
static ERRORS: &[(ErrorDecoder, &[&str])] = for_each_error!(error_table);

thread_local! {
    static RUNTIME: RefCell<tokio::runtime::Runtime> = RefCell::new(
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("a tokio runtime"),
    );
}

const STATUSES: [u16; 8] = [200, 200, 400, 403, 404, 429, 500, 503];

/// One call through the client with `body` as the response.
fn response(use_cbor: bool, op: u8, select: u8, body: &[u8]) {
    let protocol = if use_cbor {
        Protocol::RpcV2Cbor
    } else {
        Protocol::AwsJson1_1
    };
    let status = STATUSES[usize::from(select & 7)];
    let mut headers: Vec<(&str, &str)> = vec![("x-amzn-requestid", "fuzz")];
    if select & 8 == 0 {
        headers.push(("smithy-protocol", "rpc-v2-cbor"));
    }
    if select & 16 == 0 {
        headers.push((
            "content-type",
            if use_cbor {
                "application/cbor"
            } else {
                "application/x-amz-json-1.1"
            },
        ));
    }
    if select & 32 != 0 {
        headers.push(("x-amzn-errortype", "InvalidResourceException:http://x/"));
    }
    let transport = TestTransport::new();
    transport.push_response(status, &headers, bytes::Bytes::copy_from_slice(body));
    let client = snowball::Client::new(
        Config::new()
            .region("us-east-1")
            .credentials(Credentials::new("AKID", "SECRET", None))
            .protocol(protocol)
            .max_attempts(1)
            .transport(transport),
    );
    RUNTIME.with(|rt| {
        let rt = rt.borrow();
        let shown = match op % 4 {
            0 => rt
                .block_on(client.list_jobs().send())
                .map(|o| format!("{o:?}"))
                .map_err(|e| format!("{e} {e:?}")),
            1 => rt
                .block_on(client.describe_job("JID").send())
                .map(|o| format!("{o:?}"))
                .map_err(|e| format!("{e} {e:?}")),
            2 => rt
                .block_on(client.describe_addresses().send())
                .map(|o| format!("{o:?}"))
                .map_err(|e| format!("{e} {e:?}")),
            _ => rt
                .block_on(client.cancel_job("JID").send())
                .map(|o| format!("{o:?}"))
                .map_err(|e| format!("{e} {e:?}")),
        };
        drop(shown);
    });
}

fuzz_target!(|data: &[u8]| {
    let [mode, pick, select, body @ ..] = data else {
        return;
    };
    let use_cbor = mode & 1 == 0;
    match (mode >> 1) & 3 {
        0 | 1 => SHAPES[usize::from(*pick) % SHAPES.len()](use_cbor, body),
        2 => {
            let (decode, codes) = ERRORS[usize::from(*pick) % ERRORS.len()];
            let code = codes
                .get(usize::from(*select))
                .copied()
                .unwrap_or("UnmodeledFuzzException");
            decode(use_cbor, code, body);
        }
        _ => response(use_cbor, *pick, *select, body),
    }
});

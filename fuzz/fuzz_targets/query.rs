//! The awsQuery response side: the XML tree reader (its depth and size limits), the
//! `<ErrorResponse>` reader, the output shapes of the generated Import/Export crate read
//! through `XmlReader`, and whole responses through the client pipeline.
//!
//! Input: byte 0 picks the mode (bit 0: shape or response) and the status (bits 1-3);
//! byte 1 picks the shape or operation; the rest is the body.
#![no_main]

use std::cell::RefCell;
use std::fmt::Debug;

use awsrt::internal::xml::{query_error, Element, XmlReader};
use awsrt::internal::Decode;
use awsrt::TestTransport;
use importexport::operation::{
    cancel_job::CancelJobOutput, create_job::CreateJobOutput,
    get_shipping_label::GetShippingLabelOutput, get_status::GetStatusOutput,
    list_jobs::ListJobsOutput, update_job::UpdateJobOutput,
};
use importexport::{Config, Credentials};
use libfuzzer_sys::fuzz_target;

type ShapeDecoder = fn(&Element);

fn decode_shape<T: Decode + Debug>(root: &Element) {
    // As the client does: from the root, and from its first child (the result wrapper).
    for start in [Some(root), root.children.first()].into_iter().flatten() {
        match T::decode(&mut XmlReader::new(start)) {
            Ok(v) => drop(format!("{v:?}")),
            Err(e) => drop(e.to_string()),
        }
    }
}

static SHAPES: &[ShapeDecoder] = &[
    decode_shape::<ListJobsOutput>,
    decode_shape::<GetStatusOutput>,
    decode_shape::<CreateJobOutput>,
    decode_shape::<UpdateJobOutput>,
    decode_shape::<CancelJobOutput>,
    decode_shape::<GetShippingLabelOutput>,
    decode_shape::<importexport::types::Job>,
];

thread_local! {
    static RUNTIME: RefCell<tokio::runtime::Runtime> = RefCell::new(
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("a tokio runtime"),
    );
}

const STATUSES: [u16; 8] = [200, 200, 400, 403, 404, 429, 500, 503];

/// One call through the Import/Export client with `body` as the response.
fn response(op: u8, status: u16, body: &[u8]) {
    let transport = TestTransport::new();
    transport.push_response(
        status,
        &[("x-amzn-requestid", "fuzz"), ("content-type", "text/xml")],
        bytes::Bytes::copy_from_slice(body),
    );
    let client = importexport::Client::new(
        Config::new()
            .region("us-east-1")
            .credentials(Credentials::new("AKID", "SECRET", None))
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
                .block_on(client.get_status("JOB1").send())
                .map(|o| format!("{o:?}"))
                .map_err(|e| format!("{e} {e:?}")),
            2 => rt
                .block_on(client.cancel_job("JOB1").send())
                .map(|o| format!("{o:?}"))
                .map_err(|e| format!("{e} {e:?}")),
            _ => rt
                .block_on(client.get_shipping_label(vec!["JOB1".into()]).send())
                .map(|o| format!("{o:?}"))
                .map_err(|e| format!("{e} {e:?}")),
        };
        drop(shown);
    });
}

fuzz_target!(|data: &[u8]| {
    let [mode, pick, body @ ..] = data else {
        return;
    };
    if mode & 1 == 0 {
        match Element::parse(body) {
            Ok(root) => {
                drop(query_error(&root));
                SHAPES[usize::from(*pick) % SHAPES.len()](&root);
            }
            Err(e) => drop(e.to_string()),
        }
    } else {
        response(*pick, STATUSES[usize::from(mode >> 1) & 7], body);
    }
});

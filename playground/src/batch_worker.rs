//! The batch run in a web worker (`gloo-worker`), so a capture of thousands
//! of packets never blocks the page.
//!
//! The worker runs the page's own wasm module: a small loader script (a Blob
//! URL) imports the page's wasm-bindgen JS by its URL (`import.meta.url` of
//! that script), instantiates the wasm beside it and calls
//! [`bpfplay_batch_worker`], which registers [`BatchWorker`]. No second
//! binary is built, so the worker adds nothing to the page's download.
//!
//! The page drives the worker one chunk at a time: [`BatchInput::Start`]
//! prepares the program and runs the first chunk, each [`BatchInput::Next`]
//! runs one more; every chunk answers with its outcomes and the progress.
//! A chunk runs for at most [`CHUNK_MS`], so Cancel (dropping the bridge,
//! which closes the worker) takes effect within one chunk.

use gloo_worker::{Codec, HandlerId, Registrable, Spawnable, Worker, WorkerBridge, WorkerScope};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::map_edits::MapEdits;
use crate::packet_list::PacketItem;
use crate::session::{BatchOutcome, BatchRun};

/// Longest run of packets between two reports to the page.
pub const CHUNK_MS: f64 = 40.0;

/// What the page asks of the worker.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum BatchInput {
    /// Prepare `source` (with the map edits) and run the first chunk of
    /// `packets`; a new Start replaces any batch in progress.
    Start {
        /// The program text.
        source: String,
        /// The Maps panel's edits.
        edits: MapEdits,
        /// The packets, in order.
        packets: Vec<PacketItem>,
    },
    /// Run the next chunk.
    Next,
}

/// What the worker answers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum BatchOutput {
    /// The program cannot run (assembly error, verifier rejection, maps).
    Failed(String),
    /// The outcomes of one chunk: (packet name, outcome), in packet order.
    Chunk {
        /// This chunk's outcomes.
        outcomes: Vec<(String, BatchOutcome)>,
        /// Packets done so far.
        done: usize,
        /// Packets in the batch.
        total: usize,
    },
}

/// One packet's outcome (a packet whose bytes cannot be made is an error).
pub fn run_item(batch: &mut BatchRun, item: &PacketItem) -> BatchOutcome {
    match item.bytes() {
        Ok(bytes) => batch.run(&bytes),
        Err(e) => BatchOutcome {
            verdict: "error".into(),
            detail: format!("packet: {e}"),
            map_changes: Vec::new(),
        },
    }
}

/// Runs the whole batch here, on the calling thread: the reference the
/// worker's results are compared with in the tests, and the CLI-like path.
pub fn run_all(
    source: &str,
    edits: &MapEdits,
    packets: &[PacketItem],
) -> Result<Vec<(String, BatchOutcome)>, String> {
    let mut batch = BatchRun::prepare_with(source, edits)?;
    Ok(packets
        .iter()
        .map(|p| (p.name.clone(), run_item(&mut batch, p)))
        .collect())
}

/// The worker: the prepared program and the packets still to run.
pub struct BatchWorker {
    batch: Option<(BatchRun, Vec<PacketItem>, usize)>,
}

impl BatchWorker {
    fn chunk(&mut self) -> BatchOutput {
        let Some((batch, packets, next)) = &mut self.batch else {
            return BatchOutput::Chunk {
                outcomes: Vec::new(),
                done: 0,
                total: 0,
            };
        };
        let until = js_sys::Date::now() + CHUNK_MS;
        let mut outcomes = Vec::new();
        while let Some(item) = packets.get(*next) {
            outcomes.push((item.name.clone(), run_item(batch, item)));
            *next += 1;
            if js_sys::Date::now() >= until {
                break;
            }
        }
        let (done, total) = (*next, packets.len());
        if done >= total {
            self.batch = None;
        }
        BatchOutput::Chunk {
            outcomes,
            done,
            total,
        }
    }
}

impl Worker for BatchWorker {
    type Message = ();
    type Input = BatchInput;
    type Output = BatchOutput;

    fn create(_scope: &WorkerScope<Self>) -> Self {
        BatchWorker { batch: None }
    }

    fn update(&mut self, _scope: &WorkerScope<Self>, _msg: ()) {}

    fn received(&mut self, scope: &WorkerScope<Self>, msg: BatchInput, id: HandlerId) {
        let out = match msg {
            BatchInput::Start {
                source,
                edits,
                packets,
            } => match BatchRun::prepare_with(&source, &edits) {
                Ok(batch) => {
                    self.batch = Some((batch, packets, 0));
                    self.chunk()
                }
                Err(e) => {
                    self.batch = None;
                    BatchOutput::Failed(e)
                }
            },
            BatchInput::Next => self.chunk(),
        };
        scope.respond(id, out);
    }
}

/// Messages as JSON text: the packet list's serde form (tagged enums,
/// optional fields) is JSON-shaped, and `serde_json` is in the binary
/// already (bincode would add its own code).
#[derive(Debug)]
pub struct JsonCodec;

impl Codec for JsonCodec {
    fn encode<I: Serialize>(input: I) -> JsValue {
        JsValue::from_str(&serde_json::to_string(&input).unwrap_or_default())
    }

    fn decode<O: for<'de> Deserialize<'de>>(input: JsValue) -> O {
        let text = input.as_string().unwrap_or_default();
        serde_json::from_str(&text).expect_throw("a batch worker message is not the JSON it sent")
    }
}

/// Registers [`BatchWorker`] in this worker; the loader script calls it
/// once the module is instantiated.
#[wasm_bindgen]
pub fn bpfplay_batch_worker() {
    BatchWorker::registrar().encoding::<JsonCodec>().register();
}

#[wasm_bindgen]
extern "C" {
    /// The URL of this module's wasm-bindgen JS (the page's `<script
    /// type="module">` imported it; its default init finds the wasm beside it).
    #[wasm_bindgen(thread_local_v2, js_namespace = ["import", "meta"], js_name = url)]
    static GLUE_URL: String;
}

/// True when this code runs in a dedicated worker (not on the page).
pub fn in_worker() -> bool {
    js_sys::global()
        .dyn_into::<web_sys::DedicatedWorkerGlobalScope>()
        .is_ok()
}

/// Starts a batch worker; `on_output` hears every answer. Dropping the
/// bridge closes the worker (after the chunk it is running).
pub fn spawn(
    on_output: impl Fn(BatchOutput) + 'static,
) -> Result<WorkerBridge<BatchWorker>, String> {
    let glue = GLUE_URL.with(String::clone);
    // wasm-bindgen puts the wasm beside its JS as NAME_bg.wasm (Trunk:
    // playground-HASH.js and playground-HASH_bg.wasm).
    let wasm = format!("{}_bg.wasm", glue.strip_suffix(".js").unwrap_or(&glue));
    let loader = format!(
        "import({glue:?}).then(async (m) => {{ await m.default({{ module_or_path: {wasm:?} }}); m.bpfplay_batch_worker(); }})\
         .catch((e) => {{ console.error('batch worker failed to start', e); self.close(); }});"
    );
    let parts = js_sys::Array::of1(&JsValue::from_str(&loader));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/javascript");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|_| "cannot make the worker's loader script".to_string())?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)
        .map_err(|_| "cannot make a URL for the worker's loader script".to_string())?;
    let bridge = BatchWorker::spawner()
        .encoding::<JsonCodec>()
        .callback(on_output)
        .spawn_with_loader(&url);
    Ok(bridge)
}

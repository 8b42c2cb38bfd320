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
//!
//! A worker that cannot start is reported, never waited on forever: a
//! browser that refuses to make one is found by a probe before gloo-worker
//! (which would panic) is asked; a loader that cannot import the module
//! says why over a `BroadcastChannel`; a worker that does not answer a
//! request within [`Launch::answer_within_ms`] is given up. Each arrives as
//! [`BatchOutput::Lost`].

use std::rc::Rc;

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
    /// The worker could not start, or stopped answering: why, in words.
    /// The page sends nothing more; the batch can be run again.
    Lost(String),
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

/// How the page starts batch workers. The default loads the page's own
/// module; tests point `script` elsewhere to make the worker fail.
#[derive(Clone, Debug, PartialEq)]
pub struct Launch {
    /// The wasm-bindgen JS the worker imports (`None`: the page's own; its
    /// wasm is beside it as `NAME_bg.wasm`).
    pub script: Option<String>,
    /// How long the worker may take to answer one request (starting up
    /// and preparing the program included) before it is given up.
    pub answer_within_ms: u32,
}

impl Default for Launch {
    fn default() -> Self {
        Launch {
            script: None,
            answer_within_ms: 15_000,
        }
    }
}

thread_local! {
    static LAUNCH: std::cell::RefCell<Launch> = std::cell::RefCell::new(Launch::default());
    static SPAWNED: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Sets how later batch workers start.
pub fn set_launch(launch: Launch) {
    LAUNCH.with(|l| *l.borrow_mut() = launch);
}

/// An exception's message (`TypeError: ...`), for the page to show.
fn js_error_text(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.to_string()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| format!("{e:?}"))
}

/// A script as a Blob URL, for a worker to load.
fn script_url(code: &str) -> Result<String, String> {
    let parts = js_sys::Array::of1(&JsValue::from_str(code));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/javascript");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(|e| {
        format!(
            "cannot make the worker's loader script ({})",
            js_error_text(&e)
        )
    })?;
    web_sys::Url::create_object_url_with_blob(&blob).map_err(|e| {
        format!(
            "cannot make a URL for the worker's loader script ({})",
            js_error_text(&e)
        )
    })
}

/// Makes and ends an empty worker: whether this browser, page and its
/// content security policy let a Blob URL worker be made, which the real
/// one (made by gloo-worker, which panics when the constructor throws)
/// needs.
fn probe_worker() -> Result<(), String> {
    let url = script_url("")?;
    let made = web_sys::Worker::new(&url);
    let _ = web_sys::Url::revoke_object_url(&url);
    match made {
        Ok(w) => {
            w.terminate();
            Ok(())
        }
        Err(e) => Err(format!(
            "the browser would not start a web worker ({})",
            js_error_text(&e)
        )),
    }
}

/// A running batch worker. [`BatchBridge::send`] asks it for work; dropping
/// the bridge closes the worker (after the chunk it is running).
pub struct BatchBridge {
    bridge: WorkerBridge<BatchWorker>,
    lost: Rc<dyn Fn(String)>,
    answers: Rc<std::cell::Cell<u64>>,
    answer_within_ms: u32,
    // Hears the loader's failure; closed with the bridge.
    channel: web_sys::BroadcastChannel,
    _listener: gloo_events::EventListener,
}

impl BatchBridge {
    /// Sends `input`; when no answer comes within the launch's time, the
    /// callback hears [`BatchOutput::Lost`].
    pub fn send(&self, input: BatchInput) {
        self.bridge.send(input);
        let (answers, lost) = (self.answers.clone(), Rc::downgrade(&self.lost));
        let before = answers.get();
        let ms = self.answer_within_ms;
        wasm_bindgen_futures::spawn_local(async move {
            yew::platform::time::sleep(std::time::Duration::from_millis(ms.into())).await;
            // A dropped bridge (finished, cancelled) holds no callback.
            if let (true, Some(lost)) = (answers.get() == before, lost.upgrade()) {
                lost(format!(
                    "the worker did not answer within {:.1} s",
                    f64::from(ms) / 1000.0
                ));
            }
        });
    }
}

impl Drop for BatchBridge {
    fn drop(&mut self) {
        self.channel.close();
    }
}

/// Starts a batch worker; `on_output` hears every answer, and
/// [`BatchOutput::Lost`] (at most once) when the worker cannot start or
/// stops answering; after that it hears nothing more.
pub fn spawn(on_output: impl Fn(BatchOutput) + 'static) -> Result<BatchBridge, String> {
    let launch = LAUNCH.with(|l| l.borrow().clone());
    let glue = launch
        .script
        .clone()
        .unwrap_or_else(|| GLUE_URL.with(String::clone));
    // wasm-bindgen puts the wasm beside its JS as NAME_bg.wasm (Trunk:
    // playground-HASH.js and playground-HASH_bg.wasm).
    let wasm = format!("{}_bg.wasm", glue.strip_suffix(".js").unwrap_or(&glue));
    probe_worker()?;

    // One callback for the worker's answers and for its loss; after a loss
    // it hears nothing, so a late answer cannot follow the error.
    let gone = Rc::new(std::cell::Cell::new(false));
    let answers = Rc::new(std::cell::Cell::new(0u64));
    let on_output = Rc::new(on_output);
    let lost: Rc<dyn Fn(String)> = {
        let (gone, on_output) = (gone.clone(), on_output.clone());
        Rc::new(move |why: String| {
            if !gone.replace(true) {
                on_output(BatchOutput::Lost(why));
            }
        })
    };
    let on_answer = {
        let (gone, answers) = (gone.clone(), answers.clone());
        move |out: BatchOutput| {
            answers.set(answers.get() + 1);
            if !gone.get() {
                on_output(out);
            }
        }
    };

    let n = SPAWNED.with(|c| c.replace(c.get().wrapping_add(1)));
    let name = format!("bpfplay-batch-{n}-{}", js_sys::Math::random());
    let channel = web_sys::BroadcastChannel::new(&name).map_err(|e| {
        format!(
            "cannot open a channel to the worker ({})",
            js_error_text(&e)
        )
    })?;
    let listener = {
        let lost = Rc::downgrade(&lost);
        gloo_events::EventListener::new(&channel, "message", move |e| {
            let why = e
                .dyn_ref::<web_sys::MessageEvent>()
                .and_then(|m| m.data().as_string())
                .unwrap_or_default();
            if let Some(lost) = lost.upgrade() {
                lost(format!(
                    "the worker could not load the playground's code ({why})"
                ));
            }
        })
    };
    let loader = format!(
        "import({glue:?}).then(async (m) => {{ await m.default({{ module_or_path: {wasm:?} }}); m.bpfplay_batch_worker(); }})\
         .catch((e) => {{ console.error('batch worker failed to start', e); \
         new BroadcastChannel({name:?}).postMessage(String(e)); }});"
    );
    let url = script_url(&loader)?;
    let bridge = BatchWorker::spawner()
        .encoding::<JsonCodec>()
        .callback(on_answer)
        .spawn_with_loader(&url);
    Ok(BatchBridge {
        bridge,
        lost,
        answers,
        answer_within_ms: launch.answer_within_ms,
        channel,
        _listener: listener,
    })
}

//! Maps: the kernel's map types with its semantics, behind one trait ([`Map`]),
//! and [`Maps`], the maps of one program with the user-space API the CLI and the
//! playground use (lookup, update, delete, iterate, pop ring buffer records).
//!
//! A map that hands out pointers to its values (array, hash, LRU hash, LPM trie
//! and their per-CPU forms) keeps all its values in one byte arena
//! ([`Map::values`]); a lookup answers an offset into it. While a program runs,
//! the runtime maps the arena into the program's memory as one region, so the
//! program reads and writes a looked-up value in place, as in the kernel.
//! Values sit `round_up(value_size, 8)` bytes apart, per-CPU copies of one
//! element side by side.
//!
//! | file | map types |
//! |---|---|
//! | [`array`](mod@array) | `BPF_MAP_TYPE_ARRAY`, `BPF_MAP_TYPE_PERCPU_ARRAY` |
//! | [`hash`] | `BPF_MAP_TYPE_HASH`, `BPF_MAP_TYPE_PERCPU_HASH`, `BPF_MAP_TYPE_LRU_HASH` |
//! | [`lpm_trie`] | `BPF_MAP_TYPE_LPM_TRIE` |
//! | [`queue_stack`] | `BPF_MAP_TYPE_QUEUE`, `BPF_MAP_TYPE_STACK` |
//! | [`ringbuf`] | `BPF_MAP_TYPE_RINGBUF` |
//! | [`perf_event_array`] | `BPF_MAP_TYPE_PERF_EVENT_ARRAY` |
//! | [`stack_trace`] | `BPF_MAP_TYPE_STACK_TRACE` |
//! | [`prog_array`] | `BPF_MAP_TYPE_PROG_ARRAY` |
//! | [`devmap`] | `BPF_MAP_TYPE_DEVMAP` |
//!
//! ```
//! use vm_core::maps::{Maps, MapsConfig, BPF_ANY, BPF_NOEXIST, MapError};
//! use vm_core::{MapDef, MapType};
//!
//! let def = MapDef {
//!     name: "counts".into(), map_type: MapType::Hash, key_size: 4, value_size: 8,
//!     max_entries: 2, flags: 0, initial_value: None,
//!     initial_entries: vec![(1u32.to_le_bytes().to_vec(), 7u64.to_le_bytes().to_vec())],
//! };
//! let mut maps = Maps::new(&[def], MapsConfig::default()).unwrap();
//! assert_eq!(maps.lookup(0, &1u32.to_le_bytes()).unwrap(), 7u64.to_le_bytes());
//! maps.update(0, &1u32.to_le_bytes(), &8u64.to_le_bytes(), BPF_ANY).unwrap();
//! assert_eq!(maps.lookup(0, &1u32.to_le_bytes()).unwrap(), 8u64.to_le_bytes());
//! maps.update(0, &1u32.to_le_bytes(), &7u64.to_le_bytes(), BPF_ANY).unwrap();
//! assert_eq!(maps.lookup(0, &1u32.to_le_bytes()).unwrap(), 7u64.to_le_bytes());
//! assert_eq!(maps.update(0, &1u32.to_le_bytes(), &[0; 8], BPF_NOEXIST), Err(MapError::Exists));
//! assert_eq!(maps.lookup(0, &2u32.to_le_bytes()), Err(MapError::NotFound));
//! ```

pub mod array;
pub mod devmap;
pub mod hash;
pub mod lpm_trie;
pub mod perf_event_array;
pub mod prog_array;
pub mod queue_stack;
pub mod ringbuf;
pub mod stack_trace;

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use core::any::Any;
use core::fmt;

use crate::program::{MapDef, MapType, Program};

pub use array::ArrayMap;
pub use devmap::Devmap;
pub use hash::HashMap;
pub use lpm_trie::LpmTrie;
pub use perf_event_array::PerfEventArray;
pub use prog_array::ProgArray;
pub use queue_stack::QueueStack;
pub use ringbuf::RingBuf;
pub use stack_trace::StackTraceMap;

/// Update flag: create a new element or update an existing one.
pub const BPF_ANY: u64 = 0;
/// Update flag: create a new element only (`-EEXIST` if it exists).
pub const BPF_NOEXIST: u64 = 1;
/// Update flag: update an existing element only (`-ENOENT` if it does not);
/// for queue and stack maps, push over the oldest element when full.
pub const BPF_EXIST: u64 = 2;
/// Update flag: take the value's spin lock (refused: no map here has one).
pub const BPF_F_LOCK: u64 = 4;

/// Largest arena a single map may allocate (keeps the browser's memory in check).
pub const MAX_MAP_BYTES: usize = 64 << 20;

/// Why a map operation failed; each maps to the errno the kernel returns
/// (a helper returns it negated in `r0`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MapError {
    /// `ENOENT`: no such element (or an empty queue, or the end of iteration).
    NotFound,
    /// `EEXIST`: the element exists (`BPF_NOEXIST`), or a stack id is taken.
    Exists,
    /// `E2BIG`: the map is full, or an index is past `max_entries`.
    TooBig,
    /// `EINVAL`: bad flags, sizes or arguments.
    Invalid,
    /// `ENOSPC`: an LPM trie is full.
    NoSpace,
    /// `ENOMEM`: the map would be too large to allocate.
    NoMemory,
    /// `EFAULT`: no stack to record (`bpf_get_stackid`).
    Fault,
    /// `EOPNOTSUPP`: this map type does not support the operation.
    NotSupported,
    /// `EBADF`: no map with this index.
    BadMap,
    /// `EAGAIN`: no room in a ring buffer right now (`bpf_ringbuf_output`).
    Again,
}

impl MapError {
    /// The kernel's errno (positive).
    pub const fn errno(self) -> i32 {
        match self {
            MapError::NotFound => 2,
            MapError::Exists => 17,
            MapError::TooBig => 7,
            MapError::Invalid => 22,
            MapError::NoSpace => 28,
            MapError::NoMemory => 12,
            MapError::Fault => 14,
            MapError::NotSupported => 95,
            MapError::BadMap => 9,
            MapError::Again => 11,
        }
    }

    /// The errno's name (`ENOENT`, ...).
    pub const fn errno_name(self) -> &'static str {
        match self {
            MapError::NotFound => "ENOENT",
            MapError::Exists => "EEXIST",
            MapError::TooBig => "E2BIG",
            MapError::Invalid => "EINVAL",
            MapError::NoSpace => "ENOSPC",
            MapError::NoMemory => "ENOMEM",
            MapError::Fault => "EFAULT",
            MapError::NotSupported => "EOPNOTSUPP",
            MapError::BadMap => "EBADF",
            MapError::Again => "EAGAIN",
        }
    }

    /// What a helper returns in `r0` for this error: `-errno`.
    pub const fn to_helper_ret(self) -> u64 {
        (-(self.errno() as i64)) as u64
    }
}

impl fmt::Display for MapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self {
            MapError::NotFound => "no such element",
            MapError::Exists => "element exists",
            MapError::TooBig => "map is full or index out of range",
            MapError::Invalid => "invalid argument",
            MapError::NoSpace => "no space left in map",
            MapError::NoMemory => "map too large",
            MapError::Fault => "bad address",
            MapError::NotSupported => "operation not supported by this map type",
            MapError::BadMap => "no such map",
            MapError::Again => "ring buffer full",
        };
        write!(f, "{what} (-{})", self.errno_name())
    }
}

#[cfg(feature = "std")]
impl std::error::Error for MapError {}

/// How maps are simulated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MapsConfig {
    /// Number of simulated CPUs: copies per element of per-CPU maps, perf
    /// buffers of a perf event array (at least 1).
    pub ncpus: u32,
}

impl Default for MapsConfig {
    fn default() -> Self {
        MapsConfig { ncpus: 1 }
    }
}

/// Bytes between two values in an arena: the value size rounded up to 8, as the kernel lays them out.
pub const fn value_stride(value_size: u32) -> usize {
    (value_size as usize).div_ceil(8) * 8
}

/// One map. Operations not meaningful for a type return [`MapError::NotSupported`]
/// (or what the kernel returns for them). `cpu` is the CPU the program runs on.
pub trait Map: fmt::Debug + Any {
    /// The definition it was created from.
    fn def(&self) -> &MapDef;

    /// A program's lookup (`bpf_map_lookup_elem`): the offset of the value in
    /// [`Map::values`] (the copy of CPU `cpu` for per-CPU maps), or `None`.
    fn lookup(&mut self, key: &[u8], cpu: u32) -> Result<Option<usize>, MapError> {
        let _ = (key, cpu);
        Err(MapError::NotSupported)
    }

    /// A program's update (`bpf_map_update_elem`) with one value of
    /// `value_size` bytes (per-CPU maps: CPU `cpu`'s copy).
    fn update(&mut self, key: &[u8], value: &[u8], flags: u64, cpu: u32) -> Result<(), MapError> {
        let _ = (key, value, flags, cpu);
        Err(MapError::NotSupported)
    }

    /// Deletes an element (`bpf_map_delete_elem`, user space alike).
    fn delete(&mut self, key: &[u8]) -> Result<(), MapError> {
        let _ = key;
        Err(MapError::NotSupported)
    }

    /// Pushes a value (queue and stack maps; `bpf_map_push_elem`).
    fn push(&mut self, value: &[u8], flags: u64) -> Result<(), MapError> {
        let _ = (value, flags);
        Err(MapError::NotSupported)
    }

    /// Removes and returns the next value (queue: oldest, stack: newest).
    fn pop(&mut self) -> Result<Vec<u8>, MapError> {
        Err(MapError::NotSupported)
    }

    /// Returns the next value without removing it.
    fn peek(&self) -> Result<Vec<u8>, MapError> {
        Err(MapError::NotSupported)
    }

    /// User-space iteration (`BPF_MAP_GET_NEXT_KEY`): the key after `key`, or the
    /// first key when `key` is `None` (or not in the map); `NotFound` at the end.
    fn next_key(&self, key: Option<&[u8]>) -> Result<Vec<u8>, MapError> {
        let _ = key;
        Err(MapError::NotSupported)
    }

    /// User-space lookup (`BPF_MAP_LOOKUP_ELEM`): a copy of the value; per-CPU
    /// maps return every CPU's copy, each `round_up(value_size, 8)` bytes.
    fn lookup_user(&self, key: &[u8]) -> Result<Vec<u8>, MapError> {
        let _ = key;
        Err(MapError::NotSupported)
    }

    /// User-space update (`BPF_MAP_UPDATE_ELEM`); per-CPU maps take every CPU's
    /// copy, each `round_up(value_size, 8)` bytes.
    fn update_user(&mut self, key: &[u8], value: &[u8], flags: u64) -> Result<(), MapError> {
        let _ = (key, value, flags);
        Err(MapError::NotSupported)
    }

    /// The value arena lookups point into (empty for maps without one).
    fn values(&self) -> &[u8] {
        &[]
    }

    /// Lends the arena out (to the program's memory while it runs); the map
    /// must get it back with [`Map::restore_values`] before any other operation.
    fn take_values(&mut self) -> Vec<u8> {
        Vec::new()
    }

    /// Gives a lent arena back.
    fn restore_values(&mut self, values: Vec<u8>) {
        let _ = values;
    }

    /// For downcasting to the concrete type (ring buffer records, ...).
    fn as_any(&self) -> &dyn Any;

    /// For downcasting to the concrete type.
    fn as_any_mut(&mut self) -> &mut dyn Any;

    /// A copy of the map (to snapshot map state).
    fn clone_box(&self) -> Box<dyn Map>;
}

impl Clone for Box<dyn Map> {
    fn clone(&self) -> Self {
        self.clone_box()
    }
}

/// Creates the map `def` describes, checking its sizes as `BPF_MAP_CREATE` does.
pub fn create_map(def: &MapDef, config: MapsConfig) -> Result<Box<dyn Map>, MapError> {
    let ncpus = config.ncpus.max(1);
    Ok(match def.map_type {
        MapType::Array => Box::new(ArrayMap::new(def, 1)?),
        MapType::PercpuArray => Box::new(ArrayMap::new(def, ncpus)?),
        MapType::Hash => Box::new(HashMap::new(def, 1, false)?),
        MapType::PercpuHash => Box::new(HashMap::new(def, ncpus, false)?),
        MapType::LruHash => Box::new(HashMap::new(def, 1, true)?),
        MapType::LpmTrie => Box::new(LpmTrie::new(def)?),
        MapType::Queue => Box::new(QueueStack::new(def, false)?),
        MapType::Stack => Box::new(QueueStack::new(def, true)?),
        MapType::Ringbuf => Box::new(RingBuf::new(def)?),
        MapType::PerfEventArray => Box::new(PerfEventArray::new(def, ncpus)?),
        MapType::StackTrace => Box::new(StackTraceMap::new(def)?),
        MapType::ProgArray => Box::new(ProgArray::new(def)?),
        MapType::Devmap => Box::new(Devmap::new(def)?),
    })
}

/// `value` as user space passes it for `def`: per-CPU maps (with more than
/// one CPU) take one copy per CPU, each padded to 8 bytes.
fn user_value(def: &MapDef, config: MapsConfig, value: &[u8]) -> Vec<u8> {
    let per_cpu = matches!(def.map_type, MapType::PercpuArray | MapType::PercpuHash);
    if !per_cpu || config.ncpus <= 1 {
        return value.to_vec();
    }
    let stride = value.len().next_multiple_of(8);
    let mut out = Vec::with_capacity(stride.saturating_mul(config.ncpus as usize));
    for _ in 0..config.ncpus {
        out.extend_from_slice(value);
        out.resize(out.len() + (stride - value.len()), 0);
    }
    out
}

/// A map that could not be created.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MapCreateError {
    /// Its index in the program's maps.
    pub index: usize,
    /// Its name.
    pub name: String,
    /// The initial entry (index in [`MapDef::initial_entries`]) that could not
    /// be put in the map, when creating the map worked but filling it did not.
    pub entry: Option<usize>,
    /// Why.
    pub error: MapError,
}

impl fmt::Display for MapCreateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.entry {
            Some(entry) => write!(
                f,
                "cannot fill map {} ({}): initial entry {entry}: {}",
                self.index, self.name, self.error
            ),
            None => write!(
                f,
                "cannot create map {} ({}): {}",
                self.index, self.name, self.error
            ),
        }
    }
}

/// One element of a map, as user space sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MapEntry {
    /// The key.
    pub key: Vec<u8>,
    /// The value (per-CPU maps: every CPU's copy, each `round_up(value_size, 8)` bytes).
    pub value: Vec<u8>,
}

/// The maps of a program, by index (the index `lddw` map references carry),
/// with the user-space API. Map state persists across runs.
#[derive(Clone, Debug)]
pub struct Maps {
    maps: Vec<Box<dyn Map>>,
    config: MapsConfig,
}

impl Maps {
    /// Creates every map in `defs` and puts each one's
    /// [`MapDef::initial_entries`] in it, in order, as user space would with
    /// `BPF_MAP_UPDATE_ELEM` and `BPF_ANY`: an entry past an array's end or
    /// beyond a hash map's capacity fails (`E2BIG`), as it does in the kernel.
    /// A per-CPU map gets the value in every CPU's copy.
    pub fn new(defs: &[MapDef], config: MapsConfig) -> Result<Maps, MapCreateError> {
        let maps = defs
            .iter()
            .enumerate()
            .map(|(index, def)| {
                let fail = |entry, error| MapCreateError {
                    index,
                    name: def.name.clone(),
                    entry,
                    error,
                };
                let mut map = create_map(def, config).map_err(|e| fail(None, e))?;
                for (i, (key, value)) in def.initial_entries.iter().enumerate() {
                    let value = user_value(def, config, value);
                    map.update_user(key, &value, BPF_ANY)
                        .map_err(|e| fail(Some(i), e))?;
                }
                Ok(map)
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Maps { maps, config })
    }

    /// Creates the maps `program` declares.
    pub fn for_program(program: &Program, config: MapsConfig) -> Result<Maps, MapCreateError> {
        Maps::new(&program.maps, config)
    }

    /// Creates the maps of several programs that share maps by name (a program
    /// and its tail-call targets): each name once, in order of first appearance.
    /// Two programs declaring one name differently is an `EINVAL` error.
    pub fn for_programs(programs: &[&Program], config: MapsConfig) -> Result<Maps, MapCreateError> {
        let mut defs: Vec<MapDef> = Vec::new();
        for def in programs.iter().flat_map(|p| &p.maps) {
            match defs.iter().position(|d| d.name == def.name) {
                Some(i) if defs.get(i) != Some(def) => {
                    return Err(MapCreateError {
                        index: i,
                        name: def.name.clone(),
                        entry: None,
                        error: MapError::Invalid,
                    })
                }
                Some(_) => {}
                None => defs.push(def.clone()),
            }
        }
        Maps::new(&defs, config)
    }

    /// The configuration the maps were created with.
    pub fn config(&self) -> MapsConfig {
        self.config
    }

    /// Number of maps.
    pub fn len(&self) -> usize {
        self.maps.len()
    }

    /// Whether there are no maps.
    pub fn is_empty(&self) -> bool {
        self.maps.is_empty()
    }

    /// Map `index`.
    pub fn get(&self, index: usize) -> Option<&dyn Map> {
        self.maps.get(index).map(|m| &**m)
    }

    /// Map `index`, mutable.
    pub fn get_mut(&mut self, index: usize) -> Option<&mut (dyn Map + 'static)> {
        self.maps.get_mut(index).map(|m| &mut **m)
    }

    /// The index of the map named `name`.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.maps.iter().position(|m| m.def().name == name)
    }

    /// Every map with its index.
    pub fn iter(&self) -> impl Iterator<Item = (usize, &dyn Map)> {
        self.maps.iter().enumerate().map(|(i, m)| (i, &**m))
    }

    fn map(&self, index: usize) -> Result<&dyn Map, MapError> {
        self.get(index).ok_or(MapError::BadMap)
    }

    fn map_mut(&mut self, index: usize) -> Result<&mut (dyn Map + 'static), MapError> {
        self.get_mut(index).ok_or(MapError::BadMap)
    }

    /// A copy of the value at `key` (per-CPU maps: every CPU's copy).
    pub fn lookup(&self, map: usize, key: &[u8]) -> Result<Vec<u8>, MapError> {
        self.map(map)?.lookup_user(key)
    }

    /// Sets the value at `key` with `BPF_ANY` / `BPF_NOEXIST` / `BPF_EXIST`
    /// (per-CPU maps: every CPU's copy; prog arrays: a program index).
    pub fn update(
        &mut self,
        map: usize,
        key: &[u8],
        value: &[u8],
        flags: u64,
    ) -> Result<(), MapError> {
        self.map_mut(map)?.update_user(key, value, flags)
    }

    /// Deletes the element at `key`.
    pub fn delete(&mut self, map: usize, key: &[u8]) -> Result<(), MapError> {
        self.map_mut(map)?.delete(key)
    }

    /// The key after `key` (the first key for `None`); `NotFound` at the end.
    pub fn next_key(&self, map: usize, key: Option<&[u8]>) -> Result<Vec<u8>, MapError> {
        self.map(map)?.next_key(key)
    }

    /// Every element in iteration order (values as [`Maps::lookup`]
    /// returns them). Empty for maps without keys (queue, stack, ring buffer).
    pub fn entries(&self, map: usize) -> Result<Vec<MapEntry>, MapError> {
        let m = self.map(map)?;
        let mut out = Vec::new();
        let mut key: Option<Vec<u8>> = None;
        loop {
            match m.next_key(key.as_deref()) {
                Ok(next) => {
                    // A key that vanished between next_key and lookup is skipped, as bpftool does.
                    if let Ok(value) = m.lookup_user(&next) {
                        out.push(MapEntry {
                            key: next.clone(),
                            value,
                        });
                    }
                    if out.len() > m.def().max_entries as usize || key.as_deref() == Some(&next) {
                        break;
                    }
                    key = Some(next);
                }
                Err(MapError::NotFound | MapError::NotSupported | MapError::Invalid) => break,
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }

    /// Pushes onto a queue or stack map.
    pub fn push(&mut self, map: usize, value: &[u8], flags: u64) -> Result<(), MapError> {
        self.map_mut(map)?.push(value, flags)
    }

    /// Pops from a queue or stack map.
    pub fn pop(&mut self, map: usize) -> Result<Vec<u8>, MapError> {
        self.map_mut(map)?.pop()
    }

    /// Peeks at a queue or stack map.
    pub fn peek(&self, map: usize) -> Result<Vec<u8>, MapError> {
        self.map(map)?.peek()
    }

    /// Map `index` as a ring buffer.
    pub fn ringbuf(&self, index: usize) -> Option<&RingBuf> {
        self.get(index)?.as_any().downcast_ref()
    }

    /// Map `index` as a ring buffer, to consume records.
    pub fn ringbuf_mut(&mut self, index: usize) -> Option<&mut RingBuf> {
        self.get_mut(index)?.as_any_mut().downcast_mut()
    }

    /// Takes the oldest submitted record of ring buffer `map` (discarded ones are skipped).
    pub fn pop_ringbuf_record(&mut self, map: usize) -> Result<Option<Vec<u8>>, MapError> {
        let rb = self.ringbuf_mut(map).ok_or(MapError::NotSupported)?;
        Ok(rb.pop_record())
    }

    /// Map `index` as a perf event array.
    pub fn perf_event_array(&self, index: usize) -> Option<&PerfEventArray> {
        self.get(index)?.as_any().downcast_ref()
    }

    /// Map `index` as a perf event array, to consume records.
    pub fn perf_event_array_mut(&mut self, index: usize) -> Option<&mut PerfEventArray> {
        self.get_mut(index)?.as_any_mut().downcast_mut()
    }

    /// Map `index` as a stack trace map.
    pub fn stack_trace(&self, index: usize) -> Option<&StackTraceMap> {
        self.get(index)?.as_any().downcast_ref()
    }

    /// Map `index` as a stack trace map.
    pub fn stack_trace_mut(&mut self, index: usize) -> Option<&mut StackTraceMap> {
        self.get_mut(index)?.as_any_mut().downcast_mut()
    }

    /// Map `index` as a prog array.
    pub fn prog_array(&self, index: usize) -> Option<&ProgArray> {
        self.get(index)?.as_any().downcast_ref()
    }

    /// Map `index` as a devmap.
    pub fn devmap(&self, index: usize) -> Option<&Devmap> {
        self.get(index)?.as_any().downcast_ref()
    }
}

/// Checks update flags the way hash-like maps do: at most one of `BPF_NOEXIST`
/// / `BPF_EXIST`, and no `BPF_F_LOCK` (no map here holds a spin lock).
pub(crate) fn check_update_flags(flags: u64) -> Result<(), MapError> {
    if flags > BPF_EXIST {
        Err(MapError::Invalid)
    } else {
        Ok(())
    }
}

/// The `u32` a 4-byte key holds.
pub(crate) fn key_u32(key: &[u8]) -> Result<u32, MapError> {
    let bytes: [u8; 4] = key.try_into().map_err(|_| MapError::Invalid)?;
    Ok(u32::from_le_bytes(bytes))
}

/// Checks that `key` has the map's key size.
pub(crate) fn check_len(def: &MapDef, key: &[u8]) -> Result<(), MapError> {
    if key.len() == def.key_size as usize {
        Ok(())
    } else {
        Err(MapError::Invalid)
    }
}

/// Allocates a zeroed arena of `slots` values of `stride` bytes, within [`MAX_MAP_BYTES`].
pub(crate) fn alloc_arena(slots: usize, stride: usize) -> Result<Vec<u8>, MapError> {
    let bytes = slots.checked_mul(stride).ok_or(MapError::NoMemory)?;
    if bytes > MAX_MAP_BYTES {
        return Err(MapError::NoMemory);
    }
    Ok(alloc::vec![0; bytes])
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;
    use alloc::vec;

    fn def(
        name: &str,
        map_type: MapType,
        key_size: u32,
        value_size: u32,
        max_entries: u32,
    ) -> MapDef {
        MapDef {
            name: String::from(name),
            map_type,
            key_size,
            value_size,
            max_entries,
            flags: 0,
            initial_value: None,
            initial_entries: Vec::new(),
        }
    }

    fn entry(key: u32, value: u64) -> (Vec<u8>, Vec<u8>) {
        (key.to_le_bytes().to_vec(), value.to_le_bytes().to_vec())
    }

    #[test]
    fn initial_entries_are_put_in_order_with_any() {
        let mut h = def("h", MapType::Hash, 4, 8, 2);
        h.initial_entries = vec![entry(1, 10), entry(2, 20), entry(1, 11)];
        let maps = Maps::new(&[h.clone()], MapsConfig::default()).unwrap();
        assert_eq!(
            maps.lookup(0, &1u32.to_le_bytes()).unwrap(),
            11u64.to_le_bytes()
        );
        assert_eq!(
            maps.lookup(0, &2u32.to_le_bytes()).unwrap(),
            20u64.to_le_bytes()
        );
        // A third key does not fit in two entries: E2BIG, naming the entry.
        h.initial_entries.push(entry(3, 30));
        let err = Maps::new(&[h], MapsConfig::default()).unwrap_err();
        assert_eq!((err.entry, err.error), (Some(3), MapError::TooBig));
        assert_eq!(
            err.to_string(),
            "cannot fill map 0 (h): initial entry 3: map is full or index out of range (-E2BIG)"
        );
        let mut a = def("a", MapType::Array, 4, 8, 2);
        a.initial_entries = vec![entry(2, 1)];
        let err = Maps::new(&[a], MapsConfig::default()).unwrap_err();
        assert_eq!((err.entry, err.error), (Some(0), MapError::TooBig));
    }

    #[test]
    fn initial_entries_fill_every_cpu_of_per_cpu_maps() {
        let mut pa = def("pa", MapType::PercpuArray, 4, 4, 2);
        pa.initial_entries = vec![(1u32.to_le_bytes().to_vec(), vec![1, 2, 3, 4])];
        let maps = Maps::new(&[pa], MapsConfig { ncpus: 2 }).unwrap();
        assert_eq!(
            maps.lookup(0, &1u32.to_le_bytes()).unwrap(),
            [1, 2, 3, 4, 0, 0, 0, 0, 1, 2, 3, 4, 0, 0, 0, 0]
        );
    }

    #[test]
    fn initial_entries_in_maps_without_update_fail() {
        let mut rb = def("rb", MapType::Ringbuf, 0, 0, 4096);
        rb.initial_entries = vec![(Vec::new(), Vec::new())];
        let err = Maps::new(&[rb], MapsConfig::default()).unwrap_err();
        assert_eq!(err.entry, Some(0));
    }

    #[test]
    fn every_type_is_created_and_bad_sizes_name_the_map() {
        let defs = [
            def("h", MapType::Hash, 4, 8, 4),
            def("a", MapType::Array, 4, 8, 4),
            def("p", MapType::ProgArray, 4, 4, 4),
            def("pe", MapType::PerfEventArray, 4, 4, 4),
            def("ph", MapType::PercpuHash, 4, 8, 4),
            def("pa", MapType::PercpuArray, 4, 8, 4),
            def("st", MapType::StackTrace, 4, 64, 4),
            def("lru", MapType::LruHash, 4, 8, 4),
            def("lpm", MapType::LpmTrie, 8, 8, 4),
            def("dev", MapType::Devmap, 4, 4, 4),
            def("q", MapType::Queue, 0, 8, 4),
            def("s", MapType::Stack, 0, 8, 4),
            def("rb", MapType::Ringbuf, 0, 0, 4096),
        ];
        let maps = Maps::new(&defs, MapsConfig { ncpus: 2 }).unwrap();
        for (i, m) in maps.iter() {
            assert_eq!(m.def().map_type, MapType::ALL[i]);
        }
        assert_eq!(maps.index_of("rb"), Some(12));
        assert!(maps.ringbuf(12).is_some());
        assert!(maps.ringbuf(0).is_none());
        let err = Maps::new(
            &[defs[0].clone(), def("bad", MapType::Array, 8, 8, 1)],
            MapsConfig::default(),
        )
        .unwrap_err();
        assert_eq!((err.index, err.error), (1, MapError::Invalid));
        assert_eq!(
            err.to_string(),
            "cannot create map 1 (bad): invalid argument (-EINVAL)"
        );
    }

    #[test]
    fn huge_max_entries_cost_nothing_or_are_refused() {
        let big = |t, k, v| def("big", t, k, v, u32::MAX);
        let cfg = MapsConfig::default();
        assert_eq!(
            create_map(&big(MapType::Hash, 4, 8), cfg).err(),
            Some(MapError::NoMemory)
        );
        assert_eq!(
            create_map(&big(MapType::Array, 4, 8), cfg).err(),
            Some(MapError::NoMemory)
        );
        assert_eq!(
            create_map(&big(MapType::LpmTrie, 8, 8), cfg).err(),
            Some(MapError::NoMemory)
        );
        assert_eq!(
            create_map(&big(MapType::Queue, 0, 8), cfg).err(),
            Some(MapError::NoMemory)
        );
        assert_eq!(
            create_map(&big(MapType::StackTrace, 4, 64), cfg).err(),
            Some(MapError::Invalid)
        );
        assert_eq!(
            create_map(&def("s", MapType::StackTrace, 4, 8 * 128, 4), cfg).err(),
            Some(MapError::Invalid)
        );
        let mut p = create_map(&big(MapType::ProgArray, 4, 4), cfg).unwrap();
        p.update_user(
            &u32::MAX.wrapping_sub(1).to_le_bytes(),
            &1u32.to_le_bytes(),
            BPF_ANY,
        )
        .unwrap();
        assert!(create_map(&big(MapType::Devmap, 4, 4), cfg).is_ok());
        assert!(create_map(&big(MapType::PerfEventArray, 4, 4), cfg).is_ok());
        // A million-entry hash map only allocates its value arena up front.
        let mut h = create_map(&def("h", MapType::Hash, 4, 8, 1 << 20), cfg).unwrap();
        h.update_user(&7u32.to_le_bytes(), &[1; 8], BPF_ANY)
            .unwrap();
        assert_eq!(h.next_key(None), Ok(7u32.to_le_bytes().to_vec()));
    }

    #[test]
    fn user_space_api() {
        let mut maps = Maps::new(
            &[
                def("h", MapType::Hash, 4, 4, 4),
                def("q", MapType::Queue, 0, 4, 4),
            ],
            MapsConfig::default(),
        )
        .unwrap();
        for i in [3u32, 1, 2] {
            maps.update(0, &i.to_le_bytes(), &(i * 10).to_le_bytes(), BPF_ANY)
                .unwrap();
        }
        maps.delete(0, &1u32.to_le_bytes()).unwrap();
        let entries = maps.entries(0).unwrap();
        assert_eq!(entries.len(), 2);
        assert!(entries.contains(&MapEntry {
            key: 2u32.to_le_bytes().to_vec(),
            value: 20u32.to_le_bytes().to_vec()
        }));
        assert_eq!(maps.entries(1), Ok(vec![]));
        maps.push(1, &[1, 2, 3, 4], BPF_ANY).unwrap();
        assert_eq!(maps.peek(1), Ok(vec![1, 2, 3, 4]));
        assert_eq!(maps.pop(1), Ok(vec![1, 2, 3, 4]));
        assert_eq!(maps.pop(1), Err(MapError::NotFound));
        assert_eq!(maps.lookup(7, &[]), Err(MapError::BadMap));
        assert_eq!(maps.pop_ringbuf_record(0), Err(MapError::NotSupported));
        assert_eq!(MapError::NotFound.to_helper_ret(), (-2i64) as u64);
    }
}

//! Map operations with arbitrary arguments never panic, and a hash map agrees
//! with a model of the kernel's semantics on every sequence of operations.

use std::collections::HashMap as Model;

use proptest::prelude::*;
use vm_core::maps::{create_map, Map, MapError, MapsConfig, BPF_EXIST, BPF_NOEXIST};
use vm_core::{MapDef, MapType};

#[derive(Clone, Debug)]
enum Op {
    Lookup(Vec<u8>, u32),
    Update(Vec<u8>, Vec<u8>, u64, u32),
    Delete(Vec<u8>),
    NextKey(Option<Vec<u8>>),
    LookupUser(Vec<u8>),
    UpdateUser(Vec<u8>, Vec<u8>, u64),
    Push(Vec<u8>, u64),
    Pop,
    Peek,
}

fn bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(0u8..4, 0..10),
        prop::collection::vec(any::<u8>(), 4),
        prop::collection::vec(0u8..3, 8),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    let flags = prop_oneof![Just(0u64), Just(1), Just(2), Just(4), any::<u64>()];
    prop_oneof![
        (bytes(), 0u32..4).prop_map(|(k, c)| Op::Lookup(k, c)),
        (bytes(), bytes(), flags.clone(), 0u32..4).prop_map(|(k, v, f, c)| Op::Update(k, v, f, c)),
        bytes().prop_map(Op::Delete),
        prop::option::of(bytes()).prop_map(Op::NextKey),
        bytes().prop_map(Op::LookupUser),
        (bytes(), bytes(), flags.clone()).prop_map(|(k, v, f)| Op::UpdateUser(k, v, f)),
        (bytes(), flags).prop_map(|(v, f)| Op::Push(v, f)),
        Just(Op::Pop),
        Just(Op::Peek),
    ]
}

fn def(map_type: MapType) -> MapDef {
    let (key_size, value_size, max_entries) = match map_type {
        MapType::Queue | MapType::Stack => (0, 4, 3),
        MapType::Ringbuf => (0, 0, 4096),
        MapType::LpmTrie => (8, 4, 3),
        MapType::ProgArray | MapType::PerfEventArray | MapType::Devmap => (4, 4, 3),
        MapType::StackTrace => (4, 16, 3),
        _ => (4, 4, 3),
    };
    MapDef {
        name: "m".into(),
        map_type,
        key_size,
        value_size,
        max_entries,
        flags: 0,
        initial_value: None,
        initial_entries: Vec::new(),
    }
}

fn apply(m: &mut dyn Map, op: &Op) {
    let arena = m.values().len();
    match op {
        Op::Lookup(k, c) => {
            if let Ok(Some(off)) = m.lookup(k, *c) {
                assert!(off < arena, "a lookup points inside the arena");
            }
        }
        Op::Update(k, v, f, c) => drop(m.update(k, v, *f, *c)),
        Op::Delete(k) => drop(m.delete(k)),
        Op::NextKey(k) => drop(m.next_key(k.as_deref())),
        Op::LookupUser(k) => drop(m.lookup_user(k)),
        Op::UpdateUser(k, v, f) => drop(m.update_user(k, v, *f)),
        Op::Push(v, f) => drop(m.push(v, *f)),
        Op::Pop => drop(m.pop()),
        Op::Peek => drop(m.peek()),
    }
}

proptest! {
    #[test]
    fn no_map_panics_on_any_operation(ops in prop::collection::vec(op(), 0..40)) {
        for t in MapType::ALL {
            let mut m = create_map(&def(t), MapsConfig { ncpus: 2 }).unwrap();
            for o in &ops {
                apply(m.as_mut(), o);
            }
        }
    }

    #[test]
    fn hash_map_follows_the_kernel_model(ops in prop::collection::vec(op(), 0..60)) {
        let mut m = create_map(&def(MapType::Hash), MapsConfig::default()).unwrap();
        let mut model: Model<Vec<u8>, Vec<u8>> = Model::new();
        for o in &ops {
            match o {
                Op::Update(k, v, f, _) | Op::UpdateUser(k, v, f) => {
                    let expected = if k.len() != 4 || v.len() != 4 || *f > BPF_EXIST {
                        Err(MapError::Invalid)
                    } else {
                        match (model.contains_key(k), *f) {
                            (true, BPF_NOEXIST) => Err(MapError::Exists),
                            (false, BPF_EXIST) => Err(MapError::NotFound),
                            (false, _) if model.len() == 3 => Err(MapError::TooBig),
                            _ => Ok(()),
                        }
                    };
                    prop_assert_eq!(m.update_user(k, v, *f), expected);
                    if expected.is_ok() {
                        model.insert(k.clone(), v.clone());
                    }
                }
                Op::Delete(k) => {
                    let expected = if k.len() != 4 {
                        Err(MapError::Invalid)
                    } else if model.remove(k).is_some() {
                        Ok(())
                    } else {
                        Err(MapError::NotFound)
                    };
                    prop_assert_eq!(m.delete(k), expected);
                }
                Op::LookupUser(k) if k.len() == 4 => {
                    prop_assert_eq!(m.lookup_user(k).ok(), model.get(k).cloned());
                }
                _ => {}
            }
        }
        // Iteration visits every key once.
        let mut seen = Vec::new();
        let mut key = None;
        while let Ok(next) = m.next_key(key.as_deref()) {
            prop_assert!(seen.len() <= model.len());
            seen.push(next.clone());
            key = Some(next);
        }
        seen.sort();
        let mut keys: Vec<Vec<u8>> = model.keys().cloned().collect();
        keys.sort();
        prop_assert_eq!(seen, keys);
    }
}

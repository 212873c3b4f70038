//! Demo dataset: several sets of varied records, secondary indexes and one UDF module, shaped
//! like the CE fixture capture (`test/users`, `test/orders`, `bar/items`).

use crate::particle::{Particle, Value, digest};
use crate::sindex::{Collection, IndexType, SIndex};
use crate::state::{ClusterState, UdfModule};
use crate::store::{Record, now_cl_millis, now_cl_secs};

/// Number of `test/users` records.
pub const USERS: usize = 200;
/// Number of `test/orders` records.
pub const ORDERS: usize = 100;
/// Number of `bar/items` records.
pub const ITEMS: usize = 50;

/// Source of the demo UDF module (registered, never executed: the fake runs no UDFs).
pub const EXAMPLE_LUA: &str = "-- example.lua: demo module registered by aerospike-fake.\n-- add_to(rec, bin, amount): adds amount to an integer bin.\nfunction add_to(rec, bin, amount)\n  local v = rec[bin]\n  if v == nil then v = 0 end\n  rec[bin] = v + amount\n  if aerospike:exists(rec) then aerospike:update(rec) else aerospike:create(rec) end\n  return rec[bin]\nend\n";

/// What was loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSummary {
    /// (namespace, set, records) triples.
    pub sets: Vec<(String, String, usize)>,
    /// Index names.
    pub indexes: Vec<String>,
    /// UDF file names.
    pub udfs: Vec<String>,
}

fn s(v: &str) -> Value {
    Value::Str(v.to_string())
}

fn put(
    st: &mut ClusterState,
    ns: &str,
    set: &str,
    key: Value,
    bins: Vec<(&str, Value)>,
    ttl: u32,
) -> bool {
    let Some(n) = st.store.namespaces.get_mut(ns) else {
        return false;
    };
    let (kt, kb) = key.to_particle();
    let mut r = Record::new(set);
    r.key = Some((kt, kb.clone()));
    for (name, v) in bins {
        r.set_bin(name, Particle::from_value(&v));
    }
    r.generation = 1;
    r.void_time = if ttl == 0 { 0 } else { now_cl_secs() + ttl };
    r.last_update_ms = now_cl_millis();
    n.put(digest(set, kt, &kb), r);
    true
}

fn index(
    st: &mut ClusterState,
    ns: &str,
    name: &str,
    set: &str,
    bin: &str,
    itype: IndexType,
    collection: Collection,
) -> Option<String> {
    index_with(st, ns, name, set, bin, itype, collection, None)
}

/// Base64 CDT context `[map_key("city")]`, byte for byte what the client sends.
pub const CITY_CONTEXT_B64: &str = "kiKlA2NpdHk=";

#[allow(clippy::too_many_arguments)]
fn index_with(
    st: &mut ClusterState,
    ns: &str,
    name: &str,
    set: &str,
    bin: &str,
    itype: IndexType,
    collection: Collection,
    context: Option<&str>,
) -> Option<String> {
    if !st.store.namespaces.contains_key(ns) {
        return None;
    }
    st.sindexes.insert(
        (ns.to_string(), name.to_string()),
        SIndex {
            ns: ns.to_string(),
            name: name.to_string(),
            set: Some(set.to_string()),
            bin: bin.to_string(),
            itype,
            collection,
            context: context.map(str::to_string),
            exp: None,
        },
    );
    Some(name.to_string())
}

/// Loads the dataset into the first namespace (users, orders) and the second one (items),
/// when present. Existing records with the same keys are overwritten.
pub fn load(st: &mut ClusterState) -> DemoSummary {
    let names: Vec<String> = st.store.namespaces.keys().cloned().collect();
    let first = if names.iter().any(|n| n == "test") {
        "test".to_string()
    } else {
        names.first().cloned().unwrap_or_default()
    };
    let second = names.iter().find(|n| **n != first).cloned();
    let cities = ["Paris", "Lyon", "Oslo", "Lima", "Pune"];
    let tags = ["admin", "beta", "vip", "new", "mobile"];
    let statuses = ["new", "paid", "shipped", "cancelled"];
    let mut sets = Vec::new();
    let mut users = 0;
    for i in 0..USERS {
        let city = cities[i % cities.len()];
        let bins = vec![
            ("name", s(&format!("User {i:04}"))),
            ("age", Value::Int(18 + (i as i64 * 7) % 60)),
            ("score", Value::Float((i as f64 * 1.5) % 100.0)),
            (
                "tags",
                Value::List(vec![s(tags[i % 5]), s(tags[(i + 2) % 5])]),
            ),
            (
                "profile",
                Value::Map(vec![
                    (s("city"), s(city)),
                    (
                        s("address"),
                        Value::Map(vec![(s("zip"), Value::Int(10_000 + i as i64))]),
                    ),
                ]),
            ),
            ("active", Value::Bool(i % 3 != 0)),
            ("blob", Value::Blob(vec![i as u8, (i >> 8) as u8, 0xAB])),
            (
                "loc",
                Value::Geo(format!(
                    "{{\"type\":\"Point\",\"coordinates\":[{:.3},{:.3}]}}",
                    -120.0 + i as f64 * 0.01,
                    37.0 + i as f64 * 0.01
                )),
            ),
        ];
        users += usize::from(put(st, &first, "users", s(&format!("user{i:04}")), bins, 0));
    }
    sets.push((first.clone(), "users".to_string(), users));
    let mut orders = 0;
    for i in 1..=ORDERS {
        let bins = vec![
            ("user", s(&format!("user{:04}", i % USERS))),
            ("amount", Value::Float(i as f64 * 3.25)),
            ("qty", Value::Int((i % 9) as i64 + 1)),
            ("status", s(statuses[i % statuses.len()])),
            (
                "created_ms",
                Value::Int(1_700_000_000_000 + i as i64 * 60_000),
            ),
            (
                "items",
                Value::List(vec![Value::Map(vec![
                    (s("sku"), s(&format!("SKU-{}", i % 17))),
                    (s("n"), Value::Int((i % 4) as i64 + 1)),
                ])]),
            ),
        ];
        let ttl = 86_400 * ((i % 30) as u32 + 1);
        orders += usize::from(put(st, &first, "orders", Value::Int(i as i64), bins, ttl));
    }
    sets.push((first.clone(), "orders".to_string(), orders));
    if let Some(second) = &second {
        let mut items = 0;
        for i in 0..ITEMS {
            let bins = vec![
                ("title", s(&format!("Item {i}"))),
                ("price", Value::Int(100 + i as i64 * 5)),
                ("in_stock", Value::Bool(i % 4 != 0)),
            ];
            items += usize::from(put(st, second, "items", s(&format!("item-{i}")), bins, 0));
        }
        sets.push((second.clone(), "items".to_string(), items));
    }
    let indexes = [
        index(
            st,
            &first,
            "idx_users_age",
            "users",
            "age",
            IndexType::Numeric,
            Collection::Default,
        ),
        index(
            st,
            &first,
            "idx_users_name",
            "users",
            "name",
            IndexType::String,
            Collection::Default,
        ),
        index(
            st,
            &first,
            "idx_users_loc",
            "users",
            "loc",
            IndexType::Geo2dSphere,
            Collection::Default,
        ),
        index(
            st,
            &first,
            "idx_users_tags",
            "users",
            "tags",
            IndexType::String,
            Collection::List,
        ),
        index_with(
            st,
            &first,
            "idx_users_profile_city",
            "users",
            "profile",
            IndexType::String,
            Collection::Default,
            Some(CITY_CONTEXT_B64),
        ),
        index(
            st,
            &first,
            "idx_orders_qty",
            "orders",
            "qty",
            IndexType::Numeric,
            Collection::Default,
        ),
    ]
    .into_iter()
    .flatten()
    .collect();
    let content = EXAMPLE_LUA.as_bytes().to_vec();
    st.udfs.insert(
        "example.lua".to_string(),
        UdfModule {
            filename: "example.lua".to_string(),
            hash: {
                use ripemd::{Digest, Ripemd160};
                let d: [u8; 20] = Ripemd160::digest(&content).into();
                d.iter().map(|b| format!("{b:02x}")).collect()
            },
            content,
        },
    );
    DemoSummary {
        sets,
        indexes,
        udfs: vec!["example.lua".to_string()],
    }
}

//! First end-to-end check: connect, put, get with the official client.

mod common;

use aerospike::{Bins, ReadPolicy, WritePolicy, as_bin, as_key};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn put_then_get_on_one_and_three_nodes() {
    for nodes in [1, 3] {
        let t = common::target(nodes).await;
        let key = as_key!("test", "smoke", format!("k{nodes}"));
        let _ = t.client.delete(&WritePolicy::default(), &key).await;
        t.client
            .put(
                &WritePolicy::default(),
                &key,
                &[as_bin!("a", 1), as_bin!("s", "x")],
            )
            .await
            .expect("put");
        let rec = t
            .client
            .get(&ReadPolicy::default(), &key, Bins::All)
            .await
            .expect("get");
        assert_eq!(rec.bins.get("a"), Some(&aerospike::Value::Int(1)));
        assert_eq!(rec.generation, 1);
    }
}

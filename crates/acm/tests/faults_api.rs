//! Faults during reads, against the 3-node fake (skipped with a notice against a real
//! cluster: nodes cannot be stopped from here): a node that leaves while a client pages through
//! a set never makes a page short or a record appear twice or go missing; a request may fail
//! with `incomplete_page` (the client retries with the same cursor), and nothing else.

mod common;

use std::collections::HashSet;

use common::*;

/// One page: `Ok((keys, next cursor))`, or the problem `code` of a failed request.
async fn page(
    f: &Fixture,
    set: &str,
    size: usize,
    cursor: Option<&str>,
) -> Result<(Vec<String>, Option<String>), String> {
    let mut uri = f.url(&format!(
        "/namespaces/test/sets/{set}/records?pageSize={size}"
    ));
    if let Some(c) = cursor {
        uri.push_str(&format!("&cursor={c}"));
    }
    let r = get(&f.app, &uri).await;
    if r.status != 200 {
        return Err(r.json()["code"].as_str().unwrap_or("(no code)").to_string());
    }
    let j = r.json();
    let keys = j["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["key"]["userKey"].as_str().unwrap().to_string())
        .collect();
    Ok((keys, j["nextCursor"].as_str().map(str::to_string)))
}

#[tokio::test]
#[ignore = "known failure (issue 21): the first page after the node leaves fails with 502 \
            `aerospike_error` instead of being served by the remaining nodes or failing with \
            `incomplete_page`; run with --ignored"]
async fn a_node_leaving_mid_scan_keeps_pages_full_and_exactly_once() {
    let f = cluster(3).await;
    let Some(fake) = f.fake.clone() else {
        eprintln!("SKIPPED: stopping a node needs the fake cluster (AEROSPIKE_HOSTS is set)");
        return;
    };
    let (n, size) = (3_000, 100);
    let set = set_name("leave");
    f.load(&set, n).await;

    let (mut keys, mut cursor) = page(&f, &set, size, None).await.expect("first page");
    assert_eq!(keys.len(), size);
    fake.stop_node(2).await.unwrap();

    let mut retries = 0;
    while let Some(c) = cursor.clone() {
        match page(&f, &set, size, Some(&c)).await {
            Ok((page_keys, next)) => {
                if next.is_some() {
                    assert_eq!(page_keys.len(), size, "short page with a next cursor");
                }
                keys.extend(page_keys);
                cursor = next;
            }
            Err(code) => {
                // The only acceptable failure: the client may retry with the same cursor.
                assert_eq!(code, "incomplete_page", "page after the node left");
                retries += 1;
                assert!(retries < 20, "incomplete_page forever");
            }
        }
    }
    let unique: HashSet<&String> = keys.iter().collect();
    assert_eq!(unique.len(), keys.len(), "a record was returned twice");
    assert_eq!(keys.len(), n, "records returned in total");
}

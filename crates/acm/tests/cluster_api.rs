//! Cluster views, configuration, indexes, UDFs, users/roles and the info console against
//! a 1-node and a 3-node fake (or the real cluster of `AEROSPIKE_HOSTS`).

mod common;

use common::*;
use serde_json::json;

async fn nodes_and_namespaces(n: usize) {
    let f = cluster(n).await;
    let r = get(&f.app, &f.url("/nodes")).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let nodes = r.json();
    let nodes = nodes.as_array().unwrap();
    if !f.real {
        assert_eq!(nodes.len(), n);
    }
    for node in nodes {
        assert!(node["build"].as_str().unwrap().starts_with('8'), "{node}");
        assert!(node["edition"].as_str().unwrap().contains("Community"));
        assert_eq!(node["clusterSize"].as_u64().unwrap() as usize, nodes.len());
        assert!(node["clusterKey"].is_string());
        assert!(node["uptimeSeconds"].is_u64());
    }
    let set = set_name("nsv");
    f.load(&set, 30).await;
    let r = get(&f.app, &f.url("/namespaces")).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let list = r.json();
    let test = list
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "test")
        .unwrap()
        .clone();
    assert_eq!(test["nodes"].as_u64().unwrap() as usize, nodes.len());
    let erf = test["effectiveReplicationFactor"].as_u64().unwrap();
    assert_eq!(erf as usize, nodes.len().min(2));
    if !f.real {
        // unique records counted once, copies counted per replica
        assert_eq!(test["objects"], 30);
        assert_eq!(test["replicatedObjects"].as_u64().unwrap(), 30 * erf);
    }
    let r = get(&f.app, &f.url("/namespaces/test")).await;
    let sets = r.json()["sets"].clone();
    let s = sets
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == set.as_str())
        .unwrap()
        .clone();
    assert_eq!(s["objects"], 30, "{s}");
    get(&f.app, &f.url("/namespaces/nosuch"))
        .await
        .problem(404, "namespace_not_found");
}

#[tokio::test]
async fn nodes_and_namespaces_1_node() {
    nodes_and_namespaces(1).await;
}

#[tokio::test]
async fn nodes_and_namespaces_3_nodes() {
    nodes_and_namespaces(3).await;
}

#[tokio::test]
async fn truncate_needs_a_valid_confirmation_token() {
    let f = cluster(3).await;
    let set = set_name("trunc");
    f.load(&set, 20).await;
    let base = f.url(&format!("/namespaces/test/sets/{set}"));
    post(
        &f.app,
        &format!("{base}/truncate"),
        json!({"confirmToken": "1.abc"}),
    )
    .await
    .problem(400, "confirmation_invalid");
    let other = post(
        &f.app,
        &f.url("/namespaces/test/sets/other/truncate-token"),
        json!({}),
    )
    .await
    .json();
    post(
        &f.app,
        &format!("{base}/truncate"),
        json!({"confirmToken": other["token"]}),
    )
    .await
    .problem(400, "confirmation_invalid");
    let tok = post(&f.app, &format!("{base}/truncate-token"), json!({}))
        .await
        .json();
    assert_eq!(tok["objects"], 20);
    let r = post(
        &f.app,
        &format!("{base}/truncate"),
        json!({"confirmToken": tok["token"]}),
    )
    .await;
    assert_eq!(r.status, 204, "{}", r.text());
    if let Some(fake) = &f.fake {
        assert_eq!(fake.record_count("test", Some(&set)), 0);
    }
}

#[tokio::test]
async fn config_get_and_set_dynamic_only() {
    let f = cluster(3).await;
    let r = get(&f.app, &f.url("/config?context=namespace&namespace=test")).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let cfg = r.json();
    assert_eq!(
        cfg.as_array().unwrap().len(),
        if f.real {
            cfg.as_array().unwrap().len()
        } else {
            3
        }
    );
    assert!(cfg[0]["config"]["default-ttl"].is_string(), "{cfg}");
    get(&f.app, &f.url("/config?context=namespace"))
        .await
        .problem(400, "validation_failed");
    get(&f.app, &f.url("/config?context=xdr"))
        .await
        .problem(400, "validation_failed");
    let r = post(
        &f.app,
        &f.url("/config"),
        json!({"context": "namespace", "namespace": "test", "params": {"nsup-period": "120"}}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    for a in r.json().as_array().unwrap() {
        assert_eq!(a["ok"], true, "{a}");
    }
    if let Some(fake) = &f.fake {
        assert!(!fake.set_config_calls().is_empty());
    }
    let p = post(
        &f.app,
        &f.url("/config"),
        json!({"context": "service", "params": {"node-id": "x"}}),
    )
    .await
    .problem(400, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "params.node-id");
}

#[tokio::test]
async fn users_and_roles_on_ce_answer_security_not_supported() {
    let f = cluster(1).await;
    for uri in ["/users", "/roles"] {
        let p = get(&f.app, &f.url(uri))
            .await
            .problem(409, "security_not_supported");
        let d = p["detail"].as_str().unwrap();
        assert!(
            d.contains("Community Edition has no user and role management"),
            "{d}"
        );
        assert!(!d.contains("stanza") && !d.contains("security {"));
    }
    post(
        &f.app,
        &f.url("/users"),
        json!({"user": "u", "password": "p", "roles": ["read"]}),
    )
    .await
    .problem(409, "security_not_supported");
    delete(&f.app, &f.url("/users/u"))
        .await
        .problem(409, "security_not_supported");
    post(
        &f.app,
        &f.url("/roles"),
        json!({"name": "r", "privileges": [{"code": "read"}]}),
    )
    .await
    .problem(409, "security_not_supported");
    post(
        &f.app,
        &f.url("/roles"),
        json!({"name": "r", "privileges": [{"code": "root"}]}),
    )
    .await
    .problem(400, "validation_failed");
    // Role update: grant/revoke privileges (Enterprise), the same CE answer.
    post(
        &f.app,
        &f.url("/roles/r/privileges"),
        json!({"grant": [{"code": "read-write", "namespace": "test"}], "revoke": [{"code": "read"}]}),
    )
    .await
    .problem(409, "security_not_supported");
    let p = post(
        &f.app,
        &f.url("/roles/r/privileges"),
        json!({"revoke": [{"code": "read", "namespace": "te;st"}]}),
    )
    .await
    .problem(400, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "revoke[0].namespace", "{p}");
    post(&f.app, &f.url("/roles/r/privileges"), json!({}))
        .await
        .problem(400, "validation_failed");
    // A user's roles: a change reaches the server (CE answers), an empty one does not.
    post(&f.app, &f.url("/users/u/roles"), json!({"grant": ["read"]}))
        .await
        .problem(409, "security_not_supported");
    let p = post(&f.app, &f.url("/users/u/roles"), json!({}))
        .await
        .problem(400, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "grant", "{p}");
    post(&f.app, &f.url("/users/u/roles"), json!([null, null]))
        .await
        .problem(400, "invalid_body");
}

#[tokio::test]
async fn info_console_is_read_only_by_default() {
    let f = cluster(3).await;
    let r = post(&f.app, &f.url("/info"), json!({"command": "build"})).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let j = r.json();
    assert_eq!(j["readOnly"], true);
    let n = j["replies"].as_array().unwrap().len();
    assert!(n >= 1);
    let node = j["replies"][0]["node"].as_str().unwrap().to_string();
    let r = post(
        &f.app,
        &f.url("/info"),
        json!({"command": "statistics", "node": node}),
    )
    .await;
    assert_eq!(r.json()["replies"].as_array().unwrap().len(), 1);
    post(
        &f.app,
        &f.url("/info"),
        json!({"command": "statistics", "node": "NOPE"}),
    )
    .await
    .problem(404, "node_not_found");
    let p = post(
        &f.app,
        &f.url("/info"),
        json!({"command": "set-config:context=service;proto-fd-max=1000"}),
    )
    .await
    .problem(403, "info_write_forbidden");
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("--allow-info-writes")
    );
    post(&f.app, &f.url("/info"), json!({"command": "a\nb"}))
        .await
        .problem(400, "validation_failed");
}

#[tokio::test]
async fn info_writes_when_enabled() {
    let mut cfg = acm::Config::for_tests();
    cfg.allow_info_writes = true;
    let f = cluster(1).await;
    let state = state_with(cfg).await;
    let app = acm::app(state);
    let list: Vec<&str> = f.hosts.split(',').collect();
    let pid = post(
        &app,
        "/api/v1/profiles",
        json!({"name": "w", "hosts": list}),
    )
    .await
    .json()["id"]
        .as_i64()
        .unwrap();
    let r = post(
        &app,
        &format!("/api/v1/clusters/{pid}/info"),
        json!({"command": "set-config:context=namespace;id=test;nsup-period=60"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["readOnly"], false);
    assert_eq!(r.json()["replies"][0]["response"], "ok");
}

#[tokio::test]
async fn secondary_index_lifecycle() {
    let f = cluster(3).await;
    let set = set_name("idx");
    f.load(&set, 10).await;
    let name = format!("idx_{set}_i");
    let body =
        json!({"namespace": "test", "set": set, "name": name, "bin": "i", "type": "numeric"});
    let r = post(&f.app, &f.url("/indexes"), body.clone()).await;
    assert_eq!(r.status, 201, "{}", r.text());
    let r = get(&f.app, &f.url("/indexes?namespace=test")).await;
    let list = r.json();
    let idx = list
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == name.as_str())
        .unwrap()
        .clone();
    assert_eq!(idx["bin"], "i");
    assert_eq!(idx["type"], "numeric");
    assert!(!idx["nodes"].as_array().unwrap().is_empty());
    // query through it
    let q = post(&f.app, &f.url("/query"), json!({"namespace": "test", "set": set, "predicate": {"bin": "i", "op": "range", "value": 2, "end": 4}})).await;
    assert_eq!(q.status, 200, "{}", q.text());
    let mut got: Vec<i64> = q.json()["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["bins"]["i"].as_i64().unwrap())
        .collect();
    got.sort();
    assert_eq!(got, [2, 3, 4]);
    // validation
    let p = post(
        &f.app,
        &f.url("/indexes"),
        json!({"namespace": "test", "name": "bad;name", "bin": "i", "type": "float"}),
    )
    .await
    .problem(400, "validation_failed");
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["name", "type"]);
    // collection index with context
    let r = post(&f.app, &f.url("/indexes"), json!({"namespace": "test", "set": set, "name": format!("{name}_l"), "bin": "tags", "type": "string", "collection": "list"})).await;
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(
        delete(&f.app, &f.url(&format!("/indexes/test/{name}")))
            .await
            .status,
        204
    );
    assert_eq!(
        delete(&f.app, &f.url(&format!("/indexes/test/{name}_l")))
            .await
            .status,
        204
    );
    delete(&f.app, &f.url(&format!("/indexes/test/{name}")))
        .await
        .problem(404, "index_not_found");
}

#[tokio::test]
async fn udf_upload_uses_the_chosen_name_and_decodes_errors() {
    let f = cluster(1).await;
    let src = "function hello(rec, name)\n  return 'hi ' .. name\nend\n";
    let r = put(&f.app, &f.url("/udfs/greet.lua"), json!({"content": src})).await;
    assert_eq!(r.status, 201, "{}", r.text());
    let list = get(&f.app, &f.url("/udfs")).await.json();
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|m| m["filename"] == "greet.lua"),
        "{list}"
    );
    let r = get(&f.app, &f.url("/udfs/greet.lua")).await;
    assert_eq!(r.json()["content"], src);
    get(&f.app, &f.url("/udfs/none.lua"))
        .await
        .problem(404, "udf_not_found");
    put(&f.app, &f.url("/udfs/bad.txt"), json!({"content": "x"}))
        .await
        .problem(400, "validation_failed");
    // A module that does not compile: the real server's reply (fixture
    // udf-put_filename_broken.lua.txt), decoded into a field error; the fake answers the same.
    let r = put(
        &f.app,
        &f.url("/udfs/broken.lua"),
        json!({"content": "function broken(rec\n  return 1\nend\n"}),
    )
    .await;
    let p = r.problem(400, "udf_compile_error");
    assert_eq!(p["errors"][0]["field"], "content", "{p}");
    assert_eq!(
        p["errors"][0]["message"], "line 2: ')' expected near 'return'",
        "{p}"
    );
    let list = get(&f.app, &f.url("/udfs")).await.json();
    assert!(
        !list
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["filename"] == "broken.lua"),
        "a module that does not compile is not registered: {list}"
    );
    assert_eq!(delete(&f.app, &f.url("/udfs/greet.lua")).await.status, 204);
    delete(&f.app, &f.url("/udfs/greet.lua"))
        .await
        .problem(404, "udf_not_found");
}

#[tokio::test]
async fn expected_cluster_name_is_enforced() {
    let f = cluster(3).await;
    if f.real {
        eprintln!("skipping: the real cluster's name is not known to the test");
        return;
    }
    let hosts: Vec<&str> = f.hosts.split(',').collect();
    let ok = post(
        &f.app,
        "/api/v1/profiles/test",
        json!({"name": "t", "hosts": hosts, "clusterName": "fake-cluster"}),
    )
    .await;
    assert_eq!(ok.status, 200, "{}", ok.text());
    let s = ok.json();
    assert_eq!(s["clusterName"], "fake-cluster");
    assert_eq!(s["nodes"].as_array().unwrap().len(), 3);
    assert_eq!(s["communityEdition"], true);
    let p = post(
        &f.app,
        "/api/v1/profiles/test",
        json!({"name": "t", "hosts": hosts, "clusterName": "prod-eu", "connectTimeoutMs": 1000}),
    )
    .await
    .problem(409, "cluster_name_mismatch");
    let d = p["detail"].as_str().unwrap();
    assert!(
        d.contains("`fake-cluster`") && d.contains("`prod-eu`"),
        "{d}"
    );
    // a stored profile with the wrong name never connects
    let id = post(&f.app, "/api/v1/profiles", json!({"name": "wrong", "hosts": hosts, "clusterName": "prod-eu", "connectTimeoutMs": 1000}))
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    get(&f.app, &format!("/api/v1/clusters/{id}/nodes"))
        .await
        .problem(409, "cluster_name_mismatch");
    // fixing the profile rebuilds the client
    let r = put(
        &f.app,
        &format!("/api/v1/profiles/{id}"),
        json!({"name": "wrong", "hosts": hosts, "clusterName": "fake-cluster"}),
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        get(&f.app, &format!("/api/v1/clusters/{id}/nodes"))
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn config_of_one_node() {
    let f = cluster(3).await;
    let nodes = get(&f.app, &f.url("/nodes")).await.json();
    let id = nodes[0]["id"].as_str().unwrap().to_string();
    let r = get(
        &f.app,
        &f.url(&format!("/config?context=service&node={id}")),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let c = r.json();
    assert_eq!(c.as_array().unwrap().len(), 1);
    assert_eq!(c[0]["node"], id.as_str());
    assert!(c[0]["config"]["proto-fd-max"].is_string(), "{c}");
    get(&f.app, &f.url("/config?context=service&node=NOPE"))
        .await
        .problem(404, "node_not_found");
}

#[tokio::test]
async fn udf_execute_validates_and_reports_the_server_answer() {
    let f = cluster(1).await;
    let src = "function add_to(rec, bin, amount)\n  local v = rec[bin]\n  if v == nil then v = 0 end\n  rec[bin] = v + amount\n  if aerospike:exists(rec) then aerospike:update(rec) else aerospike:create(rec) end\n  return rec[bin]\nend\n";
    let r = put(&f.app, &f.url("/udfs/counter.lua"), json!({"content": src})).await;
    assert_eq!(r.status, 201, "{}", r.text());
    let set = set_name("udfx");
    f.load(&set, 1).await;
    let exec = |body: serde_json::Value| {
        let app = f.app.clone();
        let url = f.url("/udfs/counter.lua/execute");
        async move { post(&app, &url, body).await }
    };
    // Bad input: 400 naming the field, before anything is sent.
    exec(json!({"namespace": "test", "set": set, "key": "k0", "function": "", "args": []}))
        .await
        .problem(400, "validation_failed");
    let p = exec(
        json!({"namespace": "test", "set": set, "key": "k0", "function": "add_to",
        "args": ["i", {"$int": "x"}]}),
    )
    .await
    .problem(400, "invalid_value");
    assert_eq!(p["errors"][0]["field"], "args[1].$int", "{p}");
    exec(json!({"namespace": "test", "set": set, "key": "k0", "function": "add_to", "keyType": "integer"}))
        .await
        .problem(400, "invalid_key");
    let r = exec(
        json!({"namespace": "test", "set": set, "key": "k0", "function": "add_to",
        "args": ["i", 5]}),
    )
    .await;
    if f.real {
        // A real server runs it: bin `i` of k0 was 0.
        assert_eq!(r.status, 200, "{}", r.text());
        assert_eq!(r.json()["result"], 5);
    } else {
        // aerospike-fake does not run Lua: the server's UDF failure comes back as a 422
        // with its message, not as a 5xx.
        let p = r.problem(422, "udf_failed");
        assert!(
            p["detail"].as_str().unwrap().contains("aerospike-fake"),
            "{p}"
        );
        assert_eq!(p["resultCode"], 100, "{p}");
    }
}

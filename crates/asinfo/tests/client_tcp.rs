//! The client over real TCP against small in-test servers.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use asinfo::proto::{self, Limits, ProtoError};
use asinfo::{Client, ClientConfig, Connection, Error};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};

/// Starts a server; `handle` runs once per accepted connection. Returns the address and
/// the count of accepted connections.
async fn serve<F, Fut>(handle: F) -> (String, Arc<AtomicUsize>)
where
    F: Fn(TcpStream) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr").to_string();
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(handle(stream));
        }
    });
    (addr, accepted)
}

/// Answers every request on the connection like a node would: `value-of-<cmd>`.
async fn echo_node(stream: TcpStream) {
    let mut conn = Connection::new(stream, Limits::default());
    while let Ok(Some((_, body))) = conn.read_frame().await {
        let cmds = proto::decode_info_request(&body);
        let pairs: Vec<(String, String)> = cmds
            .iter()
            .map(|c| (c.clone(), format!("value-of-{c}")))
            .collect();
        let frame = proto::encode_info_reply(&pairs).expect("encode");
        if conn.write_frame(&frame).await.is_err() {
            return;
        }
    }
}

fn quick(timeout_ms: u64) -> ClientConfig {
    ClientConfig {
        timeout: Duration::from_millis(timeout_ms),
        ..ClientConfig::default()
    }
}

#[tokio::test]
async fn multi_command_request_and_connection_reuse() {
    let (addr, accepted) = serve(echo_node).await;
    let client = Client::new(addr);
    let values = client
        .info(&[
            "node",
            "statistics",
            "cluster-stable:size=3;ignore-migrations=false",
        ])
        .await
        .unwrap();
    assert_eq!(
        values,
        vec![
            "value-of-node",
            "value-of-statistics",
            "value-of-cluster-stable:size=3;ignore-migrations=false"
        ]
    );
    assert_eq!(client.info_one("build").await.unwrap(), "value-of-build");
    assert_eq!(
        accepted.load(Ordering::SeqCst),
        1,
        "the connection was reused"
    );
    assert!(client.info::<&str>(&[]).await.unwrap().is_empty());
    assert!(matches!(
        client.info(&["a\nb"]).await,
        Err(Error::InvalidCommand(ProtoError::CommandHasNewline { .. }))
    ));
}

#[tokio::test]
async fn reply_split_across_many_reads() {
    let (addr, _) = serve(|stream| async move {
        let mut conn = Connection::new(stream, Limits::default());
        let Ok(Some((_, body))) = conn.read_frame().await else {
            return;
        };
        let cmds = proto::decode_info_request(&body);
        let pairs: Vec<(String, String)> =
            cmds.iter().map(|c| (c.clone(), "x".repeat(3000))).collect();
        let frame = proto::encode_info_reply(&pairs).expect("encode");
        let mut stream = conn.into_inner();
        for chunk in frame.chunks(7) {
            if stream.write_all(chunk).await.is_err() || stream.flush().await.is_err() {
                return;
            }
        }
    })
    .await;
    let values = Client::new(addr).info(&["a", "b"]).await.unwrap();
    assert_eq!(values, vec!["x".repeat(3000), "x".repeat(3000)]);
}

#[tokio::test]
async fn silent_server_times_out() {
    let (addr, _) = serve(|stream| async move {
        let _keep = stream;
        std::future::pending::<()>().await;
    })
    .await;
    let client = Client::with_config(addr, quick(100));
    let err = client.info_one("build").await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert!(err.is_unreachable());
    assert!(err.to_string().contains("timed out"), "{err}");
    let err = client
        .info_with_timeout(&["build"], Duration::from_millis(50))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Timeout { after, .. } if after == Duration::from_millis(50)),
        "{err:?}"
    );
}

async fn reply_with_bytes(bytes: Vec<u8>) -> Error {
    let (addr, _) = serve(move |mut stream| {
        let bytes = bytes.clone();
        async move {
            let _ = stream.write_all(&bytes).await;
            let _ = stream.shutdown().await;
        }
    })
    .await;
    Client::with_config(addr, quick(5000))
        .info_one("build")
        .await
        .unwrap_err()
}

#[tokio::test]
async fn oversized_length_is_refused_before_allocating() {
    let header = proto::Header::new(proto::MessageType::Info, 1 << 40)
        .encode()
        .unwrap();
    let err = reply_with_bytes(header.to_vec()).await;
    assert!(
        matches!(err, Error::Protocol { source: ProtoError::BodyTooLarge { len, .. }, .. } if len == 1 << 40),
        "{err:?}"
    );
    // A configured cap below the default is honoured.
    let (addr, _) = serve(echo_node).await;
    let small = ClientConfig {
        max_reply_bytes: 8,
        ..quick(5000)
    };
    let err = Client::with_config(addr, small)
        .info_one("statistics")
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Protocol {
                source: ProtoError::BodyTooLarge { max: 8, .. },
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn garbage_bytes_are_errors_not_panics() {
    let err = reply_with_bytes(b"HTTP/1.1 400 Bad Request\r\n\r\n".to_vec()).await;
    assert!(
        matches!(
            err,
            Error::Protocol {
                source: ProtoError::BadVersion { found: b'H' },
                ..
            }
        ),
        "{err:?}"
    );
    let err = reply_with_bytes(vec![2, 3, 0, 0, 0, 0, 0, 1, 0]).await;
    assert!(
        matches!(
            err,
            Error::Protocol {
                source: ProtoError::UnexpectedType { found: 3, .. },
                ..
            }
        ),
        "{err:?}"
    );
    let err = reply_with_bytes(vec![2, 1, 0]).await;
    assert!(
        matches!(
            err,
            Error::ShortRead {
                received: 3,
                expected: 8,
                ..
            }
        ),
        "{err:?}"
    );
    let mut short = proto::Header::new(proto::MessageType::Info, 100)
        .encode()
        .unwrap()
        .to_vec();
    short.extend_from_slice(b"build\t8");
    let err = reply_with_bytes(short).await;
    assert!(
        matches!(
            err,
            Error::ShortRead {
                received: 15,
                expected: 108,
                ..
            }
        ),
        "{err:?}"
    );
    let err = reply_with_bytes(proto::encode_info_reply(&[("node", "X")]).unwrap()).await;
    assert!(
        matches!(err, Error::UnexpectedReply { commands: 1, .. }),
        "{err:?}"
    );
    let err = reply_with_bytes(Vec::new()).await;
    assert!(
        matches!(err, Error::ShortRead { received: 0, .. }),
        "{err:?}"
    );
    // Invalid UTF-8 in a value is replaced, not a panic or an error.
    let mut bad_utf8 = proto::Header::new(proto::MessageType::Info, 9)
        .encode()
        .unwrap()
        .to_vec();
    bad_utf8.extend_from_slice(b"build\t\xff\xfe\n");
    let (addr, _) = serve(move |mut stream| {
        let bytes = bad_utf8.clone();
        async move {
            let mut buf = [0u8; 64];
            let _ = tokio::io::AsyncReadExt::read(&mut stream, &mut buf).await;
            let _ = stream.write_all(&bytes).await;
        }
    })
    .await;
    assert_eq!(
        Client::new(addr).info_one("build").await.unwrap(),
        "\u{fffd}\u{fffd}"
    );
}

#[tokio::test]
async fn connection_refused_is_named() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    drop(listener);
    let err = Client::with_config(addr.clone(), quick(5000))
        .info_one("build")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    assert!(err.is_unreachable());
    assert!(err.to_string().contains(&addr), "{err}");
}

#[tokio::test]
async fn server_closing_idle_connection_is_retried_once() {
    // Answers one request per connection, then closes it.
    let (addr, accepted) = serve(|stream| async move {
        let mut conn = Connection::new(stream, Limits::default());
        if let Ok(Some((_, body))) = conn.read_frame().await {
            let cmds = proto::decode_info_request(&body);
            let pairs: Vec<(String, String)> =
                cmds.iter().map(|c| (c.clone(), "ok".to_owned())).collect();
            let _ = conn
                .write_frame(&proto::encode_info_reply(&pairs).unwrap())
                .await;
        }
    })
    .await;
    let client = Client::new(addr);
    for _ in 0..3 {
        assert_eq!(client.info_one("status").await.unwrap(), "ok");
    }
    assert_eq!(
        accepted.load(Ordering::SeqCst),
        3,
        "a fresh connection per call after each close"
    );
}

#[tokio::test]
async fn concurrent_calls_on_one_client() {
    let (addr, _) = serve(echo_node).await;
    let client = Arc::new(Client::new(addr));
    let mut tasks = Vec::new();
    for i in 0..16 {
        let c = client.clone();
        tasks.push(tokio::spawn(
            async move { c.info_one(&format!("cmd{i}")).await },
        ));
    }
    for (i, t) in tasks.into_iter().enumerate() {
        assert_eq!(t.await.unwrap().unwrap(), format!("value-of-cmd{i}"));
    }
}

#[tokio::test]
async fn probe_observes_a_node() {
    let (addr, _) = serve(|stream| async move {
        let mut conn = Connection::new(stream, Limits::default());
        while let Ok(Some((_, body))) = conn.read_frame().await {
            let pairs: Vec<(String, String)> = proto::decode_info_request(&body)
                .into_iter()
                .map(|c| {
                    let v = match c.as_str() {
                        "node" => "BB901000000FC02",
                        "statistics" => "cluster_size=1;cluster_key=ABC;cluster_integrity=true;migrate_allowed=true;migrate_partitions_remaining=0",
                        _ => "ABC",
                    };
                    (c, v.to_owned())
                })
                .collect();
            if conn.write_frame(&proto::encode_info_reply(&pairs).unwrap()).await.is_err() {
                return;
            }
        }
    })
    .await;
    let obs = asinfo::probe::observe(&Client::new(addr), 1).await;
    let safety = asinfo::cluster::safe_to_proceed(&[obs], 1);
    assert!(safety.safe, "{:?}", safety.reasons);
}

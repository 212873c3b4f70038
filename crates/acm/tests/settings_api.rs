//! `GET /api/v1/settings` reports how the manager was started.

mod common;

use acm::Config;
use clap::Parser;
use common::*;

#[tokio::test]
async fn settings_report_the_start_flags() {
    let config = Config::parse_from([
        "acm",
        "--db",
        ":memory:",
        "--no-auth",
        "--sample-interval",
        "250ms",
        "--history",
        "5m",
        "--allow-info-writes",
        "--body-limit",
        "65536",
    ]);
    let state = state_with(config).await;
    let app = acm::app(state);
    let r = get(&app, "/api/v1/settings").await;
    assert_eq!(r.status, 200, "{}", r.text());
    let j = r.json();
    assert_eq!(j["sampleIntervalMs"], 250);
    assert_eq!(j["historySeconds"], 300);
    assert_eq!(j["historySamples"], 1200);
    assert_eq!(j["infoWritesAllowed"], true);
    assert_eq!(j["demo"], false);
    assert_eq!(j["bodyLimitBytes"], 65536);
    assert_eq!(j["version"], env!("CARGO_PKG_VERSION"));

    let (app, _) = common::app().await;
    let j = get(&app, "/api/v1/settings").await.json();
    assert_eq!(j["sampleIntervalMs"], 2000);
    assert_eq!(j["infoWritesAllowed"], false);
}

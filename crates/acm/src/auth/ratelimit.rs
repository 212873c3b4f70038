//! Login throttling: after `max_failures` failed logins within `window` for one user name
//! or one client address, further attempts are refused (429) until the window has passed.
//! A successful login clears the user name's count. Pure: the caller passes the time.

use std::collections::HashMap;

use parking_lot::Mutex;

/// Failed attempts per key within a sliding window.
#[derive(Debug)]
pub struct LoginLimiter {
    max_failures: usize,
    window: i64,
    failures: Mutex<HashMap<String, Vec<i64>>>,
}

impl LoginLimiter {
    /// At most `max_failures` failures per key in `window_secs`.
    pub fn new(max_failures: usize, window_secs: i64) -> Self {
        Self {
            max_failures,
            window: window_secs,
            failures: Mutex::new(HashMap::new()),
        }
    }

    fn keys(user: &str, ip: Option<&str>) -> Vec<String> {
        let mut k = vec![format!("user:{}", user.to_ascii_lowercase())];
        if let Some(ip) = ip {
            k.push(format!("ip:{ip}"));
        }
        k
    }

    /// Seconds until another attempt is allowed, or `None` when it is allowed now.
    pub fn blocked_for(&self, user: &str, ip: Option<&str>, now: i64) -> Option<i64> {
        let mut map = self.failures.lock();
        let mut wait = None;
        for k in Self::keys(user, ip) {
            if let Some(v) = map.get_mut(&k) {
                v.retain(|t| now - t < self.window);
                if v.len() >= self.max_failures {
                    let oldest = v.iter().min().copied().unwrap_or(now);
                    let w = (oldest + self.window - now).max(1);
                    wait = Some(wait.map_or(w, |x: i64| x.max(w)));
                }
            }
        }
        // Bound memory: forget keys with nothing in the window.
        if map.len() > 10_000 {
            map.retain(|_, v| v.iter().any(|t| now - t < self.window));
        }
        wait
    }

    /// Count a failed attempt.
    pub fn failed(&self, user: &str, ip: Option<&str>, now: i64) {
        let mut map = self.failures.lock();
        for k in Self::keys(user, ip) {
            map.entry(k).or_default().push(now);
        }
    }

    /// A successful login clears the user name's failures (not the address's).
    pub fn succeeded(&self, user: &str) {
        self.failures
            .lock()
            .remove(&format!("user:{}", user.to_ascii_lowercase()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_after_max_failures_until_the_window_passes() {
        let l = LoginLimiter::new(3, 60);
        for t in 0..3 {
            assert_eq!(l.blocked_for("ann", Some("1.2.3.4"), t), None);
            l.failed("ann", Some("1.2.3.4"), t);
        }
        assert_eq!(
            l.blocked_for("ann", Some("9.9.9.9"), 10),
            Some(50),
            "per user name"
        );
        assert_eq!(
            l.blocked_for("bob", Some("1.2.3.4"), 10),
            Some(50),
            "per address"
        );
        assert_eq!(l.blocked_for("bob", Some("5.5.5.5"), 10), None);
        assert_eq!(
            l.blocked_for("ANN", None, 10),
            Some(50),
            "names are case-insensitive"
        );
        assert_eq!(l.blocked_for("ann", None, 59), Some(1));
        assert_eq!(
            l.blocked_for("ann", None, 60),
            None,
            "the first failure left the window"
        );
        l.failed("cy", None, 0);
        l.succeeded("CY");
        assert_eq!(l.blocked_for("cy", None, 1), None);
    }
}

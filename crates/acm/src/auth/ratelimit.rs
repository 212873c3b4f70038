//! Login throttling: after `max_failures` failed logins within `window` for one user name
//! or one client address, further attempts are refused (429) until the window has passed.
//! A successful login clears the user name's count. Pure: the caller passes the time.
//!
//! Single sign-on has no user name before the identity provider answers, so it uses the
//! client address alone: a started sign-in counts as a failure of that address until its
//! callback signs the user in (then [`LoginLimiter::forgive_address`] takes it back), and
//! a callback that belongs to no sign-in of that browser counts too.

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
        k.extend(Self::address_key(ip));
        k
    }

    fn address_key(ip: Option<&str>) -> Option<String> {
        ip.map(|ip| format!("ip:{ip}"))
    }

    /// Seconds until another attempt is allowed, or `None` when it is allowed now.
    pub fn blocked_for(&self, user: &str, ip: Option<&str>, now: i64) -> Option<i64> {
        self.blocked_keys(Self::keys(user, ip), now)
    }

    /// [`Self::blocked_for`] by client address only (single sign-on); never blocks an
    /// unknown address.
    pub fn blocked_for_address(&self, ip: Option<&str>, now: i64) -> Option<i64> {
        self.blocked_keys(Self::address_key(ip).into_iter().collect(), now)
    }

    fn blocked_keys(&self, keys: Vec<String>, now: i64) -> Option<i64> {
        let mut map = self.failures.lock();
        let mut wait = None;
        for k in keys {
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

    /// Count a failed attempt of a client address (single sign-on).
    pub fn failed_address(&self, ip: Option<&str>, now: i64) {
        if let Some(k) = Self::address_key(ip) {
            self.failures.lock().entry(k).or_default().push(now);
        }
    }

    /// Take back the latest failure of a client address: its single sign-on succeeded.
    pub fn forgive_address(&self, ip: Option<&str>) {
        let Some(k) = Self::address_key(ip) else {
            return;
        };
        let mut map = self.failures.lock();
        if let Some(v) = map.get_mut(&k)
            && let Some(i) = v
                .iter()
                .enumerate()
                .max_by_key(|(_, t)| **t)
                .map(|(i, _)| i)
        {
            v.swap_remove(i);
        }
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

    #[test]
    fn addresses_alone_for_single_sign_on() {
        let l = LoginLimiter::new(2, 60);
        let ip = Some("10.1.1.1");
        l.failed_address(ip, 0);
        l.failed_address(ip, 5);
        assert_eq!(l.blocked_for_address(ip, 10), Some(50));
        assert_eq!(
            l.blocked_for("anyone", ip, 10),
            Some(50),
            "one budget per address for password and SSO"
        );
        l.forgive_address(ip);
        assert_eq!(l.blocked_for_address(ip, 10), None);
        assert_eq!(l.blocked_for_address(Some("10.1.1.2"), 10), None);
        l.failed_address(None, 10);
        l.failed_address(None, 10);
        assert_eq!(l.blocked_for_address(None, 10), None, "no address, no key");
        l.forgive_address(Some("10.9.9.9"));
    }
}

//! Which node holds a copy of which partition, so that losing a node's storage (a deleted or
//! wiped persistent volume, or an in-memory namespace on a restarted node) loses exactly the
//! data a real cluster would lose: the records of partitions whose every copy was on lost
//! storage. All nodes share one record store; these holdings decide what survives.
//!
//! Rules, applied on every membership change (the fake's migrations finish at once):
//! * a partition with a copy on a live node migrates: its live owners hold it, live non-owners
//!   drop their copy;
//! * a partition whose only copies sit on stopped nodes stays with them (a real cluster would
//!   serve it as unavailable until one returns; the fake keeps serving the shared store);
//! * a partition nobody holds (empty or lost) is held by its live owners from then on;
//! * a stopped node keeps its copies (its storage survives) until [`FakeCluster::lose_node_data`].

use crate::FakeCluster;
use crate::state::{ClusterState, owners_for};
use crate::store::PARTITIONS;

impl ClusterState {
    /// Recomputes the holdings after a membership change (see the module rules).
    pub fn update_holdings(&mut self) {
        let n = self.nodes.len();
        let initial = self.holds.is_empty();
        self.holds.resize_with(n, || vec![false; PARTITIONS]);
        let live = self.live();
        let rf = self.effective_rf();
        for p in 0..PARTITIONS {
            let owners = owners_for(&live, p, rf);
            let any_holder = (0..n).any(|i| self.holds[i][p]);
            let live_holder = live.iter().any(|i| self.holds[*i][p]);
            if initial || live_holder || !any_holder {
                for i in &live {
                    self.holds[*i][p] = owners.contains(i);
                }
            }
        }
    }

    /// Node `i` lost its storage: its copies are gone. Records of partitions that no node
    /// holds any more are deleted; returns how many.
    pub fn lose_node_data(&mut self, i: usize) -> usize {
        if self.holds.len() < self.nodes.len() {
            self.update_holdings();
        }
        let Some(h) = self.holds.get_mut(i) else {
            return 0;
        };
        h.iter_mut().for_each(|b| *b = false);
        let mut lost = 0;
        let live = self.live();
        let rf = self.effective_rf();
        for p in 0..PARTITIONS {
            if self.holds.iter().any(|h| h[p]) {
                continue;
            }
            for ns in self.store.namespaces.values_mut() {
                lost += ns.partitions[p].len();
                ns.partitions[p].clear();
            }
            for o in owners_for(&live, p, rf) {
                self.holds[o][p] = true;
            }
        }
        lost
    }

    /// Partitions node `i` holds a copy of.
    pub fn held_partitions(&self, i: usize) -> usize {
        self.holds
            .get(i)
            .map_or(0, |h| h.iter().filter(|b| **b).count())
    }
}

impl FakeCluster {
    /// Node `i` lost its storage (its volume was deleted or wiped, or it kept its data in
    /// memory and was restarted). Records whose every copy was on lost storage are deleted;
    /// returns how many.
    pub fn lose_node_data(&self, i: usize) -> usize {
        self.with_state(|st| st.lose_node_data(i))
    }
}

#[cfg(test)]
mod tests {
    use crate::FakeOptions;
    use crate::state::ClusterState;
    use crate::store::Record;

    fn cluster(nodes: u16, rf: usize) -> ClusterState {
        let addrs: Vec<std::net::SocketAddr> = (0..nodes)
            .map(|i| std::net::SocketAddr::from(([127, 0, 0, 1], 4000 + i)))
            .collect();
        let opts = FakeOptions {
            replication_factor: rf,
            ..FakeOptions::default()
        };
        let mut st = ClusterState::new(&opts, &addrs);
        st.update_holdings();
        let ns = st.store.order[0].clone();
        let n = st.store.namespaces.get_mut(&ns).expect("namespace");
        for p in 0..crate::store::PARTITIONS {
            let mut digest = [0u8; 20];
            digest[0] = (p & 0xff) as u8;
            digest[1] = (p >> 8) as u8;
            n.partitions[p].insert(digest, Record::new("s"));
        }
        st
    }

    fn records(st: &ClusterState) -> usize {
        st.store
            .namespaces
            .values()
            .map(|n| n.partitions.iter().map(|p| p.len()).sum::<usize>())
            .sum()
    }

    fn stop(st: &mut ClusterState, i: usize) {
        st.nodes[i].up = false;
        st.membership_changed();
    }

    fn start(st: &mut ClusterState, i: usize) {
        st.nodes[i].up = true;
        st.membership_changed();
    }

    #[test]
    fn one_lost_node_loses_nothing_with_two_copies() {
        let mut st = cluster(3, 2);
        stop(&mut st, 0);
        assert_eq!(st.lose_node_data(0), 0);
        start(&mut st, 0);
        assert_eq!(records(&st), 4096);
        assert!(st.held_partitions(0) > 1000, "the node holds copies again");
    }

    #[test]
    fn a_single_copy_on_lost_storage_is_lost() {
        let mut st = cluster(2, 1);
        stop(&mut st, 0);
        let lost = st.lose_node_data(0);
        assert_eq!(lost, 2048, "node 0 mastered half of the partitions");
        assert_eq!(records(&st), 2048);
    }

    #[test]
    fn a_whole_cluster_on_fresh_storage_comes_back_empty() {
        let mut st = cluster(3, 2);
        for i in [2, 1, 0] {
            stop(&mut st, i);
        }
        assert_eq!(records(&st), 4096, "stopped nodes keep their storage");
        for i in 0..3 {
            st.lose_node_data(i);
            start(&mut st, i);
        }
        assert_eq!(records(&st), 0);
    }

    #[test]
    fn a_cluster_restarted_on_its_storage_keeps_everything() {
        let mut st = cluster(3, 2);
        for i in [2, 1, 0] {
            stop(&mut st, i);
        }
        for i in 0..3 {
            start(&mut st, i);
        }
        assert_eq!(records(&st), 4096);
    }
}

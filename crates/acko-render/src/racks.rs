//! How `spec.size` pods are spread over racks.
//!
//! Pods are spread evenly in rack order: every rack gets `size / racks` pods and the first
//! `size % racks` racks get one more. Equivalently, the k-th pod of a growing cluster goes to
//! rack `k % racks` (see `seeds`).

/// Number of pods of each rack, in rack order. Empty when there is no rack.
pub fn rack_sizes(size: u32, racks: usize) -> Vec<u32> {
    if racks == 0 {
        return Vec::new();
    }
    let n = u32::try_from(racks).unwrap_or(u32::MAX);
    let base = size / n;
    let extra = size % n;
    (0..n).map(|i| base + u32::from(i < extra)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pods_are_spread_evenly_first_racks_first() {
        assert_eq!(rack_sizes(8, 3), vec![3, 3, 2]);
        assert_eq!(rack_sizes(3, 1), vec![3]);
        assert_eq!(rack_sizes(2, 3), vec![1, 1, 0]);
        assert_eq!(rack_sizes(0, 2), vec![0, 0]);
        assert!(rack_sizes(4, 0).is_empty());
    }

    #[test]
    fn sizes_always_sum_to_size() {
        for size in 0..=8 {
            for racks in 1..=8 {
                assert_eq!(rack_sizes(size, racks).iter().sum::<u32>(), size);
            }
        }
    }
}

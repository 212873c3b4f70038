//! aerospike-fake (work in progress)

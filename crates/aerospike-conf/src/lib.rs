//! aerospike-conf (work in progress)

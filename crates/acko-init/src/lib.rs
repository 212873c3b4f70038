//! acko-init (work in progress)

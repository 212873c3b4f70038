//! acko-api (work in progress)

//! acko-render (work in progress)

//! asinfo (work in progress)

//! TODO(owner): face-liveness result types (issue 6).

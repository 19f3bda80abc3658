//! TODO(owner): face-liveness verdict and image drawing (issue 6).

//! TODO(owner): see the issue for this module.

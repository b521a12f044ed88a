//! Shared helpers for the end-to-end tests (loopback servers, request capture).

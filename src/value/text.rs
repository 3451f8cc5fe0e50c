//! Text form (placeholder).

//! The features users see, computed from an [`Analysis`](crate::engine::Analysis) as plain data
//! (byte offsets, Markdown strings): no LSP types here. One module per feature.

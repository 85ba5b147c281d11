//! Giving freed memory back to the system.
//!
//! Each analysis of a large file allocates and frees tens of MiB; glibc keeps most of what is
//! freed in its arenas, so the server's RSS would climb across edits and stay up after a file is
//! closed. Trimming when the server goes idle returns it (measured in docs/performance.md).

/// Returns freed heap memory to the system; a no-op where the allocator is not glibc's.
pub fn return_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `malloc_trim` only releases free memory at the allocator's discretion; it takes no
    // pointers and is safe to call from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}

//! Giving freed memory back to the system.
//!
//! Each analysis of a large file allocates and frees tens of MiB; glibc keeps most of what is
//! freed in its arenas, so the server's RSS would climb across edits and stay up after a file is
//! closed. Trimming when the server goes idle returns it (measured in docs/performance.md).

/// glibc's mmap threshold: blocks at least this large get their own mapping.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MMAP_THRESHOLD: libc::c_int = 128 << 10;

/// Pins glibc's mmap threshold at its initial 128 KiB. By default glibc raises it (up to 32 MiB)
/// each time a mapped block is freed, so after the first analysis the large blocks of every
/// analysis (oxc's arena chunks, the model's vectors, text copies) come from the heap, where freed
/// memory stays resident until a trim: RSS on typescript.js went from 81 MiB after open to 266
/// MiB after 1,000 edits. Mapped blocks go back to the system as soon as they are freed.
/// Call before any other thread starts.
pub fn keep_large_blocks_out_of_the_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `mallopt` only changes allocator parameters; setting the threshold also turns off
    // its dynamic adjustment.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
    }
}

/// Returns freed heap memory to the system; a no-op where the allocator is not glibc's.
pub fn return_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `malloc_trim` only releases free memory at the allocator's discretion; it takes no
    // pointers and is safe to call from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}

//! Opening an input file (rollouts, scores, labels, queues) as a hostile one. Only a regular
//! file is read: `metadata` tells, without opening it, so a FIFO never blocks a load and a
//! device (`/dev/zero`, `/dev/urandom`) is never read; the file is then opened non-blocking
//! and checked again, in case the path was swapped in between. Every read stops at a limit:
//! a file over it is refused before it is read, and one that grows past it while being read
//! is an error at the limit, never a truncated success.

use std::fs::{File, Metadata};
use std::io::{self, Read};
use std::path::Path;

use crate::model::{ByteSize, Limit};

/// Why an input file is not read.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("not a regular file ({kind}): only regular files are read")]
    NotRegular { kind: &'static str },
    #[error("{} is over {}", ByteSize(*.size), .limit.describe())]
    TooLarge { size: u64, limit: Limit },
    #[error("{0}")]
    Io(#[from] io::Error),
}

impl InputError {
    /// A missing file (some readers take that as empty).
    pub fn is_not_found(&self) -> bool {
        matches!(self, InputError::Io(e) if e.kind() == io::ErrorKind::NotFound)
    }
}

/// What kind of file `meta` describes, for messages.
fn kind_of(meta: &Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let kind = meta.file_type();
        if kind.is_fifo() {
            return "a FIFO";
        } else if kind.is_char_device() {
            return "a character device";
        } else if kind.is_block_device() {
            return "a block device";
        } else if kind.is_socket() {
            return "a socket";
        }
    }
    if meta.is_dir() { "a directory" } else { "not a file" }
}

/// Checks `meta` (of the file a path names, symlinks followed) is a regular file within
/// `limit`; returns its size.
pub fn check_metadata(meta: &Metadata, limit: Limit) -> Result<u64, InputError> {
    if !meta.is_file() {
        return Err(InputError::NotRegular { kind: kind_of(meta) });
    }
    if meta.len() > limit.bytes {
        return Err(InputError::TooLarge { size: meta.len(), limit });
    }
    Ok(meta.len())
}

/// Opens a regular file for reading (without a size limit: the caller reads a known span);
/// returns it and its size.
pub fn open_regular(path: &Path) -> Result<(File, u64), InputError> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(InputError::NotRegular { kind: kind_of(&meta) });
    }
    let file = open_nonblocking(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(InputError::NotRegular { kind: kind_of(&meta) });
    }
    Ok((file, meta.len()))
}

/// Opens a regular file within `limit` for reading; a read past the limit is an error.
pub fn open(path: &Path, limit: Limit) -> Result<Bounded<File>, InputError> {
    let (file, size) = open_regular(path)?;
    if size > limit.bytes {
        return Err(InputError::TooLarge { size, limit });
    }
    Ok(Bounded { inner: file, read: 0, limit, size })
}

/// The folder a file is in: its parent, `.` for a bare file name.
pub fn folder_of(path: &Path) -> &Path {
    path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// Reads a regular file within `limit` whole.
pub fn read(path: &Path, limit: Limit) -> Result<Vec<u8>, InputError> {
    let mut file = open(path, limit)?;
    // The size from the file's metadata, so no bigger than the limit.
    let size = usize::try_from(file.size).unwrap_or(0);
    #[cfg(unix)]
    if size >= PARALLEL_READ
        && let Some(mut bytes) = read_in_halves(&file.inner, size)
    {
        // Whatever was appended since it was opened follows, within the limit as ever.
        use std::io::{Seek, SeekFrom};
        file.inner.seek(SeekFrom::Start(file.size))?;
        file.read = file.size;
        file.read_to_end(&mut bytes)?;
        return Ok(bytes);
    }
    let mut bytes = Vec::with_capacity(size);
    advise_huge_pages(bytes.as_ptr(), bytes.capacity());
    file.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Files at least this large are read by two threads, a half each.
const PARALLEL_READ: usize = 64 << 20;

/// The first `size` bytes of a file, each half read on a thread of its own (copying a gigabyte
/// out of the page cache, and faulting in the memory it goes to, takes one core a second);
/// `None` when the file is shorter now, for the caller to read it the plain way.
#[cfg(unix)]
fn read_in_halves(file: &File, size: usize) -> Option<Vec<u8>> {
    use std::os::unix::fs::FileExt;
    let mut bytes = vec![0u8; size];
    advise_huge_pages(bytes.as_ptr(), bytes.len());
    let half = size / 2;
    let (first, second) = bytes.split_at_mut(half);
    let (a, b) = rayon::join(|| file.read_exact_at(first, 0), || file.read_exact_at(second, half as u64));
    (a.is_ok() && b.is_ok()).then_some(bytes)
}

/// Asks the kernel to back a large buffer with huge pages: filling a gigabyte in 4 KiB pages
/// costs a quarter of a million page faults, more time than reading it. Only advice: it changes
/// nothing a program can see, and a kernel that declines (or another system) just goes on.
pub fn advise_huge_pages(start: *const u8, len: usize) {
    #[cfg(target_os = "linux")]
    {
        const HUGE: usize = 2 << 20;
        if len < 16 * HUGE {
            return;
        }
        // Whole huge pages inside the allocation only.
        let first = (start as usize).next_multiple_of(HUGE);
        let end = (start as usize + len) & !(HUGE - 1);
        if end > first {
            // SAFETY: the range lies inside an allocation this process owns; MADV_HUGEPAGE
            // neither reads nor frees nor changes the contents of memory.
            unsafe { libc::madvise(first as *mut libc::c_void, end - first, libc::MADV_HUGEPAGE) };
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (start, len);
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    // A FIFO swapped in after the check opens at once instead of waiting for a writer (and
    // is then refused); on a regular file the flag changes nothing.
    std::fs::OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK).open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> io::Result<File> {
    File::open(path)
}

/// A reader that fails instead of reading past its limit.
#[derive(Debug)]
pub struct Bounded<R> {
    inner: R,
    read: u64,
    limit: Limit,
    /// The file's size when it was opened.
    pub size: u64,
}

impl<R> Bounded<R> {
    /// Wraps a reader (an archive entry, bytes in memory) in a limit.
    pub fn new(inner: R, limit: Limit) -> Bounded<R> {
        Bounded { inner, read: 0, limit, size: 0 }
    }

    /// Bytes read so far.
    pub fn bytes_read(&self) -> u64 {
        self.read
    }

    pub fn into_inner(self) -> R {
        self.inner
    }
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        // One byte past the limit is asked for, to tell "exactly the limit" from "more".
        let room = (self.limit.bytes - self.read.min(self.limit.bytes)).saturating_add(1);
        let want = buf.len().min(usize::try_from(room).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        self.read += n as u64;
        if self.read > self.limit.bytes {
            return Err(io::Error::other(format!("more than {}", self.limit.describe())));
        }
        Ok(n)
    }
}

impl<R: io::Seek> io::Seek for Bounded<R> {
    fn seek(&mut self, to: io::SeekFrom) -> io::Result<u64> {
        self.inner.seek(to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: Limit = Limit { bytes: 10, setting: "max-file" };

    #[test]
    fn reads_stop_at_the_limit_with_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.jsonl");
        std::fs::write(&path, b"0123456789").unwrap();
        assert_eq!(read(&path, SMALL).unwrap(), b"0123456789");
        std::fs::write(&path, b"0123456789x").unwrap();
        let err = read(&path, SMALL).unwrap_err().to_string();
        assert_eq!(err, "11 bytes is over the 10 bytes limit (--max-file, or max_file in the config file)");
        let mut grown = String::new();
        let err = Bounded::new(&b"0123456789x"[..], SMALL).read_to_string(&mut grown).unwrap_err();
        assert!(err.to_string().starts_with("more than the 10 bytes limit"), "{err}");
        assert!(read(dir.path(), SMALL).unwrap_err().to_string().contains("a directory"));
        assert!(read(&dir.path().join("missing"), SMALL).unwrap_err().is_not_found());
    }
}

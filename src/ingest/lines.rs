//! Streaming line reader for the text formats: a large buffer, one reused line vector.
//!
//! Depends on std only. A 4 GB file is never held in memory: each call hands out one line.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use super::IngestError;

/// Buffer size of the underlying reader (1 MiB).
const CAPACITY: usize = 1 << 20;

/// Reads a file line by line; lines come without their `\n` (and without a final `\r`).
pub struct LineReader<R> {
    reader: BufReader<R>,
    buf: Vec<u8>,
    line_no: u64,
    path: PathBuf,
}

/// Opens `path` for reading, as an `IngestError` on failure.
pub fn open(path: &Path) -> Result<File, IngestError> {
    File::open(path).map_err(|e| IngestError::new(path, None, None, format!("cannot open: {e}")))
}

impl<R: Read> LineReader<R> {
    /// Reads `reader`; `path` names it in errors.
    pub fn new(path: &Path, reader: R) -> Self {
        LineReader {
            reader: BufReader::with_capacity(CAPACITY, reader),
            buf: Vec::with_capacity(4096),
            line_no: 0,
            path: path.to_path_buf(),
        }
    }

    /// The next line and its 1-based number, or `None` at the end of the file.
    pub fn next_line(&mut self) -> Result<Option<(u64, &[u8])>, IngestError> {
        self.buf.clear();
        let n = self.reader.read_until(b'\n', &mut self.buf).map_err(|e| {
            IngestError::new(
                &self.path,
                Some(self.line_no + 1),
                None,
                format!("cannot read: {e}"),
            )
        })?;
        if n == 0 {
            return Ok(None);
        }
        self.line_no += 1;
        let mut end = self.buf.len();
        if self.buf[end - 1] == b'\n' {
            end -= 1;
            if end > 0 && self.buf[end - 1] == b'\r' {
                end -= 1;
            }
        }
        Ok(Some((self.line_no, &self.buf[..end])))
    }
}

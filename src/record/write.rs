//! Writes a file atomically: into a temporary file beside it, then renamed over it, so a
//! reader never sees half a recording and a failure leaves nothing behind.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};

/// Runs `fill` on a buffered temporary file in `path`'s folder and renames it to `path`;
/// on any error the temporary file is removed and `path` is untouched.
pub fn write_atomically(
    path: &Path,
    fill: impl FnOnce(&mut BufWriter<File>) -> io::Result<()>,
) -> io::Result<()> {
    let tmp = temp_path(path);
    let file = OpenOptions::new().write(true).create_new(true).open(&tmp)?;
    let result = (|| {
        let mut w = BufWriter::new(file);
        fill(&mut w)?;
        let file = w.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// `.NAME.rollsim-PID.tmp` beside `path`.
fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    dir.join(format!(".{name}.rollsim-{}.tmp", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn writes_whole_files_or_nothing() {
        let dir = std::env::temp_dir().join(format!("rollsim-atomic-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let out = dir.join("rec.om");
        write_atomically(&out, |w| w.write_all(b"a 1 0\n# EOF\n")).unwrap();
        assert_eq!(fs::read_to_string(&out).unwrap(), "a 1 0\n# EOF\n");
        let e = write_atomically(&out, |w| {
            w.write_all(b"half")?;
            Err(io::Error::other("disk full"))
        });
        assert!(e.is_err());
        assert_eq!(
            fs::read_to_string(&out).unwrap(),
            "a 1 0\n# EOF\n",
            "old file kept"
        );
        let left: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left.len(), 1, "no temporary file left: {left:?}");
        fs::remove_dir_all(&dir).unwrap();
    }
}

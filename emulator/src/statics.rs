//! `--www DIR` at `/` and `--pkg DIR` at `/pkg/`: the demo page and the built package.

use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::http::header::{HeaderValue, CACHE_CONTROL, CONTENT_TYPE};
use axum::http::StatusCode;
use axum::response::Response;

use crate::util::percent_decode;

/// The MIME type for a file name.
pub(crate) fn mime_type(path: &Path) -> &'static str {
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "ts" => "application/typescript; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "ico" => "image/x-icon",
        "webp" => "image/webp",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// The file `url_path` names below `root`, or `None` when the path tries to leave `root` or is not
/// plain (`..`, `.`, backslashes, NUL, bad percent-encoding).
pub(crate) fn resolve(root: &Path, url_path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(url_path, false)?;
    let mut out = root.to_path_buf();
    for seg in decoded.split('/') {
        if seg.is_empty() {
            continue;
        }
        if seg == "." || seg == ".." || seg.contains('\\') || seg.contains('\0') || seg.contains(':') {
            return None;
        }
        out.push(seg);
    }
    Some(out)
}

/// Serves `url_path` from `--pkg` (under `/pkg/`) or `--www`; `None` when there is no such file.
///
/// Written here rather than with tower-http's `ServeDir`, which opens files by name and follows
/// symlinks: nothing outside the folder may be served, symlinks included, and a check of the name
/// followed by a read of the name can be raced (a directory swapped for a symlink in between). So
/// the file is opened first, and what was opened is checked: on Linux the path the kernel reports
/// for the open descriptor (`/proc/self/fd/N`) must lie inside the folder.
pub(crate) async fn serve(www: Option<&Path>, pkg: Option<&Path>, url_path: &str) -> Option<Response> {
    let (root, rest) = match (pkg, url_path.strip_prefix("/pkg/")) {
        (Some(pkg), Some(rest)) => (pkg, rest),
        _ => (www?, url_path),
    };
    let mut name = resolve(root, rest)?;
    let canonical_root = tokio::fs::canonicalize(root).await.ok()?;
    if tokio::fs::metadata(&name).await.ok()?.is_dir() {
        name.push("index.html");
    }
    let file = tokio::fs::File::open(&name).await.ok()?;
    if !file.metadata().await.ok()?.is_file() || !opened_inside(&file, &name, &canonical_root).await {
        return None;
    }
    let mut data = Vec::new();
    let mut file = file;
    tokio::io::AsyncReadExt::read_to_end(&mut file, &mut data).await.ok()?;
    let mut resp = Response::new(Body::from(data));
    *resp.status_mut() = StatusCode::OK;
    resp.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static(mime_type(&name)));
    resp.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Some(resp)
}

/// Whether the open `file` is inside `root` (canonical).
#[cfg(target_os = "linux")]
async fn opened_inside(file: &tokio::fs::File, _name: &Path, root: &Path) -> bool {
    use std::os::fd::AsRawFd;
    let link = format!("/proc/self/fd/{}", file.as_raw_fd());
    tokio::fs::read_link(link).await.is_ok_and(|real| real.starts_with(root))
}

/// Whether the open `file` is inside `root` (canonical). Without `/proc`, the name is resolved again
/// and must lead to the same file (device and inode) inside the folder.
#[cfg(all(unix, not(target_os = "linux")))]
async fn opened_inside(file: &tokio::fs::File, name: &Path, root: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let (Ok(opened), Ok(canonical)) = (file.metadata().await, tokio::fs::canonicalize(name).await) else { return false };
    canonical.starts_with(root) && tokio::fs::metadata(&canonical).await.is_ok_and(|m| m.dev() == opened.dev() && m.ino() == opened.ino())
}

/// Whether the open `file` is inside `root` (canonical), by its resolved name.
#[cfg(not(unix))]
async fn opened_inside(_file: &tokio::fs::File, name: &Path, root: &Path) -> bool {
    tokio::fs::canonicalize(name).await.is_ok_and(|c| c.starts_with(root))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types() {
        assert_eq!(mime_type(Path::new("a/b.wasm")), "application/wasm");
        assert_eq!(mime_type(Path::new("x.mjs")), "text/javascript; charset=utf-8");
        assert_eq!(mime_type(Path::new("x.JS")), "text/javascript; charset=utf-8");
        assert_eq!(mime_type(Path::new("x.d.ts")), "application/typescript; charset=utf-8");
        assert_eq!(mime_type(Path::new("x.map")), "application/json");
        assert_eq!(mime_type(Path::new("noext")), "application/octet-stream");
    }

    #[test]
    fn traversal_is_refused() {
        let root = Path::new("/srv/www");
        assert_eq!(resolve(root, "/pkg/a.js").unwrap(), Path::new("/srv/www/pkg/a.js"));
        assert_eq!(resolve(root, "/").unwrap(), Path::new("/srv/www"));
        assert!(resolve(root, "/../etc/passwd").is_none());
        assert!(resolve(root, "/%2e%2e/etc/passwd").is_none());
        assert!(resolve(root, "/a/%2E%2E/%2E%2E/x").is_none());
        assert!(resolve(root, "/a%5C..%5Cb").is_none());
        assert!(resolve(root, "/a%00b").is_none());
        assert!(resolve(root, "/%zz").is_none());
    }
}

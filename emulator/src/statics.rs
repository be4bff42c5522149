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
pub async fn serve(www: Option<&Path>, pkg: Option<&Path>, url_path: &str) -> Option<Response> {
    let (root, rest) = match (pkg, url_path.strip_prefix("/pkg/")) {
        (Some(pkg), Some(rest)) => (pkg, rest),
        _ => (www?, url_path),
    };
    let mut file = resolve(root, rest)?;
    let canonical_root = tokio::fs::canonicalize(root).await.ok()?;
    let mut meta = tokio::fs::metadata(&file).await.ok()?;
    if meta.is_dir() {
        file.push("index.html");
        meta = tokio::fs::metadata(&file).await.ok()?;
    }
    if !meta.is_file() {
        return None;
    }
    // Symlinks may point anywhere; only files really inside the root are served.
    let canonical = tokio::fs::canonicalize(&file).await.ok()?;
    if !canonical.starts_with(&canonical_root) {
        return None;
    }
    let data = tokio::fs::read(&canonical).await.ok()?;
    let mut resp = Response::new(Body::from(data));
    *resp.status_mut() = StatusCode::OK;
    resp.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static(mime_type(&file)));
    resp.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Some(resp)
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

// Size of a consumer per client: esbuild --bundle --minify --format=esm --platform=browser --splitting
// (code split, as Vite, webpack and Rollup do by default), then raw, gzip -9 (zlib level 9) and brotli
// (quality 11), each file compressed on its own as a server sends them.
//
// "Page load" is the entry chunk plus every chunk it imports statically (transitively): what a page that
// imports the consumer fetches before its first call. Chunks reached only through import() (graph-tasks'
// full build, loaded by createTasks or `reconcile: true`) are not in it; "all chunks" counts them too.
// graph-tasks also ships a .wasm, which esbuild does not copy: the createTask consumer adds
// graph_tasks_bg.wasm (the lean build), the createTasks consumer graph_tasks_full_bg.wasm.
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";

export function sizes(buf) {
  return {
    raw: buf.length,
    gzip: zlib.gzipSync(buf, { level: 9 }).length,
    brotli: zlib.brotliCompressSync(buf, {
      params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: buf.length },
    }).length,
  };
}

const add = (a, b) => ({ raw: a.raw + b.raw, gzip: a.gzip + b.gzip, brotli: a.brotli + b.brotli });
const ZERO = { raw: 0, gzip: 0, brotli: 0 };

/** The entry file and every chunk it imports statically, transitively (esbuild's ESM output). */
function staticClosure(dir, entry) {
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = fs.readFileSync(path.join(dir, file), "utf8");
    // import{…}from"./chunk-X.js" and import"./chunk-X.js"; not import("./…") (dynamic).
    for (const m of text.matchAll(/(?:from|import)\s*"\.\/([^"]+\.js)"/g)) visit(m[1]);
  };
  visit(entry);
  return [...seen];
}

const sumFiles = (dir, files) => files.reduce((acc, f) => add(acc, sizes(fs.readFileSync(path.join(dir, f)))), ZERO);

export const CONSUMERS = {
  "graph-tasks": { file: "graph-tasks.js", wasm: "graph_tasks_bg.wasm" },
  fetch: { file: "fetch.js" },
  "graph-client": { file: "graph-client.js" },
  pnp: { file: "pnp.js" },
  "graph-tasks-bulk": { file: "graph-tasks-bulk.js", wasm: "graph_tasks_full_bg.wasm", allChunks: true },
  msal: { file: "msal.js" },
};

export async function measureSizes({ esbuild, benchDir, pkgDir, outDir }) {
  fs.mkdirSync(outDir, { recursive: true });
  const out = {};
  for (const [name, c] of Object.entries(CONSUMERS)) {
    const dir = path.join(outDir, name);
    fs.rmSync(dir, { recursive: true, force: true });
    await esbuild.build({
      entryPoints: { out: path.join(benchDir, "consumers", c.file) },
      bundle: true,
      minify: true,
      splitting: true,
      format: "esm",
      platform: "browser",
      outdir: dir,
      logLevel: "error",
    });
    const all = fs.readdirSync(dir).filter((f) => f.endsWith(".js"));
    const pageLoad = staticClosure(dir, "out.js");
    const js = sumFiles(dir, c.allChunks ? all : pageLoad);
    const allJs = sumFiles(dir, all);
    const wasm = c.wasm ? sizes(fs.readFileSync(path.join(pkgDir, c.wasm))) : null;
    out[name] = {
      js,
      allJs,
      chunks: all.length,
      pageLoadChunks: pageLoad,
      wasm,
      total: wasm ? add(js, wasm) : js,
      bundle: path.relative(path.dirname(outDir), dir),
    };
  }
  // What scripts/build-pkg measured for the package (its size gate): copied next to the snapshot.
  const sizesJson = path.join(path.dirname(pkgDir), "sizes.json");
  if (fs.existsSync(sizesJson)) {
    const s = JSON.parse(fs.readFileSync(sizesJson, "utf8"));
    out.packageSizes = { consumerBundle: s.consumerBundle ?? null, bulkConsumerBundle: s.bulkConsumerBundle ?? null };
  }
  return out;
}

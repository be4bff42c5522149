// Size of a createTask consumer per client: esbuild --bundle --minify --format=esm --platform=browser,
// then raw, gzip -9 (zlib level 9) and brotli (quality 11). graph-tasks also ships its .wasm, which
// esbuild does not copy: its bytes are counted separately and added to the total.
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

export async function measureSizes({ esbuild, benchDir, pkgDir, outDir }) {
  fs.mkdirSync(outDir, { recursive: true });
  const consumers = { "graph-tasks": "graph-tasks.js", fetch: "fetch.js", "graph-client": "graph-client.js", pnp: "pnp.js" };
  const out = {};
  for (const [name, file] of Object.entries(consumers)) {
    const outfile = path.join(outDir, file);
    await esbuild.build({
      entryPoints: [path.join(benchDir, "consumers", file)],
      bundle: true,
      minify: true,
      format: "esm",
      platform: "browser",
      outfile,
      logLevel: "error",
    });
    const js = sizes(fs.readFileSync(outfile));
    const wasm = name === "graph-tasks" ? sizes(fs.readFileSync(path.join(pkgDir, "graph_tasks_bg.wasm"))) : null;
    out[name] = { js, wasm, total: wasm ? add(js, wasm) : js, bundle: path.relative(path.dirname(outDir), outfile) };
  }
  return out;
}

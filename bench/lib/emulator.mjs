// Starts a graph-emulator on a free loopback port and stops it (SIGTERM to the one process started).
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import os from "node:os";

export async function startEmulator(binary, extraArgs = []) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "graph-tasks-bench-"));
  const portFile = path.join(dir, "port");
  const child = spawn(binary, ["--port", "0", "--port-file", portFile, "--quiet", ...extraArgs], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  child.stdout.on("data", () => {});
  let exited = null;
  child.on("exit", (code) => (exited = code));
  for (let i = 0; i < 200; i++) {
    if (fs.existsSync(portFile) && fs.readFileSync(portFile, "utf8").trim()) break;
    if (exited !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const port = fs.existsSync(portFile) ? fs.readFileSync(portFile, "utf8").trim() : "";
  if (!port) {
    child.kill("SIGTERM");
    throw new Error(`the emulator did not start: ${stderr}`);
  }
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    pid: child.pid,
    async stop() {
      if (exited === null) {
        const done = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await Promise.race([done, new Promise((r) => setTimeout(r, 7000))]);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

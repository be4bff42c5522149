// The bearer token: from an environment variable, or from a command that is run at the start and again
// whenever the token's JWT `exp` is less than five minutes away. Every token seen is remembered so that
// `redact` can cut it out of anything printed or written.
import { spawn } from "node:child_process";

const REFRESH_BEFORE_MS = 5 * 60 * 1000;
const seen = new Set();

/** Replaces every token this process has read with `[redacted]`. */
export function redact(text) {
  let out = String(text);
  for (const t of seen) if (t.length >= 8) out = out.split(t).join("[redacted]");
  return out;
}

/** The JWT payload of `token`, or null when it is not a JWT. */
export function jwtPayload(token) {
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  try {
    const json = Buffer.from(parts[1].replace(/-/g, "+").replace(/_/g, "/"), "base64").toString("utf8");
    const payload = JSON.parse(json);
    return payload && typeof payload === "object" ? payload : null;
  } catch {
    return null;
  }
}

export class TokenError extends Error {}

function remember(token) {
  seen.add(token);
  return token;
}

/** The token from the environment variable `name`. */
export function tokenFromEnv(name) {
  const value = process.env[name];
  if (value === undefined || value.trim() === "") {
    throw new TokenError(`no token: the environment variable ${name} is empty or not set (set it, or pass --token-env NAME or --token-command "…")`);
  }
  return remember(value.trim());
}

function runCommand(command) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, { shell: true, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", (e) => reject(new TokenError(`the --token-command could not be run: ${e.message}`)));
    child.on("close", (code, signal) => {
      const token = out.trim();
      if (code !== 0) {
        // Its stderr is shown (a first line, without anything that looks like the token it may have printed).
        const first = err.trim().split(/\r?\n/)[0] || "";
        const hint = first ? `: ${(token ? first.split(token).join("[redacted]") : first).slice(0, 300)}` : "";
        reject(new TokenError(`the --token-command failed (${signal ? `signal ${signal}` : `exit ${code}`})${hint}`));
      } else if (token === "" || /\s/.test(token)) {
        if (token) remember(token);
        reject(new TokenError("the --token-command printed no token (it must print the token alone on standard output)"));
      } else resolve(remember(token));
    });
  });
}

/**
 * A token provider running `command`: `get()` returns the current token, running the command again when
 * the JWT's `exp` is less than five minutes away (a token that is not a JWT is kept for the run).
 * Concurrent calls share one run of the command.
 */
export function commandTokenProvider(command, now = Date.now) {
  let token = null;
  let expiresAt = Infinity;
  let fetchedAt = 0;
  let running = null;
  // A token that was short-lived already when it came is used for 30 s before the command runs again.
  const fresh = () =>
    token !== null && (expiresAt - now() > REFRESH_BEFORE_MS || (now() - fetchedAt < 30_000 && expiresAt > now()));
  const get = async () => {
    if (fresh()) return token;
    if (!running) {
      running = runCommand(command)
        .then((t) => {
          token = t;
          fetchedAt = now();
          const exp = jwtPayload(t)?.exp;
          expiresAt = typeof exp === "number" ? exp * 1000 : Infinity;
          return t;
        })
        .finally(() => {
          running = null;
        });
    }
    return running;
  };
  return { get, current: () => token };
}

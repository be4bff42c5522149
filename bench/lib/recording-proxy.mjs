// A recording pass-through in front of the bulk emulator, so that the bench itself can see what the
// emulator's earlyRetries does not: the emulator counts an early retry only per client-request-id and
// only after a fault's 429/503, not after its rate limit's 429s (and a client may send no id at all).
//
// Every request is forwarded unchanged (hop-by-hop headers aside) and every create is recorded by its
// task title, which is unique per task in the bench: a direct POST .../planner/tasks, and each POST
// sub-request of a $batch, with the time the proxy received it, the status answered and the Retry-After
// (seconds, fractional) answered to it, and when that answer left the proxy.
//
// From that, two counts, each with a 5 ms allowance for a request already on its way:
// - early retries: a create sent again before the Retry-After answered to its previous attempt was up
//   (the emulator's definition, extended to the rate limit's 429s and keyed by the task);
// - sent during a wait: any request (a batch's sub-requests each) received while a Retry-After answered
//   to this client earlier was still running (issue 16's "one throttle holds back all new sends").
//   Requests that a client had sent before it saw the 429 do not count: only those received after it.
import http from "node:http";

const TOLERANCE_MS = 5;
const HOP = new Set(["connection", "keep-alive", "transfer-encoding", "content-length", "proxy-connection", "upgrade", "host"]);

function retryAfterMs(value) {
  if (value === undefined || value === null) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n * 1000 : null;
}

const titleOf = (body) => (body && typeof body === "object" && typeof body.title === "string" ? body.title : null);

export async function startRecordingProxy(target) {
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  const t0 = performance.now();
  const now = () => performance.now() - t0;
  const creates = []; // { title, sentAt, answeredAt, status, retryAfterMs }
  const requests = []; // { sentAt, weight } every request received (a batch weighs its sub-requests)
  const waits = []; // { answeredAt, until } every 429/503 with Retry-After, as the client got it

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const sentAt = now();
      const body = Buffer.concat(chunks);
      const headers = {};
      for (const [k, v] of Object.entries(req.headers)) if (!HOP.has(k)) headers[k] = v;
      if (body.length) headers["content-length"] = String(body.length);
      const path = req.url.split("?")[0].toLowerCase();
      let parsed = null;
      if (req.method === "POST" && body.length) {
        try {
          parsed = JSON.parse(body.toString("utf8"));
        } catch {}
      }
      const isBatch = path.endsWith("/$batch");
      const subs = isBatch && Array.isArray(parsed?.requests) ? parsed.requests : null;
      requests.push({ sentAt, weight: subs ? subs.length : 1 });
      const up = http.request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent },
        (ur) => {
          const out = [];
          ur.on("data", (c) => out.push(c));
          ur.on("end", () => {
            const answer = Buffer.concat(out);
            const rh = {};
            for (const [k, v] of Object.entries(ur.headers)) if (!HOP.has(k)) rh[k] = v;
            rh["content-length"] = String(answer.length);
            res.writeHead(ur.statusCode, rh);
            res.end(answer);
            const answeredAt = now();
            const record = (title, status, ra) => {
              if (title) creates.push({ title, sentAt, answeredAt, status, retryAfterMs: ra });
              if ((status === 429 || status === 503) && ra !== null) waits.push({ answeredAt, until: answeredAt + ra });
            };
            if (subs) {
              let answers = null;
              try {
                answers = JSON.parse(answer.toString("utf8")).responses;
              } catch {}
              const byId = new Map((answers ?? []).map((a) => [String(a.id), a]));
              for (const s of subs) {
                const a = byId.get(String(s.id));
                const ra = a?.headers ? retryAfterMs(Object.entries(a.headers).find(([k]) => k.toLowerCase() === "retry-after")?.[1]) : null;
                record(String(s.method).toUpperCase() === "POST" ? titleOf(s.body) : null, a?.status ?? null, ra);
              }
              if (ur.statusCode === 429 || ur.statusCode === 503) record(null, ur.statusCode, retryAfterMs(ur.headers["retry-after"]));
            } else {
              record(req.method === "POST" ? titleOf(parsed) : null, ur.statusCode, retryAfterMs(ur.headers["retry-after"]));
            }
          });
        },
      );
      up.on("error", (e) => {
        res.writeHead(502, { "content-type": "text/plain" });
        res.end(String(e));
      });
      up.end(body);
    });
  });
  server.keepAliveTimeout = 30000;
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${server.address().port}`;

  return {
    url,
    /** The counts, over everything recorded so far. */
    summary() {
      // Early retries, per task: an attempt received before the previous attempt's Retry-After was up.
      const byTitle = new Map();
      for (const c of creates) {
        if (!byTitle.has(c.title)) byTitle.set(c.title, []);
        byTitle.get(c.title).push(c);
      }
      let early = 0;
      let attempts = 0;
      for (const list of byTitle.values()) {
        list.sort((a, b) => a.sentAt - b.sentAt);
        attempts += list.length;
        for (let i = 1; i < list.length; i++) {
          const p = list[i - 1];
          if ((p.status === 429 || p.status === 503) && p.retryAfterMs !== null && list[i].sentAt + TOLERANCE_MS < p.answeredAt + p.retryAfterMs) early++;
        }
      }
      // Sent during a wait: received after a 429/503 had been answered and before its Retry-After ended.
      const ws = [...waits].sort((a, b) => a.answeredAt - b.answeredAt);
      const rs = [...requests].sort((a, b) => a.sentAt - b.sentAt);
      let during = 0;
      let until = -Infinity;
      let j = 0;
      for (const r of rs) {
        while (j < ws.length && ws[j].answeredAt + TOLERANCE_MS <= r.sentAt) until = Math.max(until, ws[j++].until);
        if (r.sentAt + TOLERANCE_MS < until) during += r.weight;
      }
      const ras = waits.map((w) => w.until - w.answeredAt).sort((a, b) => a - b);
      return {
        retryAfterMs: ras.length ? { min: ras[0], median: ras[ras.length >> 1], max: ras[ras.length - 1] } : null,
        createAttempts: attempts,
        distinctTasks: byTitle.size,
        earlyRetries: early,
        sentDuringWait: during,
        requestsSent: rs.reduce((a, r) => a + r.weight, 0),
        throttledAnswers: waits.length,
      };
    },
    async stop() {
      const closed = new Promise((r) => server.close(r));
      server.closeAllConnections?.();
      await closed;
      agent.destroy();
    },
  };
}

// Progress on stderr: a bar (cli-progress, bundled at build time) when stderr is a terminal, else a
// plain line every few seconds. Shows done of total, created, failed, and the seconds left of a
// throttling wait (createTasks' `waitingUntil`).
import cliProgress from "cli-progress";

const PLAIN_EVERY_MS = 5000;

function waitText(waitingUntil) {
  if (typeof waitingUntil !== "number") return "";
  const left = Math.ceil((waitingUntil - Date.now()) / 1000);
  return left > 0 ? `throttled: ${left}s left` : "";
}

/** `update(progress)` with createTasks' progress; `stop(final)` draws the last state (the command's own counts). */
export function createProgress({ total, stream = process.stderr, write }) {
  let state = { total, created: 0, failed: 0, inFlight: 0, waitingUntil: null };
  const done = () => state.created + state.failed;
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: "{bar} {value}/{total} done | {created} created | {failed} failed | {inFlight} in flight {wait}",
        barsize: 30,
        hideCursor: true,
        clearOnComplete: false,
        fps: 10,
        // The bar is redrawn on every update; the timer below keeps the wait's countdown moving.
        synchronousUpdate: true,
      },
      cliProgress.Presets.shades_classic,
    );
    const payload = () => ({ created: state.created, failed: state.failed, inFlight: state.inFlight, wait: waitText(state.waitingUntil) });
    bar.start(total, 0, payload());
    const timer = setInterval(() => bar.update(done(), payload()), 1000);
    timer.unref();
    return {
      update(p) {
        state = { ...state, ...p };
        if (p.total !== undefined) bar.setTotal(p.total);
        bar.update(done(), payload());
      },
      stop(final = {}) {
        clearInterval(timer);
        state = { ...state, ...final, waitingUntil: null };
        bar.update(done(), payload());
        bar.stop();
      },
    };
  }
  const line = () => {
    const wait = waitText(state.waitingUntil);
    write(`progress: ${done()}/${state.total} done, ${state.created} created, ${state.failed} failed, ${state.inFlight} in flight${wait ? `, ${wait}` : ""}`);
  };
  const timer = setInterval(line, PLAIN_EVERY_MS);
  timer.unref();
  return {
    update(p) {
      state = { ...state, ...p };
    },
    stop(final = {}) {
      clearInterval(timer);
      state = { ...state, ...final, waitingUntil: null };
      line();
    },
  };
}

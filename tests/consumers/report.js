// Prints scenario results as `ok   label: check` / `FAIL label: check` lines (run.sh counts them).
// Copied next to scenario.js as report.mjs / report.cjs, like it.
function report(label, results) {
  for (const r of results) {
    console.log(`${r.ok ? "ok  " : "FAIL"} ${label}: ${r.name}${r.ok && r.detail ? ` (${r.detail})` : ""}`);
    if (!r.ok) console.log(String(r.detail).replace(/^/gm, "       "));
  }
  return results.every((r) => r.ok);
}

// graph-tasks demo page: the entry module. The page is plain ES modules with no build step and no
// dependencies (the CSP allows scripts from this origin only):
//   js/dom.js      DOM helpers (text-only rendering, safe links)
//   js/library.js  loading the npm package from /pkg/
//   js/plan.js     target, token rule, the emulator's seed, the plan opened with openPlan
//   js/form.js     the task form (names, details, checklist and references editors), submit
//   js/result.js   the result card and the error panel
//   js/history.js  the plan's task list (every page)
//   js/bulk.js     CSV import (js/csv.js reads it), progress, cancel, the emulator's behaviour
//
// Safety rules: everything from a server, a pasted or chosen file, or the user goes into the DOM as text
// (textContent / createElement; innerHTML is never used); links only for http(s) URLs, with
// rel="noopener noreferrer". The access token lives only in the password input and in the options
// handed to the library; it is never stored, put in a URL or logged, and it goes only over https or
// over http to this machine (tokenMayGoTo). A custom target is never contacted because of a keystroke.
import { $ } from "./js/dom.js";
import { loadLibrary } from "./js/library.js";
import { loadSeed } from "./js/plan.js";
import { initForm, fillSeedControls, syncForm, updateSubmitEnabled, openSelectedPlan } from "./js/form.js";
import { refreshHistory } from "./js/history.js";
import { initBulk, updateBulkButtons, onTargetChangedBulk } from "./js/bulk.js";

function init() {
  $("emulator-origin").textContent = location.origin;
  initForm({
    onPlanChange: () => {
      refreshHistory();
      openSelectedPlan();
      updateBulkButtons();
    },
  });
  initBulk();
  for (const r of document.querySelectorAll("input[name=target]")) {
    r.addEventListener("change", () => {
      syncForm();
      refreshHistory();
      onTargetChangedBulk();
      openSelectedPlan();
    });
  }
  $("endpoint").addEventListener("change", updateBulkButtons);
  $("plan-input").addEventListener("change", () => {
    refreshHistory();
    updateBulkButtons();
  });
  $("token").addEventListener("change", refreshHistory);
  $("base-url").addEventListener("change", refreshHistory);
  $("history-refresh").addEventListener("click", () => refreshHistory(true));
  syncForm();
  updateSubmitEnabled();
  onTargetChangedBulk();

  const seeded = loadSeed().then(() => {
    fillSeedControls();
    syncForm();
    refreshHistory();
    updateBulkButtons();
  });
  const loaded = loadLibrary().then(() => {
    updateSubmitEnabled();
    updateBulkButtons();
  });
  Promise.all([seeded, loaded]).then(openSelectedPlan);
}

init();

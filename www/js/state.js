// The page's shared state (one object, read and written by the modules).
export const state = {
  lib: null, // { createTask, createTasks?, openPlan?, GraphError }
  seed: null, // { users, groups, plans } when the emulator seed is available
  plan: null, // { id, key, token, handle } the plan opened with openPlan for the current target
  planPending: null, // { id, key, token, promise } an openPlan under way
  controller: null, // AbortController of the running single create
  bulkController: null, // AbortController of the running bulk import
  lastCreatedId: null,
  historySeq: 0,
};

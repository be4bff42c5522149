// Uses graph-tasks' types as intended; `tsc --strict --noEmit` must accept it (tests/types/check.sh).
import { createTask, GraphError } from "graph-tasks";
import type {
  CreateTaskOptions,
  GraphErrorKind,
  GraphProblem,
  LegacyTask,
  LegacyTaskInput,
  PlannerAssignment,
  PlannerPreviewType,
  PlannerChecklistItem,
  PlannerExternalReferenceType,
  PlannerTask,
  PlannerTaskDetails,
  PlannerTaskDetailsInput,
  PlannerTaskInput,
  PlannerTaskOptions,
} from "graph-tasks";

const planId = "xqQg5FS2LkCp935s-FIFm2QAFkHM";
const user = "fbab97d0-4932-4511-b675-204639209557";

export async function planner(token: string): Promise<string> {
  const input: PlannerTaskInput = {
    planId,
    bucketId: "hsOf2dhOJkqyYYZEtdzDe2QAIUCR",
    title: "Update client list",
    assignments: { [user]: {}, "another-user": { orderHint: " !", "@odata.type": "#microsoft.graph.plannerAssignment" } },
    appliedCategories: { category1: true, category25: false },
    dueDateTime: "2026-12-01T17:00:00Z",
    startDateTime: null,
    priority: 3,
    percentComplete: 50,
    previewType: "checklist",
    goalIds: ["g1"],
    isOnMyDay: true,
    recurrence: { schedule: { pattern: { type: "daily", interval: 1 } } },
  };
  const task: PlannerTask = await createTask(input, { accessToken: token });
  const id: string = task.id; // always present
  const etag: string | null | undefined = task["@odata.etag"];
  const assignment: PlannerAssignment | undefined = task.assignments?.[user];
  const by: string | null | undefined = task.createdBy?.user?.displayName;
  const preview: PlannerPreviewType | null | undefined = task.previewType;
  if (preview === "someLaterValue" || preview === "automatic") console.log(preview);
  const priority: number | null | undefined = task.priority;
  task.title = "renamed locally"; // writable properties stay writable on the result
  console.log(etag, assignment?.orderHint, assignment?.assignedBy?.user?.id, by, priority, task.appliedCategories?.category3);
  return id;
}

export async function plannerWithOptions(signal: AbortSignal): Promise<PlannerTask> {
  const options: PlannerTaskOptions = {
    getAccessToken: async () => "token",
    endpoint: "planner",
    baseUrl: "http://127.0.0.1:8787/v1.0",
    workbookSessionId: "session",
    clientRequestId: "00000000-0000-4000-8000-000000000000",
    signal,
    timeoutMs: 10_000,
    retry: { maxRetries: 5, baseDelayMs: 500, maxDelayMs: 30_000 },
  };
  return createTask({ planId, title: "t" }, options);
}

export async function legacy(): Promise<LegacyTask[]> {
  const input: LegacyTaskInput = {
    title: "A 2015 task",
    assignedTo: user,
    planId,
    appliedCategories: { category0: true, category5: true },
    percentComplete: 0,
  };
  const me: LegacyTask = await createTask(input, { endpoint: "me", accessToken: "t", retry: false });
  const other = await createTask({ title: "for someone" }, { endpoint: "user", userId: user, getAccessToken: () => "t" });
  const mine = await createTask({ title: "created by me" }, { endpoint: "createdByUser", accessToken: "t" });
  const assignedBy: string | null | undefined = other.assignedBy; // a plain user id in 2015
  console.log(me.id.length, assignedBy, mine.createdBy);
  return [me, other, mine];
}

export async function withDetails(token: string): Promise<PlannerTaskDetails | undefined> {
  const details: PlannerTaskDetailsInput = {
    description: "Numbers for the quarterly review",
    previewType: "checklist",
    checklist: ["Collect", { title: "Check", isChecked: true }, { title: "Send" }],
    references: [{ url: "https://contoso.sharepoint.com/q3.xlsx", alias: "Q3", type: "Excel" }, { url: "https://x.com" }],
  };
  const task = await createTask({ planId, title: "Quarterly review", details }, { accessToken: token });
  const item: PlannerChecklistItem | undefined = Object.values(task.details?.checklist ?? {})[0];
  const type: PlannerExternalReferenceType | (string & {}) | null | undefined = Object.values(task.details?.references ?? {})[0]?.type;
  const raw = await createTask(
    {
      planId,
      title: "Raw Graph form",
      details: {
        checklist: { "95e27074-6c4a-447a-aa24-9d718a0b86fa": { "@odata.type": "microsoft.graph.plannerChecklistItem", title: "t", orderHint: " !" } },
        references: { "https%3A//x%2Ecom": { alias: "x", type: "Other", previewPriority: " !" } },
      },
    },
    { accessToken: token },
  );
  console.log(item?.title, item?.orderHint, type, task.checklistItemCount, raw.details?.["@odata.etag"]);
  return task.details;
}

export async function partialFailure(options: PlannerTaskOptions): Promise<PlannerTask | undefined> {
  try {
    await createTask({ planId, title: "x", details: { description: "d" } }, options);
  } catch (e) {
    if (!(e instanceof GraphError)) throw e;
    // The task exists: do not create it again, repair its details.
    if (e.step === "details") return e.task;
    const before: "create" = e.step;
    console.log(before);
  }
  return undefined;
}

// Every kind, exhaustively: a kind added to the library without a case here fails to compile.
export function describe(kind: GraphErrorKind): string {
  switch (kind) {
    case "http":
      return "the service refused";
    case "network":
      return "no answer";
    case "aborted":
      return "cancelled";
    case "timeout":
      return "too slow";
    case "validation":
      return "nothing was sent";
    case "invalidResponse":
      return "not a task";
    case "config":
      return "bad options";
    default: {
      const never: never = kind;
      return never;
    }
  }
}

export async function errors(options: PlannerTaskOptions): Promise<void> {
  try {
    await createTask({ planId, title: "x" }, options);
  } catch (e) {
    if (!(e instanceof GraphError)) throw e;
    const status: number | undefined = e.status;
    const problems: GraphProblem[] = e.problems;
    if (e.kind === "validation") console.log(problems.map((p) => `${p.field}: ${p.message}`));
    else if (e.kind === "http" && status === 429) console.log(e.retryAfterMs, e.code, e.innerCode, e.requestId, e.date);
    else if (e.mayHaveBeenCreated) console.log("check before creating again", e.clientRequestId);
    const logged = JSON.stringify(e.toJSON());
    const asError: Error = e;
    const name: "GraphError" = e.name;
    const task: PlannerTask | undefined = e.task;
    console.log(describe(e.kind), logged, asError.message, name, e.body, e.step, task?.id);
  }
  // Tests and mocks may build one.
  const mock = new GraphError("throttled", { kind: "http", status: 429, retryAfterMs: 2000, mayHaveBeenCreated: false, problems: [] });
  console.log(mock instanceof Error);
}

// Options chosen at run time (a form, say): narrowing on `endpoint` picks the overload.
export async function chosen(options: CreateTaskOptions, title: string): Promise<PlannerTask | LegacyTask> {
  if (!options.endpoint || options.endpoint === "planner") return createTask({ planId, title }, options);
  return createTask({ title }, options);
}

export async function chosenTheOtherWay(options: CreateTaskOptions, title: string): Promise<PlannerTask | LegacyTask> {
  if (options.endpoint === "me" || options.endpoint === "user" || options.endpoint === "createdByUser") {
    return createTask({ title }, options);
  }
  return createTask({ planId, title }, options);
}

// openPlan (issue 15): names instead of ids.
import { openPlan } from "graph-tasks";
import type { Plan, PlanBucket, PlanLabelKey, PlanProblem, PlanTaskInput } from "graph-tasks";

export async function byNames(token: string, signal: AbortSignal): Promise<string[]> {
  const plan: Plan = await openPlan({ planId }, { accessToken: token, retry: { maxRetries: 2 }, signal });
  const other = await openPlan({ groupId: "g", title: "Client onboarding" }, { getAccessToken: async () => token });
  const group: string | null = other.groupId;
  const buckets: PlanBucket[] = plan.buckets;
  const key: PlanLabelKey = "category25";
  const label: string | undefined = plan.labels[key];
  const input: PlanTaskInput = {
    title: "Update client list",
    bucket: "In progress",
    assignees: ["AlexW@contoso.com", user],
    labels: ["Blocked", "category7"],
    priority: 1,
    details: { description: "from names", checklist: ["one"] },
  };
  const task: PlannerTask = await plan.createTask(input, { clientRequestId: "c", timeoutMs: 0, reconcile: true });
  await plan.createTask({ title: "by id", bucketId: buckets[0]?.id ?? null, planId: plan.id });
  const results = await plan.createTasks([input, { title: "t" }], { concurrency: 2, onResult: (r) => console.log(r.index) });
  const resolved = await plan.resolve([input]);
  if (resolved.ok) {
    const first: PlannerTaskInput | undefined = resolved.tasks[0];
    console.log(first?.planId);
  } else {
    const problems: PlanProblem[] = resolved.problems;
    console.log(problems.map((p) => `${p.index} ${p.field}: ${p.message}`));
  }
  await plan.refresh();
  plan.free();
  return [task.id, group ?? "", label ?? "", String(results.length), other.title];
}

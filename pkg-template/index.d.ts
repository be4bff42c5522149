// TypeScript declarations of graph-tasks (every entry; graph-tasks/web adds init and initSync).
//
// The task interfaces mirror the property tables in the crate's src/schema.rs; the test
// tests/typescript_types.rs fails when the two drift apart. Keep one property per line, in the form
// `  [readonly ]name[?]: Type;`, so that the test can read them.
//
// Every createTask either resolves to the task the service created (its own JSON object, checked, with
// every property it sent) or rejects with a GraphError. Properties the service sends that are not
// declared here are kept on the object; read them with a cast.

// ─── Shared types ──────────────────────────────────────────────────────────────────────────────────

/** One actor: a user, an application or a device (`microsoft.graph.identity`). */
export interface Identity {
  /** The display name; may be all there is when the id is missing. */
  displayName?: string | null;
  /** The identifier (a user id is an Entra object id). */
  id?: string | null;
}

/** Who did something (`microsoft.graph.identitySet`). */
export interface IdentitySet {
  /** The application involved. */
  application?: Identity | null;
  /** The device involved. */
  device?: Identity | null;
  /** The user involved. */
  user?: Identity | null;
}

/** The preview types known today (`plannerPreviewType`); the only values a create may send. */
export type KnownPlannerPreviewType = "automatic" | "noPreview" | "checklist" | "description" | "reference";

/** What a task's card shows. The service may add values, so a created task may carry a later one. */
export type PlannerPreviewType = KnownPlannerPreviewType | (string & {});

/** The labels of a Planner task: `category1` … `category25`; `true` applies a label, `false` removes it. */
export interface PlannerAppliedCategories {
  category1?: boolean;
  category2?: boolean;
  category3?: boolean;
  category4?: boolean;
  category5?: boolean;
  category6?: boolean;
  category7?: boolean;
  category8?: boolean;
  category9?: boolean;
  category10?: boolean;
  category11?: boolean;
  category12?: boolean;
  category13?: boolean;
  category14?: boolean;
  category15?: boolean;
  category16?: boolean;
  category17?: boolean;
  category18?: boolean;
  category19?: boolean;
  category20?: boolean;
  category21?: boolean;
  category22?: boolean;
  category23?: boolean;
  category24?: boolean;
  category25?: boolean;
}

/** The labels of a 2015 beta task: `category0` … `category5`. */
export interface LegacyAppliedCategories {
  category0?: boolean;
  category1?: boolean;
  category2?: boolean;
  category3?: boolean;
  category4?: boolean;
  category5?: boolean;
}

/**
 * One assignee's entry in a task to create. Both members may be left out: the client sends
 * `"@odata.type": "#microsoft.graph.plannerAssignment"` and `orderHint: " !"` (first in the list).
 */
export interface PlannerAssignmentInput {
  /** The assignment type; the only value the service accepts. */
  "@odata.type"?: "#microsoft.graph.plannerAssignment" | "microsoft.graph.plannerAssignment";
  /** The task's place in the assignee's list (characters 32–126), e.g. `"<previous hint> <next hint>!"`; `" !"` puts it first. */
  orderHint?: string;
}

/** One assignee's entry in a created task (`plannerAssignment`). */
export interface PlannerAssignment {
  /** `#microsoft.graph.plannerAssignment`. */
  "@odata.type"?: string;
  /** Who assigned the task, set by the service. */
  readonly assignedBy?: IdentitySet | null;
  /** When the task was assigned, set by the service. */
  readonly assignedDateTime?: string | null;
  /** The task's place in the assignee's list, as the service stored it. */
  orderHint?: string | null;
}

// ─── plannerTaskDetails (set after the create) ─────────────────────────────────────────────────────

/** The reference types the docs list (`plannerExternalReference.type`); the only values a create may send. */
export type PlannerExternalReferenceType = "PowerPoint" | "Word" | "Excel" | "Other";

/** A checklist item in the short form: its title, or the title and whether it is checked. */
export type PlannerChecklistItemShort = string | { title: string; isChecked?: boolean };

/** A checklist item in the raw Graph form (`plannerChecklistItem`), the value of a GUID key. */
export interface PlannerChecklistItemInput {
  /** The item type; the client sends it whether given or not. */
  "@odata.type"?: "microsoft.graph.plannerChecklistItem" | "#microsoft.graph.plannerChecklistItem";
  /** The text of the item; not blank. */
  title: string;
  /** Whether the item is checked. */
  isChecked?: boolean;
  /** The item's place in the checklist (characters 32–126); the service picks one when left out. */
  orderHint?: string;
}

/** The raw Graph form of a checklist (`plannerChecklistItems`): item id (a GUID) → item. At most 20. */
export type PlannerChecklistItemsInput = Record<string, PlannerChecklistItemInput>;

/** A reference in the short form; the client encodes the URL into the key the service requires. */
export interface PlannerExternalReferenceShort {
  /** An absolute http:// or https:// URL. */
  url: string;
  /** A name for the reference. */
  alias?: string;
  /** What the reference is. */
  type?: PlannerExternalReferenceType;
}

/** A reference in the raw Graph form (`plannerExternalReference`), the value of an encoded-URL key. */
export interface PlannerExternalReferenceInput {
  /** The reference type; the client sends it whether given or not. */
  "@odata.type"?: "microsoft.graph.plannerExternalReference" | "#microsoft.graph.plannerExternalReference";
  /** A name for the reference. */
  alias?: string;
  /** What the reference is. */
  type?: PlannerExternalReferenceType;
  /** The reference's place among the previews (characters 32–126). */
  previewPriority?: string;
}

/**
 * The raw Graph form of references (`plannerExternalReferences`): the URL with `%` `.` `:` `@` `#`
 * percent-encoded (`https%3A//contoso%2Ecom/a`) → reference. At most 10.
 */
export type PlannerExternalReferencesInput = Record<string, PlannerExternalReferenceInput>;

/**
 * The details of a task to create: description, checklist, references and preview. createTask creates the
 * task, then sets these with a PATCH of the task's details; if that fails, it rejects with a GraphError
 * whose `step` is `"details"` and whose `task` is the created task.
 */
export interface PlannerTaskDetailsInput {
  /** The description of the task. */
  description?: string;
  /** What the task's card shows. */
  previewType?: KnownPlannerPreviewType;
  /** At most 20 items: titles or `{ title, isChecked }` in the order to show (each gets a fresh id), or the raw Graph form. */
  checklist?: PlannerChecklistItemShort[] | PlannerChecklistItemsInput;
  /** At most 10 references: `{ url, alias, type }` in preview order, or the raw Graph form. */
  references?: PlannerExternalReferenceShort[] | PlannerExternalReferencesInput;
}

/** A checklist item as the service holds it (`plannerChecklistItem`). */
export interface PlannerChecklistItem {
  /** `#microsoft.graph.plannerChecklistItem`. */
  "@odata.type"?: string;
  /** The text of the item. */
  title?: string | null;
  /** Whether the item is checked. */
  isChecked?: boolean | null;
  /** The item's place in the checklist; sort by it, ordinally. */
  orderHint?: string | null;
  /** Who last changed the item. */
  readonly lastModifiedBy?: IdentitySet | null;
  /** When the item last changed (ISO 8601). */
  readonly lastModifiedDateTime?: string | null;
}

/** A reference as the service holds it (`plannerExternalReference`). */
export interface PlannerExternalReference {
  /** `#microsoft.graph.plannerExternalReference`. */
  "@odata.type"?: string;
  /** A name for the reference. */
  alias?: string | null;
  /** What the reference is; the service may return a value not documented today. */
  type?: PlannerExternalReferenceType | (string & {}) | null;
  /** The reference's place among the previews. */
  previewPriority?: string | null;
  /** Who last changed the reference. */
  readonly lastModifiedBy?: IdentitySet | null;
  /** When the reference last changed (ISO 8601). */
  readonly lastModifiedDateTime?: string | null;
}

/** A task's details as the service holds them (`plannerTaskDetails`). */
export interface PlannerTaskDetails {
  /** The id of the details. */
  readonly id?: string;
  /** The details' own version tag (not the task's). */
  readonly "@odata.etag"?: string | null;
  /** The description of the task. */
  description?: string | null;
  /** What the task's card shows. */
  previewType?: PlannerPreviewType | null;
  /** The checklist: item id → item. */
  checklist?: Record<string, PlannerChecklistItem> | null;
  /** The references: encoded URL → reference. */
  references?: Record<string, PlannerExternalReference> | null;
}

// ─── plannerTask (endpoint "planner", the default) ─────────────────────────────────────────────────

/**
 * A Planner task to create (`POST /planner/tasks`): `planId` and `title`, and any property a client may
 * set. Service-set properties (`id`, `createdBy`, the counts, …) are not accepted.
 */
export interface PlannerTaskInput {
  /** The plan the task belongs to; it must exist. */
  planId: string;
  /** The bucket the task belongs to; it must be in the task's plan. */
  bucketId?: string | null;
  /** The title of the task; not blank. */
  title: string;
  /** The order of the task in the plan's list view (characters 32–126), e.g. `"<previous hint> <next hint>!"`. */
  orderHint?: string | null;
  /** The order of the task in the "assigned to me" view, in the same form as `orderHint`. */
  assigneePriority?: string | null;
  /** Percentage complete, a whole number 0 to 100; 100 means completed. */
  percentComplete?: number | null;
  /** Priority, a whole number 0 (highest) to 10; Planner uses 1 urgent, 3 important, 5 medium, 9 low. */
  priority?: number | null;
  /** When the task starts: ISO 8601 with an offset, e.g. `"2026-12-01T09:00:00Z"`; not after `dueDateTime`. */
  startDateTime?: string | null;
  /** When the task is due: ISO 8601 with an offset, e.g. `"2026-12-01T17:00:00Z"`. */
  dueDateTime?: string | null;
  /** What the task's card shows. */
  previewType?: KnownPlannerPreviewType | null;
  /** The group conversation thread about the task. */
  conversationThreadId?: string | null;
  /** The labels to apply: `category1` … `category25`. */
  appliedCategories?: PlannerAppliedCategories | null;
  /** The assignees, keyed by user id (at most 20); `{}` is enough for each. */
  assignments?: Record<string, PlannerAssignmentInput> | null;
  /** Beta (deprecated 2025-03-26): the goals the task contributes to. */
  goalIds?: string[] | null;
  /** Beta: whether the task is on the user's "My Day". */
  isOnMyDay?: boolean | null;
  /** Beta: the recurrence (`plannerTaskRecurrence`), sent as given. */
  recurrence?: Record<string, unknown> | null;
  /** Description, checklist, references and preview, set right after the create (not part of the create's body). */
  details?: PlannerTaskDetailsInput;
}

/** A Planner task as the service created it (`plannerTask`, v1.0 plus the beta properties). */
export interface PlannerTask {
  /** The task id: 28 characters, case-sensitive. */
  readonly id: string;
  /** The version tag for `If-Match` on later updates. */
  readonly "@odata.etag"?: string | null;
  /** The plan the task belongs to. */
  planId?: string | null;
  /** The bucket the task belongs to. */
  bucketId?: string | null;
  /** The title of the task. */
  title?: string | null;
  /** The order of the task in the plan's list view. */
  orderHint?: string | null;
  /** The order of the task in the "assigned to me" view. */
  assigneePriority?: string | null;
  /** Percentage complete; 100 means completed. */
  percentComplete?: number | null;
  /** Priority 0 (highest) to 10. */
  priority?: number | null;
  /** When the task starts (ISO 8601). */
  startDateTime?: string | null;
  /** When the task is due (ISO 8601). */
  dueDateTime?: string | null;
  /** When the task was created (ISO 8601). */
  readonly createdDateTime?: string | null;
  /** When `percentComplete` reached 100 (ISO 8601). */
  readonly completedDateTime?: string | null;
  /** Who completed the task. */
  readonly completedBy?: IdentitySet | null;
  /** Who created the task. */
  readonly createdBy?: IdentitySet | null;
  /** Whether the task's details have a non-empty description. */
  readonly hasDescription?: boolean | null;
  /** What the task's card shows. */
  previewType?: PlannerPreviewType | null;
  /** The number of external references. */
  readonly referenceCount?: number | null;
  /** The number of checklist items. */
  readonly checklistItemCount?: number | null;
  /** The number of unchecked checklist items. */
  readonly activeChecklistItemCount?: number | null;
  /** The group conversation thread about the task. */
  conversationThreadId?: string | null;
  /** The labels applied to the task. */
  appliedCategories?: PlannerAppliedCategories | null;
  /** The assignees, keyed by user id. */
  assignments?: Record<string, PlannerAssignment> | null;
  /** Beta: why and when the task was archived (`plannerArchivalInfo`). */
  readonly archivalInfo?: Record<string, unknown> | null;
  /** Beta: where the task came from (`plannerTaskCreation`). */
  readonly creationSource?: Record<string, unknown> | null;
  /** Beta (deprecated 2025-03-26): the goals the task contributes to. */
  goalIds?: string[] | null;
  /** Beta: whether a chat is attached. */
  readonly hasChat?: boolean | null;
  /** Beta: whether the task is archived. */
  readonly isArchived?: boolean | null;
  /** Beta: whether the task is on the user's "My Day". */
  isOnMyDay?: boolean | null;
  /** Beta: when `isOnMyDay` last changed (a date, `YYYY-MM-DD`). */
  readonly isOnMyDayLastModifiedDate?: string | null;
  /** Beta: who last changed the task. */
  readonly lastModifiedBy?: IdentitySet | null;
  /** Beta: when the task last changed (ISO 8601). */
  readonly lastModifiedDateTime?: string | null;
  /** Beta: the recurrence (`plannerTaskRecurrence`). */
  recurrence?: Record<string, unknown> | null;
  /** Beta: what must be done to complete the task (flags such as `checklistCompletion`). */
  readonly specifiedCompletionRequirements?: string | null;
  /** When createTask was given `details`: the details as the service holds them after the update. */
  details?: PlannerTaskDetails;
}

// ─── The 2015 beta task (endpoints "me", "user", "createdByUser") ──────────────────────────────────

/** A 2015 beta task to create (`POST /me/tasks` and its siblings): people are plain user-id strings. */
export interface LegacyTaskInput {
  /** The labels to apply: `category0` … `category5`. */
  appliedCategories?: LegacyAppliedCategories | null;
  /** The user id the task is assigned to. */
  assignedTo?: string | null;
  /** The order of the task in the assignee's list view (characters 32–126), e.g. `"<previous hint> <next hint>!"`. */
  assigneePriority?: string | null;
  /** The bucket the task belongs to. */
  bucketId?: string | null;
  /** The group conversation thread about the task. */
  conversationThreadId?: string | null;
  /** When the task is due: ISO 8601 with an offset. */
  dueDateTime?: string | null;
  /** The order of the task in the plan's list view, in the same form as `assigneePriority`. */
  orderHint?: string | null;
  /** Percentage complete, a whole number 0 to 100. */
  percentComplete?: number | null;
  /** The plan the task belongs to. */
  planId?: string | null;
  /** When the task starts: ISO 8601 with an offset; not after `dueDateTime`. */
  startDateTime?: string | null;
  /** The title of the task; not blank. */
  title: string;
}

/** A 2015 beta task as the service created it (`task`). */
export interface LegacyTask {
  /** The task id: 28 characters, case-sensitive. */
  readonly id: string;
  /** The version tag for `If-Match` on later updates. */
  readonly "@odata.etag"?: string | null;
  /** The labels applied to the task. */
  appliedCategories?: LegacyAppliedCategories | null;
  /** The user id that assigned the task. */
  readonly assignedBy?: string | null;
  /** When the task was assigned (ISO 8601). */
  readonly assignedDateTime?: string | null;
  /** The user id the task is assigned to. */
  assignedTo?: string | null;
  /** The order of the task in the assignee's list view. */
  assigneePriority?: string | null;
  /** The bucket the task belongs to. */
  bucketId?: string | null;
  /** When `percentComplete` reached 100 (ISO 8601). */
  readonly completedDateTime?: string | null;
  /** The group conversation thread about the task. */
  conversationThreadId?: string | null;
  /** The user id that created the task. */
  readonly createdBy?: string | null;
  /** When the task was created (ISO 8601). */
  readonly createdDateTime?: string | null;
  /** When the task is due (ISO 8601). */
  dueDateTime?: string | null;
  /** Whether the task's details have a non-empty description. */
  readonly hasDescription?: boolean | null;
  /** The order of the task in the plan's list view. */
  orderHint?: string | null;
  /** Percentage complete; 100 means completed. */
  percentComplete?: number | null;
  /** The plan the task belongs to. */
  planId?: string | null;
  /** What the task's card shows. */
  readonly previewType?: PlannerPreviewType | null;
  /** When the task starts (ISO 8601). */
  startDateTime?: string | null;
  /** The title of the task. */
  title?: string | null;
}

// ─── Options ────────────────────────────────────────────────────────────────────────────────────────

/** Retries of throttled (429) and unavailable (503) responses; a create that may have succeeded is never re-sent. */
export interface RetryOptions {
  /** How many times to send again; default 3. */
  maxRetries?: number;
  /** The first backoff when the service gives no `Retry-After`, in ms; default 1000. */
  baseDelayMs?: number;
  /** The longest wait, in ms; default 60000. A longer `Retry-After` ends the call with its error. */
  maxDelayMs?: number;
}

/** The bearer token: `accessToken`, or `getAccessToken` (called before every attempt), never both. */
export type TokenOptions =
  | { accessToken: string; getAccessToken?: undefined }
  | { getAccessToken: () => string | PromiseLike<string>; accessToken?: undefined };

/** Options every endpoint takes. */
export interface CommonOptions {
  /** The Graph base URL; default `https://graph.microsoft.com/v1.0` (planner) or `…/beta` (others). `https:` only, `http:` to loopback. */
  baseUrl?: string;
  /** Sent as `Workbook-Session-Id`. */
  workbookSessionId?: string;
  /** Sent as `client-request-id` by every attempt; default a random UUID v4. */
  clientRequestId?: string;
  /** Cancels the call, including a retry wait (kind `"aborted"`). */
  signal?: AbortSignal;
  /**
   * Bounds each attempt, in ms (kind `"timeout"`); default 30000, 0 for no bound. Without a `signal`,
   * attempts that start within 1 % of it (1 to 250 ms) of each other share one timer, so an attempt
   * may time out up to that much late, never early.
   */
  timeoutMs?: number;
  /** Retry settings, or `false` for none. */
  retry?: RetryOptions | false;
}

/** Options of a Planner create (`POST {baseUrl}/planner/tasks`): endpoint `"planner"`, the default. */
export type PlannerTaskOptions = CommonOptions & TokenOptions & ReconcileOption & (
  | { endpoint?: undefined; userId?: undefined }
  | { endpoint: "planner"; userId?: undefined }
);

/** Exactly once for a create that may have been committed (a 500, 502 or 504, a timeout, a network failure after sending). */
export interface ReconcileOption {
  /**
   * Look for the task in its plan (same title and bucket, created by the caller since the call began)
   * instead of failing with `mayHaveBeenCreated`; found, it is the result; not found after the service
   * had time to store it, it is sent again. Default `false` for createTask, `true` for createTasks.
   */
  reconcile?: boolean;
}

/** Options of createTasks: a Planner create's, plus how the run goes. */
export type CreateTasksOptions = PlannerTaskOptions & {
  /** `$batch` requests in flight at once, 1 to 64; default 4. */
  concurrency?: number;
  /** Creates per `$batch`, 1 to 20 (Graph's limit); default 20. */
  batchSize?: number;
  /** Called after each batch. */
  onProgress?: ProgressCallback;
  /** Called with each task's result as soon as it is known (to write a report as the run goes). */
  onResult?: ResultCallback;
  /** An earlier run of the same tasks: each task is first looked for in its plan, and sent only if not found. */
  resume?: ResumeFrom;
};

/** Options of a 2015 beta create: `"me"`, `"createdByUser"`, or `"user"` with the user's id. */
export type LegacyTaskOptions = CommonOptions & TokenOptions & (
  | { endpoint: "me"; userId?: undefined }
  | { endpoint: "user"; userId: string }
  | { endpoint: "createdByUser"; userId?: undefined }
);

/** Every option set createTask accepts. */
export type CreateTaskOptions = PlannerTaskOptions | LegacyTaskOptions;

/** The endpoint names. */
export type Endpoint = "planner" | "me" | "user" | "createdByUser";

// ─── Errors ─────────────────────────────────────────────────────────────────────────────────────────

/**
 * What kind of failure a GraphError is:
 * `"http"` an error status (or a refused redirect); `"network"` the request could not be sent or read;
 * `"aborted"` the signal fired; `"timeout"` an attempt ran past `timeoutMs`; `"validation"` the task was
 * refused before sending (see `problems`); `"invalidResponse"` a 201 that is not a task; `"config"`
 * options that cannot work. Nothing was sent for `"validation"` and `"config"`.
 */
export type GraphErrorKind = "http" | "network" | "aborted" | "timeout" | "validation" | "invalidResponse" | "config";

/** This client's own codes, for failures that are not Graph's error body (the npm README says what each means). */
export type ClientErrorCode = "invalidTask" | "missingToken" | "invalidToken" | "tokenProviderFailed" | "invalidOption" | "missingUserId" | "invalidUserId" | "unknownEndpoint" | "wrongEndpoint" | "insecureBaseUrl" | "invalidBaseUrl" | "invalidHeader" | "unserializableTask" | "brokenEnvironment" | "redirectRefused" | "timeout" | "aborted" | "networkError" | "unexpectedStatus" | "bodyNotJson" | "bodyTooLarge" | "notATask" | "errorBodyWithSuccess" | "wrongShape" | "noEtag" | "notDetails" | "foreignNextLink";

/** One problem: a validation rule a property broke, or an entry of Graph's `error.details`. */
export interface GraphProblem {
  /** The property path, e.g. `priority` or `assignments.<user id>.orderHint`. */
  field: string;
  /** What is wrong. */
  message: string;
}

/** The fields a GraphError is constructed with (for tests and mocks; createTask builds its own). */
export interface GraphErrorFields {
  kind: GraphErrorKind;
  status?: number;
  code?: string;
  innerCode?: string;
  requestId?: string;
  clientRequestId?: string;
  date?: string;
  retryAfterMs?: number;
  mayHaveBeenCreated: boolean;
  problems: GraphProblem[];
  body?: string;
  /** `"create"` when left out. */
  step?: GraphErrorStep;
  task?: PlannerTask;
}

/**
 * Which part of createTask failed: `"create"` for every failure before the task existed, `"details"` when
 * the task was created but setting its details (description, checklist, references) failed.
 */
export type GraphErrorStep = "create" | "details";

/** Every failure of createTask. Holds no secret: the bearer token is redacted everywhere. */
export declare class GraphError extends Error {
  constructor(message: string, fields: GraphErrorFields);
  readonly name: "GraphError";
  /** What kind of failure this is; branch on it. */
  readonly kind: GraphErrorKind;
  /** The HTTP status, when a response arrived. */
  readonly status: number | undefined;
  /** Graph's `error.code`, or this client's own code for local failures (a {@link ClientErrorCode}). */
  readonly code: ClientErrorCode | (string & {}) | undefined;
  /** Graph's `error.innerError.code`. */
  readonly innerCode: string | undefined;
  /** The service's `request-id`. */
  readonly requestId: string | undefined;
  /** The `client-request-id` the request was sent with. */
  readonly clientRequestId: string | undefined;
  /** The service's `innerError.date`, else its `Date` header. */
  readonly date: string | undefined;
  /** How long the service asked to wait (`Retry-After`), in ms. */
  readonly retryAfterMs: number | undefined;
  /** True when the request may have reached the service, so the task may exist although the call failed; such a create is never re-sent. */
  readonly mayHaveBeenCreated: boolean;
  /** Every validation problem (kind `"validation"`), or Graph's `error.details`. */
  readonly problems: GraphProblem[];
  /** The raw response body, when there was one. */
  readonly body: string | undefined;
  /** `"details"` when the task exists but its details were not set; `"create"` otherwise. */
  readonly step: GraphErrorStep;
  /** With step `"details"`: the created task, as the create returned it. */
  readonly task: PlannerTask | undefined;
  /** The fields above, for JSON logging. */
  toJSON(): Pick<GraphError, "name" | "message" | "kind" | "status" | "code" | "innerCode" | "requestId" | "clientRequestId" | "date" | "retryAfterMs" | "mayHaveBeenCreated" | "problems" | "body" | "step" | "task">;
}

// ─── createTask ─────────────────────────────────────────────────────────────────────────────────────

/**
 * Creates a Planner task (`POST {baseUrl}/planner/tasks`) and resolves to the task the service stored.
 * The task is validated first; a task that breaks a rule is never sent (GraphError kind `"validation"`,
 * with every problem). Rejects with a GraphError.
 */
export function createTask(task: PlannerTaskInput, options: PlannerTaskOptions): Promise<PlannerTask>;
/**
 * Creates a 2015 beta task (`POST /me/tasks`, `/users/{userId}/tasks` or
 * `/drive/root/createdByUser/tasks`) and resolves to the task the service stored. Rejects with a GraphError.
 */
export function createTask(task: LegacyTaskInput, options: LegacyTaskOptions): Promise<LegacyTask>;

// ─── createTasks ────────────────────────────────────────────────────────────────────────────────────

/** How a bulk run is going: after each batch, and at the end. */
export interface CreateTasksProgress {
  readonly total: number;
  readonly created: number;
  readonly failed: number;
  /** Creates sent and not yet answered, and tasks whose details are being set. */
  readonly inFlight: number;
  /** While a throttling wait holds every new send: its end (ms since the epoch). */
  readonly waitingUntil: number | null;
}

/** One task's result, at its input's index. */
export type CreateTasksResult =
  | { readonly ok: true; readonly task: PlannerTask; readonly index: number; readonly reconciled?: true; readonly duplicatesRemoved?: number }
  | { readonly ok: false; readonly error: GraphError; readonly index: number };

/** Receives the run's progress. */
export type ProgressCallback = (progress: CreateTasksProgress) => void;
/** Receives one task's result. */
export type ResultCallback = (result: CreateTasksResult) => void;
/** Where a resumed run starts looking. */
export interface ResumeFrom {
  /** When the earlier run began (ISO 8601 with an offset, e.g. `2026-12-01T16:00:00Z`). */
  since: string;
}

/**
 * Creates many Planner tasks over JSON batching (`POST {baseUrl}/$batch`, up to 20 creates each, several
 * in flight) under one throttle, each exactly once. Resolves with one result per input, in input order;
 * never rejects because a task failed, only for options that cannot work (kind `"config"`). On abort it
 * still resolves: tasks not created get kind `"aborted"` with `mayHaveBeenCreated` as it truly is.
 */
export function createTasks(tasks: PlannerTaskInput[], options: CreateTasksOptions): Promise<CreateTasksResult[]>;

// ─── openPlan ───────────────────────────────────────────────────────────────────────────────────────

/** Which plan openPlan opens: by id, or by its group and title (compared without case). */
export type PlanTarget =
  | { planId: string; groupId?: undefined; title?: undefined }
  | { groupId: string; title: string; planId?: undefined };

/**
 * Options of openPlan: a Planner create's. The handle keeps them (token or token provider, `baseUrl`,
 * `retry`, `signal`, `timeoutMs`, `reconcile`) for every call; `clientRequestId` is for the open alone.
 */
export type OpenPlanOptions = PlannerTaskOptions;

/** A bucket of an open plan. */
export interface PlanBucket {
  readonly id: string;
  readonly name: string;
}

/** A plan's label keys, `category1` to `category25`. */
export type PlanLabelKey = keyof PlannerAppliedCategories;

/**
 * A task given by names, for `plan.createTask`: every plannerTask field and `details`, as createTask
 * takes them (`planId` is the plan's own and may be left out), plus `bucket`, `assignees` and `labels`.
 */
export type PlanTaskInput = Omit<PlannerTaskInput, "planId" | "bucketId"> & {
  /** The plan's own id, when given at all. */
  planId?: string;
  /** User ids, userPrincipalNames or email addresses; each person is looked up once per plan handle. */
  assignees?: string[];
  /** Label names (compared without case) or `categoryN` keys; each is applied. */
  labels?: string[];
} & (
  | {
      /** A bucket's name (compared without case, exactly otherwise) or its id. */
      bucket?: string;
      bucketId?: undefined;
    }
  | { bucketId?: string | null; bucket?: undefined }
);

/** Options of one call on a plan handle, over the handle's own. */
export interface PlanCallOptions extends ReconcileOption {
  /** Sent as `client-request-id` by every request of the call (the lookups and the create). */
  clientRequestId?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
  retry?: RetryOptions | false;
}

/** Options of `plan.createTasks`: a call's, plus how the run goes (as createTasks takes them). */
export type PlanCreateTasksOptions = PlanCallOptions &
  Pick<CreateTasksOptions, "concurrency" | "batchSize" | "onProgress" | "onResult" | "resume">;

/** One problem of `plan.resolve`: of the input at `index`. */
export interface PlanProblem extends GraphProblem {
  readonly index: number;
}

/** What `plan.resolve` found: every input as the plain task it resolves to, or every problem. */
export type PlanResolveResult =
  | { readonly ok: true; readonly tasks: PlannerTaskInput[] }
  | { readonly ok: false; readonly problems: PlanProblem[] };

/** A plan opened by openPlan: its buckets and labels loaded once, people looked up once. */
export interface Plan {
  readonly id: string;
  readonly title: string;
  /** The group that owns the plan, or null. */
  readonly groupId: string | null;
  /** The buckets in board order (every page), as of the open or the last refresh. */
  readonly buckets: PlanBucket[];
  /** The named labels (unnamed ones are absent). */
  readonly labels: Partial<Record<PlanLabelKey, string>>;
  /**
   * Resolves the names of `input` and creates the task (with its details). A name that does not resolve
   * is a GraphError of kind `"validation"` with one problem per name (`bucket`, `assignees[2]`,
   * `labels[0]`) listing what exists; nothing is created then.
   */
  createTask(input: PlanTaskInput, options?: PlanCallOptions): Promise<PlannerTask>;
  /**
   * createTasks with names: an input whose names do not resolve gets its validation error as its result
   * (and its onResult call); the others go to the bulk run, whose onProgress counts them alone.
   */
  createTasks(inputs: PlanTaskInput[], options?: PlanCreateTasksOptions): Promise<CreateTasksResult[]>;
  /** Names to ids without creating anything (people are looked up): for a dry run. */
  resolve(inputs: PlanTaskInput[]): Promise<PlanResolveResult>;
  /** Reads the plan, its buckets and its labels again. */
  refresh(): Promise<void>;
  /** Releases the handle now (otherwise when it is garbage-collected). */
  free(): void;
}

/**
 * Opens a plan: the plan, every page of its buckets and its details (label names) in parallel, after
 * finding it among the group's plans when given by title (none, or several, is kind `"validation"`
 * listing the candidates). Rejects with a GraphError.
 */
export function openPlan(target: PlanTarget, options: OpenPlanOptions): Promise<Plan>;

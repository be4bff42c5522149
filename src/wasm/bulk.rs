//! `createTasks`: many creates over JSON batching, under one throttle, each task exactly once. The
//! decisions are the core's ([`crate::bulk`], [`crate::batch`]); this loop sends, waits and keeps the
//! results. Several batches are in flight at once, each in its own spawned task that reports back
//! into the run's shared state and wakes the loop.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Function, JsString, Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{spawn_local, JsFuture};

use super::client::{create_once, new_request_id, read, read_text, CreateTaskOptions};
use super::details::set_details;
use super::js;
use super::transport::{self, AbortListener, Attempt, Timer};
use crate::batch::{batch_body, read_batch_response, SubRequest, MAX_BATCH_REQUESTS};
use crate::bulk::{classify, Bulk, Listed, Throttle, Verdict};
use crate::contract::ClientCode;
use crate::datetime::{parse_datetime_offset, parse_http_date};
use crate::details::{validate_create_request, DetailsInput};
use crate::error::{Error, ErrorKind};
use crate::flow::Outgoing;
use crate::json::{JsonTree, JsonView};
use crate::request::{
    authorization_value, build_create_request, checked_base_url, push_path_segment, CreateRequest, Endpoint,
    RequestOptions,
};
use crate::response::{read_create_response, read_plain_response};
use crate::retry::RetryPolicy;
use crate::schema::Resource;

/// Batches in flight when the caller sets no `concurrency`: measured with `bench/run`'s bulk run
/// (1,000 tasks, 50 ms latency, 200 requests/s), where more only meets the rate limit sooner.
pub const DEFAULT_CONCURRENCY: usize = 4;

/// How a bulk run goes, besides the options every call takes.
#[derive(Clone)]
pub(crate) struct BulkOptions {
    /// Batches in flight at once.
    pub concurrency: usize,
    /// Creates per batch (at most 20).
    pub batch_size: usize,
    /// Look for tasks that may exist instead of failing them.
    pub reconcile: bool,
    /// Called with `{ total, created, failed, inFlight, waitingUntil }` after each batch.
    pub on_progress: Option<Function>,
    /// Called with each task's result as it is known.
    pub on_result: Option<Function>,
    /// Tasks of an earlier run that began then (ms since the epoch) may exist: look first.
    pub resume_since_ms: Option<i64>,
    /// The throttle of the client this run belongs to, shared with its other calls.
    pub throttle: Option<Rc<RefCell<Throttle>>>,
    /// Send each create as its own `POST /planner/tasks` rather than in a `$batch` (a single
    /// `createTask` with `reconcile: true`).
    pub direct: bool,
}

impl Default for BulkOptions {
    fn default() -> Self {
        BulkOptions {
            concurrency: DEFAULT_CONCURRENCY,
            batch_size: MAX_BATCH_REQUESTS,
            reconcile: true,
            on_progress: None,
            on_result: None,
            resume_since_ms: None,
            throttle: None,
            direct: false,
        }
    }
}

/// One input of the run, as validated.
struct Input {
    create: CreateRequest,
    body: String,
    details: Option<DetailsInput>,
    plan_id: String,
}

/// The run's state, shared by the loop and the batches in flight.
struct Run {
    bulk: Bulk,
    inputs: Vec<Option<Input>>,
    results: Vec<Option<Result<JsValue, Error>>>,
    reconciled: Vec<bool>,
    duplicates_removed: Vec<u32>,
    batches_in_flight: usize,
    details_in_flight: usize,
    /// Resolves the loop's current wait.
    wake: Option<Function>,
    /// The caller's user id (`GET /me`), once asked: `Some(None)` when it could not be read.
    caller: Option<Option<String>>,
    options: Rc<CreateTaskOptions>,
    bulk_options: BulkOptions,
    base: String,
    /// The token of the last batch, to redact from its errors.
    last_token: String,
}

type Shared = Rc<RefCell<Run>>;

/// Creates every task of `tasks` (plannerTask inputs) and resolves with one result per input, in
/// input order: `{ ok: true, task, index, reconciled?, duplicatesRemoved? }` or `{ ok: false, error,
/// index }`. Only options that cannot work reject.
pub(crate) async fn create_tasks(
    tasks: Vec<JsValue>,
    options: &CreateTaskOptions,
    bulk_options: &BulkOptions,
) -> Result<Array, Error> {
    if options.endpoint != Endpoint::Planner {
        return Err(Error::config(
            ClientCode::WrongEndpoint,
            "createTasks creates plannerTasks: use the planner endpoint",
        ));
    }
    let request_options = RequestOptions {
        base_url: options.base_url.clone(),
        workbook_session_id: options.workbook_session_id.clone(),
        // Each task of a batch run gets an id of its own; a single reconciled create keeps the caller's.
        client_request_id: if bulk_options.direct { options.client_request_id.clone() } else { None },
    };
    let base =
        checked_base_url(options.base_url.as_deref().unwrap_or(Endpoint::Planner.default_base()), js::loopback_host)?;
    // Validation first: every input, before anything is sent. Invalid ones get their result now.
    let mut inputs = Vec::with_capacity(tasks.len());
    let mut results = Vec::with_capacity(tasks.len());
    let mut keys = Vec::with_capacity(tasks.len());
    let mut valid = Vec::with_capacity(tasks.len());
    for task in &tasks {
        match prepare(task, &request_options) {
            Ok((input, title, bucket)) => {
                keys.push((title, bucket));
                inputs.push(Some(input));
                results.push(None);
                valid.push(true);
            }
            Err(error) => {
                keys.push((String::new(), None));
                inputs.push(None);
                results.push(Some(Err(error)));
                valid.push(false);
            }
        }
    }
    // Bulk runs retry throttling more than a single call: the shared throttle spaces the sends, and a
    // run of thousands must not lose tasks to a few unlucky 429s in a row.
    let retry = if options.retry == RetryPolicy::default() && !bulk_options.direct {
        RetryPolicy { max_retries: 20, ..RetryPolicy::default() }
    } else {
        options.retry
    };
    let mut bulk = Bulk::new(keys, &valid, retry, bulk_options.reconcile);
    bulk.window_floor = bulk_options.batch_size.clamp(1, MAX_BATCH_REQUESTS);
    if let Some(since) = bulk_options.resume_since_ms {
        bulk.resume_from(since, js::now_ms());
    }
    if let Some(shared) = &bulk_options.throttle {
        bulk.throttle = shared.borrow().clone();
    }
    let n = tasks.len();
    let run: Shared = Rc::new(RefCell::new(Run {
        bulk,
        inputs,
        results,
        reconciled: vec![false; n],
        duplicates_removed: vec![0; n],
        batches_in_flight: 0,
        details_in_flight: 0,
        wake: None,
        caller: None,
        options: Rc::new(options.clone()),
        bulk_options: bulk_options.clone(),
        base,
        last_token: String::new(),
    }));
    for i in 0..n {
        if run.borrow().results.get(i).is_some_and(Option::is_some) {
            report_result(&run, i);
        }
    }
    drive(&run).await;
    verify(&run).await;
    report_progress(&run);
    let run = run.borrow();
    Ok(results_array(&run))
}

/// Validates one input and builds its create.
fn prepare(task: &JsValue, request_options: &RequestOptions) -> Result<(Input, String, Option<String>), Error> {
    let text = js::snapshot_text(task)?;
    let tree = js::snapshot_tree(&text)?;
    let snapshot = tree.root();
    let validated = validate_create_request(&snapshot, Resource::PlannerTask).map_err(Error::validation)?;
    let member = |name: &str| snapshot.get(name).and_then(|v| v.as_str().map(|s| s.into_owned()));
    let title = member("title").unwrap_or_default();
    let bucket = member("bucketId");
    let plan_id = member("planId").unwrap_or_default();
    let body = validated.body(&snapshot, &text);
    let details = validated.details;
    let create = build_create_request(&Endpoint::Planner, request_options, js::loopback_host, new_request_id)?;
    Ok((Input { create, body, details: details.filter(|d| !d.is_empty()), plan_id }, title, bucket))
}

/// The loop: sends batches while the throttle allows, looks for tasks that may exist, and waits for
/// the next answer or the next time something is due. An abort ends it at once.
async fn drive(run: &Shared) {
    let signal = run.borrow().options.signal.clone();
    loop {
        if transport::is_aborted(signal.as_ref()) {
            abort_unfinished(run);
            return;
        }
        let now = js::now_ms();
        if run.borrow().bulk.look_due(now) {
            look(run, now).await;
            continue;
        }
        let (concurrency, batch_size) = {
            let r = run.borrow();
            (r.bulk_options.concurrency.max(1), r.bulk_options.batch_size.clamp(1, MAX_BATCH_REQUESTS))
        };
        loop {
            let batch = {
                let mut r = run.borrow_mut();
                if r.batches_in_flight >= concurrency {
                    break;
                }
                let batch = r.bulk.next_batch(batch_size, now);
                if !batch.is_empty() {
                    r.batches_in_flight += 1;
                }
                batch
            };
            if batch.is_empty() {
                break;
            }
            let run = run.clone();
            spawn_local(async move { send_batch(&run, batch).await });
        }
        let (finished, wake_at) = {
            let r = run.borrow();
            let idle = r.batches_in_flight == 0 && r.details_in_flight == 0;
            (idle && r.bulk.finished(), r.bulk.next_wake(now))
        };
        if finished {
            return;
        }
        wait(run, wake_at.map(|t| (t - now).max(0.0)), signal.as_ref()).await;
    }
}

/// Waits until a batch reports back, `millis` pass, or the signal fires.
async fn wait(run: &Shared, millis: Option<f64>, signal: Option<&web_sys::AbortSignal>) {
    let mut timer = None;
    let mut listener = None;
    let promise = Promise::new(&mut |resolve: Function, _reject: Function| {
        run.borrow_mut().wake = Some(resolve.clone());
        if let Some(ms) = millis {
            let on_time = resolve.clone();
            timer = Timer::start(ms, move || {
                let _ = on_time.call0(&JsValue::UNDEFINED);
            })
            .ok();
        }
        if let Some(signal) = signal {
            let on_abort = resolve.clone();
            listener = Some(AbortListener::attach(signal, move || {
                let _ = on_abort.call0(&JsValue::UNDEFINED);
            }));
        }
    });
    let _ = JsFuture::from(promise).await;
    drop(timer);
    drop(listener);
}

fn wake(run: &Shared) {
    let waker = run.borrow_mut().wake.take();
    if let Some(resolve) = waker {
        let _ = resolve.call0(&JsValue::UNDEFINED);
    }
}

/// Sends one `$batch` of creates and settles each task by its answer.
async fn send_batch(run: &Shared, indices: Vec<usize>) {
    let (requests, url, options) = {
        let r = run.borrow();
        let mut requests = Vec::with_capacity(indices.len());
        for &i in &indices {
            if let Some(Some(input)) = r.inputs.get(i) {
                let mut id = String::new();
                crate::text::push_decimal(&mut id, i as u64);
                requests.push(SubRequest {
                    id,
                    method: "POST",
                    url: String::from("/planner/tasks"),
                    headers: input
                        .create
                        .headers
                        .iter()
                        .filter(|(name, _)| matches!(*name, "client-request-id" | "Workbook-Session-Id"))
                        .cloned()
                        .collect(),
                    body: Some(input.body.clone()),
                });
            }
        }
        let mut url = r.base.clone();
        url.push_str("/$batch");
        (requests, url, r.options.clone())
    };
    let ids: Vec<String> = requests.iter().map(|q| q.id.clone()).collect();
    let direct = run.borrow().bulk_options.direct;
    let verdicts = if direct {
        let mut verdicts = Vec::with_capacity(indices.len());
        for &i in &indices {
            verdicts.push(exchange_direct(run, i, &options).await);
        }
        verdicts
    } else {
        exchange_batch(run, &requests, &ids, &url, &options).await
    };
    let now = js::now_ms();
    let mut created = Vec::new();
    {
        let mut r = run.borrow_mut();
        for (&i, (verdict, value)) in indices.iter().zip(verdicts) {
            let is_created = matches!(verdict, Verdict::Created);
            let failed = r.bulk.settle(i, verdict, js::random(), now);
            if is_created {
                let value = value.unwrap_or(JsValue::NULL);
                if let Some(id) = js::get(&value, "id").and_then(|id| id.as_string()) {
                    r.bulk.set_task_id(i, id);
                }
                created.push((i, value));
            } else if let Some(error) = failed {
                let mut error = error;
                let token = r.last_token.clone();
                error.redact(&token);
                if let Some(slot) = r.results.get_mut(i) {
                    *slot = Some(Err(error));
                }
            }
        }
        if let Some(shared) = &r.bulk_options.throttle {
            *shared.borrow_mut() = r.bulk.throttle.clone();
        }
        r.batches_in_flight = r.batches_in_flight.saturating_sub(1);
    }
    for &i in &indices {
        if run.borrow().results.get(i).is_some_and(|s| s.as_ref().is_some_and(|r| r.is_err())) {
            report_result(run, i);
        }
    }
    for (i, value) in created {
        finish_created(run, i, value);
    }
    report_progress(run);
    wake(run);
}

/// One `$batch` POST and what it means for each of its creates (with the created task's value).
async fn exchange_batch(
    run: &Shared,
    requests: &[SubRequest],
    ids: &[String],
    url: &str,
    options: &CreateTaskOptions,
) -> Vec<(Verdict, Option<JsValue>)> {
    let all = |make: &dyn Fn() -> Verdict| requests.iter().map(|_| (make(), None)).collect::<Vec<_>>();
    let token = match options.token.token(options.signal.as_ref(), options.timeout_ms).await {
        Ok(token) => token,
        Err(error) => return all(&|| Verdict::Failed(error.clone())),
    };
    run.borrow_mut().last_token = token.clone();
    let body = batch_body(requests);
    let batch_request_id = new_request_id();
    let headers = [
        ("Content-Type", String::from("application/json")),
        ("Accept", String::from("application/json")),
        ("client-request-id", batch_request_id.clone()),
    ];
    let attempt = Attempt {
        method: "POST",
        url,
        headers: &headers,
        authorization: &authorization_value(&token),
        body: Some(&body),
        signal: options.signal.as_ref(),
        timeout_ms: options.timeout_ms,
    };
    let received = match transport::send(&attempt).await {
        Ok(received) => received,
        Err(error) => return all(&|| classify(Err(error.clone()))),
    };
    let now = js::now_ms() as i64;
    let headers = received.headers();
    if let Some(date) = headers.date.as_deref().and_then(parse_http_date) {
        run.borrow_mut().bulk.saw_server_time(date.unix_millis(), i64::from(options.timeout_ms));
    }
    // Read as a tree in wasm (see crate::json::JsonTree), as the client loop reads every answer.
    let text = String::from(&received.body);
    let tree = JsonTree::parse(&text, js::number);
    let parsed = tree.as_ref().map(JsonTree::root);
    if received.status != 200 {
        let mut error = match read_plain_response(
            received.status,
            || headers.clone(),
            parsed.as_ref(),
            &[200],
            &batch_request_id,
            now,
        ) {
            Err(error) => error,
            Ok(()) => Error::new(ErrorKind::InvalidResponse, "unreachable"),
        };
        // The batch may have been carried out before a gateway gave up on it.
        error.may_have_been_created = matches!(received.status, 500 | 502 | 504);
        error.redact(&token);
        return all(&|| classify(Err(error.clone())));
    }
    let no_answer = || {
        Error::invalid_response(ClientCode::NotATask, "The batch response has no answer for this task")
            .with_may_have_been_created(true)
    };
    let Some(answers) = parsed.as_ref().and_then(|p| read_batch_response(p, ids)) else {
        return all(&|| Verdict::MayExist(no_answer()));
    };
    let r = run.borrow();
    answers
        .into_iter()
        .zip(ids)
        .map(|(answer, id)| {
            let Some(answer) = answer else { return (Verdict::MayExist(no_answer()), None) };
            let index = decimal_index(id);
            let crid = index
                .and_then(|i| r.inputs.get(i))
                .and_then(|input| input.as_ref())
                .map(|input| input.create.client_request_id.clone())
                .unwrap_or_default();
            let outcome = read_create_response(
                answer.status,
                || answer.headers.clone(),
                answer.body.as_ref(),
                Resource::PlannerTask,
                &crid,
                now,
            );
            // The sub-response's body as JSON text: for an error's `body`, and parsed by JSON.parse into
            // the created task handed back.
            let body_text = answer.body.as_ref().map(|body| {
                let mut text = String::new();
                body.write(&mut text);
                text
            });
            let outcome = outcome.map_err(|e| match &body_text {
                Some(text) => e.with_body(text.as_str()),
                None => e,
            });
            let created = outcome.is_ok();
            let value = created.then(|| body_text.and_then(|t| js::json_parse(&JsString::from(t)))).flatten();
            (classify(outcome), value)
        })
        .collect()
}

/// One create sent on its own, once (the run decides about sending it again).
async fn exchange_direct(run: &Shared, index: usize, options: &CreateTaskOptions) -> (Verdict, Option<JsValue>) {
    let (create, body) = {
        let r = run.borrow();
        match r.inputs.get(index).and_then(|i| i.as_ref()) {
            Some(input) => (input.create.clone(), input.body.clone()),
            None => return (Verdict::Failed(Error::new(ErrorKind::Validation, "no such task")), None),
        }
    };
    match create_once(create, body, options).await {
        Ok(task) => (Verdict::Created, Some(task)),
        Err(error) => (classify(Err(error)), None),
    }
}

/// A task exists (created, or found): its result, after its details are set when it has any.
fn finish_created(run: &Shared, index: usize, task: JsValue) {
    let pending = {
        let r = run.borrow();
        r.inputs
            .get(index)
            .and_then(|i| i.as_ref())
            .and_then(|input| input.details.clone().map(|details| (input.create.clone(), details, r.options.clone())))
    };
    match pending {
        None => {
            if let Some(slot) = run.borrow_mut().results.get_mut(index) {
                *slot = Some(Ok(task));
            }
            report_result(run, index);
        }
        Some((create, details, options)) => {
            run.borrow_mut().details_in_flight += 1;
            let run = run.clone();
            spawn_local(async move {
                let body = js::stringify(&task).map_or_else(|| "{}".to_owned(), |text| String::from(&text));
                let outcome = set_details(&task, body, &create, &details, &options).await;
                {
                    let mut r = run.borrow_mut();
                    r.details_in_flight = r.details_in_flight.saturating_sub(1);
                    if let Some(slot) = r.results.get_mut(index) {
                        *slot = Some(outcome);
                    }
                }
                report_result(&run, index);
                report_progress(&run);
                wake(&run);
            });
        }
    }
}

/// Looks for the tasks that may exist in their plans' listings, and removes copies.
async fn look(run: &Shared, now: f64) {
    let (plans, options, base) = {
        let r = run.borrow();
        let mut plans: Vec<String> = Vec::new();
        for (i, input) in r.inputs.iter().enumerate() {
            let due =
                matches!(r.bulk.phase(i), Some(crate::bulk::Phase::MayExist { look_at_ms, .. }) if *look_at_ms <= now);
            if let (true, Some(input)) = (due, input) {
                if !plans.contains(&input.plan_id) {
                    plans.push(input.plan_id.clone());
                }
            }
        }
        (plans, r.options.clone(), r.base.clone())
    };
    let caller = caller_id(run, &options, &base).await;
    let mut listed = Vec::new();
    let mut values = Vec::new();
    for plan in &plans {
        match list_plan_tasks(&options, &base, plan).await {
            Ok((tasks, objects)) => {
                listed.extend(tasks);
                values.extend(objects);
            }
            // The listing failed: look again after the service has had time, rather than decide now;
            // after a few failures in a row, the tasks waiting on it get their errors.
            Err(_) => {
                let given_up = {
                    let mut r = run.borrow_mut();
                    let settle = r.bulk.settle_ms;
                    let given_up = r.bulk.look_failed(now + settle);
                    for (i, error) in &given_up {
                        if let Some(slot) = r.results.get_mut(*i) {
                            *slot = Some(Err(error.clone()));
                        }
                    }
                    given_up
                };
                for (i, _) in given_up {
                    report_result(run, i);
                }
                return;
            }
        }
    }
    let decided = run.borrow_mut().bulk.reconcile(&listed, caller.as_deref(), js::now_ms());
    for (i, id) in &decided.found {
        if let Some(value) = values.iter().find(|(task_id, _)| task_id == id).map(|(_, v)| v.clone()) {
            if let Some(flag) = run.borrow_mut().reconciled.get_mut(*i) {
                *flag = true;
            }
            finish_created(run, *i, value);
        }
    }
    for (i, id, etag) in &decided.duplicates {
        if delete_task(&options, &base, id, etag.as_deref()).await {
            if let Some(count) = run.borrow_mut().duplicates_removed.get_mut(*i) {
                *count += 1;
            }
        }
    }
    report_progress(run);
}

/// After the run: the tasks that were sent again after a look found nothing get one more look, once
/// the service has had time to store a late first send, and any copy it made is removed.
async fn verify(run: &Shared) {
    let (keys, options, base, settle, signal) = {
        let r = run.borrow();
        (r.bulk.keys_to_verify(), r.options.clone(), r.base.clone(), r.bulk.settle_ms, r.options.signal.clone())
    };
    if keys.is_empty() || transport::is_aborted(signal.as_ref()) {
        return;
    }
    if transport::sleep(settle as u64, signal.as_ref()).await.is_err() {
        return;
    }
    let plans: Vec<String> = {
        let r = run.borrow();
        let mut plans = Vec::new();
        for input in r.inputs.iter().flatten() {
            if !plans.contains(&input.plan_id) {
                plans.push(input.plan_id.clone());
            }
        }
        plans
    };
    let caller = caller_id(run, &options, &base).await;
    let mut listed = Vec::new();
    for plan in &plans {
        if let Ok((tasks, _)) = list_plan_tasks(&options, &base, plan).await {
            listed.extend(tasks);
        }
    }
    let extras = run.borrow().bulk.extra_copies(&listed, caller.as_deref());
    for (i, id, etag) in extras {
        if delete_task(&options, &base, &id, etag.as_deref()).await {
            if let Some(count) = run.borrow_mut().duplicates_removed.get_mut(i) {
                *count += 1;
            }
        }
    }
}

/// The caller's user id from `GET /me`, asked once per run.
async fn caller_id(run: &Shared, options: &CreateTaskOptions, base: &str) -> Option<String> {
    if let Some(known) = run.borrow().caller.clone() {
        return known;
    }
    let mut url = String::from(base);
    url.push_str("/me?$select=id");
    let id = get_json(options, &url).await.ok().and_then(|me| js::get(&me, "id")).and_then(|id| id.as_string());
    run.borrow_mut().caller = Some(id.clone());
    id
}

/// Every task of a plan, every page: the parts matching needs, and the objects by id.
#[allow(clippy::type_complexity)]
async fn list_plan_tasks(
    options: &CreateTaskOptions,
    base: &str,
    plan: &str,
) -> Result<(Vec<Listed>, Vec<(String, JsValue)>), Error> {
    let mut url = String::from(base);
    url.push_str("/planner/plans/");
    push_path_segment(&mut url, plan);
    url.push_str("/tasks");
    let mut listed = Vec::new();
    let mut objects = Vec::new();
    // A listing of a plan's 9,000 tasks (the service's limit) is at most 90 pages of 100.
    for _ in 0..200 {
        let page = get_json(options, &url).await?;
        for task in js::get(&page, "value").filter(js::is_array).map(|v| js::array_items(&v)).unwrap_or_default() {
            let text = |v: Option<JsValue>| v.and_then(|v| v.as_string());
            let Some(id) = text(js::get(&task, "id")) else { continue };
            let created_by =
                js::get(&task, "createdBy").and_then(|c| js::get(&c, "user")).and_then(|u| js::get(&u, "id"));
            listed.push(Listed {
                id: id.clone(),
                title: text(js::get(&task, "title")).unwrap_or_default(),
                bucket_id: text(js::get(&task, "bucketId")).filter(|b| !b.is_empty()),
                created_by: text(created_by),
                created_ms: text(js::get(&task, "createdDateTime"))
                    .and_then(|t| parse_datetime_offset(&t))
                    .map(|t| t.unix_millis()),
                etag: text(js::get(&task, "@odata.etag")),
            });
            objects.push((id, task));
        }
        match js::get(&page, "@odata.nextLink").and_then(|n| n.as_string()) {
            // The token follows a next link only to the service it was meant for.
            Some(next) if same_origin(&next, base) => url = next,
            _ => break,
        }
    }
    Ok((listed, objects))
}

/// The index a sub-request id names (ids are the decimal indexes of the run's inputs).
fn decimal_index(id: &str) -> Option<usize> {
    if id.is_empty() || id.len() > 9 {
        return None;
    }
    id.bytes().try_fold(0usize, |n, b| b.is_ascii_digit().then(|| n * 10 + usize::from(b - b'0')))
}

/// Whether `url` is on the origin of `base` (scheme, host and port, compared without case).
fn same_origin(url: &str, base: &str) -> bool {
    // Byte scans rather than `str::find` with a `&str` pattern, which pulls core's two-way searcher
    // into the wasm.
    let origin_end = |u: &str| {
        let bytes = u.as_bytes();
        let after_scheme = bytes.windows(3).position(|w| w == b"://").map_or(0, |i| i + 3);
        bytes.iter().skip(after_scheme).position(|&b| b == b'/').map_or(u.len(), |i| after_scheme + i)
    };
    let (Some(a), Some(b)) = (url.get(..origin_end(url)), base.get(..origin_end(base))) else { return false };
    a.eq_ignore_ascii_case(b) && url.as_bytes().get(a.len()).is_none_or(|&c| c == b'/')
}

/// A GET through the client's loop (retried as reads are), parsed.
async fn get_json(options: &CreateTaskOptions, url: &str) -> Result<JsValue, Error> {
    let request_id = new_request_id();
    let headers = vec![("Accept", String::from("application/json")), ("client-request-id", request_id.clone())];
    let request = Outgoing { method: "GET", url: url.to_owned(), headers, body: None };
    read(request, &request_id, &[200], options).await
}

/// Deletes a copy with its etag; true when it is gone.
async fn delete_task(options: &CreateTaskOptions, base: &str, id: &str, etag: Option<&str>) -> bool {
    let Some(etag) = etag else { return false };
    let mut url = String::from(base);
    url.push_str("/planner/tasks/");
    push_path_segment(&mut url, id);
    let request_id = new_request_id();
    let headers = vec![("If-Match", String::from(etag)), ("client-request-id", request_id.clone())];
    let request = Outgoing { method: "DELETE", url, headers, body: None };
    read_text(request, &request_id, &[204, 200], options).await.is_ok()
}

/// An abort: every task without a result gets one, `mayHaveBeenCreated` as it truly is.
fn abort_unfinished(run: &Shared) {
    let unfinished = run.borrow().bulk.unfinished();
    for (i, may_exist) in unfinished {
        {
            let mut r = run.borrow_mut();
            r.bulk.fail(i);
            if let Some(slot) = r.results.get_mut(i) {
                if slot.is_none() {
                    *slot = Some(Err(transport::aborted_error(may_exist)));
                }
            }
        }
        report_result(run, i);
    }
}

fn result_object(run: &Run, index: usize) -> Option<JsValue> {
    let result = run.results.get(index)?.as_ref()?;
    let object = Object::new();
    match result {
        Ok(task) => {
            js::set(&object, "ok", &JsValue::TRUE);
            js::set(&object, "task", task);
            if run.reconciled.get(index).copied().unwrap_or(false) {
                js::set(&object, "reconciled", &JsValue::TRUE);
            }
            if let Some(&n) = run.duplicates_removed.get(index).filter(|n| **n > 0) {
                js::set(&object, "duplicatesRemoved", &JsValue::from(n));
            }
        }
        Err(error) => {
            js::set(&object, "ok", &JsValue::FALSE);
            js::set(&object, "error", &super::bindings::to_js_error(error.clone()));
        }
    }
    js::set(&object, "index", &JsValue::from(index as u32));
    Some(object.into())
}

fn results_array(run: &Run) -> Array {
    let out = Array::new();
    for i in 0..run.results.len() {
        let object = result_object(run, i).unwrap_or_else(|| {
            // Every task has its result by now; this guards the invariant rather than panicking.
            let object = Object::new();
            js::set(&object, "ok", &JsValue::FALSE);
            let error = Error::new(ErrorKind::Aborted, "The run ended before this task had a result")
                .with_code(ClientCode::Aborted)
                .with_may_have_been_created(true);
            js::set(&object, "error", &super::bindings::to_js_error(error));
            js::set(&object, "index", &JsValue::from(i as u32));
            object.into()
        });
        out.push(&object);
    }
    out
}

fn report_result(run: &Shared, index: usize) {
    let (callback, object) = {
        let r = run.borrow();
        (r.bulk_options.on_result.clone(), result_object(&r, index))
    };
    if let (Some(callback), Some(object)) = (callback, object) {
        // A callback that throws must not stop the run.
        let _ = callback.call1(&JsValue::UNDEFINED, &object);
    }
}

fn report_progress(run: &Shared) {
    let (callback, progress) = {
        let r = run.borrow();
        let Some(callback) = r.bulk_options.on_progress.clone() else { return };
        let created = r.results.iter().filter(|s| matches!(s, Some(Ok(_)))).count();
        let failed = r.results.iter().filter(|s| matches!(s, Some(Err(_)))).count();
        let (_, _, in_flight, total) = r.bulk.counts();
        let progress = Object::new();
        js::set(&progress, "total", &JsValue::from(total as u32));
        js::set(&progress, "created", &JsValue::from(created as u32));
        js::set(&progress, "failed", &JsValue::from(failed as u32));
        js::set(&progress, "inFlight", &JsValue::from((in_flight + r.details_in_flight) as u32));
        let waiting = r.bulk.throttle.waiting_until(js::now_ms()).map_or(JsValue::NULL, JsValue::from_f64);
        js::set(&progress, "waitingUntil", &waiting);
        (callback, progress)
    };
    let _ = callback.call1(&JsValue::UNDEFINED, &progress);
}

//! `openPlan` (issue 15): a plan handle that loads a plan, its buckets and its labels once, looks
//! people up once, and creates tasks given by names. Every decision is the core's ([`crate::plan`]);
//! every request is a read of the client ([`super::client::read_text`]: a [`crate::flow::Flow`] that env.js
//! `drive` runs), retried as reads are (GETs, and `$batch`es of GETs, are safe to repeat).

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use js_sys::{Array, JsString, Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::bindings::{read_bulk_options, read_call_options, read_options, to_js_error};
use super::bulk::{create_tasks, BulkOptions};
use super::client::{create, new_uuid, read_text, CreateTaskOptions};
use super::js;
use crate::batch::{batch_body, read_batch_response, SubRequest, MAX_BATCH_REQUESTS};
use crate::contract::ClientCode;
use crate::details::validate_create_request;
use crate::error::{Error, Problem};
use crate::flow::Outgoing;
use crate::json::{JsonNode, JsonTree};
use crate::model::PlannerTask;
use crate::plan::{
    buckets_url, category_key, group_plans_url, mail_filter_path, match_plan_title, parse_bucket, parse_labels,
    parse_mail_lookup, parse_page, parse_plan, parse_user, people_to_look_up, plan_details_url, plan_url, resolve_task,
    resolved_task_text, user_path, Bucket, PeopleCache, Person, Plan as PlanData, PlanInfo, Resolved,
    BATCH_LOOKUPS_OVER, MAX_PAGES,
};
use crate::request::{check_header_value, checked_base_url, Endpoint, DEFAULT_V1_BASE};
use crate::schema::Resource;

/// Which plan to open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PlanTarget {
    /// The plan with this id.
    Id(String),
    /// The plan of this group with this title (compared without case).
    Titled {
        /// The group that owns the plan.
        group_id: String,
        /// The plan's title.
        title: String,
    },
}

/// A task given by names, for [`Plan::create_task`]: `task` as [`crate::create_task`] takes it
/// (`plan_id` is the plan's own and may be left `None`), plus the names to resolve.
#[derive(Clone, Debug, Default)]
pub struct PlanTaskInput {
    /// Every plannerTask field, and `details`.
    pub task: PlannerTask,
    /// A bucket's name (compared without case) or id.
    pub bucket: Option<String>,
    /// User ids, userPrincipalNames or email addresses.
    pub assignees: Vec<String>,
    /// Label names (compared without case) or `categoryN` keys.
    pub labels: Vec<String>,
}

struct Inner {
    plan: RefCell<PlanData>,
    people: RefCell<PeopleCache>,
    /// The client's options; `client_request_id` is per call, so it is not kept.
    options: CreateTaskOptions,
    base: String,
}

/// An open plan, for Rust web apps: the same handle as the JS `Plan`.
#[derive(Clone)]
pub struct Plan {
    inner: Rc<Inner>,
}

impl Plan {
    /// Opens a plan: the plan, every page of its buckets and its details (the label names) are read
    /// in parallel (a plan given by group and title is first found among the group's plans).
    pub async fn open(target: &PlanTarget, options: &CreateTaskOptions) -> Result<Plan, Error> {
        if options.endpoint != Endpoint::Planner {
            return Err(Error::config(ClientCode::WrongEndpoint, "openPlan works with the planner endpoint"));
        }
        let base = checked_base_url(options.base_url.as_deref().unwrap_or(DEFAULT_V1_BASE), js::loopback_host)?;
        let client_request_id = call_id(options)?;
        let plan = load(target, &base, &client_request_id, options).await?;
        let mut kept = options.clone();
        kept.client_request_id = None;
        Ok(Plan {
            inner: Rc::new(Inner {
                plan: RefCell::new(plan),
                people: RefCell::new(PeopleCache::default()),
                options: kept,
                base,
            }),
        })
    }

    /// The plan's id.
    pub fn id(&self) -> String {
        self.inner.plan.borrow().info.id.clone()
    }

    /// The plan's title.
    pub fn title(&self) -> String {
        self.inner.plan.borrow().info.title.clone()
    }

    /// The group that owns the plan.
    pub fn group_id(&self) -> Option<String> {
        self.inner.plan.borrow().info.group_id.clone()
    }

    /// The plan's buckets in board order.
    pub fn buckets(&self) -> Vec<Bucket> {
        self.inner.plan.borrow().buckets.clone()
    }

    /// The plan's named labels: `(N, name)` for `categoryN`.
    pub fn labels(&self) -> Vec<(u32, String)> {
        self.inner.plan.borrow().labels.clone()
    }

    /// Reads the plan, its buckets and its labels again.
    pub async fn refresh(&self) -> Result<(), Error> {
        refresh(&self.inner).await
    }

    /// Resolves `input`'s names (looking people up once per handle) and creates the task, with its
    /// details when it has them. A name that does not resolve is a validation error listing every
    /// problem; nothing is created then.
    pub async fn create_task(&self, input: &PlanTaskInput) -> Result<PlannerTask, Error> {
        let serializer = serde_wasm_bindgen::Serializer::json_compatible();
        let value = serde::Serialize::serialize(&input.task, &serializer)
            .map_err(|_| Error::config(ClientCode::UnserializableTask, "the task cannot be represented as JSON"))?;
        let strings = |items: &[String]| -> JsValue {
            let array = Array::new();
            for item in items {
                array.push(&JsValue::from_str(item));
            }
            array.into()
        };
        if let Some(bucket) = &input.bucket {
            js::set(&value, "bucket", &JsValue::from_str(bucket));
        }
        if !input.assignees.is_empty() {
            js::set(&value, "assignees", &strings(&input.assignees));
        }
        if !input.labels.is_empty() {
            js::set(&value, "labels", &strings(&input.labels));
        }
        let created = create_one(&self.inner, &value, &self.inner.options).await?;
        serde_wasm_bindgen::from_value(created).map_err(|e| {
            let mut m = String::from("The created task does not fit the Rust model: ");
            m.push_str(&e.to_string());
            Error::invalid_response(ClientCode::WrongShape, m).with_may_have_been_created(true)
        })
    }
}

/// The `client-request-id` of one call: the caller's, or a fresh one. Every request of the call sends
/// it, so that the service's logs (and the emulator's record) group them.
fn call_id(options: &CreateTaskOptions) -> Result<String, Error> {
    match &options.client_request_id {
        Some(id) => {
            check_header_value("clientRequestId", id)?;
            Ok(id.clone())
        }
        None => Ok(new_uuid()),
    }
}

// ---------------------------------------------------------------------------------------------
// Reading.

/// Polls every future until all are done; their outputs in their order. (One round trip's latency
/// for requests that do not depend on each other.)
/// A future of this module, boxed so that different ones can be joined.
type Boxed<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

struct JoinAll<'a, T> {
    futures: Vec<Option<Boxed<'a, T>>>,
    outputs: Vec<Option<T>>,
}

fn join_all<T>(futures: Vec<Boxed<'_, T>>) -> JoinAll<'_, T> {
    let outputs = futures.iter().map(|_| None).collect();
    JoinAll { futures: futures.into_iter().map(Some).collect(), outputs }
}

// The outputs are never pinned: only the boxed futures are, and a box is Unpin.
impl<T> Unpin for JoinAll<'_, T> {}

impl<T> Future for JoinAll<'_, T> {
    type Output = Vec<T>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Vec<T>> {
        let this = self.get_mut();
        let mut pending = false;
        for (slot, output) in this.futures.iter_mut().zip(this.outputs.iter_mut()) {
            if let Some(future) = slot {
                match future.as_mut().poll(cx) {
                    Poll::Ready(value) => {
                        *output = Some(value);
                        *slot = None;
                    }
                    Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            Poll::Pending
        } else {
            Poll::Ready(this.outputs.iter_mut().filter_map(Option::take).collect())
        }
    }
}

/// One GET (or, with `body`, a `$batch` POST of GETs) through the client's loop: the answer's JSON
/// text (which the loop has checked is a JSON object), read by the callers as a [`JsonTree`].
async fn read(
    url: &str,
    body: Option<&str>,
    client_request_id: &str,
    options: &CreateTaskOptions,
) -> Result<String, Error> {
    let mut headers =
        vec![("Accept", String::from("application/json")), ("client-request-id", client_request_id.to_owned())];
    if body.is_some() {
        headers.push(("Content-Type", String::from("application/json")));
    }
    let method = if body.is_some() { "POST" } else { "GET" };
    let request = Outgoing { method, url: url.to_owned(), headers, body: body.map(str::to_owned) };
    read_text(request, client_request_id, &[200], options).await
}

/// `text` read as a tree, handed to `read`; text that is not JSON reads as the wrong shape.
fn with_tree<T>(text: &str, read: impl FnOnce(&JsonNode<'_>) -> Result<T, Error>) -> Result<T, Error> {
    match JsonTree::parse(text, js::number) {
        Some(tree) => read(&tree.root()),
        None => Err(Error::invalid_response(ClientCode::WrongShape, "The service's answer is not JSON")),
    }
}

/// Every item of every page of a list, each read by `item` while its page's tree is alive, following
/// only same-origin next links.
async fn read_all<T>(
    url: String,
    base: &str,
    client_request_id: &str,
    options: &CreateTaskOptions,
    item: impl Fn(&JsonNode<'_>) -> Result<T, Error>,
) -> Result<Vec<T>, Error> {
    let mut all = Vec::new();
    let mut next = Some(url);
    let mut pages = 0;
    while let Some(url) = next.take() {
        pages += 1;
        if pages > MAX_PAGES {
            return Err(Error::invalid_response(ClientCode::WrongShape, "The list has no end (too many pages)"));
        }
        let page = read(&url, None, client_request_id, options).await?;
        let page = with_tree(&page, |page| parse_page(page, base, &item))?;
        all.extend(page.items);
        next = page.next.filter(|n| *n != url);
    }
    Ok(all)
}

enum Loaded {
    Info(PlanInfo),
    Buckets(Vec<Bucket>),
    Labels(Vec<(u32, String)>),
}

async fn load(target: &PlanTarget, base: &str, crid: &str, options: &CreateTaskOptions) -> Result<PlanData, Error> {
    let (plan_id, known) = match target {
        PlanTarget::Id(id) => (id.clone(), None),
        PlanTarget::Titled { group_id, title } => {
            let plans =
                read_all(group_plans_url(base, group_id), base, crid, options, |p: &JsonNode<'_>| parse_plan(p))
                    .await?;
            let plan = match_plan_title(&plans, title, &js::lower_case)?;
            (plan.id.clone(), Some(plan))
        }
    };
    if plan_id.is_empty() {
        return Err(Error::config(ClientCode::InvalidOption, "openPlan needs a non-empty planId"));
    }
    let mut futures: Vec<Boxed<'_, Result<Loaded, Error>>> = Vec::with_capacity(3);
    let id = plan_id.as_str();
    if known.is_none() {
        futures.push(Box::pin(async move {
            let plan = read(&plan_url(base, id), None, crid, options).await?;
            with_tree(&plan, |t| parse_plan(t)).map(Loaded::Info)
        }));
    }
    futures.push(Box::pin(async move {
        read_all(buckets_url(base, id), base, crid, options, |b: &JsonNode<'_>| parse_bucket(b))
            .await
            .map(Loaded::Buckets)
    }));
    futures.push(Box::pin(async move {
        let details = read(&plan_details_url(base, id), None, crid, options).await?;
        with_tree(&details, |t| parse_labels(t)).map(Loaded::Labels)
    }));
    let mut plan = PlanData {
        info: known.unwrap_or(PlanInfo { id: plan_id.clone(), title: String::new(), group_id: None }),
        buckets: Vec::new(),
        labels: Vec::new(),
    };
    for loaded in join_all(futures).await {
        match loaded? {
            Loaded::Info(info) => plan.info = info,
            Loaded::Buckets(buckets) => plan.buckets = buckets,
            Loaded::Labels(labels) => plan.labels = labels,
        }
    }
    Ok(plan)
}

async fn refresh(inner: &Inner) -> Result<(), Error> {
    let id = inner.plan.borrow().info.id.clone();
    let crid = call_id(&inner.options)?;
    let plan = load(&PlanTarget::Id(id), &inner.base, &crid, &inner.options).await?;
    *inner.plan.borrow_mut() = plan;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// People.

/// Looks up, once per handle, the people of `inputs` the cache does not know: one GET each in
/// parallel, or `$batch`es of up to 20 when there are many.
async fn look_up_people(
    inner: &Inner,
    inputs: &[String],
    crid: &str,
    options: &CreateTaskOptions,
) -> Result<(), Error> {
    let who = {
        let trees: Vec<JsonTree<'_>> = inputs.iter().filter_map(|text| JsonTree::parse(text, js::number)).collect();
        let roots: Vec<JsonNode<'_>> = trees.iter().map(JsonTree::root).collect();
        people_to_look_up(&roots, &inner.people.borrow())
    };
    if who.is_empty() {
        return Ok(());
    }
    let found = if who.len() > BATCH_LOOKUPS_OVER {
        let mut found = Vec::with_capacity(who.len());
        for chunk in who.chunks(MAX_BATCH_REQUESTS) {
            found.extend(look_up_batch(&inner.base, chunk, crid, options).await?);
        }
        found
    } else {
        let base = inner.base.as_str();
        let futures: Vec<Boxed<'_, Result<Person, Error>>> =
            who.iter().map(|w| Box::pin(look_up_one(base, w, crid, options)) as Boxed<'_, _>).collect();
        let mut found = Vec::with_capacity(who.len());
        for (w, person) in who.iter().zip(join_all(futures).await) {
            found.push((w.clone(), person?));
        }
        found
    };
    let mut cache = inner.people.borrow_mut();
    for (w, person) in found {
        cache.insert(&w, person);
    }
    Ok(())
}

fn with_base(base: &str, path: &str) -> String {
    let mut url = String::from(base);
    url.push_str(path);
    url
}

/// `GET /users/{upn}`; a 404 is nobody by that name, then (for an address) `$filter=mail eq`.
async fn look_up_one(base: &str, who: &str, crid: &str, options: &CreateTaskOptions) -> Result<Person, Error> {
    match read(&with_base(base, &user_path(who)), None, crid, options).await {
        Ok(user) => with_tree(&user, |t| parse_user(t)).map(Person::Found),
        Err(e) if e.status == Some(404) => look_up_mail(base, who, crid, options).await,
        Err(e) => Err(e),
    }
}

async fn look_up_mail(base: &str, who: &str, crid: &str, options: &CreateTaskOptions) -> Result<Person, Error> {
    if !who.as_bytes().contains(&b'@') {
        return Ok(Person::Unknown);
    }
    let answer = read(&with_base(base, &mail_filter_path(who)), None, crid, options).await?;
    with_tree(&answer, |t| parse_mail_lookup(t))
}

/// One `$batch` of `GET /users/{upn}`; a sub-request the batch did not answer well is sent on its own
/// (through the loop, which retries), and a 404 goes on to the mail lookup.
async fn look_up_batch(
    base: &str,
    who: &[String],
    crid: &str,
    options: &CreateTaskOptions,
) -> Result<Vec<(String, Person)>, Error> {
    let requests: Vec<SubRequest> = who
        .iter()
        .enumerate()
        .map(|(i, w)| SubRequest {
            id: crate::text::decimal(i as u64),
            method: "GET",
            url: user_path(w),
            headers: Vec::new(),
            body: None,
        })
        .collect();
    let ids: Vec<String> = requests.iter().map(|r| r.id.clone()).collect();
    let answer = read(&with_base(base, "/$batch"), Some(&batch_body(&requests)), crid, options).await?;
    // What each sub-response says, read before any lookup is sent again (the tree stays here).
    let first_pass: Vec<(Option<u16>, Option<String>)> = {
        let tree = JsonTree::parse(&answer, js::number);
        let responses = tree.as_ref().and_then(|t| read_batch_response(&t.root(), &ids)).unwrap_or_default();
        (0..who.len())
            .map(|i| {
                let sub = responses.get(i).and_then(Option::as_ref);
                (sub.map(|s| s.status), sub.and_then(|s| s.body.as_ref()).and_then(|b| parse_user(b).ok()))
            })
            .collect()
    };
    let mut out = Vec::with_capacity(who.len());
    for (w, (status, user)) in who.iter().zip(first_pass) {
        let person = match (status, user) {
            (Some(200), Some(id)) => Person::Found(id),
            (Some(404), _) => look_up_mail(base, w, crid, options).await?,
            _ => look_up_one(base, w, crid, options).await?,
        };
        out.push((w.clone(), person));
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Resolving and creating.

/// The caller's inputs read once each ([`js::snapshot_text`]): everything after works on these JSON
/// texts, never on the caller's objects.
fn copies(inputs: &[JsValue]) -> (Vec<Result<String, Error>>, Vec<String>) {
    let copies: Vec<Result<String, Error>> = inputs.iter().map(js::snapshot_text).collect();
    let readable = copies.iter().filter_map(|c| c.as_ref().ok().cloned()).collect();
    (copies, readable)
}

/// The plain plannerTask input for `copy` (the client's copy of the caller's input), or its
/// problems: every name that does not resolve, and every rule the resolved task breaks.
fn resolve_one(plan: &PlanData, people: &PeopleCache, copy: &Result<String, Error>) -> Result<JsValue, Vec<Problem>> {
    let copy = match copy {
        Ok(copy) => copy,
        Err(e) if e.problems.is_empty() => return Err(vec![Problem::new("", e.message.clone())]),
        Err(e) => return Err(e.problems.clone()),
    };
    let tree = js::snapshot_tree(copy).map_err(|e| e.problems)?;
    let (resolved, mut problems) = match resolve_task(&tree.root(), plan, people, &js::lower_case) {
        Ok(r) => (r, Vec::new()),
        Err(p) => (Resolved::default(), p),
    };
    let task = resolved_task_text(&tree.root(), &plan.info.id, &resolved);
    let checked = js::snapshot_tree(&task).map_err(|e| e.problems)?;
    if let Err(more) = validate_create_request(&checked.root(), Resource::PlannerTask) {
        problems.extend(more);
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    // The create paths take a JS task, as the caller's createTask does.
    js::json_parse(&JsString::from(task)).ok_or_else(|| vec![Problem::new("", "cannot be read as JSON data")])
}

fn problems_error(problems: Vec<Problem>) -> Error {
    Error::validation(problems)
}

/// The people of `input` looked up, and its names resolved: the plain task, and the call's options
/// with its `client-request-id` (which the lookups and the create share).
async fn resolve_for_create(
    inner: &Inner,
    input: &JsValue,
    options: &CreateTaskOptions,
) -> Result<(JsValue, CreateTaskOptions), Error> {
    let mut options = options.clone();
    let crid = call_id(&options)?;
    options.client_request_id = Some(crid.clone());
    let copy = js::snapshot_text(input)?;
    look_up_people(inner, std::slice::from_ref(&copy), &crid, &options).await?;
    let task = resolve_one(&inner.plan.borrow(), &inner.people.borrow(), &Ok(copy)).map_err(problems_error)?;
    Ok((task, options))
}

/// Resolve, then the create path (with details).
async fn create_one(inner: &Inner, input: &JsValue, options: &CreateTaskOptions) -> Result<JsValue, Error> {
    let (task, options) = resolve_for_create(inner, input, options).await?;
    create(&task, &options).await
}

// ---------------------------------------------------------------------------------------------
// The JS face.

/// A plan opened by `openPlan`; see the package's `index.d.ts`.
#[wasm_bindgen(js_name = Plan, skip_typescript)]
pub struct PlanJs {
    plan: Plan,
}

/// A method's promise: one (boxed, non-generic) path for every method, so that the futures executor's
/// glue exists once in the wasm.
fn promise(future: Boxed<'static, Result<JsValue, JsValue>>) -> Promise {
    wasm_bindgen_futures::future_to_promise(future)
}

#[wasm_bindgen(js_class = Plan)]
impl PlanJs {
    /// The plan's id.
    #[wasm_bindgen(getter)]
    pub fn id(&self) -> String {
        self.plan.id()
    }

    /// The plan's title.
    #[wasm_bindgen(getter)]
    pub fn title(&self) -> String {
        self.plan.title()
    }

    /// The owning group's id, or null.
    #[wasm_bindgen(getter, js_name = groupId)]
    pub fn group_id(&self) -> JsValue {
        self.plan.group_id().map_or(JsValue::NULL, |g| JsValue::from_str(&g))
    }

    /// `[{ id, name }]`, in board order (a fresh array each read).
    #[wasm_bindgen(getter)]
    pub fn buckets(&self) -> Array {
        let out = Array::new();
        for b in self.plan.inner.plan.borrow().buckets.iter() {
            let bucket = Object::new();
            js::set(&bucket, "id", &JsValue::from_str(&b.id));
            js::set(&bucket, "name", &JsValue::from_str(&b.name));
            out.push(&bucket);
        }
        out
    }

    /// `{ categoryN: name }` for the named labels.
    #[wasm_bindgen(getter)]
    pub fn labels(&self) -> Object {
        let out = Object::new();
        for (n, name) in self.plan.inner.plan.borrow().labels.iter() {
            js::set_named(&out, &category_key(*n), &JsValue::from_str(name));
        }
        out
    }

    /// Resolves the names of `input` and creates the task.
    #[wasm_bindgen(js_name = createTask)]
    pub fn create_task(&self, input: JsValue, options: JsValue) -> Promise {
        let inner = self.plan.inner.clone();
        promise(Box::pin(async move {
            let options = read_call_options(&inner.options, &options).map_err(to_js_error)?;
            create_one_js(&inner, &input, &options).await
        }))
    }

    /// Resolves every input, then creates them; one result per input, in order.
    #[wasm_bindgen(js_name = createTasks)]
    pub fn create_tasks(&self, inputs: JsValue, options: JsValue) -> Promise {
        let inner = self.plan.inner.clone();
        promise(Box::pin(async move {
            let run = async {
                let bulk = read_bulk_options(&options)?;
                let options = read_call_options(&inner.options, &options)?;
                create_many(&inner, &inputs, &options, bulk).await
            };
            run.await.map(JsValue::from).map_err(to_js_error)
        }))
    }

    /// Resolves names to ids without creating anything (people are looked up): `{ ok: true, tasks }`
    /// or `{ ok: false, problems: [{ index, field, message }] }`.
    pub fn resolve(&self, inputs: JsValue) -> Promise {
        let inner = self.plan.inner.clone();
        promise(Box::pin(async move { resolve_all(&inner, &inputs).await.map_err(to_js_error) }))
    }

    /// Reads the plan, its buckets and its labels again.
    pub fn refresh(&self) -> Promise {
        let inner = self.plan.inner.clone();
        promise(Box::pin(async move { refresh(&inner).await.map(|()| JsValue::UNDEFINED).map_err(to_js_error) }))
    }
}

fn input_list(inputs: &JsValue) -> Result<Vec<JsValue>, Error> {
    if !js::is_array(inputs) {
        return Err(Error::validation(vec![Problem::new("", "must be an array of tasks")]));
    }
    Ok(js::array_items(inputs))
}

async fn resolve_all(inner: &Inner, inputs: &JsValue) -> Result<JsValue, Error> {
    let (inputs, readable) = copies(&input_list(inputs)?);
    let crid = call_id(&inner.options)?;
    look_up_people(inner, &readable, &crid, &inner.options).await?;
    let tasks = Array::new();
    let problems = Array::new();
    {
        let plan = inner.plan.borrow();
        let people = inner.people.borrow();
        for (index, input) in inputs.iter().enumerate() {
            match resolve_one(&plan, &people, input) {
                Ok(task) => {
                    tasks.push(&task);
                }
                Err(list) => {
                    for p in list {
                        let problem = Object::new();
                        js::set(&problem, "index", &JsValue::from_f64(index as f64));
                        js::set(&problem, "field", &JsValue::from_str(&p.field));
                        js::set(&problem, "message", &JsValue::from_str(&p.message));
                        problems.push(&problem);
                    }
                }
            }
        }
    }
    let out = Object::new();
    let ok = problems.length() == 0;
    js::set(&out, "ok", &JsValue::from_bool(ok));
    if ok {
        js::set(&out, "tasks", &tasks);
    } else {
        js::set(&out, "problems", &problems);
    }
    Ok(out.into())
}

/// `plan.createTasks`: every input resolved first (one lookup pass for all their people); those whose
/// names do not resolve get their validation error as their result, the rest go to the bulk path
/// (`createTasks`). One result per input, `index` the input's own.
async fn create_many(
    inner: &Inner,
    inputs: &JsValue,
    options: &CreateTaskOptions,
    mut bulk: BulkOptions,
) -> Result<Array, Error> {
    let (inputs, readable) = copies(&input_list(inputs)?);
    let crid = call_id(options)?;
    look_up_people(inner, &readable, &crid, options).await?;
    let mut tasks = Vec::with_capacity(inputs.len());
    // `sent[j]` is the index of the input whose task is `tasks[j]`.
    let mut sent: Vec<u32> = Vec::with_capacity(inputs.len());
    let results: Vec<Option<JsValue>> = {
        let plan = inner.plan.borrow();
        let people = inner.people.borrow();
        let mut results = Vec::with_capacity(inputs.len());
        for (i, copy) in inputs.iter().enumerate() {
            match resolve_one(&plan, &people, copy) {
                Ok(task) => {
                    tasks.push(task);
                    sent.push(i as u32);
                    results.push(None);
                }
                Err(problems) => {
                    let result = Object::new();
                    js::set(&result, "ok", &JsValue::FALSE);
                    js::set(&result, "error", &to_js_error(problems_error(problems)));
                    js::set(&result, "index", &JsValue::from(i as u32));
                    results.push(Some(result.into()));
                }
            }
        }
        results
    };
    let on_result = bulk.on_result.take();
    if let Some(callback) = &on_result {
        for result in results.iter().flatten() {
            let _ = callback.call1(&JsValue::UNDEFINED, result);
        }
    }
    let sent = Rc::new(sent);
    // The bulk run numbers its own tasks: each result it reports gets the input's index back.
    let remap = on_result.map(|callback| {
        let sent = sent.clone();
        Closure::<dyn FnMut(JsValue)>::new(move |result: JsValue| {
            reindex(&result, &sent);
            let _ = callback.call1(&JsValue::UNDEFINED, &result);
        })
    });
    bulk.on_result = remap.as_ref().map(|c| c.as_ref().unchecked_ref::<js_sys::Function>().clone());
    let created = if tasks.is_empty() { Array::new() } else { create_tasks(tasks, options, &bulk).await? };
    drop(remap);
    let mut created = js::array_items(&created).into_iter();
    let out = Array::new();
    for result in results {
        let result = match result {
            Some(result) => result,
            None => {
                let result = created.next().unwrap_or(JsValue::UNDEFINED);
                reindex(&result, &sent);
                result
            }
        };
        out.push(&result);
    }
    Ok(out)
}

/// Sets a bulk result's `index` (its place among the tasks sent) to the index of its input.
fn reindex(result: &JsValue, sent: &[u32]) {
    let index = js::get(result, "index").and_then(|i| i.as_f64()).map(|i| i as usize);
    if let Some(&input) = index.and_then(|i| sent.get(i)) {
        js::set(result, "index", &JsValue::from(input));
    }
}

/// `plan.createTask` in JS: with `reconcile`, the bulk run's path for one task, as `createTask` does.
async fn create_one_js(inner: &Inner, input: &JsValue, options: &CreateTaskOptions) -> Result<JsValue, JsValue> {
    if !options.reconcile {
        return create_one(inner, input, options).await.map_err(to_js_error);
    }
    let (task, options) = resolve_for_create(inner, input, options).await.map_err(to_js_error)?;
    let bulk = BulkOptions { concurrency: 1, batch_size: 1, direct: true, ..Default::default() };
    let results = create_tasks(vec![task], &options, &bulk).await.map_err(to_js_error)?;
    let result = js::array_items(&results).into_iter().next().unwrap_or(JsValue::UNDEFINED);
    match js::get(&result, "ok").and_then(|ok| ok.as_bool()) {
        Some(true) => Ok(js::get(&result, "task").unwrap_or(JsValue::NULL)),
        _ => Err(js::get(&result, "error").unwrap_or(JsValue::UNDEFINED)),
    }
}

fn read_target(target: &JsValue) -> Result<PlanTarget, Error> {
    let text = |key: &'static str| js::get(target, key).and_then(|v| v.as_string());
    match (text("planId"), text("groupId"), text("title")) {
        (Some(id), None, None) if !id.is_empty() => Ok(PlanTarget::Id(id)),
        (None, Some(group_id), Some(title)) if !group_id.is_empty() => Ok(PlanTarget::Titled { group_id, title }),
        _ => Err(Error::config(ClientCode::InvalidOption, "openPlan needs { planId } or { groupId, title }")),
    }
}

/// `openPlan(target, options)`: resolves to a `Plan`.
#[wasm_bindgen(js_name = openPlan, skip_typescript)]
pub async fn open_plan_js(target: JsValue, options: JsValue) -> Result<PlanJs, JsValue> {
    let run = async {
        let target = read_target(&target)?;
        let options = read_options(&options)?;
        Plan::open(&target, &options).await
    };
    run.await.map(|plan| PlanJs { plan }).map_err(to_js_error)
}

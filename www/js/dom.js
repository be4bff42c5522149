// DOM helpers of the demo page.
//
// Safety rule of every module here: whatever came from a server, a pasted or chosen file, or the user is
// put into the DOM with textContent / createElement / setAttribute on harmless attributes. innerHTML,
// outerHTML, insertAdjacentHTML and document.write are never used.

export const $ = (id) => document.getElementById(id);
export const app = document.querySelector("[data-testid=app]");

/** createElement with text content and attributes; children may be nodes or strings (added as text). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = String(v);
    else if (k === "testid") node.dataset.testid = v;
    else if (/^on/i.test(k) || k === "style" || k === "srcdoc") throw new Error(`el: attribute ${k} is not allowed`);
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

export function clear(node) {
  node.replaceChildren();
}

export function dash() {
  return el("span", { class: "muted", text: "—" });
}

export function formatDate(iso) {
  if (typeof iso !== "string" || iso === "") return null;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

export function timeNode(iso) {
  const text = formatDate(iso);
  if (text === null) return dash();
  return el("time", { datetime: iso, title: iso, text });
}

export function initials(name) {
  const parts = String(name).trim().split(/\s+/).filter(Boolean);
  const s = parts.length > 1 ? parts[0][0] + parts[parts.length - 1][0] : String(name).slice(0, 2);
  return s.toUpperCase();
}

export function priorityLabel(p) {
  if (typeof p !== "number" || !Number.isFinite(p)) return null;
  let name;
  if (p <= 1) name = "Urgent";
  else if (p <= 4) name = "Important";
  else if (p <= 7) name = "Medium";
  else name = "Low";
  return { name, text: `${name} (${p})`, cls: `prio-${name.toLowerCase()}` };
}

export function safeStringify(v) {
  try {
    return JSON.stringify(v, null, 2);
  } catch {
    return String(v);
  }
}

export function toArray(v) {
  if (!v) return [];
  if (Array.isArray(v)) return v;
  try {
    return Array.from(v);
  } catch {
    return [];
  }
}

export function prettyMaybeJson(text) {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

export function errorText(e) {
  return e && e.message ? String(e.message) : String(e);
}

/** The URL as a string when it is an absolute http(s) URL (the only kind ever made a link), else null. */
export function httpUrl(value) {
  if (typeof value !== "string") return null;
  try {
    const u = new URL(value);
    return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
  } catch {
    return null;
  }
}

/** A link for an http(s) URL (new tab, no opener, no referrer); any other URL is plain text. */
export function safeLink(url, text, testid) {
  const href = httpUrl(url);
  if (href === null) return el("span", { class: "wrap refused-link", testid, title: "not an http(s) URL: not a link", text: text ?? String(url) });
  return el("a", { href, rel: "noopener noreferrer", target: "_blank", class: "wrap", testid, text: text ?? href });
}

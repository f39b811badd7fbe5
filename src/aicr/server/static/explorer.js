// AICR recipe explorer: plain JavaScript over aicrd's public API (no framework, no build step).
// Criteria values and deployers come from /openapi.json; recipes from GET /v1/recipe?explain=true;
// bundles from POST /v1/bundle. All text goes into the page with textContent, never as HTML.
"use strict";

const FIELDS = ["service", "accelerator", "intent", "os", "platform"];
const state = { recipe: null, provenance: {}, loaded: false };

function $(id) { return document.getElementById(id); }

function el(tag, text, attrs) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
  return node;
}

function setStatus(text) { $("status").textContent = text; }

function showError(text) {
  const box = $("error");
  box.textContent = text;
  box.classList.toggle("shown", Boolean(text));
}

function headers(extra) {
  const out = Object.assign({ Accept: "application/json" }, extra || {});
  const token = $("token").value.trim();
  if (token) out.Authorization = "Bearer " + token;
  return out;
}

// The API's error body {code, message, details} as one sentence for the alert region.
async function errorText(response) {
  let body = null;
  try { body = await response.json(); } catch (_ignored) { body = null; }
  if (response.status === 401) $("token-field").hidden = false;
  if (!body || typeof body.message !== "string") return "Request failed: HTTP " + response.status;
  let text = body.message;
  const details = body.details || {};
  if (typeof details.error === "string" && details.error) text += ": " + details.error;
  return text + " (" + (body.code || response.status) + ")";
}

function enumOf(parameters, name) {
  const param = (parameters || []).find((p) => p.name === name);
  return param && param.schema && Array.isArray(param.schema.enum) ? param.schema.enum : [];
}

function fillSelect(select, values, first) {
  select.replaceChildren();
  const ordered = [first, ...values.filter((v) => v && v !== first).sort()];
  for (const value of ordered) select.append(el("option", value, { value: value }));
  select.value = first;
}

async function loadOptions() {
  const response = await fetch("/openapi.json", { headers: headers() });
  if (!response.ok) throw new Error(await errorText(response));
  const doc = await response.json();
  const recipe = doc.paths["/v1/recipe"].get.parameters;
  for (const field of FIELDS) fillSelect($(field), enumOf(recipe, field), "any");
  const deployers = enumOf(doc.paths["/v1/bundle"].post.parameters, "deployer");
  fillSelect($("deployer"), deployers.length ? deployers : ["helm"], "helm");
  state.loaded = true;
  document.body.dataset.ready = "true";
}

function criteria() {
  const out = {};
  for (const field of FIELDS) out[field] = $(field).value || "any";
  return out;
}

function command(chosen) {
  const parts = ["aicr", "recipe"];
  for (const field of FIELDS) if (chosen[field] !== "any") parts.push("--" + field, chosen[field]);
  if (parts.length === 2) parts.push("--service", "any");
  return parts.join(" ");
}

function provenanceRows(prefix) {
  const rows = [];
  for (const [path, entry] of Object.entries(state.provenance)) {
    if (path === prefix || path.startsWith(prefix + ".")) rows.push([path, entry]);
  }
  return rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function describe(entry) {
  if (!entry) return "";
  // the file (with its line) says more than the source name when there is one
  let text = entry.layer + ": " + (entry.file || entry.source);
  if (Array.isArray(entry.overrode) && entry.overrode.length) {
    text += "; overrode " + entry.overrode.map((o) => o.layer + " " + o.source).join(", ");
  }
  return text;
}

function provenanceCell(name) {
  const rows = provenanceRows("components." + name);
  if (!rows.length) return el("span", "none recorded");
  const details = el("details");
  details.append(el("summary", rows.length + " values"));
  const table = el("table", null, { class: "provenance" });
  const head = el("tr");
  for (const title of ["Path", "Set by"]) head.append(el("th", title, { scope: "col" }));
  const thead = el("thead");
  thead.append(head);
  table.append(thead);
  const body = el("tbody");
  for (const [path, entry] of rows) {
    const row = el("tr");
    row.append(el("td", path.slice(("components." + name).length + 1) || "(component)"));
    row.append(el("td", describe(entry)));
    body.append(row);
  }
  table.append(body);
  details.append(table);
  return details;
}

function renderComponents(refs) {
  const body = $("components").querySelector("tbody");
  body.replaceChildren();
  for (const ref of refs) {
    const row = el("tr", null, { "data-component": ref.name });
    row.append(el("th", ref.name, { scope: "row" }));
    row.append(el("td", ref.version || ""));
    row.append(el("td", ref.namespace || ""));
    const source = [ref.chart || ref.path || "", ref.source || ""].filter(Boolean).join(" from ");
    row.append(el("td", source));
    const cell = el("td");
    cell.append(provenanceCell(ref.name));
    row.append(cell);
    body.append(row);
  }
}

function renderConstraints(constraints) {
  const body = $("constraints").querySelector("tbody");
  body.replaceChildren();
  for (const item of constraints) {
    const row = el("tr");
    row.append(el("th", item.name, { scope: "row" }), el("td", item.value));
    row.append(el("td", describe(state.provenance["constraints." + item.name])));
    body.append(row);
  }
  if (!constraints.length) {
    const row = el("tr");
    row.append(el("td", "none", { colspan: "3" }));
    body.append(row);
  }
}

function renderValidation(validation) {
  const box = $("validation");
  box.replaceChildren();
  const phases = Object.keys(validation || {});
  if (!phases.length) box.append(el("p", "No validation checks."));
  for (const phase of phases) {
    const section = el("section", null, { class: "phase" });
    section.append(el("h4", phase));
    const list = el("ul");
    for (const check of validation[phase].checks || []) list.append(el("li", check));
    for (const item of validation[phase].constraints || []) list.append(el("li", item.name + " " + item.value));
    section.append(list);
    box.append(section);
  }
}

function render(recipe, chosen) {
  const overlays = (recipe.metadata && recipe.metadata.appliedOverlays) || [];
  $("summary").textContent = (recipe.componentRefs || []).length + " components; overlays applied: " + overlays.join(", ");
  $("command").textContent = command(chosen);
  renderComponents(recipe.componentRefs || []);
  renderConstraints(recipe.constraints || []);
  const order = $("order");
  order.replaceChildren();
  for (const name of recipe.deploymentOrder || []) order.append(el("li", name));
  renderValidation(recipe.validation);
  $("result").hidden = false;
}

async function resolve(event) {
  event.preventDefault();
  showError("");
  try {
    if (!state.loaded) await loadOptions();
    const chosen = criteria();
    const query = new URLSearchParams(chosen);
    query.set("explain", "true");
    setStatus("Resolving…");
    const response = await fetch("/v1/recipe?" + query.toString(), { headers: headers() });
    if (!response.ok) {
      $("result").hidden = true;
      state.recipe = null;
      setStatus("");
      showError(await errorText(response));
      return;
    }
    const body = await response.json();
    state.provenance = body.provenance || {};
    delete body.provenance;
    state.recipe = body;
    render(body, chosen);
    setStatus("Resolved " + (body.componentRefs || []).length + " components.");
  } catch (error) {
    setStatus("");
    showError(String(error.message || error));
  }
}

async function download(event) {
  event.preventDefault();
  showError("");
  if (!state.recipe) return;
  const deployer = $("deployer").value || "helm";
  setStatus("Building the " + deployer + " bundle…");
  try {
    const response = await fetch("/v1/bundle?deployer=" + encodeURIComponent(deployer), {
      method: "POST",
      headers: headers({ "Content-Type": "application/json" }),
      body: JSON.stringify(state.recipe),
    });
    if (!response.ok) {
      setStatus("");
      showError(await errorText(response));
      return;
    }
    const files = response.headers.get("X-Bundle-Files");
    const url = URL.createObjectURL(await response.blob());
    const link = el("a", null, { href: url, download: "bundles.zip" });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
    setStatus("Bundle downloaded: bundles.zip (" + (files || "?") + " files, " + deployer + ").");
  } catch (error) {
    setStatus("");
    showError(String(error.message || error));
  }
}

async function copyCommand() {
  const text = $("command").textContent;
  try {
    await navigator.clipboard.writeText(text);
    setStatus("Command copied.");
  } catch (_ignored) {
    const range = document.createRange();
    range.selectNodeContents($("command"));
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    setStatus("Command selected: press Ctrl+C to copy.");
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("criteria").addEventListener("submit", resolve);
  $("bundle").addEventListener("submit", download);
  $("copy").addEventListener("click", copyCommand);
  loadOptions().catch((error) => showError(String(error.message || error)));
});

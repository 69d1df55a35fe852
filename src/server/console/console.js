// The undertake console: a page per task over the HTTP API (/api/v1, design.md §10). No framework
// and no chart library: every chart here (funnel, KPI bars, risk heat map) is a few SVG elements
// built below, and the statechart is drawn by the server (Graphviz). Nothing from the API is put
// into the page as HTML: text goes in with textContent, so case data cannot inject markup, and
// the server's Content-Security-Policy allows scripts from this origin only.
"use strict";

const STAGES = ["Intake", "Evaluation", "Contract", "Kickoff", "Design", "Preparation",
  "Production", "Delivery", "AfterSales", "Closed", "Rejected", "Cancelled", "Suspended"];
// The policy's own terms (product-undertaking-policy §二), English beside them.
const ZH = {
  Intake: "客戶需求溝通", Evaluation: "項目評估", Contract: "合同簽訂", Kickoff: "項目啟動",
  Design: "產品設計與開發", Preparation: "生產準備", Production: "產品生產", Delivery: "產品交付",
  AfterSales: "售后服務", Closed: "結案", Rejected: "不承接", Cancelled: "取消", Suspended: "暫停",
  market: "市場部門", sales: "銷售部門", technical: "技術部門", production: "生產部門",
  quality: "質量部門", legal: "法務部門", management: "管理層",
};
const label = (term) => (ZH[term] ? ZH[term] + " " + term : term);

const app = document.getElementById("app");
let token = sessionStorage.getItem("undertake.token") || "";
let payloadSchema = null;

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "onclick" || k === "onsubmit" || k === "onchange") el.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : String(c));
  return el;
}
function s(tag, attrs, ...children) {
  const el = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, v);
  for (const c of children.flat()) el.append(c instanceof Node ? c : String(c));
  return el;
}

async function api(path, options = {}) {
  const headers = Object.assign({ Authorization: "Bearer " + token }, options.headers || {});
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch("/api/v1" + path, {
    method: options.method || "GET", headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  if (res.status === 401) { login("The token was refused: " + (await res.json()).error.message); throw new Error("401"); }
  const type = res.headers.get("Content-Type") || "";
  return { status: res.status, body: type.startsWith("application/json") ? await res.json() : await res.blob() };
}

function login(message) {
  sessionStorage.removeItem("undertake.token");
  const input = h("input", { type: "password", id: "token", size: 50, autocomplete: "off" });
  app.replaceChildren(h("h1", {}, "登入 Sign in"), message ? h("p", { class: "error" }, message) : "",
    h("form", { id: "login", onsubmit: (e) => {
      e.preventDefault(); token = input.value.trim(); sessionStorage.setItem("undertake.token", token); route();
    } }, h("label", {}, "Token ", input), h("button", { type: "submit" }, "Sign in")));
}

const fmt = (v) => (typeof v === "number" ? (Number.isInteger(v) ? v.toLocaleString("en") : v.toFixed(2)) : v ?? "–");
const when = (iso) => (iso ? iso.replace("T", " ").slice(0, 16) : "–");
function dueClass(iso) {
  if (!iso) return "";
  const left = Date.parse(iso) - Date.now();
  return left < 0 ? "overdue" : left < 3 * 86400e3 ? "due_soon" : "";
}
function table(head, rows) {
  return h("table", {}, h("thead", {}, h("tr", {}, head.map((t) => h("th", {}, t)))), h("tbody", {}, rows));
}
const open = (id) => () => { location.hash = "#/case/" + encodeURIComponent(id); };

// --- Inbox ---------------------------------------------------------------------------------

async function inbox() {
  const { body } = await api("/inbox?limit=200");
  const rows = body.items.map((i) => h("tr", { class: "click", onclick: open(i.case_id), "data-case": i.case_id },
    h("td", {}, i.case_id), h("td", {}, label(i.stage)), h("td", {}, i.customer || "–"),
    h("td", { class: dueClass(i.due) }, when(i.due), dueClass(i.due) === "overdue" ? " 逾期 overdue" : ""),
    h("td", {}, i.events.map((e) => h("span", { class: "tag" }, e.event + (e.gated ? " *" : ""))))));
  app.replaceChildren(h("h1", {}, "待辦 Inbox"),
    h("p", { class: "muted" }, body.items.length + " case(s) where you may act now (* gated: the policy's rules decide when you fire)"),
    table(["案件 Case", "階段 Stage", "客戶 Customer", "期限 Due", "事件 Events"], rows));
}

// --- Cases and the funnel ---------------------------------------------------------------------

function funnel(cases) {
  const counts = STAGES.map((st) => [st, cases.filter((c) => c.stage === st).length]).filter(([, n]) => n);
  const max = Math.max(1, ...counts.map(([, n]) => n));
  const row = 24, width = 520;
  return s("svg", { width: width + 260, height: counts.length * row + 10, role: "img", "aria-label": "funnel" },
    counts.map(([st, n], i) => s("g", {},
      s("text", { x: 0, y: i * row + 16 }, label(st)),
      s("rect", { x: 170, y: i * row + 4, width: Math.max(2, (n / max) * width), height: row - 8, fill: "#3c78b4" }),
      s("text", { x: 176 + (n / max) * width, y: i * row + 16 }, String(n)))));
}

async function cases(query) {
  const stage = query.get("stage") || "", openOnly = query.get("open") === "1";
  const all = (await api("/cases?limit=0")).body.cases;
  const params = new URLSearchParams({ limit: "500" });
  if (stage) params.set("stage", stage);
  if (openOnly) params.set("open", "true");
  const list = (await api("/cases?" + params)).body.cases;
  const select = h("select", { name: "stage" }, h("option", { value: "" }, "全部 all stages"),
    STAGES.map((st) => h("option", { value: st, selected: st === stage }, label(st))));
  const box = h("input", { type: "checkbox", name: "open", checked: openOnly });
  const filter = h("form", { onsubmit: (e) => {
    e.preventDefault();
    location.hash = "#/cases?" + new URLSearchParams({ stage: select.value, open: box.checked ? "1" : "0" });
  } }, select, " ", h("label", { class: "inline" }, box, " 未結 open only"), " ", h("button", {}, "篩選 Filter"));
  app.replaceChildren(h("h1", {}, "案件 Cases"), h("h2", {}, "各階段案件數 Cases per stage"), funnel(all),
    h("h2", {}, "清單 List"), filter,
    table(["案件 Case", "階段 Stage", "狀態 State", "客戶 Customer", "更新 Updated", "期限 Due"],
      list.map((c) => h("tr", { class: "click", onclick: open(c.case_id) }, h("td", {}, c.case_id), h("td", {}, label(c.stage)),
        h("td", {}, c.state.join(", ")), h("td", {}, c.customer || "–"), h("td", {}, when(c.updated)),
        h("td", { class: dueClass(c.due) }, when(c.due)))))); 
}

// --- One case ---------------------------------------------------------------------------------

function heatmap(risks) {
  const cell = 34, grid = [];
  for (let p = 5; p >= 1; --p) for (let i = 1; i <= 5; ++i) {
    const here = risks.filter((r) => r.probability === p && r.impact === i && r.status !== "closed");
    const score = p * i;
    const fill = score >= 15 ? "#d9534f" : score >= 8 ? "#f0ad4e" : score >= 4 ? "#f7e08a" : "#cfe8cf";
    grid.push(s("rect", { x: 30 + (i - 1) * cell, y: (5 - p) * cell, width: cell - 2, height: cell - 2, fill }),
      here.length ? s("text", { x: 30 + (i - 1) * cell + 11, y: (5 - p) * cell + 21 }, String(here.length)) : s("g", {}));
  }
  return s("svg", { width: 230, height: 210, role: "img", "aria-label": "risk heat map" }, grid,
    s("text", { x: 60, y: 5 * cell + 18 }, "影響 Impact →"),
    s("text", { x: 0, y: 12, transform: "rotate(90 4 12)" }, "可能性 P →"));
}

function traceTable(rules) {
  return table(["規則 Rule", "結果 Result", "說明 Message", "讀取 Values read"], rules.map((r) => h("tr", {},
    h("td", {}, r.id), h("td", { class: r.passed ? "" : "overdue" }, r.passed ? "passed" : r.error ? "error" : "failed"),
    h("td", {}, r.message || r.description || ""),
    h("td", {}, (r.reads || []).map((x) => h("div", {}, x.path + " = " + JSON.stringify(x.value))),
      r.details && r.details.row ? h("div", {}, "row " + JSON.stringify(r.details.row)) : ""))));
}

function outcomeBox(status, body) {
  const o = status === 200 ? body : body.outcome;
  if (!o) return h("div", { class: "refused", id: "outcome" }, body.error.status + ": " + body.error.message);
  return h("div", { class: o.accepted ? "accepted" : "refused", id: "outcome" },
    h("strong", {}, o.accepted ? "已受理 Accepted: " : "已拒絕 Refused: ", o.event), " → ", o.state.join(", "),
    o.reasons.length ? h("ul", {}, o.reasons.map((r) => h("li", { class: "reason" }, "(" + r.kind + ") " + r.message))) : "",
    o.trace.rules.length ? [h("h3", {}, "閘門追蹤 Gate trace (" + o.trace.verdict + ")"), traceTable(o.trace.rules)] : "");
}

function fieldsFor(event) {
  const defs = (payloadSchema && payloadSchema.$defs) || {};
  const def = defs[event];
  if (!def || !def.properties) return [];
  return Object.entries(def.properties).map(([name, spec]) => {
    const ref = spec.$ref ? defs[spec.$ref.split("/").pop()] : spec;
    const type = (ref && ref.type) || "string";
    const required = (def.required || []).includes(name);
    let input;
    if (ref && ref.enum) input = h("select", { name }, h("option", { value: "" }, ""), ref.enum.map((v) => h("option", { value: JSON.stringify(v) }, String(v))));
    else if (type === "boolean") input = h("select", { name }, h("option", { value: "" }, ""), h("option", { value: "true" }, "true"), h("option", { value: "false" }, "false"));
    else input = h("input", { name, "data-type": Array.isArray(type) ? type[0] : type, required, placeholder: (ref && ref.description) || "" });
    return h("label", {}, name + (required ? " *" : "") + " ", input);
  });
}

function readForm(form) {
  const payload = {};
  for (const el of form.querySelectorAll("[name]")) {
    if (el.name === "event" || el.name === "extra" || el.value === "") continue;
    const t = el.getAttribute("data-type");
    payload[el.name] = el.tagName === "SELECT" ? JSON.parse(el.value) : t === "number" || t === "integer" ? Number(el.value) : el.value;
  }
  const extra = form.querySelector("[name=extra]").value.trim();
  return extra ? Object.assign(payload, JSON.parse(extra)) : payload;
}

async function caseView(id) {
  const path = "/cases/" + encodeURIComponent(id);
  const [detail, ledger, avail] = await Promise.all([api(path), api(path + "/ledger"), api(path + "/available")]);
  if (detail.status !== 200) { app.replaceChildren(h("p", { class: "error" }, detail.body.error.message)); return; }
  if (!payloadSchema) payloadSchema = await (await fetch("/api/v1/payloads.schema.json")).json();
  const c = detail.body.summary, snap = detail.body.snapshot;
  const img = h("img", { alt: "statechart of " + id, id: "diagram", "data-revision": c.revision });
  api(path + "/diagram.svg").then((r) => { img.src = URL.createObjectURL(r.body); });
  const fields = h("div", { id: "fields" });
  const select = h("select", { name: "event", id: "event", onchange: () => fields.replaceChildren(...fieldsFor(select.value)) },
    avail.body.events.map((e) => h("option", { value: e.event }, e.event + (e.gated ? " *" : ""))));
  const result = h("div", {});
  const form = h("form", { id: "fire", onsubmit: async (e) => {
    e.preventDefault();
    let payload;
    try { payload = readForm(form); } catch (err) { result.replaceChildren(h("p", { class: "error" }, "payload: " + err.message)); return; }
    const r = await api(path + "/events", { method: "POST", body: { event: select.value, payload, request_id: crypto.randomUUID() } });
    await caseView(id);
    document.getElementById("result").replaceChildren(outcomeBox(r.status, r.body));
  } }, select, fields, h("label", {}, "其他欄位 More fields (JSON) ", h("textarea", { name: "extra", placeholder: "{}" })),
    h("button", { type: "submit" }, "提交 Fire"));
  fields.replaceChildren(...fieldsFor(select.value));
  const risks = (snap.risk_register && snap.risk_register.risks) || [];
  const risk = (snap.record && snap.record.risk) || {};
  app.replaceChildren(
    h("h1", {}, "案件 Case " + id, c.customer ? " · " + c.customer : ""),
    h("p", {}, label(c.stage), " · ", h("span", { id: "state" }, c.state.join(", ")), " · revision " + c.revision),
    h("div", { class: "diagram" }, img),
    h("div", { class: "cols" },
      h("section", {}, h("h2", {}, "可執行事件 Events you may fire"), avail.body.events.length ? form : h("p", { class: "muted" }, "none now"), h("div", { id: "result" }, result)),
      h("section", {}, h("h2", {}, "風險 Risk register (P×I)"), heatmap(risks),
        h("p", {}, "level " + (risk.level || "–") + ", index " + fmt(risk.index))),
      h("section", {}, h("h2", {}, "期限 Deadlines"), table(["Deadline", "Due", "Waiting for", "Escalate to"],
        detail.body.deadlines.map((d) => h("tr", {}, h("td", {}, d.id), h("td", { class: d.status }, when(d.due)),
          h("td", {}, d.waiting_for.join(", ")), h("td", {}, d.escalate_to.map(label).join(", "))))))),
    h("h2", {}, "歷程 Ledger"),
    h("ol", { class: "timeline", id: "ledger" }, ledger.body.ledger.map((e) => h("li", { class: e.kind === "escalation" ? "escalation" : "" },
      h("strong", {}, "#" + e.seq + " " + when(e.at) + " "), e.event || "⚠ escalation " + ((e.payload || {}).deadline || ""),
      e.actor ? " · " + e.actor.id + " (" + e.actor.roles.map(label).join(", ") + ")" : "",
      h("div", { class: "muted" }, "→ " + e.state.join(", "))))));
}

// --- KPIs -------------------------------------------------------------------------------------

function bars(kpis) {
  const row = 26, width = 300;
  return s("svg", { width: 760, height: kpis.length * row + 10, role: "img", "aria-label": "KPI scores" }, kpis.map(([, k], i) => {
    const score = Math.max(0, Math.min(120, k.score ?? 0));
    return s("g", {}, s("text", { x: 0, y: i * row + 17 }, k.title),
      s("rect", { x: 330, y: i * row + 5, width: width, height: row - 10, fill: "#eef2f6" }),
      s("rect", { x: 330, y: i * row + 5, width: (score / 120) * width, height: row - 10, fill: score >= 100 ? "#4a9a5b" : "#3c78b4" }),
      s("line", { x1: 330 + (100 / 120) * width, x2: 330 + (100 / 120) * width, y1: i * row + 2, y2: i * row + row - 2, stroke: "#b3261e" }),
      s("text", { x: 640, y: i * row + 17 }, fmt(k.score)));
  }));
}

function months(from, to) {
  const out = [];
  let d = new Date(from + "T00:00:00Z");
  const end = new Date(to + "T00:00:00Z");
  while (d <= end) {
    const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0));
    out.push([d.toISOString().slice(0, 10), (last < end ? last : end).toISOString().slice(0, 10)]);
    d = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
  }
  return out.slice(0, 12);
}

async function kpi(query) {
  const from = query.get("from") || "2026-01-01", to = query.get("to") || "2026-03-31";
  const r = await api("/kpi?" + new URLSearchParams({ from, to }));
  const fromIn = h("input", { type: "date", name: "from", value: from }), toIn = h("input", { type: "date", name: "to", value: to });
  const picker = h("form", { onsubmit: (e) => { e.preventDefault(); location.hash = "#/kpi?" + new URLSearchParams({ from: fromIn.value, to: toIn.value }); } },
    "期間 Period ", fromIn, " – ", toIn, " ", h("button", {}, "Show"));
  if (r.status !== 200) { app.replaceChildren(h("h1", {}, "績效 KPIs"), picker, h("p", { class: "error" }, r.body.error.message)); return; }
  const kpis = Object.entries(r.body.kpis);
  const monthly = await Promise.all(months(from, to).map(async ([a, b]) => [a.slice(0, 7), (await api("/kpi?" + new URLSearchParams({ from: a, to: b }))).body]));
  app.replaceChildren(h("h1", {}, "績效 KPIs " + from + " – " + to), picker,
    h("h2", {}, "指標對目標 Each KPI against its target (score, 100 = target)"), bars(kpis),
    table(["指標 KPI", "部門 Department", "值 Value", "目標 Target", "得分 Score"], kpis.map(([id, k]) => h("tr", { "data-kpi": id },
      h("td", {}, k.title), h("td", {}, label(k.department)), h("td", {}, fmt(k.value)), h("td", {}, fmt(k.target)), h("td", {}, fmt(k.score))))),
    h("h2", {}, "部門得分與獎金係數 Department scores and bonus coefficients"),
    table(["部門 Department", "得分 Score", "獎金係數 Bonus coefficient"], Object.entries(r.body.departments).map(([id, d]) => h("tr", { "data-department": id },
      h("td", {}, d.title), h("td", {}, fmt(d.score)), h("td", {}, fmt(d.bonus_coefficient))))),
    h("h2", {}, "逐月趨勢 Month by month"),
    table(["指標 KPI", ...monthly.map(([m]) => m)], kpis.map(([id, k]) => h("tr", {}, h("td", {}, k.title),
      monthly.map(([, rep]) => h("td", {}, rep && rep.kpis && rep.kpis[id] ? fmt(rep.kpis[id].value) : "–"))))));
}

// --- Policy -------------------------------------------------------------------------------------

async function policy() {
  const { body } = await api("/policy");
  const parts = body.parts;
  const gates = Object.entries((parts.gates && parts.gates.gates) || {});
  const tables = Object.entries((parts.tables && parts.tables.tables) || {});
  const deadlines = Object.entries((parts.deadlines && parts.deadlines.deadlines) || {});
  const facts = h("textarea", { id: "facts" }, JSON.stringify({ data: { quantity: 500 } }, null, 1));
  const event = h("select", { id: "pg-event" }, gates.map(([e]) => h("option", { value: e }, e)));
  const out = h("div", { id: "pg-out" });
  const playground = h("form", { onsubmit: async (e) => {
    e.preventDefault();
    let parsed;
    try { parsed = JSON.parse(facts.value); } catch (err) { out.replaceChildren(h("p", { class: "error" }, "facts: " + err.message)); return; }
    const r = await api("/policy/evaluate", { method: "POST", body: { event: event.value, facts: parsed } });
    out.replaceChildren(r.status === 200 ? h("div", {}, h("p", {}, "判定 Decision: ", h("strong", {}, r.body.decision.verdict)), traceTable(r.body.decision.rules))
      : h("p", { class: "error" }, r.body.error.message));
  } }, h("label", {}, "事件 Event ", event), h("label", {}, "事實 Facts (JSON) ", facts), h("button", {}, "評估 Evaluate"));
  app.replaceChildren(h("h1", {}, "制度 Policy " + body.name + " " + body.version),
    h("h2", {}, "閘門 Gates"), table(["事件 Event", "角色 Roles", "規則 Rules"], gates.map(([e, g]) => h("tr", {}, h("td", {}, e),
      h("td", {}, ((body.events[e] || {}).roles || []).map(label).join(", ")),
      h("td", {}, (g.rules || []).map((r) => h("div", {}, h("strong", {}, r.id), " ", r.description || "")))))),
    h("h2", {}, "決策表 Decision tables"), tables.map(([name, t]) => h("section", {}, h("h3", {}, name + " (" + t.hit_policy + ")"),
      h("p", { class: "muted" }, t.description || ""),
      table([...t.inputs.map((i) => "when " + i.name), ...t.outputs.map((o) => "then " + o.name), "row"],
        t.rules.map((r) => h("tr", {}, r.when.map((w) => h("td", {}, typeof w === "string" ? w : JSON.stringify(w))),
          r.then.map((v) => h("td", {}, JSON.stringify(v))), h("td", {}, r.id || "")))))),
    h("h2", {}, "期限 Deadlines"), table(["期限 Deadline", "說明 Description"], deadlines.map(([id, d]) => h("tr", {}, h("td", {}, id), h("td", {}, d.description || "")))),
    h("h2", {}, "試算 Playground: facts in, decision and trace out"), playground, out);
}

// --- Routing ----------------------------------------------------------------------------------

async function route() {
  if (!token) return login();
  const [path, q] = (location.hash.slice(1) || "/inbox").split("?");
  const query = new URLSearchParams(q || "");
  for (const a of document.querySelectorAll("#nav a")) a.classList.toggle("active", path.startsWith(a.getAttribute("href").slice(1)));
  try {
    const me = (await api("/whoami")).body;
    document.getElementById("who").textContent = me.actor.id + " · " + me.actor.roles.map(label).join(", ") + (me.read_only ? " · read-only" : "");
    if (path.startsWith("/case/")) await caseView(decodeURIComponent(path.slice(6)));
    else if (path === "/cases") await cases(query);
    else if (path === "/kpi") await kpi(query);
    else if (path === "/policy") await policy();
    else await inbox();
  } catch (err) {
    if (err.message !== "401") app.replaceChildren(h("p", { class: "error" }, String(err)));
  }
}
window.addEventListener("hashchange", route);
route();

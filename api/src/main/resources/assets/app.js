// The approvals page: plain JavaScript, no build step. Every text from the server is set through
// textContent (never innerHTML), so evidence or comments cannot inject markup.
"use strict";

const HEADER = "X-Requested-By";
const main = document.getElementById("main");
let me = null;
let timers = [];

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.substring(2), v);
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function credentials() {
  return sessionStorage.getItem("pg-runbooks-auth");
}

async function api(method, path, body) {
  const headers = { [HEADER]: "pg-runbooks-page", "Accept": "application/json" };
  const auth = credentials();
  if (auth) headers["Authorization"] = "Basic " + auth;
  // Signed in through single sign-on: the session cookie travels by itself, the CSRF token only from here.
  else if (me && me.csrfToken) headers["X-CSRF-Token"] = me.csrfToken;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const r = await fetch("/api/v1" + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  let data = null;
  try { data = await r.json(); } catch (e) { data = null; }
  if (r.status === 401) {
    sessionStorage.removeItem("pg-runbooks-auth");
    me = null;
    if (!location.hash.startsWith("#/login")) location.hash = "#/login";
  }
  return { status: r.status, ok: r.ok, data };
}

function clearTimers() {
  timers.forEach(t => clearInterval(t));
  timers = [];
}

function every(ms, fn) {
  timers.push(setInterval(fn, ms));
}

function timeLeft(deadline) {
  const ms = Date.parse(deadline) - Date.now();
  const s = Math.abs(Math.round(ms / 1000));
  const d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60), sec = s % 60;
  const text = (d ? d + "d " : "") + (d || h ? h + "h " : "") + m + "m " + sec + "s";
  return ms < 0 ? { text: "overdue by " + text, overdue: true } : { text: text + " left", overdue: false };
}

function kv(obj) {
  const rows = Object.entries(obj || {}).map(([k, v]) =>
    el("tr", {}, el("td", {}, k), el("td", { class: /loss|lost|missing/i.test(k) && String(v) !== "0" && String(v) !== "false" ? "warn" : null }, String(v))));
  return el("table", { class: "kv evidence" }, rows);
}

// ---- login ---------------------------------------------------------------------------------------

function showLogin(message) {
  clearTimers();
  const sso = el("div", { id: "login-sso-box" });
  main.replaceChildren(el("h1", {}, "Log in"), sso,
    el("form", { class: "login", id: "login-form", onsubmit: async ev => {
      ev.preventDefault();
      const user = document.getElementById("login-user").value;
      const pass = document.getElementById("login-password").value;
      sessionStorage.setItem("pg-runbooks-auth", btoa(unescape(encodeURIComponent(user + ":" + pass))));
      const r = await api("GET", "/me");
      if (!r.ok) {
        sessionStorage.removeItem("pg-runbooks-auth");
        showLogin("wrong user name or password");
        return;
      }
      me = r.data;
      location.hash = "#/approvals";
      route();
    } },
      el("label", {}, "User ", el("input", { id: "login-user", autocomplete: "username" })),
      el("label", {}, "Password ", el("input", { id: "login-password", type: "password", autocomplete: "current-password" })),
      el("button", { id: "login-submit", type: "submit" }, "Log in"),
      el("div", { id: "login-error", class: "decision-message error" }, message || "")));
  fetch("/auth/options").then(r => r.json()).then(o => {
    if (o.oidc) sso.replaceChildren(el("p", {}, el("a", { id: "login-sso", class: "button", href: "/auth/login" },
      "Sign in with single sign-on")), el("p", { class: "muted" }, "or with an API user's password:"));
  }).catch(() => {});
}

// ---- approvals inbox -----------------------------------------------------------------------------

// A notification's link (#/approvals?workflowId=...&requestId=...) marks that request's card.
let linkedRequest = null;

async function showApprovals(params) {
  linkedRequest = params && params.get("requestId") ? { workflowId: params.get("workflowId"), requestId: params.get("requestId") } : null;
  main.replaceChildren(el("h1", {}, "Pending approvals"), el("div", { id: "inbox" }, "loading ..."));
  await refreshInbox();
  every(5000, () => {
    // Never redraw under someone typing a comment.
    if (!document.activeElement || document.activeElement.tagName !== "TEXTAREA") refreshInbox();
  });
  every(1000, () => document.querySelectorAll(".deadline[data-deadline]").forEach(d => {
    const t = timeLeft(d.dataset.deadline);
    d.textContent = t.text;
    d.classList.toggle("overdue", t.overdue);
  }));
}

async function refreshInbox() {
  const inbox = document.getElementById("inbox");
  if (!inbox) return;
  // Every page of the inbox: it is short, and an approver should see all of it at once.
  let approvals = [], workers = null, waitingRuns = [], cursor = null, r;
  for (let page = 0; page < 20; page++) {
    r = await api("GET", "/approvals?limit=500" + (cursor ? "&cursor=" + encodeURIComponent(cursor) : ""));
    if (!r.ok) break;
    approvals = approvals.concat(r.data.approvals);
    workers = r.data.workers;
    waitingRuns = r.data.waitingRuns || [];
    cursor = r.data.nextCursor;
    if (!cursor) break;
  }
  if (!r.ok) {
    inbox.replaceChildren(el("p", { class: "decision-message error" }, (r.data && r.data.error) || "cannot load approvals"));
    return;
  }
  // Redraw only when something changed, so a typed comment or a decision's answer stays put.
  const key = JSON.stringify([workers && workers.polling, waitingRuns.map(w => w.workflowId),
    approvals.map(a => [a.workflowId, a.requestId, a.approvedBy, a.deadline])]);
  if (inbox.dataset.key === key) return;
  inbox.dataset.key = key;
  const banner = workers && !workers.polling ? workersBanner(workers, waitingRuns) : null;
  if (approvals.length === 0) {
    inbox.replaceChildren(...[banner, banner ? null
      : el("p", { id: "inbox-empty", class: "muted" }, "Nothing is waiting for an approval.")].filter(Boolean));
    return;
  }
  inbox.replaceChildren(...[banner].filter(Boolean), ...approvals.map(approvalCard));
  const linked = linkedRequest && [...inbox.querySelectorAll(".card.approval")].find(c =>
    c.dataset.requestId === linkedRequest.requestId && (!linkedRequest.workflowId || c.dataset.workflowId === linkedRequest.workflowId));
  if (linked) {
    linked.classList.add("linked");
    linked.scrollIntoView({ block: "center" });
  }
}

// No worker polls: the runs cannot say what they wait for, so the inbox says that instead of looking empty.
function workersBanner(workers, waitingRuns) {
  return el("div", { id: "workers-banner", class: "card banner" },
    el("strong", {}, "No worker is running. "), workers.message,
    waitingRuns.length ? el("div", {}, waitingRuns.length + " run(s) wait for an approval meanwhile: ",
      ...waitingRuns.map((w, i) => el("span", {}, i ? ", " : "",
        el("a", { href: "#/runs/" + encodeURIComponent(w.workflowId), class: "waiting-run" }, w.workflowId))))
      : null);
}

function approvalCard(a) {
  const approved = a.approvedBy || [];
  const t = a.deadline ? timeLeft(a.deadline) : null;
  const card = el("div", { class: "card approval", "data-workflow-id": a.workflowId, "data-request-id": a.requestId },
    el("h2", { class: "action" }, a.action + (a.target ? " on " + a.target : "")),
    el("div", { class: "muted" }, a.runbook + " · ",
      el("a", { href: "#/runs/" + encodeURIComponent(a.workflowId), class: "run-link" }, a.workflowId),
      " · request " + a.requestId),
    kv(a.evidence),
    el("div", { class: "approved-by" }, approved.length + " of " + a.approvalsNeeded + " approvals" +
      (approved.length ? " (approved by " + approved.join(", ") + ")" : "") +
      (a.roles && a.roles.length ? "; roles allowed: " + a.roles.join(", ") : "")),
    t ? el("div", {}, "Deadline: ", el("span", { class: "deadline" + (t.overdue ? " overdue" : ""), "data-deadline": a.deadline }, t.text),
      el("span", { class: "muted" }, " (" + a.deadline + ")")) : null,
    a.planDigest ? el("div", { class: "muted" }, "plan digest " + a.planDigest + " (an approval counts only while the plan is unchanged)") : null);
  if (me && me.mayDecide && a.youMayDecide) {
    const comment = el("textarea", { class: "comment", placeholder: "Comment (required to reject)" });
    const message = el("div", { class: "decision-message" });
    const decide = async decision => {
      if (decision === "reject" && !comment.value.trim()) {
        message.className = "decision-message error";
        message.textContent = "A rejection needs a comment saying why.";
        return;
      }
      const r = await api("POST", "/runs/" + encodeURIComponent(a.workflowId) + "/approvals/" + encodeURIComponent(a.requestId),
        { decision, comment: comment.value.trim() || null });
      message.className = "decision-message " + (r.ok ? "ok" : "error");
      message.textContent = r.ok ? (decision === "approve" ? "Approved" : "Rejected") + ": " + (r.data.message || r.data.outcome)
        : "Refused (" + r.status + "): " + (r.data && r.data.error);
      if (r.ok) card.querySelectorAll("button").forEach(b => b.disabled = true);
    };
    card.append(comment,
      el("button", { class: "approve", type: "button", onclick: () => decide("approve") }, "Approve"), " ",
      el("button", { class: "reject", type: "button", onclick: () => decide("reject") }, "Reject"),
      message);
  } else {
    card.append(el("div", { class: "muted no-decide" }, me && me.mayDecide
      ? "Your roles may not decide this request." : "You may view approvals, not decide them."));
  }
  return card;
}

// ---- runs ----------------------------------------------------------------------------------------

async function showRuns() {
  const table = el("table", { class: "runs" }, el("tr", {}, ["Workflow id", "Runbook", "Cluster", "State", "Started"].map(h => el("th", {}, h))));
  const more = el("button", { id: "runs-more", type: "button" }, "More");
  const message = el("p", { class: "decision-message error" });
  main.replaceChildren(el("h1", {}, "Runs"), table, more, message);
  let cursor = null;
  const load = async () => {
    const r = await api("GET", "/runs?limit=100" + (cursor ? "&cursor=" + encodeURIComponent(cursor) : ""));
    if (!r.ok) {
      message.textContent = (r.data && r.data.error) || "cannot list runs";
      more.hidden = true;
      return;
    }
    table.append(...r.data.runs.map(x => el("tr", {},
      el("td", {}, el("a", { href: "#/runs/" + encodeURIComponent(x.workflowId) }, x.workflowId)),
      el("td", {}, x.type), el("td", {}, x.cluster || "-"), el("td", { class: "state" }, x.state), el("td", {}, x.startTime))));
    cursor = r.data.nextCursor;
    more.hidden = !cursor;
  };
  more.onclick = load;
  await load();
}

async function showRun(id) {
  main.replaceChildren(el("div", { id: "run" }, "loading ..."));
  const draw = async () => {
    const r = await api("GET", "/runs/" + encodeURIComponent(id));
    const box = document.getElementById("run");
    if (!box) return false;
    if (!r.ok) {
      box.replaceChildren(el("p", { class: "decision-message error" }, (r.data && r.data.error) || "cannot load the run"));
      return false;
    }
    const v = r.data;
    const report = v.report;
    box.replaceChildren(...[
      el("h1", {}, v.workflowId),
      el("div", {}, el("span", { id: "run-state", class: "state" }, v.state || v.temporalStatus), " · " + v.type + " · ",
        el("a", { id: "temporal-link", href: v.uiUrl, target: "_blank", rel: "noopener" }, "open in the Temporal UI")),
      el("div", { class: "muted" }, v.summary || ""),
      v.failure ? el("p", { class: "warn" }, "Failed: " + v.failure) : null,
      el("h2", {}, "Steps"),
      el("ol", { class: "timeline" }, (v.steps || []).map(s => el("li", { class: "step " + s.status },
        el("strong", {}, s.name), " ", el("span", { class: "muted" }, s.status + " · " + (s.start || "") + (s.end ? " → " + s.end : "")),
        s.detail ? el("div", {}, s.detail) : null))),
      el("h2", {}, "Approvals"),
      el("div", { id: "run-approvals" },
        (v.pendingApprovals || []).map(p => el("div", { class: "card pending" }, el("strong", {}, "pending: "), p.action,
          kv(p.evidence), el("a", { href: "#/approvals" }, "decide in the inbox"))),
        (v.approvals || []).map(a => el("div", { class: "decision" },
          a.decision + " of " + a.requestId + (a.approver ? " by " + a.approver + (a.approverDisplayName && a.approverDisplayName !== a.approver ? " (" + a.approverDisplayName + ")" : "") : "") + " at " + a.at + (a.comment ? " (" + a.comment + ")" : "")))),
      report ? el("div", { id: "run-report", class: "card" }, el("h2", {}, "Report: " + report.outcome + (report.dryRun ? " (dry run)" : "")),
        el("p", {}, report.summary || ""),
        el("ul", {}, (report.changes || []).map(c => el("li", {}, c))),
        (report.plan || []).length ? el("pre", {}, report.plan.join("\n")) : null) : null,
      v.type === "PartitionMaintenance" && v.result ? el("div", { id: "run-grid" }) : null].filter(Boolean));
    if (v.type === "PartitionMaintenance" && v.result) {
      const g = await api("GET", "/insights/partitions?cluster=" + encodeURIComponent(v.result.report.cluster)
        + "&database=" + encodeURIComponent(v.result.report.target.split("/")[1] || ""));
      if (g.ok && document.getElementById("run-grid")) document.getElementById("run-grid").replaceChildren(grid(g.data));
    }
    return v.temporalStatus === "RUNNING";
  };
  if (await draw()) {
    const t = setInterval(async () => { if (!(await draw())) clearInterval(t); }, 2000);
    timers.push(t);
  }
}

// ---- pictures ------------------------------------------------------------------------------------

function grid(g) {
  const legend = el("div", { class: "legend" }, [["exists", "exists"], ["created", "created by the run"], ["expired", "expired"],
    ["missing", "missing"], ["default-rows", "rows in the default partition"]].map(([c, t]) => el("span", {}, el("span", { class: "cell " + c }), t)));
  const tables = (g.tables || []).map(t => el("div", { class: "card grid-table", "data-table": t.table },
    el("h2", {}, t.table + " (" + t.status + ")"),
    el("div", { class: "grid" }, t.columns.map((c, i) => [
      // Intervals the run did not look at (older than its window) are a gap in the row, not a cell.
      i > 0 && t.columns[i - 1].to && t.columns[i - 1].to !== c.from ? el("span", { class: "gap", title: "not covered by the run's window" }, "…") : null,
      el("span", {
        class: "cell " + c.state, "data-from": c.from,
        title: c.from.substring(0, 10) + " " + c.state + (c.partition ? " " + c.partition + ", ~" + c.rows + " rows" : "")
          + (c.defaultRows ? ", " + c.defaultRows + " rows in default" : "") }, c.from.substring(5, 7))])),
    el("div", { class: "muted" }, t.columns.length ? t.columns[0].from.substring(0, 10) + " … " + t.columns[t.columns.length - 1].from.substring(0, 10) : "no partitions"),
    t.retired.length ? el("div", { class: "muted retired" }, "retired by the run: " + t.retired.join(", ")) : null));
  return el("div", { id: "partition-grid" },
    el("div", { class: "muted" }, g.workflowId ? "from " + g.workflowId + (g.dryRun ? " (dry run)" : "") + ", finished " + g.finishedAt : (g.note || "")),
    legend, tables);
}

// One bar per point, oldest left: height = value(p) in seconds, green passed, red failed; an optional dashed objective.
function barChart(id, barClass, points, value, title, objective) {
  const W = 760, H = 260, left = 50, bottom = 40, top = 20;
  const max = Math.max(1, objective || 0, ...points.map(value));
  const bw = Math.max(8, Math.min(60, (W - left - 10) / Math.max(1, points.length) - 8));
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("id", id);
  svg.setAttribute("width", W);
  svg.setAttribute("height", H);
  const add = (tag, attrs, text) => {
    const e = document.createElementNS(ns, tag);
    Object.entries(attrs).forEach(([k, v]) => e.setAttribute(k, v));
    if (text !== undefined) e.textContent = text;
    svg.append(e);
    return e;
  };
  const yOf = v => H - bottom - Math.round(v / max * (H - top - bottom));
  add("line", { x1: left, y1: H - bottom, x2: W, y2: H - bottom, stroke: "#8a94a3" });
  add("line", { x1: left, y1: top, x2: left, y2: H - bottom, stroke: "#8a94a3" });
  add("text", { x: 4, y: top + 4 }, max.toFixed(1) + " s");
  add("text", { x: 4, y: H - bottom }, "0 s");
  if (objective) {
    add("line", { class: "objective", x1: left, y1: yOf(objective), x2: W, y2: yOf(objective), stroke: "#8a5a00",
      "stroke-dasharray": "6 4" });
    add("text", { x: W - 120, y: yOf(objective) - 4 }, "objective " + objective + " s");
  }
  points.forEach((p, i) => {
    const h = H - bottom - yOf(value(p));
    const x = left + 8 + i * (bw + 8);
    const bar = add("rect", { class: barClass, x, y: H - bottom - h, width: bw, height: Math.max(h, 1),
      fill: p.passed ? "#1f7a3a" : "#b3261e", "data-passed": String(!!p.passed), "data-started": p.startedAt });
    bar.append(Object.assign(document.createElementNS(ns, "title"), { textContent: title(p) }));
    add("text", { x, y: H - bottom + 14 }, (p.startedAt || "").substring(5, 10));
    add("text", { x, y: H - bottom - h - 4 }, p.passed ? "pass" : "FAIL");
  });
  return svg;
}

function drillChart(points) {
  return barChart("drill-chart", "drill-bar", points, p => (p.writeUnavailableMillis || 0) / 1000, p => {
    const failed = (p.criteria || []).filter(c => !c.passed).map(c => c.name + ": " + c.evidence);
    return p.startedAt + ": " + (p.passed ? "passed" : "FAILED") + ", writes unavailable " + p.writeUnavailableMillis
      + " ms" + (failed.length ? "; " + failed.join("; ") : "");
  });
}

// The restore drill trend: RTO per drill (bars, oldest left), pass rate, last passed drill, objectives, a table.
function restoreDrills(t) {
  if (!t.drills.length) return el("p", { class: "muted", id: "restore-drills-empty" }, t.note);
  const o = t.objectives || {};
  const oldestFirst = t.drills.slice().reverse();
  return el("div", { class: "card" },
    el("div", { id: "restore-drill-summary" }, "passed " + t.passed + " of " + t.count + " (" + Math.round(t.passRate * 100)
      + " %); last passed: " + (t.lastPassed ? t.lastPassed.startedAt + ", backup " + t.lastPassed.backupLabel : "none")
      + "; objectives RTO " + (o.rtoSeconds != null ? o.rtoSeconds + " s" : "none") + ", RPO "
      + (o.rpoSeconds != null ? o.rpoSeconds + " s" : "none")),
    el("div", { class: "muted" }, "RTO per drill (bar height), green passed, red failed; a failed restore has no RTO."),
    barChart("restore-drill-chart", "restore-drill-bar", oldestFirst, p => Math.max(0, p.rtoSeconds),
      p => p.startedAt + ": " + (p.passed ? "passed" : "FAILED " + p.failedChecks.join(", ")) + ", RTO "
        + (p.rtoSeconds < 0 ? "none" : p.rtoSeconds + " s") + ", RPO " + p.rpoSeconds + " s, backup " + p.backupLabel,
      o.rtoSeconds),
    el("table", { id: "restore-drill-table" }, el("tr", {}, ["started", "backup", "RTO s", "RPO s", "verdict"].map(h => el("th", {}, h))),
      t.drills.map(d => el("tr", { class: d.passed ? "passed" : "failed" }, el("td", {}, el("a", { href: d.uiUrl }, d.startedAt)),
        el("td", {}, d.backupLabel), el("td", {}, d.rtoSeconds < 0 ? "-" : String(d.rtoSeconds)), el("td", {}, String(d.rpoSeconds)),
        el("td", {}, d.passed ? "passed" : "FAILED " + d.failedChecks.join(", "))))));
}

async function showInsights(params) {
  const cluster = params.get("cluster") || "main";
  const database = params.get("database") || "app";
  const form = el("form", { class: "muted", onsubmit: ev => {
    ev.preventDefault();
    location.hash = "#/insights?cluster=" + encodeURIComponent(document.getElementById("in-cluster").value)
      + "&database=" + encodeURIComponent(document.getElementById("in-database").value);
  } }, "cluster ", el("input", { id: "in-cluster", value: cluster }), " database ", el("input", { id: "in-database", value: database }),
    " ", el("button", { type: "submit" }, "Show"));
  main.replaceChildren(el("h1", {}, "Partition coverage of " + cluster + "/" + database), form,
    el("div", { id: "grid-box" }, "loading ..."), el("h1", {}, "Failover drills of " + cluster), el("div", { id: "drill-box" }, "loading ..."),
    el("h1", {}, "Restore drills of " + cluster), el("div", { id: "restore-drill-box" }, "loading ..."),
    el("h1", {}, "Latest query report of " + cluster + "/" + database), el("div", { id: "query-report-box" }, "loading ..."));
  const [g, d, q, r] = await Promise.all([
    api("GET", "/insights/partitions?cluster=" + encodeURIComponent(cluster) + "&database=" + encodeURIComponent(database)),
    api("GET", "/insights/drills?cluster=" + encodeURIComponent(cluster)),
    api("GET", "/insights/query-report?cluster=" + encodeURIComponent(cluster) + "&database=" + encodeURIComponent(database)),
    api("GET", "/insights/restore-drills?cluster=" + encodeURIComponent(cluster))]);
  document.getElementById("restore-drill-box").replaceChildren(r.ok ? restoreDrills(r.data)
    : el("p", { class: "warn" }, r.data && r.data.error));
  document.getElementById("query-report-box").replaceChildren(!q.ok ? el("p", { class: "warn" }, q.data && q.data.error)
    : !q.data.report ? el("p", { class: "muted", id: "query-report-empty" }, q.data.note)
      : el("div", { class: "card" }, el("a", { href: q.data.uiUrl, id: "query-report-link" }, q.data.workflowId),
        el("pre", { id: "query-report" }, q.data.report.text)));
  document.getElementById("grid-box").replaceChildren(g.ok ? grid(g.data) : el("p", { class: "warn" }, g.data && g.data.error));
  document.getElementById("drill-box").replaceChildren(!d.ok ? el("p", { class: "warn" }, d.data && d.data.error)
    : d.data.length === 0 ? el("p", { class: "muted", id: "drills-empty" }, "No completed FailoverDrill runs yet.")
      : el("div", { class: "card" }, el("div", { class: "muted" }, "Write unavailability per drill (bar height), green passed, red failed."),
        drillChart(d.data)));
}

// ---- routing -------------------------------------------------------------------------------------

async function route() {
  clearTimers();
  const hash = location.hash || "#/approvals";
  const [path, query] = hash.substring(1).split("?");
  if (path === "/login") {
    showLogin(new URLSearchParams(query || "").get("error"));
    return;
  }
  if (!me) {
    // Basic credentials of this tab, or else the single sign-on session cookie; a 401 leads to the login screen.
    const r = await api("GET", "/me");
    if (!r.ok) return;
    me = r.data;
  }
  document.getElementById("whoami").textContent = me.name + " (" + me.roles.join(", ") + ")";
  document.getElementById("logout").hidden = false;
  if (path.startsWith("/runs/")) showRun(decodeURIComponent(path.substring(6)));
  else if (path === "/runs") showRuns();
  else if (path === "/insights") showInsights(new URLSearchParams(query || ""));
  else if (path === "/login") showLogin();
  else showApprovals(new URLSearchParams(query || ""));
}

document.getElementById("logout").addEventListener("click", () => {
  const session = me && me.session ? me.csrfToken : null;
  sessionStorage.removeItem("pg-runbooks-auth");
  me = null;
  document.getElementById("whoami").textContent = "";
  document.getElementById("logout").hidden = true;
  if (session) {
    // Ends the session here and, when the provider offers it, there too; it comes back to the login screen.
    // A POST with the session's token: no other site can sign anyone out.
    const form = el("form", { method: "POST", action: "/auth/logout", hidden: true },
      el("input", { type: "hidden", name: "csrf", value: session }));
    document.body.append(form);
    form.submit();
    return;
  }
  location.hash = "#/login";
  showLogin();
});
window.addEventListener("hashchange", route);
route();

/* The unified customer view's charts (ECharts) and its panels: authentication (AUTH-1..7), queries
   (Q-1..4) and business acceptance (BA-1), all calling the native API with the session. The hotline
   flow never shows a password field: the IVR collects the password and this page learns pass/fail. */
(function () {
  "use strict";
  const kefu = window.kefu || {};
  const L = kefu.L || {};
  // SVC-1: a walk-in's page (another city's line before authentication) has the authentication panel only
  const header = document.querySelector("[data-testid=cv-header], [data-testid=cv-walk-in]");
  if (!header) return;
  const walkIn = header.dataset.testid === "cv-walk-in";
  const number = header.dataset.number;
  const base = "/api/v1/subscribers/" + encodeURIComponent(number);
  const $ = (id) => document.getElementById(id);
  const data = (id) => {
    const node = $(id);
    return node ? JSON.parse(node.textContent) : null;
  };
  /* An ISO 8601 time from the API as kefu writes times (2026-12-06 14:05): the API gives it in the
     server's time zone already, so it is cut, never converted to the browser's zone. */
  const when = (value) => {
    const text = value == null ? "" : String(value);
    const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(text);
    return match ? match[1] + " " + match[2] : text;
  };
  const problem = (result) => (result.body && (result.body.detail || result.body.code)) || L.failed;

  /* ---------------- charts ---------------- */
  let charts = null;
  function drawCharts() {
    if (charts || !window.echarts) return;
    const spendNode = $("chart-spend");
    if (!spendNode || spendNode.offsetWidth === 0) return;
    charts = [];
    const spend = data("data-spend") || [];
    const usage = data("data-usage") || [];
    const spendChart = echarts.init(spendNode);
    spendChart.setOption({
      grid: { left: 48, right: 16, top: 24, bottom: 28 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: spend.map((p) => p.month) },
      yAxis: { type: "value", name: "¥" },
      series: [{ type: "line", name: L.total_fee, data: spend.map((p) => Number(p.total_fee)), areaStyle: { opacity: 0.12 } }],
    });
    const usageChart = echarts.init($("chart-usage"));
    usageChart.setOption({
      grid: { left: 48, right: 16, top: 32, bottom: 28 },
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      xAxis: { type: "category", data: usage.map((p) => p.month) },
      yAxis: { type: "value", name: "¥" },
      series: [
        { type: "bar", stack: "fee", name: L.voice_fee, data: usage.map((p) => Number(p.voice_fee)) },
        { type: "bar", stack: "fee", name: L.sms_fee, data: usage.map((p) => Number(p.sms_fee)) },
        { type: "bar", stack: "fee", name: L.data_fee, data: usage.map((p) => Number(p.data_fee)) },
      ],
    });
    charts.push(spendChart, usageChart);
    window.addEventListener("resize", () => charts.forEach((chart) => chart.resize()));
  }
  document.addEventListener("kefu:tab", (event) => {
    if (event.detail === "tab-analysis") setTimeout(drawCharts, 0);
  });
  window.addEventListener("load", drawCharts);

  /* ---------------- authentication ---------------- */
  const status = $("auth-status");
  const detail = $("auth-detail");
  const prompts = $("auth-prompts");
  const AUTH_KEY = "kefu.auth." + number;

  function showAuth(state, text, extra) {
    if (!status) return;
    status.dataset.state = state;
    kefu.text(status, text);
    kefu.text(detail, extra || "");
  }

  function showPrompts(outcome) {
    if (!prompts) return;
    prompts.replaceChildren();
    if (outcome.password_change_required) {
      const p = document.createElement("p");
      p.className = "msg msg-error small";
      p.textContent = L.password_change_required;
      if (hallDesk) {
        // AUTH-6 at the counter: the customer keys the old and the new password on the PIN pad
        const button = document.createElement("button");
        button.type = "button";
        button.className = "btn btn-s";
        button.dataset.testid = "auth-pad-change";
        button.textContent = L.pad_change_password;
        button.addEventListener("click", () => collect({ method: "password", purpose: "password_change" }));
        p.append(" ", button);
      }
      prompts.append(p);
    }
    if (outcome.security_notice_required) {
      const p = document.createElement("p");
      p.className = "msg small";
      p.textContent = L.security_notice_required + " ";
      const button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-s";
      button.textContent = L.security_notice_done;
      button.addEventListener("click", async () => {
        const result = await kefu.api("POST", base + "/security-notice");
        if (result.ok) p.remove();
      });
      p.append(button);
      prompts.append(p);
    }
  }

  function passed(outcome) {
    // times come written by the server, in its time zone (never the browser's)
    const until = outcome.grant_expires_at_display || when(outcome.grant_expires_at);
    const extra = until ? L.grant_expires_at + " " + until : "";
    showAuth("pass", L.auth_pass, extra);
    showPrompts(outcome);
    if (lockedReason) lockOut(""); // a success (an ID shown at the counter) ends the lock
    sessionStorage.setItem(AUTH_KEY, JSON.stringify({ until: outcome.grant_expires_at }));
    // SVC-1: the grant opens the walk-in's full view; load it now rather than asking for a refresh
    // (by the form's answer or the ivr_auth push; reloading shows the stub again only without a grant)
    if (walkIn) window.location.reload();
  }

  /* AUTH-5: while the service password is locked, nothing goes to the IVR or the PIN pad — the
     buttons that would send it are disabled with the reason (the server refuses with password_locked
     too). Showing an ID document at the counter needs no device and stays open. Times are the
     server's (written by it: *_display), not the browser's. */
  const lockNote = $("auth-locked");
  let lockedReason = lockNote && !lockNote.hidden ? lockNote.textContent.trim() : "";

  function applyLock() {
    document.querySelectorAll("#panel-auth [data-device]").forEach((button) => {
      const open = button.dataset.testid === "auth-hall-submit" && $("auth-hall").elements.method.value === "id_shown";
      button.disabled = Boolean(lockedReason) && !open;
      if (lockedReason && !open) button.title = lockedReason;
      else if (button.dataset.testid === "auth-ivr") button.removeAttribute("title");
    });
    if (lockNote) {
      lockNote.hidden = !lockedReason;
      kefu.text(lockNote, lockedReason);
    }
  }

  function lockOut(reason) {
    lockedReason = reason;
    applyLock();
  }

  function failed(body, locked) {
    if (locked) {
      const until = body.locked_until_display || when(body.locked_until);
      showAuth("locked", L.auth_locked, until ? L.locked_until + " " + until : "");
      if (until) lockOut(L.password_locked.replace("%(t)s", until));
    } else {
      const left = body.tries_left != null ? L.tries_left + " " + body.tries_left : "";
      showAuth("fail", L.auth_fail, left);
    }
  }

  function remembered() {
    try {
      const grant = JSON.parse(sessionStorage.getItem(AUTH_KEY) || "null");
      if (grant && (!grant.until || new Date(grant.until) > new Date())) showAuth("pass", L.auth_pass, "");
    } catch (error) {
      /* nothing remembered */
    }
  }
  remembered();

  async function authenticate(payload) {
    const call = kefu.call && kefu.call();
    if (call && call.state === "active") {
      payload.call_id = call.call_id;
      if (call.contact_id) payload.contact_id = call.contact_id;
    }
    const result = await kefu.api("POST", base + "/authenticate", payload);
    if (result.ok) passed(result.body);
    else if (result.status === 401) failed(result.body || {}, false);
    else if (result.status === 423) failed(result.body || {}, true);
    else showAuth("error", problem(result));
  }

  /* AUTH-3: a secret is keyed by the customer on a device, never here. Hotline: the IVR on the active
     call; hall and VIP manager: the PIN pad paired with this staff member. This page learns pass, fail
     or locked by push (ivr_auth) and, should the stream be down, by asking the collection's state. */
  const hallDesk = $("panel-auth") && $("panel-auth").dataset.hall === "1";
  let pending = null;

  function settle(id, outcome) {
    if (pending !== id) return;
    pending = null;
    if (outcome.result === "pass") passed(outcome);
    else if (outcome.result === "fail" || outcome.result === "locked") failed(outcome, outcome.result === "locked");
    else showAuth("none", L.collect_withdrawn);
  }

  async function watch(id) {
    for (let i = 0; i < 600 && pending === id; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      if (pending !== id) return;
      const result = await kefu.api("GET", "/api/v1/password-collections/" + id);
      if (result.ok && result.body.state === "done") settle(id, result.body);
    }
  }

  async function collect(payload) {
    let url;
    payload.number = number;
    if (hallDesk) {
      url = "/api/v1/pin-pad/collections";
    } else {
      const call = kefu.call && kefu.call();
      if (!call || call.state !== "active") {
        showAuth("error", L.no_call);
        return;
      }
      url = "/api/v1/calls/" + encodeURIComponent(call.call_id) + "/password-collection";
    }
    const result = await kefu.api("POST", url, payload);
    if (!result.ok) {
      if (result.status === 423) failed(result.body || {}, true);
      else if (result.body && result.body.code === "password_locked") {
        showAuth("locked", L.auth_locked, "");
        lockOut(result.body.detail);
      } else showAuth("error", problem(result));
      return;
    }
    pending = result.body.id;
    showAuth("waiting", hallDesk ? L.pad_waiting : L.auth_waiting);
    const link = $("auth-ivr-link");
    if (link && !hallDesk) {
      link.hidden = false;
      link.querySelector("a").href = "/desk/ivr-simulator/?collection=" + result.body.id;
      link.dataset.collection = result.body.id;
    }
    watch(result.body.id);
  }

  const ivrButton = $("auth-ivr");
  if (ivrButton) ivrButton.addEventListener("click", () => collect({ method: "password" }));
  document.addEventListener("kefu:ivr_auth", (event) => {
    const push = event.detail || {};
    if (push.number !== number) return;
    if (push.collection_id != null && pending === push.collection_id) settle(push.collection_id, push);
    else if (push.result === "pass") passed(push);
    else failed(push, push.result === "locked");
  });

  const callingButton = $("auth-calling");
  if (callingButton) callingButton.addEventListener("click", () => authenticate({ method: "calling_number" }));

  const hall = $("auth-hall");
  if (hall) {
    const toggle = () => {
      const method = hall.elements.method.value;
      hall.querySelectorAll("[data-for]").forEach((node) => {
        node.hidden = !node.dataset.for.split(" ").includes(method);
      });
    };
    hall.elements.method.addEventListener("change", () => {
      toggle();
      applyLock();
    });
    toggle();
    hall.addEventListener("submit", (event) => {
      event.preventDefault();
      const method = hall.elements.method.value;
      const account = hall.elements.account.value.trim();
      if (method === "id_shown") {
        // the document is in the staff member's hands: nothing for the customer to key
        authenticate({ method: "id_shown", id_number: account, channel: hallChannel() });
        return;
      }
      const payload = { method: method };
      if (method === "id_number") payload.id_number = account;
      if (method === "broadband") payload.broadband_account = account;
      collect(payload);
    });
  }
  function hallChannel() {
    const panel = $("panel-auth");
    return panel && panel.dataset.channel ? panel.dataset.channel : "hall";
  }
  const card = $("auth-card");
  if (card) {
    card.addEventListener("submit", (event) => {
      event.preventDefault();
      collect({ method: "membership_card", card_number: card.elements.card_number.value.trim() });
    });
  }
  const otp = $("auth-otp");
  if (otp) {
    $("otp-send").addEventListener("click", async () => {
      const result = await kefu.api("POST", base + "/otp");
      showAuth(result.ok ? "waiting" : "error", result.ok ? L.otp_sent : problem(result));
    });
    otp.addEventListener("submit", (event) => {
      event.preventDefault();
      collect({ method: "otp" });
    });
  }

  applyLock();

  /* ---------------- queries ---------------- */
  const out = $("query-result");
  const send = $("query-send");
  let lastQuery = null;

  function cell(value) {
    if (value && typeof value === "object") return value.label || value.value || JSON.stringify(value);
    return when(value);
  }

  /* A side-panel table keeps to the columns that fit the panel (the 账务 tab holds the whole bill); the
     columns left out show as the row's tooltip. */
  const COLUMNS = { bills: ["month", "total_fee", "amount_due", "amount_paid", "due_date"] };
  const NUMBER = /^-?\d+(\.\d+)?$/;

  function table(rows, what) {
    if (!rows.length) {
      const p = document.createElement("p");
      p.className = "muted";
      p.textContent = L.empty;
      return p;
    }
    // when the API gives both a code and its display text (kind, kind_display), show the text only
    const all = Object.keys(rows[0]).filter((key) => !Object.keys(rows[0]).includes(key + "_display"));
    const keys = COLUMNS[what] ? COLUMNS[what].filter((key) => all.includes(key)) : all;
    const rest = all.filter((key) => !keys.includes(key));
    const label = (key) => L[key.replace(/_display$/, "")] || L[key] || key;
    const element = document.createElement("table");
    element.className = "table table-s";
    const head = element.createTHead().insertRow();
    keys.forEach((key) => {
      const th = document.createElement("th");
      th.textContent = label(key);
      if (NUMBER.test(cell(rows[0][key]))) th.className = "num";
      head.append(th);
    });
    const tbody = element.createTBody();
    rows.forEach((row) => {
      const tr = tbody.insertRow();
      keys.forEach((key) => {
        const td = tr.insertCell();
        let text = cell(row[key]);
        if (what === "bills" && key === "month") text = text.slice(0, 7); // a bill's period: 2026-11
        td.textContent = text;
        if (NUMBER.test(text)) td.className = "num";
      });
      if (rest.length) tr.title = rest.map((key) => label(key) + " " + cell(row[key])).join(" · ");
    });
    const wrap = document.createElement("div");
    wrap.className = "table-scroll";
    wrap.append(element);
    return wrap;
  }

  function pairs(object) {
    const element = document.createElement("dl");
    element.className = "kv kv-s";
    Object.keys(object).forEach((key) => {
      const dt = document.createElement("dt");
      dt.textContent = L[key] || key;
      const dd = document.createElement("dd");
      dd.textContent = cell(object[key]);
      dd.dataset.key = key;
      element.append(dt, dd);
    });
    return element;
  }

  document.querySelectorAll("[data-query]").forEach((button) => {
    button.addEventListener("click", async () => {
      const what = button.dataset.query;
      let url = base + "/" + what;
      if (what === "bills") url += "?months=6";
      const month = $("q-month") && $("q-month").value;
      if (what === "call-details" && month) url += "?month=" + month;
      out.replaceChildren(document.createTextNode(L.loading));
      out.dataset.query = what;
      const result = await kefu.api("GET", url, undefined, kefu.callHeaders ? kefu.callHeaders() : {});
      out.replaceChildren();
      if (!result.ok) {
        const p = document.createElement("p");
        p.className = "msg msg-error small";
        p.textContent = result.body && result.body.code === "auth_required" ? L.auth_required : problem(result);
        out.append(p);
        if (send) send.hidden = true;
        return;
      }
      const caption = document.createElement("h4");
      caption.textContent = button.textContent;
      out.append(caption);
      const body = result.body;
      out.append(Array.isArray(body) ? table(body, what) : pairs(body || {}));
      lastQuery = what.replace("-", "_");
      if (send) send.hidden = false;
    });
  });

  if (send) {
    send.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (!lastQuery) return;
      const payload = { what: lastQuery, method: send.elements.method.value };
      const call = kefu.call && kefu.call();
      if (call && call.state === "active") {
        payload.call_id = call.call_id;
        if (call.contact_id) payload.contact_id = call.contact_id;
      }
      const result = await kefu.api("POST", base + "/query-results", payload);
      kefu.text($("query-send-result"), result.ok ? L.sent : problem(result));
    });
  }

  /* ---------------- business acceptance ---------------- */
  const form = $("ba-form");
  const baResult = $("ba-result");
  let products = data("data-products") || [];

  function fillReplaces() {
    const select = form.elements.replaces;
    select.replaceChildren();
    products
      .filter((p) => (p.status.value || p.status) !== "ended")
      .forEach((p) => {
        const option = document.createElement("option");
        option.value = p.product_code;
        option.textContent = p.product_name; // no raw product code in the Chinese UI
        select.append(option);
      });
  }

  // BA-1: the line's own product list — what fits it first, the rest disabled with the reason the
  // server would give (the same rule refuses them on submit)
  let lineProducts = [];
  async function fillProducts() {
    const select = form.elements.product;
    const refused = $("ba-refused");
    const result = await kefu.api("GET", base + "/products?kind=" + encodeURIComponent(form.elements.kind.value));
    select.replaceChildren();
    lineProducts = result.ok && Array.isArray(result.body) ? result.body : [];
    const fits = lineProducts.filter((p) => p.eligible);
    const rest = lineProducts.filter((p) => !p.eligible);
    fits.forEach((p) => {
      const option = document.createElement("option");
      option.value = p.code;
      option.textContent = p.name + " · " + p.monthly_fee;
      select.append(option);
    });
    if (rest.length) {
      const group = document.createElement("optgroup");
      group.label = L.not_eligible;
      rest.forEach((p) => {
        const option = document.createElement("option");
        option.value = p.code;
        option.disabled = true;
        option.title = p.reason_text;
        option.dataset.reason = p.reason;
        option.textContent = p.reason_text; // the reason names the product
        group.append(option);
      });
      select.append(group);
    }
    if (!fits.length) select.value = "";
    if (refused) {
      const list = refused.querySelector("ul");
      list.replaceChildren();
      rest.forEach((p) => {
        const li = document.createElement("li");
        li.dataset.product = p.code;
        li.dataset.reason = p.reason;
        li.textContent = p.reason_text;
        list.append(li);
      });
      kefu.text(refused.querySelector("summary"), L.not_eligible + " (" + rest.length + ")");
    }
    toggleAction();
    productChosen();
  }

  // a plan is changed, not ordered, when the line has one: the list says which it replaces
  function productChosen() {
    const row = lineProducts.find((p) => p.code === form.elements.product.value);
    if (!row || !row.replaces || form.elements.action.value === "cancel") return;
    form.elements.action.value = "change";
    toggleAction();
    form.elements.replaces.value = row.replaces;
  }

  function toggleAction() {
    const action = form.elements.action.value;
    form.querySelectorAll("[data-ba]").forEach((label) => {
      label.hidden = !label.dataset.ba.split(" ").includes(action);
    });
    const refused = $("ba-refused");
    if (refused) refused.hidden = action === "cancel" || !lineProducts.some((p) => !p.eligible);
  }

  async function fillRecording() {
    const call = kefu.call && kefu.call();
    form.elements.recording_ref.value = "";
    if (!call || call.state !== "active" || !call.contact_id) return;
    const result = await kefu.api("GET", "/api/v1/contacts/" + call.contact_id);
    if (result.ok && result.body) form.elements.recording_ref.value = result.body.recording_ref || "";
  }

  async function refreshProducts() {
    const response = await fetch(window.location.pathname + "?fragment=products", { credentials: "same-origin" });
    if (!response.ok) return;
    const holder = document.createElement("div");
    holder.innerHTML = await response.text();
    const fresh = holder.querySelector("#products-section");
    const current = $("products-section");
    if (fresh && current) current.replaceWith(fresh);
  }

  if (form) {
    const hallDesk = $("panel-auth") && $("panel-auth").dataset.hall === "1";
    form.elements.action.addEventListener("change", toggleAction);
    form.elements.kind.addEventListener("change", fillProducts);
    form.elements.product.addEventListener("change", productChosen);
    document.addEventListener("kefu:call", fillRecording);
    toggleAction();
    fillReplaces();
    fillProducts();
    fillRecording();
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const action = form.elements.action.value;
      const payload = { action: action, channel: hallDesk ? "hall" : "hotline" };
      if (action === "cancel") {
        payload.product = form.elements.replaces.value;
      } else {
        payload.product = form.elements.product.value;
        if (action === "change") payload.replaces = form.elements.replaces.value;
      }
      if (form.elements.recording_ref.value) payload.recording_ref = form.elements.recording_ref.value;
      const call = kefu.call && kefu.call();
      if (call && call.state === "active" && call.contact_id) payload.contact_id = call.contact_id;
      const result = await kefu.api("POST", base + "/subscriptions", payload);
      baResult.dataset.state = result.ok ? "done" : "error";
      if (!result.ok) {
        kefu.text(baResult, result.body && result.body.code === "auth_required" ? L.auth_required : problem(result));
        return;
      }
      const order = result.headers.get("X-Order-Number");
      kefu.text(baResult, L.done + (order ? " · " + order : ""));
      products = (result.body || []).map((row) => ({
        product_code: row.product_code,
        product_name: row.product_name,
        status: { value: row.status },
      }));
      fillReplaces();
      fillProducts();
      refreshProducts();
    });
  }
  /* ---------------- customer data changes (BA-1) ---------------- */
  const dcForm = $("dc-form");
  if (dcForm) {
    const dcResult = $("dc-result");
    const dcToggle = () => {
      const change = dcForm.elements.change.value;
      dcForm.querySelectorAll("[data-dc]").forEach((label) => {
        label.hidden = !label.dataset.dc.split(" ").includes(change);
      });
    };
    dcForm.elements.change.addEventListener("change", dcToggle);
    dcToggle();
    dcForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const hallDesk = $("panel-auth") && $("panel-auth").dataset.hall === "1";
      const change = dcForm.elements.change.value;
      const payload = { change: change, channel: hallDesk ? "hall" : "hotline" };
      dcForm.querySelectorAll("[data-dc]").forEach((label) => {
        if (label.hidden) return;
        const field = label.querySelector("input, select");
        if (field && field.value !== "") payload[field.name] = field.value;
      });
      const call = kefu.call && kefu.call();
      if (call && call.state === "active" && call.contact_id) payload.contact_id = call.contact_id;
      const recording = form ? form.elements.recording_ref.value : "";
      if (recording) payload.recording_ref = recording;
      const result = await kefu.api("POST", base + "/data-changes", payload);
      dcResult.dataset.state = result.ok ? "done" : "error";
      if (!result.ok) {
        kefu.text(dcResult, result.body && result.body.code === "auth_required" ? L.auth_required : problem(result));
        return;
      }
      kefu.text(dcResult, L.done + " · " + result.body.order_number);
    });
  }
})();

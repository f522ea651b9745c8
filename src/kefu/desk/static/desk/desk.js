/* kefu desk: the agent's event stream (screen pop, VIEW-1), the call bar, the simulated call, tabs,
   and a small JSON helper for the panels. No framework; labels come translated from the page. */
(function () {
  "use strict";
  const body = document.body;
  const labelsNode = document.getElementById("desk-labels");
  const L = labelsNode ? JSON.parse(labelsNode.textContent) : {};
  const kefu = (window.kefu = window.kefu || {});
  kefu.L = L;
  kefu.csrf = body.dataset.csrf || "";

  /* JSON over fetch with the session cookie and the CSRF token; never throws on HTTP errors. */
  kefu.api = async function (method, url, data, headers) {
    const options = {
      method: method,
      credentials: "same-origin",
      headers: Object.assign({ Accept: "application/json", "X-CSRFToken": kefu.csrf }, headers || {}),
    };
    if (data !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(data);
    }
    let response;
    try {
      response = await fetch(url, options);
    } catch (error) {
      return { ok: false, status: 0, body: { detail: String(error) }, headers: new Headers() };
    }
    const text = await response.text();
    let parsed = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch (error) {
      parsed = { detail: text };
    }
    return { ok: response.ok, status: response.status, body: parsed, headers: response.headers };
  };

  kefu.text = function (element, value) {
    if (element) element.textContent = value == null ? "" : String(value);
  };

  kefu.formatSeconds = function (total) {
    total = Math.max(0, Math.round(total));
    const h = Math.floor(total / 3600);
    const m = Math.floor((total % 3600) / 60);
    const s = total % 60;
    const pad = (n) => String(n).padStart(2, "0");
    return h ? h + ":" + pad(m) + ":" + pad(s) : m + ":" + pad(s);
  };

  /* ---- the active call, kept per browser tab so that it survives the screen pop's navigation ---- */
  const KEY = "kefu.call";
  kefu.call = function () {
    try {
      return JSON.parse(sessionStorage.getItem(KEY) || "null");
    } catch (error) {
      return null;
    }
  };
  kefu.setCall = function (call) {
    if (call) sessionStorage.setItem(KEY, JSON.stringify(call));
    else sessionStorage.removeItem(KEY);
    renderCallbar();
    document.dispatchEvent(new CustomEvent("kefu:call", { detail: call }));
  };
  kefu.callHeaders = function () {
    const call = kefu.call();
    if (!call || call.state !== "active") return {};
    const headers = { "X-Call-Id": call.call_id };
    if (call.contact_id) headers["X-Contact-Id"] = String(call.contact_id);
    return headers;
  };

  const bar = document.getElementById("callbar");
  let timer = null;

  /* The contact whose after-call work (summary + wrap-up reason, CON-1) is still to be written; kept
     apart from the call so that answering or resuming another call does not lose it. */
  const WRAP_KEY = "kefu.wrapup";
  kefu.wrapup = function () {
    try {
      return JSON.parse(sessionStorage.getItem(WRAP_KEY) || "null");
    } catch (error) {
      return null;
    }
  };
  kefu.setWrapup = function (pending) {
    if (pending) sessionStorage.setItem(WRAP_KEY, JSON.stringify(pending));
    else sessionStorage.removeItem(WRAP_KEY);
    renderWrapup();
  };

  /* A short message in the call bar (a refused answer, a held call that hung up…). */
  function callNotice(text) {
    kefu.text(document.getElementById("call-notice"), text || "");
  }
  kefu.callNotice = callNotice;

  function renderHeld(call) {
    const held = document.getElementById("call-held");
    if (!held) return;
    held.textContent = "";
    const rows = (call && call.held) || [];
    held.hidden = rows.length === 0;
    rows.forEach((row) => {
      const item = document.createElement("span");
      item.className = "held-call";
      item.dataset.testid = "held-call";
      item.textContent = (L.held || "") + " " + row.number + " ";
      const button = document.createElement("button");
      button.type = "button";
      button.className = "btn";
      button.dataset.testid = "resume-call";
      button.textContent = L.resume || "";
      button.addEventListener("click", () => kefu.resumeCall(row));
      item.appendChild(button);
      held.appendChild(item);
    });
  }

  function renderCallbar() {
    if (!bar) return;
    const call = kefu.call();
    const state = document.getElementById("call-state");
    const number = document.getElementById("call-number");
    const contact = document.getElementById("call-contact");
    const clock = document.getElementById("call-timer");
    if (timer) {
      clearInterval(timer);
      timer = null;
    }
    renderHeld(call);
    fillCallFields();
    if (!call) {
      bar.dataset.state = "idle";
      kefu.text(state, state ? state.dataset.idle || state.textContent : "");
      kefu.text(number, "");
      kefu.text(clock, "");
      if (contact) contact.hidden = true;
      return;
    }
    bar.dataset.state = call.state;
    kefu.text(number, call.number);
    if (contact) {
      contact.hidden = !call.contact_id;
      if (call.contact_id) {
        contact.href = "/desk/contacts/" + call.contact_id + "/";
        contact.textContent = (L.contact || "") + " #" + call.contact_id;
      }
    }
    if (call.notice != null) callNotice(call.notice);
    if (call.state === "ringing") {
      kefu.text(state, L.ringing);
      kefu.text(clock, "");
    } else if (call.state === "active") {
      kefu.text(state, L.call_active);
      const tick = () => kefu.text(clock, kefu.formatSeconds((Date.now() - call.started) / 1000));
      tick();
      timer = setInterval(tick, 1000);
    } else {
      kefu.text(state, L.call_ended);
      const seconds = call.duration != null ? call.duration : (call.ended - call.started) / 1000;
      kefu.text(clock, (L.duration || "") + " " + kefu.formatSeconds(seconds));
    }
  }

  /* Forms posted during a call name it (hidden fields of includes/call_fields.html, CON-1). */
  function fillCallFields() {
    const call = kefu.call();
    const active = call && call.state === "active" ? call : null;
    document.querySelectorAll("[data-call-field]").forEach((node) => {
      const value = active && active[node.dataset.callField] != null ? String(active[node.dataset.callField]) : "";
      if (node.tagName === "INPUT") node.value = value;
      else node.textContent = value ? "#" + value : "";
    });
    document.querySelectorAll("[data-call-note]").forEach((node) => {
      node.hidden = !(active && active.contact_id);
    });
  }
  document.addEventListener("submit", fillCallFields, true);

  const wrapForm = document.getElementById("wrapup-form");
  let reasonsLoaded = false;
  /* The reasons are read once per page, when the form first shows (no query on other pages). */
  async function loadReasons() {
    if (reasonsLoaded) return;
    reasonsLoaded = true;
    const result = await kefu.api("GET", "/api/v1/wrap-up-reasons");
    if (!result.ok || !Array.isArray(result.body)) {
      reasonsLoaded = false;
      return;
    }
    const select = wrapForm.elements.reason;
    result.body.forEach((reason) => select.add(new Option(reason.name, reason.code)));
  }
  function renderWrapup() {
    if (!wrapForm) return;
    const pending = kefu.wrapup();
    wrapForm.hidden = !pending;
    if (!pending) return;
    loadReasons();
    const link = document.getElementById("wrapup-contact");
    if (link) {
      link.href = "/desk/contacts/" + pending.contact_id + "/";
      link.textContent = pending.number + " · " + (L.contact || "") + " #" + pending.contact_id;
    }
    if (wrapForm.dataset.contact !== String(pending.contact_id)) {
      wrapForm.dataset.contact = String(pending.contact_id);
      wrapForm.reset();
      const message = document.getElementById("wrapup-msg");
      kefu.text(message, "");
    }
  }
  if (wrapForm) {
    wrapForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const pending = kefu.wrapup();
      const message = document.getElementById("wrapup-msg");
      if (!pending) return;
      const reason = wrapForm.elements.reason.value;
      message.classList.remove("error");
      if (!reason) {
        message.classList.add("error");
        kefu.text(message, L.wrap_up_reason_required);
        return;
      }
      const result = await kefu.api("POST", "/api/v1/contacts/" + pending.contact_id + "/wrap-up", {
        reason: reason,
        summary: wrapForm.elements.summary.value,
      });
      if (!result.ok) {
        message.classList.add("error");
        kefu.text(message, (result.body && result.body.detail) || L.failed);
        return;
      }
      kefu.setWrapup(null);
      callNotice(L.wrap_up_saved + " · " + (L.contact || "") + " #" + pending.contact_id);
      document.dispatchEvent(new CustomEvent("kefu:wrapup", { detail: result.body }));
    });
    document.getElementById("wrapup-later").addEventListener("click", () => kefu.setWrapup(null));
  }

  /* ---- screen pop from the live stream (live.js) ---- */
  function onScreenPop(data) {
    // a new caller (or a held one taken back): the call bar and the page show this caller only
    kefu.setCall({
      call_id: data.call_id,
      number: data.number,
      contact_id: data.contact_id,
      known: data.known,
      state: "active",
      started: Date.now(),
      held: data.held || [],
      notice: data.known === false ? L.unknown_caller : "",
    });
    const target = data.view_url || data.find_url;
    // every tab shows the call; only the tab the agent last focused (or the leader) opens the view
    if (target && (!kefu.live || kefu.live.handlesNavigation())) {
      const here = window.location.pathname + window.location.search;
      if (here !== target && window.location.pathname !== target) window.location.assign(target);
    }
  }

  async function onHangup(data) {
    const call = kefu.call();
    if (!call) return;
    if (call.call_id !== data.call_id) {
      // a call on hold hung up: drop it from the list; its contact is closed on the server
      const before = (call.held || []).length;
      call.held = (call.held || []).filter((row) => row.call_id !== data.call_id);
      if (call.held.length !== before) {
        call.notice = L.held_hung_up;
        kefu.setCall(call);
      }
      return;
    }
    call.state = "ended";
    call.ended = Date.now();
    call.held = data.held || [];
    call.notice = "";
    if (data.contact_id) {
      kefu.setWrapup({ contact_id: data.contact_id, number: call.number, call_id: call.call_id });
      const result = await kefu.api("GET", "/api/v1/contacts/" + data.contact_id);
      if (result.ok && result.body && result.body.duration_seconds != null) {
        call.duration = result.body.duration_seconds;
      }
    }
    kefu.setCall(call);
  }

  /* Handlers of the live stream's events (also for other scripts). */
  kefu.onScreenPop = onScreenPop;
  kefu.onHangup = onHangup;

  /* The live events, from the one stream this browser shares between its tabs (live.js). */
  function onSnapshot(data) {
    // the stream was down or just (re)connected: catch up with what it may have missed
    const call = kefu.call();
    const live = data.call;
    if (live) {
      if (!call || call.call_id !== live.call_id || call.state !== live.state) {
        kefu.setCall({
          call_id: live.call_id,
          number: live.number,
          contact_id: live.contact_id,
          known: live.known,
          state: live.state,
          started: Date.parse(live.started_at) || Date.now(),
        });
      }
    } else if (call && call.state !== "ended") {
      // its hangup came while the stream was down
      call.state = "ended";
      call.ended = Date.now();
      kefu.setCall(call);
    }
    const unread = document.getElementById("notice-unread");
    if (unread && typeof data.notices_unread === "number") {
      unread.textContent = String(data.notices_unread);
      unread.classList.toggle("badge-zero", data.notices_unread === 0);
    }
  }

  if (kefu.live) {
    kefu.live.on("screen_pop", onScreenPop);
    kefu.live.on("hangup", onHangup);
    kefu.live.on("ringing", (data) => {
      const call = kefu.call();
      if (!call || call.state === "ended") {
        kefu.setCall({ call_id: data.call_id, number: data.number, state: "ringing", started: Date.now() });
      }
    });
    kefu.live.on("workorder", (data) => {
      // an order arrived at one of this agent's queues (dispatched, replied, returned…)
      const notice = document.getElementById("wo-notice");
      if (notice && data.number) {
        const state = (L.wo_states && L.wo_states[data.state]) || data.state || "";
        notice.textContent = [L.wo_notice + " " + data.number, state, data.title || ""].filter(Boolean).join(" · ");
        notice.href = "/workorders/" + encodeURIComponent(data.number) + "/";
        notice.hidden = false;
      }
      document.dispatchEvent(new CustomEvent("kefu:workorder", { detail: data }));
      const refresh = document.getElementById("queue-refresh");
      if (refresh) refresh.hidden = false; // on a queue page: offer to reload the list
    });
    kefu.live.on("notice", (data) => {
      // SYS-1: a notice or internal message arrived: count it in the top bar and name it
      const unread = document.getElementById("notice-unread");
      if (unread) {
        unread.textContent = String((parseInt(unread.textContent, 10) || 0) + 1);
        unread.classList.remove("badge-zero");
      }
      const toast = document.getElementById("notice-toast");
      if (toast && data.title) {
        toast.textContent = data.title;
        toast.hidden = false;
      }
      document.dispatchEvent(new CustomEvent("kefu:notice", { detail: data }));
    });
    kefu.live.on("ivr_auth", (data) => {
      document.dispatchEvent(new CustomEvent("kefu:ivr_auth", { detail: data }));
    });
    kefu.live.on("snapshot", onSnapshot);
  }

  /* ---- the agent's routing state (issue 14): shown, set, and kept live by "agent_state" events ---- */
  const agentBox = document.getElementById("agent-state");
  const RL = (() => {
    const node = document.getElementById("routing-labels");
    return node ? JSON.parse(node.textContent) : { states: {}, reasons: {} };
  })();
  function renderAgentState(data) {
    if (!agentBox || !data || !data.state) return;
    agentBox.hidden = false;
    agentBox.dataset.state = data.state;
    let label = RL.states[data.state] || data.state;
    if (data.state === "not_ready" && data.reason) label += "(" + (RL.reasons[data.reason] || data.reason) + ")";
    kefu.text(document.getElementById("agent-state-label"), label);
    const since = data.since ? new Date(data.since) : null;
    kefu.text(
      document.getElementById("agent-state-since"),
      since && !isNaN(since) ? since.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) : ""
    );
    const busy = ["ringing", "talking"].includes(data.state);
    agentBox.querySelector('[data-agent-state="ready"]').disabled = data.state === "ready" || busy;
    agentBox.querySelector('[data-agent-state="not_ready"]').disabled = data.state === "logged_out";
    document.getElementById("agent-wrapup-end").hidden = data.state !== "wrapup";
  }
  if (agentBox && body.dataset.jobNumber) {
    const base = "/api/v1/routing/agents/" + encodeURIComponent(body.dataset.jobNumber);
    kefu.api("GET", base).then((result) => {
      if (result.ok) renderAgentState(result.body); // no seat (404): the box stays hidden
    });
    const setState = async (state) => {
      const payload = { state: state };
      if (state === "not_ready") payload.reason = document.getElementById("agent-reason").value;
      const result = await kefu.api("POST", base + "/state", payload);
      if (result.ok) renderAgentState(result.body);
      else callNotice(refused(result));
    };
    agentBox.querySelectorAll("[data-agent-state]").forEach((button) =>
      button.addEventListener("click", () => setState(button.dataset.agentState))
    );
    document.getElementById("agent-wrapup-end").addEventListener("click", async () => {
      const result = await kefu.api("POST", base + "/wrapup-end");
      if (result.ok) renderAgentState(result.body);
      else callNotice(refused(result));
    });
    if (kefu.live) {
      kefu.live.on("agent_state", (data) => {
        renderAgentState(data);
        // free again (another agent took a ring-all call, or it went back to the queue): stop ringing
        const call = kefu.call();
        if (call && call.state === "ringing" && !["ringing", "talking"].includes(data.state)) kefu.setCall(null);
      });
      kefu.live.on("offered", (data) => {
        // the router offers a call: the bar rings (the CTI's own "ringing" may follow)
        const call = kefu.call();
        if (!call || call.state === "ended") {
          kefu.setCall({ call_id: data.call_id, number: data.number, state: "ringing", started: Date.now() });
        }
      });
      kefu.live.on("ring_end", (data) => {
        const call = kefu.call();
        if (call && call.call_id === data.call_id && call.state === "ringing") kefu.setCall(null);
      });
    }
  }

  /* ---- 模拟来电: ring + answer (and later hangup / resume) posted to the CTI endpoint as this agent ---- */
  const postCti = (event, call) =>
    kefu.api("POST", body.dataset.ctiUrl, {
      event: event,
      call_id: call.call_id,
      calling_number: call.number,
      agent_job_number: body.dataset.jobNumber,
    });
  const refused = (result) => (result.body && result.body.detail) || L.failed;
  /* Take a held call back (the call in progress, if any, goes on hold); the server pops its view. */
  kefu.resumeCall = async function (held) {
    if (!body.dataset.ctiUrl) return;
    const result = await postCti("resume", held);
    if (!result.ok) callNotice(refused(result));
  };
  const simForm = document.getElementById("simcall-form");
  if (simForm && body.dataset.ctiUrl) {
    simForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const number = simForm.elements.number.value.trim();
      const call = { call_id: "SIM-" + Date.now(), number: number };
      // a busy seat refuses the ring (409 seat_busy): say so, and leave the current call and view alone
      const ring = await postCti("ring", call);
      if (!ring.ok) {
        callNotice(refused(ring));
        return;
      }
      const answer = await postCti("answer", call);
      if (!answer.ok) callNotice(refused(answer));
    });
    document.getElementById("simcall-hangup").addEventListener("click", () => kefu.hangupCall());
  }
  /* Hang up the call in progress (the simulated CTI's hangup; for keyboard shortcuts too). */
  kefu.hangupCall = async function () {
    const call = kefu.call();
    if (!body.dataset.ctiUrl || !call || call.state === "ended") return;
    const result = await postCti("hangup", call);
    if (!result.ok) callNotice(refused(result));
  };

  /* ---- tabs ---- */
  document.querySelectorAll("[data-tabs]").forEach((tabs) => {
    const buttons = Array.from(tabs.querySelectorAll("[data-tab]"));
    const show = (id) => {
      buttons.forEach((button) => {
        const selected = button.dataset.tab === id;
        button.setAttribute("aria-selected", selected ? "true" : "false");
        const panel = document.getElementById(button.dataset.tab);
        if (panel) panel.hidden = !selected;
      });
      document.dispatchEvent(new CustomEvent("kefu:tab", { detail: id }));
    };
    buttons.forEach((button) => button.addEventListener("click", () => show(button.dataset.tab)));
    const wanted = window.location.hash.slice(1);
    if (buttons.some((button) => button.dataset.tab === wanted)) show(wanted);
  });

  const state = document.getElementById("call-state");
  if (state) state.dataset.idle = state.textContent;
  renderCallbar();
  renderWrapup();
})();

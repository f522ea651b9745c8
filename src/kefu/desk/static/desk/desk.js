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

  function renderCallbar() {
    if (!bar) return;
    const call = kefu.call();
    const state = document.getElementById("call-state");
    const number = document.getElementById("call-number");
    const contact = document.getElementById("call-contact");
    const clock = document.getElementById("call-timer");
    const notice = document.getElementById("call-notice");
    if (timer) {
      clearInterval(timer);
      timer = null;
    }
    if (!call) {
      bar.dataset.state = "idle";
      kefu.text(state, state ? state.dataset.idle || state.textContent : "");
      kefu.text(number, "");
      kefu.text(clock, "");
      kefu.text(notice, "");
      if (contact) contact.hidden = true;
      return;
    }
    bar.dataset.state = call.state;
    kefu.text(number, call.number);
    if (contact && call.contact_id) {
      contact.hidden = false;
      contact.href = "/desk/contacts/" + call.contact_id + "/";
      contact.textContent = (L.contact || "") + " #" + call.contact_id;
    }
    kefu.text(notice, call.known === false ? L.unknown_caller : "");
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

  /* ---- screen pop from the live stream (live.js) ---- */
  function onScreenPop(data) {
    kefu.setCall({
      call_id: data.call_id,
      number: data.number,
      contact_id: data.contact_id,
      known: data.known,
      state: "active",
      started: Date.now(),
    });
    // every tab shows the call; only the tab the agent last focused (or the leader) opens the view
    if (data.view_url && (!kefu.live || kefu.live.handlesNavigation())) {
      if (window.location.pathname !== data.view_url) window.location.assign(data.view_url);
    }
  }

  async function onHangup(data) {
    const call = kefu.call();
    if (!call || call.call_id !== data.call_id) return;
    call.state = "ended";
    call.ended = Date.now();
    if (data.contact_id) {
      const result = await kefu.api("GET", "/api/v1/contacts/" + data.contact_id);
      if (result.ok && result.body && result.body.duration_seconds != null) {
        call.duration = result.body.duration_seconds;
      }
    }
    kefu.setCall(call);
  }

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

  /* ---- 模拟来电: ring + answer (and later hangup) posted to the CTI endpoint as this agent ---- */
  const simForm = document.getElementById("simcall-form");
  if (simForm && body.dataset.ctiUrl) {
    const post = (event, call) =>
      kefu.api("POST", body.dataset.ctiUrl, {
        event: event,
        call_id: call.call_id,
        calling_number: call.number,
        agent_job_number: body.dataset.jobNumber,
      });
    simForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const number = simForm.elements.number.value.trim();
      const call = { call_id: "SIM-" + Date.now(), number: number };
      const ring = await post("ring", call);
      if (!ring.ok) {
        alert((ring.body && ring.body.detail) || L.failed);
        return;
      }
      const answer = await post("answer", call);
      if (!answer.ok) alert((answer.body && answer.body.detail) || L.failed);
    });
    document.getElementById("simcall-hangup").addEventListener("click", async () => {
      const call = kefu.call();
      if (!call || call.state === "ended") return;
      await post("hangup", call);
    });
  }

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
})();

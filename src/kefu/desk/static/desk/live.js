/* kefu live layer: ONE event stream per browser, shared by its tabs (VIEW-1, SYS-1, WO-6).

   The tab that holds the Web Lock "kefu-live" is the leader: it opens the EventSource and relays every
   event to the other tabs over the BroadcastChannel "kefu-live". When the leader tab closes or
   navigates, its lock goes and the next tab in line takes over. A browser without Web Locks or
   BroadcastChannel opens one stream per tab (every tab is then its own leader).

   While the stream is down (server restarting, a proxy cutting it) the call bar says so and the
   leader polls the snapshot endpoint every ten seconds; on every (re)connection it fetches the
   snapshot once, so nothing published during the gap is missed. The snapshot goes to the handlers of
   type "snapshot" and to the document event "kefu:live-snapshot".

   Public API (other scripts rely on it):
     kefu.live.on(type, handler)   handler(data) for every event of that type, in every tab
     kefu.live.isLeader()          true in exactly one tab per browser (every tab in per-tab mode)
     kefu.live.state()             "open" | "connecting" | "down"
     kefu.live.handlesNavigation() whether this tab follows a screen pop to the customer's page: the
                                   tab the agent focused last, or the leader if that tab is gone
     document event "kefu:live-state" (detail: {state, leader}) on every change of state
   body[data-events="open"] is set while the stream (or the leader's relayed stream) is open. */
(function () {
  "use strict";
  const body = document.body;
  const kefu = (window.kefu = window.kefu || {});
  const eventsUrl = body.dataset.eventsUrl;
  const snapshotUrl = body.dataset.liveUrl;
  if (!eventsUrl) return; // signed out: no stream

  const NAME = "kefu-live";
  const FOCUS_KEY = "kefu.live.focused";
  const KNOWN_TYPES = ["screen_pop", "hangup", "ringing", "workorder", "notice", "ivr_auth"];
  const POLL_MS = 10000; // snapshot polling while the stream is down
  const DOWN_AFTER_MS = 5000; // a stream still not back after this long counts as down
  const shared = !!(navigator.locks && window.BroadcastChannel && window.EventSource);

  const handlers = {}; // type -> [handler]
  const types = new Set(KNOWN_TYPES); // event types some tab listens to (the leader listens to all)
  let state = "connecting";
  let leader = false;
  let source = null;
  let channel = null;
  let downTimer = null;
  let pollTimer = null;
  let retryTimer = null;
  let retryDelay = 2000;

  // a tab keeps its id across its page changes (sessionStorage is per tab)
  let tabId = sessionStorage.getItem("kefu.tab");
  if (!tabId) {
    tabId = Math.random().toString(36).slice(2) + Date.now().toString(36);
    sessionStorage.setItem("kefu.tab", tabId);
  }

  /* ---- handlers ---- */
  function emit(type, data) {
    (handlers[type] || []).forEach((handler) => {
      try {
        handler(data);
      } catch (error) {
        console.error(error); // one broken handler does not stop the others
      }
    });
  }

  function on(type, handler) {
    (handlers[type] = handlers[type] || []).push(handler);
    if (!types.has(type)) {
      types.add(type);
      if (leader) listenTo(type);
      else if (channel) channel.postMessage({ kind: "types", types: [type] });
    }
  }

  /* ---- state: the call bar's status, body[data-events], the document event ---- */
  function setState(next) {
    if (next === state && (next !== "open" || body.dataset.events === "open")) return;
    state = next;
    if (state === "open") body.setAttribute("data-events", "open");
    else body.removeAttribute("data-events");
    const status = document.getElementById("live-status");
    if (status) status.hidden = state !== "down";
    document.dispatchEvent(new CustomEvent("kefu:live-state", { detail: { state: state, leader: leader } }));
    if (leader && channel) channel.postMessage({ kind: "state", state: state });
    if (leader) {
      if (state === "open") {
        stopPolling();
        snapshot(); // once on every (re)connection: whatever was published during the gap
      } else if (state === "down") {
        snapshot(); // at once, then every ten seconds until the stream is back
        startPolling();
      }
    }
  }

  /* ---- the snapshot (GET /api/v1/desk/live) ---- */
  async function snapshot() {
    if (!snapshotUrl) return;
    let response;
    try {
      response = await fetch(snapshotUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
    } catch (error) {
      return; // down: the next poll tries again
    }
    if (!response.ok) return;
    let data;
    try {
      data = await response.json();
    } catch (error) {
      return;
    }
    deliver("snapshot", data);
  }

  function startPolling() {
    if (!pollTimer) pollTimer = setInterval(snapshot, POLL_MS);
  }

  function stopPolling() {
    if (pollTimer) clearInterval(pollTimer);
    pollTimer = null;
  }

  /* ---- delivering: here, and (leader) to the other tabs ---- */
  function deliver(type, data) {
    if (leader && channel) channel.postMessage({ kind: "event", type: type, data: data });
    receive(type, data);
  }

  function receive(type, data) {
    emit(type, data);
    if (type === "snapshot") document.dispatchEvent(new CustomEvent("kefu:live-snapshot", { detail: data }));
  }

  /* ---- the leader's stream ---- */
  function listenTo(type) {
    if (!source) return;
    source.addEventListener(type, (event) => {
      let data = {};
      try {
        data = JSON.parse(event.data);
      } catch (error) {
        data = {};
      }
      deliver(type, data);
    });
  }

  function connect() {
    clearTimeout(retryTimer);
    if (source) source.close();
    source = new EventSource(eventsUrl);
    types.forEach(listenTo);
    source.addEventListener("open", () => {
      retryDelay = 2000;
      clearTimeout(downTimer);
      downTimer = null;
      setState("open");
    });
    source.addEventListener("error", () => {
      if (source.readyState === EventSource.CLOSED) {
        // refused (a 502/503 from a proxy, the server gone): the browser will not retry by itself
        setState("down");
        retryTimer = setTimeout(connect, retryDelay);
        retryDelay = Math.min(retryDelay * 2, 30000);
        return;
      }
      // the browser reconnects by itself; down if it has not managed within a few seconds
      if (state === "open") setState("connecting");
      if (!downTimer) {
        downTimer = setTimeout(() => {
          downTimer = null;
          if (state !== "open") setState("down");
        }, DOWN_AFTER_MS);
      }
    });
  }

  function lead() {
    leader = true;
    state = "connecting"; // whatever a relay said: this tab's own stream is not open yet
    if (channel) channel.postMessage({ kind: "leader" }); // followers answer with the types they need
    connect();
  }

  /* ---- the tabs: leader election and relay ---- */
  if (shared) {
    channel = new BroadcastChannel(NAME);
    channel.addEventListener("message", (event) => {
      const message = event.data || {};
      if (message.kind === "event" && !leader) receive(message.type, message.data);
      else if (message.kind === "state" && !leader) setState(message.state);
      else if (message.kind === "hello" && leader) channel.postMessage({ kind: "state", state: state });
      else if (message.kind === "leader" && !leader) channel.postMessage({ kind: "types", types: Array.from(types) });
      else if (message.kind === "types" && leader) {
        (message.types || []).forEach((type) => {
          if (!types.has(type)) {
            types.add(type);
            listenTo(type);
          }
        });
      }
    });
    channel.postMessage({ kind: "hello" }); // a leader answers with its state
    channel.postMessage({ kind: "types", types: Array.from(types) });
    // held for the life of this page: released when the tab closes or navigates
    navigator.locks.request(NAME, () => new Promise(() => lead()));
  } else {
    lead();
  }

  window.addEventListener("pagehide", () => {
    if (source) source.close();
    if (leader && channel) channel.postMessage({ kind: "state", state: "connecting" });
    if (localStorage.getItem(FOCUS_KEY) === tabId) localStorage.removeItem(FOCUS_KEY);
  });

  /* ---- which tab follows a screen pop: the one the agent focused last ---- */
  function focused() {
    try {
      localStorage.setItem(FOCUS_KEY, tabId);
    } catch (error) {
      /* storage refused: the leader navigates */
    }
  }
  window.addEventListener("focus", focused);
  if (document.hasFocus()) focused();

  function handlesNavigation() {
    let owner = null;
    try {
      owner = localStorage.getItem(FOCUS_KEY);
    } catch (error) {
      owner = null;
    }
    return owner ? owner === tabId : leader;
  }

  kefu.live = {
    on: on,
    isLeader: () => leader,
    state: () => state,
    handlesNavigation: handlesNavigation,
  };
})();

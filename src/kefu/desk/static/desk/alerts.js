/* kefu desk: desktop notifications and an optional sound for what reaches the signed-in user over
   the live stream (issue 12 item 7; SYS-1 notices, WO-6 orders and urges, the IVR's password result).

   It listens to the document events the stream code dispatches (kefu:workorder, kefu:notice,
   kefu:ivr_auth, with the pushed data as `detail`) and raises one notification per event per
   browser: when the stream is shared between tabs (window.kefu.live), only the leader tab raises it.
   Permission is asked from the bell in the top bar (a user gesture), never on page load. Settings
   live in localStorage: sound off by default, desktop notifications on once the browser allows them.
   Labels and URLs come translated and reversed from includes/alerts_controls.html. */
(function () {
  "use strict";
  const kefu = (window.kefu = window.kefu || {});
  const root = document.getElementById("alerts");
  if (!root) return;
  const me = document.body.dataset.jobNumber || "";

  const T = {};
  const labels = document.getElementById("alerts-labels");
  if (labels) {
    labels.content.querySelectorAll("[data-key]").forEach((node) => {
      T[node.dataset.key] = node.textContent.trim();
    });
  }

  /* ---- settings ---- */
  const SOUND = "kefu.alerts.sound"; // "1": play a tone (default off)
  const DESKTOP = "kefu.alerts.desktop"; // "0": no desktop notifications (default on when allowed)
  const stored = (key) => {
    try {
      return window.localStorage.getItem(key);
    } catch (error) {
      return null;
    }
  };
  const store = (key, value) => {
    try {
      window.localStorage.setItem(key, value);
    } catch (error) {
      /* private mode: the setting lasts for this page only */
    }
  };
  const supported = () => "Notification" in window;
  const permission = () => (supported() ? window.Notification.permission : "unsupported");
  const soundOn = () => stored(SOUND) === "1";
  const desktopOn = () => stored(DESKTOP) !== "0" && permission() === "granted";

  /* one tab per browser raises the alert when the tabs share one stream */
  const isLeader = () => !(kefu.live && kefu.live.isLeader) || kefu.live.isLeader();

  /* ---- the tone: two short notes through WebAudio, created after a user gesture ---- */
  let audio = null;
  function audioContext() {
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return null;
    if (!audio) audio = new Context();
    if (audio.state === "suspended") audio.resume().catch(() => {});
    return audio;
  }
  function tone() {
    let context;
    try {
      context = audioContext();
    } catch (error) {
      return;
    }
    if (!context) return;
    const start = context.currentTime + 0.01;
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.type = "sine";
    oscillator.frequency.setValueAtTime(880, start);
    oscillator.frequency.setValueAtTime(660, start + 0.14);
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(0.2, start + 0.02);
    gain.gain.setValueAtTime(0.2, start + 0.24);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.32);
    oscillator.connect(gain);
    gain.connect(context.destination);
    oscillator.start(start);
    oscillator.stop(start + 0.34);
  }
  // browsers start audio only after a gesture on the page: the first click or key unlocks it
  const unlock = () => {
    if (soundOn()) {
      try {
        audioContext();
      } catch (error) {
        /* no audio on this machine */
      }
    }
  };
  document.addEventListener("pointerdown", unlock, { once: true, capture: true });
  document.addEventListener("keydown", unlock, { once: true, capture: true });

  /* ---- raising one alert ---- */
  function open(url) {
    window.focus();
    if (url && window.location.pathname + window.location.search !== url) window.location.assign(url);
  }

  function show(alert) {
    if (soundOn()) tone();
    if (!desktopOn()) return null;
    let notification;
    try {
      notification = new window.Notification(alert.title, {
        body: alert.body || "",
        tag: alert.tag || undefined,
        lang: document.documentElement.lang || undefined,
      });
    } catch (error) {
      return null; // e.g. a browser that only notifies from a service worker
    }
    notification.onclick = (event) => {
      if (event && event.preventDefault) event.preventDefault();
      open(alert.url);
      if (notification.close) notification.close();
    };
    return notification;
  }

  function raise(alert) {
    if (!alert || !isLeader()) return null;
    return show(alert);
  }

  const urls = root.dataset;
  const fill = (template, placeholder, value) =>
    template ? template.replace(placeholder, encodeURIComponent(String(value))) : "";

  /* an order arrived at one of the user's queues, or was urged, warned of or escalated (WO-6) */
  function orderAlert(data) {
    if (!data || !data.number) return null;
    if (data.actor && data.actor === me) return null; // the user's own step
    const titles = { urge: T.urge, warn: T.warn, escalate: T.escalate, comment: T.comment };
    const states = (kefu.L && kefu.L.wo_states) || {};
    const state = states[data.state] || "";
    return {
      title: titles[data.event] || T.new_order,
      body: [data.number, state, data.title].filter(Boolean).join(" · "),
      url: fill(urls.orderUrl, "ORDER", data.number),
      tag: ["kefu-order", data.number, data.event || "", data.state || ""].join("-"),
    };
  }

  /* a notice or internal message was published to the user (SYS-1) */
  function noticeAlert(data) {
    if (!data || data.id == null) return null;
    return {
      title: data.kind === "message" ? T.message : T.notice,
      body: [data.title, data.author].filter(Boolean).join(" — "),
      url: fill(urls.noticeUrl, "4242424242", data.id),
      tag: "kefu-notice-" + data.id,
    };
  }

  /* the IVR collected the customer's password: passed, failed or locked */
  function ivrAlert(data) {
    if (!data || !data.result) return null;
    const passed = data.result === "pass";
    const parts = [data.number, T["ivr_" + data.result] || ""];
    if (data.result === "fail" && data.tries_left != null) parts.push(T.tries_left + " " + data.tries_left);
    return {
      title: passed ? T.ivr_done : T.ivr_failed,
      body: parts.filter(Boolean).join(" · "),
      url: data.number ? fill(urls.customerUrl, "NUMBER", data.number) : "",
      tag: "kefu-ivr-" + (data.collection_id != null ? data.collection_id : data.number),
    };
  }

  document.addEventListener("kefu:workorder", (event) => raise(orderAlert(event.detail)));
  document.addEventListener("kefu:notice", (event) => raise(noticeAlert(event.detail)));
  document.addEventListener("kefu:ivr_auth", (event) => raise(ivrAlert(event.detail)));

  /* ---- the settings panel behind the bell ---- */
  const bell = document.getElementById("alerts-bell");
  const panel = document.getElementById("alerts-panel");
  const status = document.getElementById("alerts-permission");
  const enable = document.getElementById("alerts-enable");
  const desktop = document.getElementById("alerts-desktop");
  const sound = document.getElementById("alerts-sound");
  const test = document.getElementById("alerts-test");

  function render() {
    const state = permission();
    const text = { granted: T.on, default: T.ask, denied: T.denied, unsupported: T.unsupported }[state];
    status.textContent = text || "";
    root.dataset.permission = state;
    enable.hidden = state !== "default";
    desktop.disabled = state !== "granted";
    desktop.checked = desktopOn();
    sound.checked = soundOn();
    test.disabled = !desktopOn() && !soundOn();
    bell.classList.toggle("alerts-on", desktopOn() || soundOn());
  }

  function setPanel(opened) {
    panel.hidden = !opened;
    bell.setAttribute("aria-expanded", opened ? "true" : "false");
    if (opened) render();
  }

  bell.addEventListener("click", () => setPanel(panel.hidden));
  document.addEventListener("click", (event) => {
    if (!panel.hidden && !root.contains(event.target)) setPanel(false);
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !panel.hidden) {
      setPanel(false);
      bell.focus();
    }
  });

  enable.addEventListener("click", async () => {
    if (!supported()) return render();
    try {
      // asked here, from the click: browsers refuse (or hide) a request made without a gesture
      const answer = window.Notification.requestPermission();
      if (answer && answer.then) await answer;
    } catch (error) {
      /* an old browser's callback form: the state is read again below */
    }
    if (permission() === "granted") store(DESKTOP, "1");
    render();
  });
  desktop.addEventListener("change", () => {
    store(DESKTOP, desktop.checked ? "1" : "0");
    render();
  });
  sound.addEventListener("change", () => {
    store(SOUND, sound.checked ? "1" : "0");
    if (sound.checked) tone(); // the gesture unlocks audio, and the user hears what it sounds like
    render();
  });
  test.addEventListener("click", () => show({ title: T.test_title, body: T.test_body, tag: "kefu-test" }));

  render();

  kefu.alerts = {
    T: T,
    raise: raise,
    tone: tone,
    isLeader: isLeader,
    soundOn: soundOn,
    desktopOn: desktopOn,
    orderAlert: orderAlert,
    noticeAlert: noticeAlert,
    ivrAlert: ivrAlert,
  };
})();

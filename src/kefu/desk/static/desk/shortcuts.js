/* kefu desk: keyboard shortcuts for the agent's frequent actions (issue 12 item 7) and their help
   overlay (includes/alerts_controls.html).

   Alt+letter by physical key (event.code, so a keyboard layout or macOS's Option characters do not
   matter): Alt+A answer the ringing call, Alt+H hang up, Alt+S search, Alt+F the customer finder,
   Alt+N a new work order (for the current customer if any); "/" search; "?" or F1 the help; F8 and
   F9 answer and hang up too, and work while typing.
   Nothing fires while the user types in a field or an input method composes, except Esc and the
   F-keys. Answer and hang up post to the CTI endpoint exactly as the call bar's simulated call does;
   they are window.kefu.callAnswer() and window.kefu.callHangup() for whoever else needs them. */
(function () {
  "use strict";
  const kefu = (window.kefu = window.kefu || {});
  const body = document.body;
  const root = document.getElementById("alerts");
  const dialog = document.getElementById("shortcuts-help");
  if (!root || !dialog) return;
  const T = (kefu.alerts && kefu.alerts.T) || {};
  const urls = root.dataset;

  /* ---- a short spoken-and-shown status line for a shortcut that has nothing to act on ---- */
  const statusLine = document.getElementById("shortcut-status");
  let statusTimer = null;
  function say(text) {
    if (!statusLine || !text) return;
    statusLine.textContent = text;
    statusLine.hidden = false;
    clearTimeout(statusTimer);
    statusTimer = setTimeout(() => {
      statusLine.hidden = true;
    }, 4000);
  }

  /* ---- call control: what the call bar's simulated call posts ---- */
  const post = (event, call) =>
    kefu.api("POST", body.dataset.ctiUrl, {
      event: event,
      call_id: call.call_id,
      calling_number: call.number,
      agent_job_number: body.dataset.jobNumber,
    });
  const currentCall = () => (kefu.call ? kefu.call() : null);
  const failure = (result) => (result.body && result.body.detail) || T.failed;

  kefu.callAnswer = async function () {
    const call = currentCall();
    if (!call || call.state !== "ringing" || !body.dataset.ctiUrl || !kefu.api) {
      say(T.no_ringing);
      return false;
    }
    const result = await post("answer", call);
    if (!result.ok) say(failure(result));
    return result.ok;
  };

  kefu.callHangup = async function () {
    const call = currentCall();
    if (!call || call.state === "ended" || !body.dataset.ctiUrl || !kefu.api) {
      say(T.no_call);
      return false;
    }
    const result = await post("hangup", call);
    if (!result.ok) say(failure(result));
    return result.ok;
  };

  /* ---- the other actions ---- */
  function focusField(field) {
    if (!field) return false;
    field.focus();
    if (field.select) field.select();
    return true;
  }

  function search() {
    focusField(document.querySelector("[data-testid=top-search]"));
  }

  function finder() {
    if (focusField(document.querySelector("[data-testid=customer-query]"))) return;
    if (urls.finderUrl) window.location.assign(urls.finderUrl);
  }

  /* the customer on screen (the unified view's header), else the caller of the call in progress */
  function currentCustomer() {
    const header = document.querySelector("[data-testid=cv-header][data-number], [data-testid=cv-walk-in][data-number]");
    const call = currentCall();
    const active = call && call.state === "active" ? call : null;
    const number = (header && header.dataset.number) || (active && active.number) || "";
    const contact = active && active.contact_id && (!number || active.number === number) ? active.contact_id : null;
    return { number: number, contact: contact };
  }

  function newOrder() {
    if (!urls.newOrderUrl) return;
    const customer = currentCustomer();
    const query = new URLSearchParams();
    if (customer.number) query.set("number", customer.number);
    if (customer.contact) query.set("contact", String(customer.contact));
    const text = query.toString();
    window.location.assign(urls.newOrderUrl + (text ? "?" + text : ""));
  }

  function help() {
    if (dialog.open) return;
    if (dialog.showModal) dialog.showModal();
    else dialog.setAttribute("open", "");
  }

  const opener = document.getElementById("shortcuts-open");
  if (opener) opener.addEventListener("click", help);

  const ALT = { KeyA: kefu.callAnswer, KeyH: kefu.callHangup, KeyS: search, KeyF: finder, KeyN: newOrder };
  // the call keys also on F-keys, which work while the agent types a note (no browser or IME use)
  const FKEYS = { F1: help, F8: kefu.callAnswer, F9: kefu.callHangup };

  /* typing: a text field, a select or editable content (a checkbox or a button is not typing) */
  const NOT_TEXT = ["button", "checkbox", "radio", "submit", "reset", "file", "color", "range", "image"];
  function typing(target) {
    if (!target || !target.tagName) return false;
    if (target.isContentEditable) return true;
    const tag = target.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT") return true;
    return tag === "INPUT" && !NOT_TEXT.includes((target.type || "text").toLowerCase());
  }

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.isComposing || event.keyCode === 229) return;
    if (event.ctrlKey || event.metaKey) return; // the browser's and the system's
    const functionKey = /^F\d{1,2}$/.test(event.key);
    if (typing(event.target) && !functionKey) return; // Esc is the dialog's and the panel's own
    if (event.altKey) {
      const action = !event.shiftKey && ALT[event.code];
      if (action) {
        event.preventDefault();
        action();
      }
      return;
    }
    if (!event.shiftKey && FKEYS[event.key]) {
      event.preventDefault();
      FKEYS[event.key]();
    } else if (event.key === "?") {
      event.preventDefault();
      help();
    } else if (event.key === "/" && !dialog.open) {
      event.preventDefault();
      search();
    }
  });

  kefu.shortcuts = { help: help, search: search, finder: finder, newOrder: newOrder };
})();

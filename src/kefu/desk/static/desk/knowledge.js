/* The agent's knowledge area (issue 13): instant results as the agent types (debounced; the server's
   snippet is escaped HTML with <mark>, inserted as such), keyboard navigation (↑ ↓ Enter, Esc), the
   filters, and the wording copy button, which records the wording's use in the contact (KB-4).
   Without JavaScript the form submits and the server renders the same results. */
(function () {
  "use strict";
  const kefu = window.kefu || {};

  async function call(method, url, body) {
    if (kefu.api) return kefu.api(method, url, body);
    const response = await fetch(url, {
      method: method,
      credentials: "same-origin",
      headers: { Accept: "application/json", "Content-Type": "application/json", "X-CSRFToken": kefu.csrf || "" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { ok: response.ok, status: response.status, body: await response.json().catch(() => null) };
  }

  function setupSearch(form) {
    const input = form.querySelector("input[name=q]");
    const list = document.getElementById("kb-results");
    const status = document.getElementById("kb-status");
    const contact = form.dataset.contact;
    let timer = null;
    let sequence = 0;
    let active = -1;
    // the unanswered form's question starts as what the agent searched, until the agent edits it
    const question = document.querySelector("[data-testid=kb-question]");
    if (question) question.addEventListener("input", () => (question.dataset.edited = "1"));

    function articleUrl(hit, query) {
      const params = new URLSearchParams();
      if (contact) params.set("contact", contact);
      if (form.dataset.request) params.set("request", form.dataset.request);
      params.set("q", query);
      return hit.url + "?" + params.toString();
    }

    function render(results, query) {
      list.replaceChildren();
      active = -1;
      for (const hit of results) {
        const item = document.createElement("li");
        item.setAttribute("role", "option");
        const link = document.createElement("a");
        link.className = "kb-title";
        link.href = articleUrl(hit, query);
        link.textContent = hit.title;
        item.append(link);
        for (const label of [hit.business_name || ""]) {
          if (!label) continue;
          const tag = document.createElement("span");
          tag.className = "tag-s";
          tag.textContent = label;
          item.append(" ", tag);
        }
        const snippet = document.createElement("p");
        snippet.className = "kb-snippet";
        snippet.innerHTML = hit.snippet; // the server's escaped text, matches in <mark>
        item.append(snippet);
        list.append(item);
      }
      status.textContent = results.length ? "" : form.dataset.empty;
    }

    async function run() {
      const query = input.value.trim();
      const mine = ++sequence;
      if (!query) {
        list.replaceChildren();
        status.textContent = "";
        return;
      }
      const params = new URLSearchParams({ q: query, limit: "20" });
      for (const name of ["business", "kind", "audience", "level"]) {
        const field = form.elements[name];
        if (field && field.value) params.set(name, field.value);
      }
      const answer = await call("GET", form.dataset.api + "?" + params.toString());
      if (mine !== sequence) return; // an older answer arriving late
      if (!answer.ok) {
        status.textContent = (answer.body && answer.body.detail) || form.dataset.failed;
        return;
      }
      render(answer.body.results || [], query);
      if (question && !question.dataset.edited) question.value = query;
      const url = new URL(window.location.href);
      url.searchParams.set("q", query);
      window.history.replaceState(null, "", url);
    }

    function schedule() {
      clearTimeout(timer);
      timer = setTimeout(run, 250);
    }

    function highlight(index) {
      const items = list.querySelectorAll("li");
      if (!items.length) return;
      active = (index + items.length) % items.length;
      items.forEach((item, i) => item.classList.toggle("kb-active", i === active));
      items[active].scrollIntoView({ block: "nearest" });
    }

    input.addEventListener("input", schedule);
    form.addEventListener("change", (event) => {
      if (event.target !== input) schedule();
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown") {
        event.preventDefault();
        highlight(active + 1);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight(active - 1);
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        const link = list.querySelectorAll("li")[active].querySelector("a");
        if (link) window.location.href = link.href;
      } else if (event.key === "Escape") {
        input.value = "";
        run();
      }
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      clearTimeout(timer);
      run();
    });
  }

  function setupCopy(button) {
    button.addEventListener("click", async () => {
      const box = button.closest(".kb-wording");
      const note = box.querySelector("[aria-live]");
      const text = box.querySelector(".kb-wording-text").innerText;
      try {
        await navigator.clipboard.writeText(text);
      } catch (error) {
        /* no clipboard (an insecure origin): the agent reads it out; the use is still recorded */
      }
      if (!button.dataset.contact) {
        note.textContent = button.dataset.copied;
        return;
      }
      const answer = await call("POST", "/api/v1/knowledge/uses", {
        contact: Number(button.dataset.contact),
        kind: "wording",
        wording: button.dataset.copyWording,
      });
      note.textContent = answer.ok
        ? button.dataset.copied + " v" + answer.body.wording_version
        : (answer.body && answer.body.detail) || button.dataset.failed;
      note.dataset.state = answer.ok ? "recorded" : "failed";
    });
  }

  /* Opened during a call without naming a contact (the unified view's 知识库 link): work for the
     call's contact, so what the agent opens and marks is recorded on it (SR-1). */
  function followCall(form) {
    const url = new URL(window.location.href);
    if (form.dataset.contact || url.searchParams.has("contact") || !kefu.call) return false;
    const call = kefu.call();
    if (!call || call.state !== "active" || !call.contact_id) return false;
    url.searchParams.set("contact", String(call.contact_id));
    window.location.replace(url);
    return true;
  }

  document.addEventListener("DOMContentLoaded", () => {
    const form = document.getElementById("kb-form");
    if (form && followCall(form)) return;
    if (form) setupSearch(form);
    document.querySelectorAll("[data-copy-wording]").forEach(setupCopy);
  });
})();

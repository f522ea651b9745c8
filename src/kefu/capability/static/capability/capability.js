// 能力开放查询 (CAP-3): the form is built from GET /api/v1/capability/catalog — choosing the business
// and the query type shows that query's conditions; the query goes through POST /api/v1/capability/queries.
(function () {
  "use strict";
  const form = document.getElementById("cap-form");
  if (!form) return;
  const t = (k) => form.dataset["t" + k.charAt(0).toUpperCase() + k.slice(1)] || k;
  const business = form.elements.business, query = form.elements.query;
  const box = document.getElementById("cap-conditions");
  const status = document.getElementById("cap-status"), result = document.getElementById("cap-result");
  const submit = form.querySelector("button[type=submit]");
  let catalog = [];

  function option(value, label) { const o = document.createElement("option"); o.value = value; o.textContent = label; return o; }
  function current() {
    const b = catalog.find((x) => x.code === business.value);
    return [b, b ? b.queries.find((q) => q.code === query.value) : null];
  }
  function fillQueries() {
    const [b] = current();
    query.replaceChildren(option("", t("choose")));
    (b ? b.queries : []).forEach((q) => query.append(option(q.code, q.label)));
    fillConditions();
  }
  function fillConditions() {
    const [, q] = current();
    box.replaceChildren();
    (q ? q.conditions : []).forEach((c) => {
      const label = document.createElement("label");
      label.append(c.label + (c.required ? " *" : ""), document.createElement("br"));
      let input;
      if (c.type === "choice") {
        input = document.createElement("select");
        input.append(option("", t("choose")));
        c.choices.forEach((ch) => input.append(option(ch.value, ch.label)));
      } else {
        input = document.createElement("input");
        input.type = { date: "date", month: "month" }[c.type] || "text";
        if (c.type === "number") { input.inputMode = "numeric"; input.maxLength = 11; input.value = form.dataset.number || ""; }
        if (c.max_length) input.maxLength = c.max_length;
      }
      input.name = "c_" + c.name; input.required = c.required; input.dataset.condition = c.name;
      label.append(input); box.append(label);
    });
    submit.textContent = q && q.kind === "handling" ? t("submitHandling") : t("submitQuery");
  }
  function table(answer) {
    const wrap = document.createElement("div");
    if (answer.message) { const p = document.createElement("p"); p.textContent = answer.message; p.dataset.testid = "cap-message"; wrap.append(p); }
    if (!answer.rows.length) return wrap;
    const tbl = document.createElement("table"); tbl.className = "table"; tbl.dataset.testid = "cap-rows";
    const head = tbl.createTHead().insertRow();
    answer.columns.forEach((c) => { const th = document.createElement("th"); th.textContent = c.label; head.append(th); });
    const body = tbl.createTBody();
    answer.rows.forEach((r) => { const tr = body.insertRow(); answer.columns.forEach((c) => { tr.insertCell().textContent = r[c.key] ?? "—"; }); });
    wrap.append(tbl);
    return wrap;
  }
  business.addEventListener("change", fillQueries);
  query.addEventListener("change", fillConditions);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const [, q] = current();
    if (!q) return;
    if (q.kind === "handling" && !window.confirm(t("confirm"))) return;
    const conditions = {};
    box.querySelectorAll("[data-condition]").forEach((el) => { conditions[el.dataset.condition] = el.value; });
    submit.disabled = true; status.textContent = t("busy"); result.replaceChildren();
    try {
      const response = await fetch(form.dataset.queryUrl, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": document.body.dataset.csrf || "" },
        body: JSON.stringify({ business: business.value, query: query.value, conditions }),
      });
      const answer = await response.json();
      if (!response.ok) { status.textContent = answer.detail || t("failed"); status.dataset.code = answer.code || ""; return; }
      status.textContent = ""; status.dataset.code = answer.outcome;
      result.append(table(answer));
    } catch (e) {
      status.textContent = t("failed");
    } finally { submit.disabled = false; }
  });
  fetch(form.dataset.catalogUrl, { credentials: "same-origin" }).then((r) => r.json()).then((data) => {
    catalog = data;
    business.replaceChildren(option("", t("choose")));
    catalog.forEach((b) => business.append(option(b.code, b.name)));
    fillQueries();
  });
})();

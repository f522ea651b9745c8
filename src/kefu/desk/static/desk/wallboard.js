/* kefu wallboard (issue 14; ST-1, ST-2, SP-3): the supervisors' live figures per queue and group.

   The page starts from the document the server rendered (GET /api/v1/routing/wallboard, the same JSON,
   in #wallboard-data). The router pushes its snapshot on the desk's stream (event "wallboard", at most
   once a second); the page rebuilds the document from it and the day's stored counts it already holds
   (day_counts), with the same formulas as kefu/routing/kpi.py and kefu/routing/wallboard.py (keep
   them in step). No request per push: the router and the database see nothing of the viewers. The
   JSON is fetched again when a pushed snapshot opens a new interval (the interval just closed is then
   read as stored; until it arrives it counts with its last pushed counts), when the stream comes
   back, and every five seconds while it is down. */
(function () {
  "use strict";
  const dataNode = document.getElementById("wallboard-data");
  if (!dataNode) return;
  const kefu = (window.kefu = window.kefu || {});
  const L = JSON.parse(document.getElementById("wallboard-labels").textContent);
  const config = document.getElementById("wallboard-config").dataset;
  const TARGET = Number(config.target) || 0.85;
  const POLL_MS = 5000;

  const STATES = ["ready", "ringing", "talking", "wrapup", "not_ready", "logged_out"];
  const BUSY = ["ringing", "talking", "wrapup"];
  const COLORS = {
    ready: "#1e7b4a",
    ringing: "#e0a100",
    talking: "#1f6fb2",
    wrapup: "#7a5cc2",
    not_ready: "#c2410c",
    logged_out: "#c5cdd6",
  };
  const COUNT_FIELDS = [
    "offered", "answered", "answered_in_threshold", "abandoned", "abandoned_short", "abandoned_ringing",
    "fallback", "no_answer", "wait_answered", "wait_abandoned", "talk_seconds", "wrapup_seconds",
    "handled", "max_wait",
  ];

  let doc = JSON.parse(dataNode.textContent);
  let pollTimer = null;
  let frame = null;

  /* ---------------- figures (mirror of kefu/routing/kpi.py) ---------------- */
  function ratio(part, whole) {
    return whole ? part / whole : null;
  }
  function empty() {
    const counts = {};
    COUNT_FIELDS.forEach((field) => (counts[field] = 0));
    return counts;
  }
  function add(total, counts) {
    Object.keys(counts || {}).forEach((key) => {
      const value = counts[key];
      if (typeof value !== "number") return;
      total[key] = key === "max_wait" ? Math.max(total[key] || 0, value) : (total[key] || 0) + value;
    });
    return total;
  }
  function occupancy(seconds) {
    if (!seconds) return null;
    const busy = BUSY.reduce((sum, state) => sum + (seconds[state] || 0), 0);
    return ratio(busy, busy + (seconds.ready || 0));
  }
  function figures(c, stateSeconds) {
    const abandoned = c.abandoned || 0;
    const short = c.abandoned_short || 0;
    return {
      offered: c.offered || 0,
      answered: c.answered || 0,
      answered_in_threshold: c.answered_in_threshold || 0,
      abandoned: abandoned,
      abandoned_short: short,
      abandoned_long: abandoned - short,
      fallback: c.fallback || 0,
      handled: c.handled || 0,
      max_wait: c.max_wait || 0,
      answer_rate: ratio(c.answered || 0, c.offered || 0),
      service_level: ratio(c.answered_in_threshold || 0, c.offered || 0),
      abandon_rate: ratio(abandoned, c.offered || 0),
      asa: ratio(c.wait_answered || 0, c.answered || 0),
      aht: ratio((c.talk_seconds || 0) + (c.wrapup_seconds || 0), c.handled || 0),
      occupancy: occupancy(stateSeconds),
    };
  }

  /* ---------------- the document (mirror of kefu/routing/wallboard.py build) ---------------- */
  function agentsOf(groups, codes) {
    const agents = {};
    STATES.forEach((state) => (agents[state] = 0));
    codes.forEach((code) => {
      const states = groups[code] || {};
      Object.keys(states).forEach((state) => (agents[state] = (agents[state] || 0) + states[state]));
    });
    return agents;
  }
  function staffed(agents) {
    return STATES.reduce((sum, state) => sum + (state === "logged_out" ? 0 : agents[state] || 0), 0);
  }
  function ordered(codes, configured) {
    const known = Object.keys(configured).filter((code) => codes.has(code));
    const rest = Array.from(codes).filter((code) => !(code in configured)).sort();
    return known.concat(rest);
  }
  function trendPoint(start, counts) {
    const f = figures(counts);
    return { start: start, offered: f.offered, service_level: f.service_level, answer_rate: f.answer_rate };
  }

  function rebuild(snapshot) {
    const names = doc.names || { queues: {}, groups: {} };
    const dayCounts = doc.day_counts || {};
    const live = snapshot.queues || {};
    const groups = snapshot.groups || {};
    const allGroups = ordered(new Set(Object.keys(groups).concat(Object.keys(names.groups))), names.groups);
    const starts = Object.values(live).map((q) => q.interval);
    const interval = starts.length ? Math.min.apply(null, starts) : null;
    const totalsInterval = empty();
    const totalsDay = empty();
    const trendTotal = {};
    const queues = ordered(new Set(Object.keys(live).concat(Object.keys(dayCounts))), names.queues).map((code) => {
      const q = live[code] || {};
      const conf = names.queues[code] || {};
      const start = q.interval != null ? q.interval : interval;
      const current = Object.assign(empty(), q.counts || {});
      const stored = dayCounts[code] || {};
      const points = Object.entries(stored)
        .map(([s, counts]) => [Number(s), counts])
        .filter(([s]) => start == null || s !== start)
        .sort((a, b) => a[0] - b[0]);
      if (start != null) points.push([start, current]);
      const day = empty();
      points.forEach(([s, counts]) => {
        add(day, counts);
        add((trendTotal[s] = trendTotal[s] || empty()), counts);
      });
      add(totalsInterval, current);
      add(totalsDay, day);
      const servedBy = (conf.groups && conf.groups.length && conf.groups) || (q.groups && q.groups.length && q.groups) || allGroups;
      // the core counts each agent who may take the queue's calls once; else add up its groups
      const agents = q.agents ? Object.assign({}, q.agents) : agentsOf(groups, servedBy);
      return {
        code: code,
        name: conf.name || code,
        threshold: conf.answer_threshold || doc.threshold,
        waiting: q.waiting || 0,
        longest_wait: q.longest_wait || 0,
        groups: servedBy,
        agents: agents,
        staffed: staffed(agents),
        occupancy_now: occupancy(agents),
        interval: figures(current),
        day: figures(day),
        trend: points.map(([s, counts]) => trendPoint(s, counts)),
      };
    });
    const groupRows = allGroups.map((code) => {
      const agents = agentsOf(groups, [code]);
      const conf = names.groups[code] || {};
      return { code: code, name: conf.name || code, city: conf.city, agents: agents, staffed: staffed(agents) };
    });
    const agents = snapshot.agents || agentsOf(groups, allGroups);
    return Object.assign({}, doc, {
      now: snapshot.now,
      interval_start: interval,
      live: true,
      queues: queues,
      groups: groupRows,
      totals: {
        waiting: queues.reduce((sum, q) => sum + q.waiting, 0),
        longest_wait: queues.reduce((most, q) => Math.max(most, q.longest_wait), 0),
        agents: agents,
        staffed: staffed(agents),
        occupancy_now: occupancy(agents),
        interval: figures(totalsInterval, snapshot.state_seconds),
        day: figures(totalsDay),
        trend: Object.keys(trendTotal)
          .map(Number)
          .sort((a, b) => a - b)
          .map((s) => trendPoint(s, trendTotal[s])),
      },
    });
  }

  /* ---------------- formatting ---------------- */
  const DASH = "—";
  function pct(value) {
    return value == null ? DASH : (value * 100).toFixed(1) + "%";
  }
  function secs(value) {
    if (value == null) return DASH;
    if (value < 60) return value.toFixed(1) + " s";
    return kefu.formatSeconds ? kefu.formatSeconds(value) : Math.round(value) + " s";
  }
  function clock(epoch) {
    if (epoch == null) return "";
    try {
      return new Date(epoch * 1000).toLocaleTimeString(document.documentElement.lang || undefined, {
        timeZone: config.timeZone || undefined,
        hour: "2-digit",
        minute: "2-digit",
        hour12: false,
      });
    } catch (error) {
      return new Date(epoch * 1000).toLocaleTimeString();
    }
  }
  function slLabel(n) {
    return L.service_level.replace("%(n)s", n);
  }
  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = String(text);
    return node;
  }

  /* The longest wait grows while calls wait, pushed or not (the router pushes on changes): it is
     advanced here every second from the last document. */
  let receivedAt = performance.now();
  function ticking(base, waiting, className) {
    const node = el("b", className, secs(base));
    if (waiting) {
      node.classList.add("wb-ticking");
      node.dataset.base = String(base);
    }
    return node;
  }
  function tick() {
    const elapsed = (performance.now() - receivedAt) / 1000;
    document.querySelectorAll(".wb-ticking").forEach((node) => {
      node.textContent = secs(Number(node.dataset.base) + elapsed);
    });
  }
  setInterval(tick, 1000);

  /* ---------------- totals ---------------- */
  function tile(key, label, now, day, extra) {
    const node = el("div", "wb-tile");
    node.dataset.key = key;
    node.appendChild(el("div", "wb-tile-label", label));
    const values = el("div", "wb-tile-values");
    const a = el("span", "wb-tile-value", now);
    a.dataset.testid = "wb-total-" + key;
    values.appendChild(a);
    if (day != null) {
      const b = el("span", "wb-tile-day");
      b.appendChild(el("small", null, L.day + " "));
      b.appendChild(document.createTextNode(day));
      values.appendChild(b);
    }
    node.appendChild(values);
    if (extra) node.appendChild(extra);
    return node;
  }
  function stateBar(agents) {
    const bar = el("div", "wb-bar");
    const total = STATES.reduce((sum, s) => sum + (agents[s] || 0), 0);
    STATES.forEach((state) => {
      const n = agents[state] || 0;
      if (!n) return;
      const part = el("span", "wb-bar-part");
      part.style.flexGrow = String(n);
      part.style.background = COLORS[state];
      part.title = L[state] + " " + n;
      bar.appendChild(part);
    });
    if (!total) bar.appendChild(el("span", "wb-bar-empty", DASH));
    const legend = el("ul", "wb-legend");
    STATES.forEach((state) => {
      const item = el("li");
      const dot = el("i");
      dot.style.background = COLORS[state];
      item.appendChild(dot);
      item.appendChild(document.createTextNode(L[state] + " "));
      const count = el("b", null, agents[state] || 0);
      count.dataset.state = state;
      item.appendChild(count);
      legend.appendChild(item);
    });
    const box = el("div", "wb-agents");
    box.appendChild(bar);
    box.appendChild(legend);
    return box;
  }
  function renderTotals(t) {
    const box = document.getElementById("wb-totals");
    const n = doc.threshold;
    const i = t.interval;
    const d = t.day;
    const tiles = [
      tile("waiting", L.waiting, t.waiting, null),
      tile("longest_wait", L.longest_wait, "", null),
      tile("offered", L.offered, i.offered, d.offered),
      tile("answered", L.answered, i.answered, d.answered),
      tile("abandoned", L.abandoned + " (" + L.abandoned_short + ")", i.abandoned + " (" + i.abandoned_short + ")",
        d.abandoned + " (" + d.abandoned_short + ")"),
      tile("service_level", slLabel(n), pct(i.service_level), pct(d.service_level)),
      tile("answer_rate", L.answer_rate, pct(i.answer_rate), pct(d.answer_rate)),
      tile("asa", L.asa, secs(i.asa), secs(d.asa)),
      tile("aht", L.aht, secs(i.aht), secs(d.aht)),
      tile("occupancy", L.occupancy, pct(i.occupancy != null ? i.occupancy : t.occupancy_now), null),
      tile("agents", L.agents, t.staffed, null, stateBar(t.agents)),
    ];
    const sl = tiles[5];
    if (i.service_level != null && i.service_level < TARGET) sl.classList.add("wb-below");
    if (d.service_level != null && d.service_level < TARGET) sl.classList.add("wb-below-day");
    tiles[10].classList.add("wb-tile-agents");
    tiles[1].querySelector(".wb-tile-value").replaceChildren(ticking(t.longest_wait, t.waiting, ""));
    box.replaceChildren.apply(box, tiles);
  }

  /* ---------------- queues ---------------- */
  const gauges = {}; // queue code -> ECharts gauge
  let cardKey = "";

  function figureTable(q) {
    const table = el("table", "table wb-figures");
    const head = el("tr");
    ["", L.offered, L.answered, L.abandoned + " (" + L.abandoned_short + ")", slLabel(q.threshold), L.answer_rate,
      L.asa, L.aht].forEach((label, index) => head.appendChild(el("th", index ? "num" : "", label)));
    const thead = el("thead");
    thead.appendChild(head);
    table.appendChild(thead);
    const tbody = el("tbody");
    [["interval", q.interval], ["day", q.day]].forEach(([key, f]) => {
      const row = el("tr");
      row.dataset.period = key;
      [
        L[key],
        f.offered,
        f.answered,
        f.abandoned + " (" + f.abandoned_short + ")",
        pct(f.service_level),
        pct(f.answer_rate),
        secs(f.asa),
        secs(f.aht),
      ].forEach((value, index) => {
        const cell = el(index ? "td" : "th", index ? "num" : "", value);
        if (index === 4 && f.service_level != null && f.service_level < TARGET) cell.classList.add("wb-low");
        row.appendChild(cell);
      });
      tbody.appendChild(row);
    });
    table.appendChild(tbody);
    return table;
  }

  function buildCards(queues) {
    const box = document.getElementById("wb-queues");
    Object.keys(gauges).forEach((code) => {
      gauges[code].dispose();
      delete gauges[code];
    });
    box.replaceChildren();
    if (!queues.length) box.appendChild(el("p", "muted", L.no_queues));
    queues.forEach((q) => {
      const card = el("article", "wb-queue");
      card.dataset.queue = q.code;
      card.dataset.testid = "wb-queue";
      const head = el("header", "wb-queue-head");
      head.appendChild(el("h2", null, q.name));
      head.appendChild(el("span", "muted", q.code));
      card.appendChild(head);
      const top = el("div", "wb-queue-top");
      const dial = el("figure", "wb-dial");
      const gauge = el("div", "wb-gauge");
      dial.appendChild(gauge);
      dial.appendChild(el("figcaption", null, L.day + " " + slLabel(q.threshold)));
      top.appendChild(dial);
      const live = el("div", "wb-queue-live");
      top.appendChild(live);
      card.appendChild(top);
      card.appendChild(el("div", "wb-queue-table"));
      box.appendChild(card);
      if (window.echarts) gauges[q.code] = echarts.init(gauge);
    });
  }

  function gaugeOption(q) {
    const value = q.day.service_level;
    return {
      series: [
        {
          type: "gauge",
          min: 0,
          max: 100,
          radius: "92%",
          center: ["50%", "58%"],
          startAngle: 210,
          endAngle: -30,
          splitNumber: 4,
          axisLine: { lineStyle: { width: 10, color: [[TARGET, "#d9534f"], [1, "#1e7b4a"]] } },
          pointer: { width: 4, length: "55%", itemStyle: { color: "#4a5868" } },
          anchor: { show: true, size: 8, itemStyle: { color: "#4a5868" } },
          axisTick: { show: false },
          splitLine: { length: 6, distance: -10, lineStyle: { width: 1, color: "#fff" } },
          axisLabel: { distance: 14, fontSize: 9, color: "#7b8794" },
          title: { show: false },
          detail: { offsetCenter: [0, "62%"], fontSize: 18, fontWeight: 600, formatter: () => pct(value) },
          data: [{ value: value == null ? 0 : Math.round(value * 1000) / 10 }],
        },
      ],
    };
  }

  function renderQueues(queues) {
    const key = queues.map((q) => q.code).join("|");
    if (key !== cardKey) {
      buildCards(queues);
      cardKey = key;
    }
    queues.forEach((q) => {
      const card = document.querySelector('.wb-queue[data-queue="' + CSS.escape(q.code) + '"]');
      if (!card) return;
      const live = card.querySelector(".wb-queue-live");
      const numbers = el("div", "wb-queue-numbers");
      const waiting = el("div", "wb-big");
      waiting.appendChild(el("small", null, L.waiting));
      const w = el("b", q.waiting ? "wb-hot" : "", q.waiting);
      w.dataset.testid = "wb-waiting";
      waiting.appendChild(w);
      const longest = el("div", "wb-big");
      longest.appendChild(el("small", null, L.longest_wait));
      longest.appendChild(ticking(q.longest_wait, q.waiting, q.longest_wait > q.threshold ? "wb-hot" : ""));
      const occ = el("div", "wb-big");
      occ.appendChild(el("small", null, L.occupancy));
      occ.appendChild(el("b", null, pct(q.occupancy_now)));
      numbers.append(waiting, longest, occ);
      live.replaceChildren(numbers, stateBar(q.agents));
      card.querySelector(".wb-queue-table").replaceChildren(figureTable(q));
      const gauge = gauges[q.code];
      if (gauge) gauge.setOption(gaugeOption(q));
    });
  }

  /* ---------------- charts: trend and groups ---------------- */
  let trendChart = null;
  let groupChart = null;
  function renderCharts() {
    if (!window.echarts) return;
    const trendNode = document.getElementById("wb-trend");
    const groupNode = document.getElementById("wb-groups");
    if (!trendChart) trendChart = echarts.init(trendNode);
    if (!groupChart) groupChart = echarts.init(groupNode);
    const starts = Array.from(new Set(doc.queues.flatMap((q) => q.trend.map((p) => p.start)))).sort((a, b) => a - b);
    const series = doc.queues.map((q) => {
      const byStart = {};
      q.trend.forEach((p) => (byStart[p.start] = p.service_level));
      return {
        type: "line",
        name: q.name + " · " + slLabel(q.threshold),
        connectNulls: false,
        symbolSize: 5,
        data: starts.map((s) => (byStart[s] == null ? null : Math.round(byStart[s] * 1000) / 10)),
      };
    });
    if (series.length) {
      series[0].markLine = {
        silent: true,
        symbol: "none",
        lineStyle: { type: "dashed", color: "#b42318" },
        label: { formatter: L.target + " " + Math.round(TARGET * 100) + "%" },
        data: [{ yAxis: TARGET * 100 }],
      };
    }
    trendChart.setOption(
      {
        grid: { left: 44, right: 24, top: 36, bottom: 28 },
        tooltip: { trigger: "axis", valueFormatter: (v) => (v == null ? DASH : v + "%") },
        legend: { top: 0, type: "scroll" },
        xAxis: { type: "category", data: starts.map(clock) },
        yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
        series: series,
      },
      true,
    );
    const groups = doc.groups;
    groupChart.setOption(
      {
        grid: { left: 8, right: 16, top: 30, bottom: 8, containLabel: true },
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        legend: { top: 0, itemWidth: 10, itemHeight: 10, textStyle: { fontSize: 11 } },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", inverse: true, data: groups.map((g) => g.name) },
        series: STATES.map((state) => ({
          type: "bar",
          stack: "agents",
          name: L[state],
          itemStyle: { color: COLORS[state] },
          barMaxWidth: 18,
          data: groups.map((g) => g.agents[state] || 0),
        })),
      },
      true,
    );
  }

  /* ---------------- the whole page ---------------- */
  function render() {
    frame = null;
    renderTotals(doc.totals);
    renderQueues(doc.queues);
    renderCharts();
    document.getElementById("wb-router-down").hidden = doc.live !== false;
    kefu.text(document.getElementById("wb-updated"), L.updated + " " + (clock(doc.now) || ""));
    document.body.dataset.wallboardNow = String(doc.now);
  }
  function schedule() {
    receivedAt = performance.now();
    if (!frame) frame = requestAnimationFrame(render);
  }

  async function refetch() {
    let response;
    try {
      response = await fetch(config.url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    } catch (error) {
      return;
    }
    if (!response.ok) return;
    try {
      doc = await response.json();
    } catch (error) {
      return;
    }
    schedule();
  }

  let lastSnapshot = null;

  /* A new interval: the one just closed counts with its last pushed counts until the JSON, fetched
     at once, brings it as the router stored it. */
  function closeInterval(previous) {
    const days = (doc.day_counts = doc.day_counts || {});
    Object.entries(previous.queues || {}).forEach(([code, q]) => {
      const rows = (days[code] = days[code] || {});
      Object.keys(rows).forEach((key) => {
        if (Number(key) === q.interval) delete rows[key]; // a stale stored copy of the same interval
      });
      rows[String(q.interval)] = q.counts || {};
    });
  }

  function onSnapshot(snapshot) {
    if (!snapshot || !snapshot.queues) return;
    const starts = Object.values(snapshot.queues).map((q) => q.interval);
    const interval = starts.length ? Math.min.apply(null, starts) : null;
    const newInterval = doc.interval_start != null && interval != null && interval !== doc.interval_start;
    if (newInterval && lastSnapshot) closeInterval(lastSnapshot);
    doc = rebuild(snapshot);
    lastSnapshot = snapshot;
    schedule();
    if (newInterval) refetch();
  }

  function setStatus(state) {
    const status = document.getElementById("wb-status");
    status.dataset.state = state;
    status.textContent = state === "open" ? L.live : state === "down" ? L.down : L.connecting;
    if (state === "down") {
      if (!pollTimer) pollTimer = setInterval(refetch, POLL_MS);
      refetch();
    } else if (pollTimer) {
      clearInterval(pollTimer);
      pollTimer = null;
      if (state === "open") refetch();
    }
  }

  if (kefu.live) {
    kefu.live.on("wallboard", onSnapshot);
    setStatus(kefu.live.state());
  } else {
    setStatus("down");
  }
  document.addEventListener("kefu:live-state", (event) => setStatus(event.detail.state));
  window.addEventListener("resize", () => {
    [trendChart, groupChart].concat(Object.values(gauges)).forEach((chart) => chart && chart.resize());
  });
  kefu.wallboard = { rebuild: rebuild, figures: figures, push: onSnapshot, document: () => doc };
  if (document.readyState === "complete") render();
  else window.addEventListener("load", render);
})();

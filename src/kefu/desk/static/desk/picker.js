/* Pickers by name and pinyin (issue 12): an input or select marked data-picker="<kind>" (businesses,
 * categories, cities, departments, holders) becomes a combobox that asks GET /api/v1/pickers/<kind>
 * as the user types 南京, nanjing or nj.
 *
 * The marked element stays in the form and carries the value, so the server sees what it saw before:
 * a select keeps its options and gets the chosen row's id (data-picker-field, default "id" for a
 * select, "code" for an input); an input becomes hidden and gets the chosen code — or, when nothing
 * was chosen, the text as typed, which the server resolves by name or refuses with the candidates.
 * Without JavaScript the select or text box works as before.
 *
 * Categories are a tree: with nothing typed the list shows businesses, ArrowRight (or a click on ▸)
 * opens one; search results show their path (business › problem › detail).
 * Options: data-picker-request-type, data-picker-business (categories), data-picker-placeholder.
 * Keys: ArrowDown/ArrowUp move, Enter chooses (or opens a group), ArrowRight/ArrowLeft open/close a
 * tree row, Escape closes the list (a second Escape puts back the chosen label), Tab leaves.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var API = (script && script.dataset.api) || "/api/v1/pickers/";
  var TEXT = {
    empty: (script && script.dataset.empty) || "没有匹配项",
    placeholder: (script && script.dataset.placeholder) || "名称或拼音",
    failed: (script && script.dataset.failed) || "查询失败",
    open: (script && script.dataset.open) || "展开",
  };
  var DELAY = 120;
  var seq = 0;

  function query(kind, params) {
    var search = new URLSearchParams();
    Object.keys(params).forEach(function (k) {
      if (params[k] !== undefined && params[k] !== null && params[k] !== "") search.set(k, params[k]);
    });
    return fetch(API + encodeURIComponent(kind) + "?" + search.toString(), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    }).then(function (r) {
      if (!r.ok) throw new Error(String(r.status));
      return r.json();
    });
  }

  function labelOf(el) {
    if (el.getAttribute("aria-label")) return el.getAttribute("aria-label");
    var label = el.closest("label");
    if (label) return label.textContent.replace(/\s+/g, " ").trim();
    return "";
  }

  function enhance(el) {
    if (el.dataset.pickerReady) return;
    el.dataset.pickerReady = "1";
    var kind = el.dataset.picker;
    var isSelect = el.tagName === "SELECT";
    var field = el.dataset.pickerField || (isSelect ? "id" : "code");
    var tree = kind === "categories";
    var id = "picker-" + ++seq;

    var wrap = document.createElement("span");
    wrap.className = "picker";
    var input = document.createElement("input");
    input.type = "text";
    input.className = "picker-input";
    input.autocomplete = "off";
    input.spellcheck = false;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", id + "-list");
    input.setAttribute("aria-label", labelOf(el));
    input.placeholder = el.dataset.pickerPlaceholder || TEXT.placeholder;
    input.dataset.testid = (el.dataset.testid || "picker-" + kind) + "-search";
    var list = document.createElement("ul");
    list.id = id + "-list";
    list.className = "picker-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    el.parentNode.insertBefore(wrap, el);
    wrap.appendChild(input);
    wrap.appendChild(list);

    // the marked element carries the value
    if (isSelect) {
      wrap.appendChild(el);
      el.classList.add("picker-carrier");
      el.tabIndex = -1;
      el.setAttribute("aria-hidden", "true");
      var chosen = el.options[el.selectedIndex];
      input.value = chosen && chosen.value ? chosen.textContent.trim() : "";
      el.addEventListener("change", function () {
        var option = el.options[el.selectedIndex];
        input.value = option && option.value ? option.textContent.trim() : "";
      });
    } else {
      el.type = "hidden";
      input.value = el.value;
      if (el.value) {
        query(kind, { code: el.value, limit: 1 }).then(function (rows) {
          if (rows.length && input.value === el.value) input.value = rows[0].label;
        }).catch(function () {});
      }
    }
    var shown = input.value; // the label of the value the form holds
    var rows = []; // rows in the list, in order: {row, li, level, open}
    var active = -1;
    var timer = null;
    var asked = 0;
    var waiting = false; // a question is on its way: focus and click do not ask again

    function filters() {
      return {
        request_type: el.dataset.pickerRequestType || "",
        business: el.dataset.pickerBusiness || "",
      };
    }

    function setValue(row) {
      var value = String(row[field] !== undefined ? row[field] : row.code);
      if (isSelect) {
        var found = Array.prototype.some.call(el.options, function (o) { return o.value === value; });
        if (!found) {
          var option = document.createElement("option");
          option.value = value;
          option.textContent = row.path || row.label;
          el.appendChild(option);
        }
      }
      el.value = value;
      el.dispatchEvent(new Event("change", { bubbles: true }));
      input.value = row.path || row.label;
      shown = input.value;
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function open() {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    // a level of the tree (level >= 0) or a flat list of results (level -1: each row shows its path)
    function item(row, level) {
      var nested = tree && level >= 0;
      var li = document.createElement("li");
      li.id = id + "-o" + ++seq;
      li.setAttribute("role", nested ? "treeitem" : "option");
      li.setAttribute("aria-selected", "false");
      li.className = "picker-option" + (row.selectable === false ? " picker-group" : "");
      li.dataset.code = row.code;
      if (nested) {
        li.setAttribute("aria-level", String(level + 1));
        li.style.paddingLeft = 0.5 + level * 1.2 + "em";
      }
      if (nested && row.children) {
        var toggle = document.createElement("span");
        toggle.className = "picker-toggle";
        toggle.textContent = "▸";
        toggle.title = TEXT.open;
        li.setAttribute("aria-expanded", "false");
        li.appendChild(toggle);
      }
      var name = document.createElement("span");
      name.className = "picker-label";
      name.textContent = row.label;
      li.appendChild(name);
      var extra = row.path && level < 0 ? row.path : row.hint;
      if (extra) {
        var small = document.createElement("small");
        small.className = "picker-hint";
        small.textContent = extra;
        li.appendChild(small);
      }
      return li;
    }

    function render(found, level) {
      list.setAttribute("role", tree && level >= 0 ? "tree" : "listbox");
      list.textContent = "";
      rows = [];
      active = -1;
      if (!found.length) {
        var none = document.createElement("li");
        none.className = "picker-empty";
        none.textContent = TEXT.empty;
        list.appendChild(none);
      }
      found.forEach(function (row) {
        var li = item(row, level);
        rows.push({ row: row, li: li, level: Math.max(level, 0), open: false });
        list.appendChild(li);
      });
      open();
    }

    function move(to) {
      if (!rows.length) return;
      if (active >= 0) rows[active].li.setAttribute("aria-selected", "false");
      active = (to + rows.length) % rows.length;
      var li = rows[active].li;
      li.setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", li.id);
      li.scrollIntoView({ block: "nearest" });
    }

    function expand(index) {
      var entry = rows[index];
      if (!entry || !entry.row.children || entry.open) return Promise.resolve();
      entry.open = true;
      entry.li.setAttribute("aria-expanded", "true");
      entry.li.querySelector(".picker-toggle").textContent = "▾";
      var params = filters();
      params.parent = entry.row.key || entry.row.code;
      params.limit = 500;
      return query(kind, params).then(function (children) {
        var at = rows.indexOf(entry) + 1;
        var anchor = entry.li.nextSibling;
        var added = children.map(function (row) {
          var li = item(row, entry.level + 1);
          list.insertBefore(li, anchor);
          return { row: row, li: li, level: entry.level + 1, open: false, parent: entry };
        });
        Array.prototype.splice.apply(rows, [at, 0].concat(added));
      });
    }

    function collapse(index) {
      var entry = rows[index];
      if (!entry || !entry.open) return;
      entry.open = false;
      entry.li.setAttribute("aria-expanded", "false");
      entry.li.querySelector(".picker-toggle").textContent = "▸";
      var end = index + 1;
      while (end < rows.length && rows[end].level > entry.level) {
        rows[end].li.remove();
        end++;
      }
      rows.splice(index + 1, end - index - 1);
      if (active > index) move(index);
    }

    function choose(index) {
      var entry = rows[index];
      if (!entry) return;
      if (entry.row.selectable === false || (tree && entry.row.children)) {
        if (entry.open) collapse(index);
        else expand(index);
        return;
      }
      setValue(entry.row);
      close();
    }

    function ask() {
      var text = input.value.trim();
      var mine = ++asked;
      var params = filters();
      if (text) {
        params.q = text;
        params.limit = 20;
      } else {
        params.limit = 200;
      }
      waiting = true;
      query(kind, params).then(function (found) {
        if (mine !== asked) return; // an older answer after a newer question
        waiting = false;
        render(found, text && tree ? -1 : 0);
        if (text && found.length) move(0);
      }).catch(function () {
        if (mine !== asked) return;
        waiting = false;
        list.textContent = "";
        rows = [];
        var failed = document.createElement("li");
        failed.className = "picker-empty";
        failed.textContent = TEXT.failed;
        list.appendChild(failed);
        open();
      });
    }

    input.addEventListener("input", function () {
      if (!isSelect) el.value = input.value.trim(); // a name typed and not chosen: the server resolves it
      else if (!input.value.trim()) el.value = "";
      clearTimeout(timer);
      timer = setTimeout(ask, DELAY);
    });
    input.addEventListener("focus", function () {
      if (list.hidden && !waiting && !input.value) ask();
    });
    input.addEventListener("click", function () {
      if (list.hidden && !waiting) ask();
    });
    input.addEventListener("keydown", function (event) {
      var key = event.key;
      if (key === "ArrowDown") {
        event.preventDefault();
        if (list.hidden) {
          if (!waiting) ask();
        } else move(active + 1);
      } else if (key === "ArrowUp") {
        event.preventDefault();
        move(active - 1);
      } else if (key === "ArrowRight" && tree && active >= 0 && rows[active].row.children) {
        event.preventDefault();
        expand(active);
      } else if (key === "ArrowLeft" && tree && active >= 0) {
        var entry = rows[active];
        if (entry.open) {
          event.preventDefault();
          collapse(active);
        } else if (entry.parent) {
          event.preventDefault();
          move(rows.indexOf(entry.parent));
        }
      } else if (key === "Enter") {
        if (!list.hidden && active >= 0) {
          event.preventDefault();
          choose(active);
        }
      } else if (key === "Escape") {
        if (!list.hidden) {
          event.preventDefault();
          close();
        } else if (input.value !== shown) {
          event.preventDefault();
          input.value = shown;
        }
      } else if (key === "Tab") {
        close();
      }
    });
    list.addEventListener("mousedown", function (event) {
      event.preventDefault(); // keep the focus in the box
    });
    list.addEventListener("click", function (event) {
      var li = event.target.closest("li.picker-option");
      if (!li) return;
      var index = rows.findIndex(function (r) { return r.li === li; });
      if (event.target.classList.contains("picker-toggle")) {
        if (rows[index].open) collapse(index);
        else expand(index);
        return;
      }
      choose(index);
    });
    document.addEventListener("click", function (event) {
      if (!wrap.contains(event.target)) close();
    });
  }

  function scan(root) {
    (root || document).querySelectorAll("[data-picker]").forEach(enhance);
  }

  window.kefuPicker = { enhance: enhance, scan: scan };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { scan(); });
  else scan();
  // htmx swaps a new select in (the category options of another kind of order)
  document.addEventListener("htmx:load", function (event) { scan(event.target); });
})();

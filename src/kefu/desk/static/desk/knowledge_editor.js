/* The knowledge editor's live preview: the body is sent to the server, which answers it sanitised
   (the same allow-list as a save); only that answer is shown, never the raw input. */
(function () {
  "use strict";
  var source = document.querySelector("[data-kb-preview-source]");
  var target = document.querySelector("[data-kb-preview]");
  if (!source || !target) return;
  var timer = null;
  var csrf = document.body.dataset.csrf || "";
  function render() {
    var data = new FormData();
    data.append("body", source.value);
    fetch(target.dataset.url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, Accept: "application/json" },
    })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (answer) { if (answer) target.innerHTML = answer.html; })
      .catch(function () { /* the preview is a convenience; the save does not depend on it */ });
  }
  source.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(render, 300);
  });
  render();
})();

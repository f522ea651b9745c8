/* WO-6: an attachment over the size limit is refused here, before the upload starts, with a readable
   message; the form is not sent, so nothing typed is lost. The server checks again
   (attachment_too_large), and the order page keeps the comment when it refuses. */
(function () {
  "use strict";
  function check(input) {
    const limit = Number(input.dataset.maxBytes || 0);
    const error = input.closest("form").querySelector("[data-testid^=files-error]");
    const big = limit ? Array.from(input.files || []).find((file) => file.size > limit) : null;
    const message = big ? input.dataset.tooLarge.replace("{name}", big.name) : "";
    input.setCustomValidity(message);
    if (error) {
      error.textContent = message;
      error.hidden = !message;
    }
    return !big;
  }
  document.querySelectorAll("input[type=file][data-max-bytes]").forEach((input) => {
    input.addEventListener("change", () => check(input));
    input.form.addEventListener("submit", (event) => {
      if (!check(input)) {
        event.preventDefault();
        input.reportValidity();
      }
    });
  });
})();

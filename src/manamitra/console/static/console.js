// A few lines in the spirit of htmx: forms and links marked data-target swap a partial in
// place (GET with the form's fields, X-Partial header), so filtering the inbox needs no reload.
(function () {
  function swap(url, target) {
    fetch(url, {headers: {"X-Partial": "1"}, credentials: "same-origin"})
      .then(function (r) { return r.text(); })
      .then(function (html) {
        document.querySelector(target).innerHTML = html;
        history.replaceState(null, "", url);
      });
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.dataset.target || form.method.toLowerCase() !== "get") return;
    event.preventDefault();
    var params = new URLSearchParams(new FormData(form));
    swap(form.action.split("?")[0] + "?" + params.toString(), form.dataset.target);
  });
  document.addEventListener("change", function (event) {
    var form = event.target.form;
    if (form && form.dataset.autosubmit !== undefined) form.requestSubmit();
  });
  document.addEventListener("click", function (event) {
    var all = event.target.closest("[data-select-all]");
    if (!all) return;
    document.querySelectorAll("input[name=refs]").forEach(function (box) { box.checked = all.checked; });
  });
})();

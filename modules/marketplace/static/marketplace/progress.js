// The import job page's progress bar: polls the job's progress JSON every second while the
// job is read or published (data-url on #import-progress), fills the fields (rows read,
// then rows published: the JSON's "unit" says which), and reloads the page once the job has
// finished so its staged rows and buttons appear.
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box || box.dataset.finished === "1") {
    return;
  }
  function show(data) {
    box.querySelectorAll("[data-field]").forEach(function (el) {
      var value = data[el.dataset.field];
      if (el.dataset.field === "percent") {
        el.value = value;
        el.textContent = value + "%";
      } else {
        el.textContent = value === null || value === undefined ? "–" : value;
      }
    });
  }
  function poll() {
    fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) {
          return;
        }
        show(data);
        if (data.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();

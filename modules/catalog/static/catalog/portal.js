/* Catalog portal: "select all" for the product list, and the bulk category picker shown only
   for the action that uses it. The page works without this file. */
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }
  ready(function () {
    var all = document.querySelector("[data-select-all]");
    if (all) {
      var name = all.getAttribute("data-select-all");
      var boxes = function () { return document.querySelectorAll('input[type=checkbox][name="' + name + '"]'); };
      all.addEventListener("change", function () {
        boxes().forEach(function (box) { box.checked = all.checked; });
      });
      document.addEventListener("change", function (event) {
        if (event.target.name === name) {
          var list = Array.prototype.slice.call(boxes());
          all.checked = list.length > 0 && list.every(function (box) { return box.checked; });
        }
      });
    }
    var action = document.getElementById("id_bulk-action");
    var category = document.getElementById("id_bulk-category");
    if (action && category && action.form && action.form.id === "bulk-form") {
      var label = document.querySelector(".bulk-category-label");
      var sync = function () {
        var show = action.value === "category";
        category.hidden = !show;
        if (label) { label.hidden = !show; }
      };
      action.addEventListener("change", sync);
      sync();
    }
  });
})();

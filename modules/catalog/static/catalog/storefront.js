/* Catalog storefront: small progressive enhancements. Every form works without this file. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!(target instanceof HTMLElement) || !target.hasAttribute("data-autosubmit-on-change")) {
      return;
    }
    var form = target.form;
    if (form && typeof form.requestSubmit === "function") {
      form.requestSubmit();
    } else if (form) {
      form.submit();
    }
  });
})();

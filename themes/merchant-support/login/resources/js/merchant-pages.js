// Every page of the theme (theme.properties "scripts"): ties keycloak.v2's field errors to their fields, which its
// field macros do not do, and brings a keyboard or screen-reader user to the first error after the page reloads.
//   - an input marked aria-invalid="true" gets aria-describedby="input-error-<its id>" (the error under it), so
//     the error is read with the field;
//   - aria-invalid="" (keycloak.v2 writes it on valid fields) is removed: only "true" means something;
//   - the first invalid field takes the focus; with no invalid field, an error or warning alert of the page
//     does (it is made focusable for that), so the message is read out on arrival.
// Without JavaScript the page still works; the errors are then read in page order.
(function () {
  "use strict";

  function describe(input) {
    var error = document.getElementById("input-error-" + input.id);
    if (!error) {
      return;
    }
    var ids = (input.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
    if (ids.indexOf(error.id) < 0) {
      ids.push(error.id);
      input.setAttribute("aria-describedby", ids.join(" "));
    }
  }

  function start() {
    var fields = document.querySelectorAll("input[aria-invalid], textarea[aria-invalid], select[aria-invalid]");
    var firstInvalid = null;
    Array.prototype.forEach.call(fields, function (input) {
      var value = input.getAttribute("aria-invalid");
      if (value === "true") {
        describe(input);
        firstInvalid = firstInvalid || input;
      } else if (value === "") {
        input.removeAttribute("aria-invalid");
      }
    });
    if (firstInvalid) {
      firstInvalid.focus();
      return;
    }
    var alert = document.querySelector(".pf-v5-c-login__main-body > .pf-v5-c-alert.pf-m-danger, "
        + ".pf-v5-c-login__main-body > .pf-v5-c-alert.pf-m-warning");
    if (alert && !document.querySelector("[autofocus]")) {
      alert.setAttribute("tabindex", "-1");
      alert.focus();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

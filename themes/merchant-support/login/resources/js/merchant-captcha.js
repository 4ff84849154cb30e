// Glue between the registration form and its captcha (markup from captcha.ftl). An external module, so the
// page needs no inline script: loads the widget, keeps the form's submit button disabled until the check is
// done, announces the state to screen readers, and explains a widget that cannot load (ad blocker, blocked
// scripts). The server checks the answer whatever happens here.

const box = document.getElementById("merchant-captcha");
if (box && box.dataset.scriptSrc) {
  start(box);
}

function start(box) {
  const form = box.closest("form");
  const submits = form
    ? Array.from(form.querySelectorAll('button[type="submit"], input[type="submit"], button:not([type])'))
    : [];
  const status = box.querySelector("[data-captcha-status]");
  const blocked = box.querySelector("[data-captcha-blocked]");
  const provider = box.dataset.captchaProvider;
  let lastSaid = "";

  const say = (text) => {
    if (status && text !== lastSaid) {
      lastSaid = text || "";
      status.textContent = lastSaid;
    }
  };
  const lock = (locked) => {
    for (const button of submits) {
      button.disabled = locked;
      button.setAttribute("aria-disabled", String(locked));
    }
    box.dataset.captchaState = locked ? "pending" : "verified";
  };
  const showBlocked = (show) => {
    if (blocked) {
      blocked.hidden = !show;
    }
  };
  const verified = () => {
    showBlocked(false);
    lock(false);
    say(box.dataset.statusVerified);
  };
  const pending = (message) => {
    lock(true);
    say(message);
  };
  const failed = () => {
    lock(true);
    showBlocked(true);
    box.dataset.captchaState = "error";
    say(box.dataset.statusError);
  };

  pending(box.dataset.statusWaiting);

  if (provider === "altcha") {
    startAltcha(box, { verified, pending, failed });
  } else {
    startVendor(box, form, { verified, pending, failed, lock });
  }
}

function startAltcha(box, ui) {
  const widget = box.querySelector("altcha-widget");
  if (!widget) {
    ui.failed();
    return;
  }
  // The page carries its first challenge (the challenge attribute holds its JSON): no request to start. The next
  // one comes from the endpoint (data-challenge-url): after that one expired, after an error, and when the page
  // comes back from the back-forward cache (its challenge may have been sent already). The widget (3.x) takes the
  // challenge's JSON or a URL in that one attribute, and reads it each time it starts a check.
  const endpoint = widget.dataset.challengeUrl;
  const useEndpoint = () => {
    if (endpoint && widget.getAttribute("challenge") !== endpoint) {
      widget.setAttribute("challenge", endpoint);
      if (typeof widget.configure === "function") {
        widget.configure({ challenge: endpoint }); // at once, not at the widget's next update
      }
    }
  };
  let state = "";
  let previous = "";
  const onState = (next) => {
    previous = state;
    state = next;
    switch (next) {
      case "verified":
        ui.verified();
        break;
      case "error":
        useEndpoint();
        ui.failed();
        break;
      case "expired":
        ui.pending(box.dataset.statusExpired);
        break;
      default:
        ui.pending(box.dataset.statusWaiting);
    }
  };
  widget.addEventListener("statechange", (event) => onState(event.detail && event.detail.state));
  widget.addEventListener("expired", () => {
    useEndpoint();
    // A check done, then its challenge ran out while the merchant was typing: a new one, by itself. (Expired while
    // still verifying means the clocks disagree; the widget finishes that check, the server has the last word.)
    if (state === "expired" && previous === "verified") {
      widget.verify();
    }
  });
  window.addEventListener("pageshow", (event) => {
    if (event.persisted && customElements.get("altcha-widget")) {
      useEndpoint();
      widget.verify(); // after the widget's own reset on pageshow
    }
  });
  if (expiredAlready(widget.getAttribute("challenge"))) {
    useEndpoint(); // a page opened long after it was made
  }
  import(box.dataset.scriptSrc)
    .then(() => {
      // Before the widget's first check (it waits for a timer): the strict-CSP build bundles no worker, so the one
      // algorithm the server issues gets its worker file from this origin (worker-src 'self').
      const altcha = globalThis.$altcha;
      altcha.algorithms.set("SHA-256", () => new Worker(box.dataset.workerSrc));
      // The page's strings (message bundles) under the page's language, over the widget's English defaults.
      const language = (widget.getAttribute("language") || "en").toLowerCase();
      altcha.i18n.set(language, { ...altcha.i18n.get("en"), ...JSON.parse(widget.dataset.strings || "{}") });
      return customElements.whenDefined("altcha-widget");
    })
    .then(() => {
      if (typeof widget.getState === "function") {
        onState(widget.getState());
      }
    })
    .catch(() => ui.failed());
}

// An inline challenge whose salt says it has expired (the salt's "expires", epoch seconds, by this browser's clock,
// as the widget reads it). A URL, or JSON without an expiry, has not.
function expiredAlready(challenge) {
  if (!challenge || !challenge.startsWith("{")) {
    return false;
  }
  try {
    const salt = JSON.parse(challenge).salt || "";
    const expires = parseInt(new URLSearchParams(salt.split("?")[1] || "").get("expires"), 10);
    return Number.isFinite(expires) && expires * 1000 <= Date.now();
  } catch {
    return false;
  }
}

function startVendor(box, form, ui) {
  const field = box.dataset.responseField;
  window.merchantCaptchaSolved = () => ui.verified();
  window.merchantCaptchaExpired = () => ui.pending(box.dataset.statusExpired);
  window.merchantCaptchaFailed = () => ui.failed();

  const script = document.createElement("script");
  script.src = box.dataset.scriptSrc;
  script.async = true;
  script.addEventListener("error", () => ui.failed());

  if (box.dataset.invisible === "true") {
    // reCAPTCHA v3: no widget; the token is made when the form is sent, then the form is sent again.
    script.addEventListener("load", () => window.grecaptcha.ready(() => ui.lock(false)));
    let tokenReady = false;
    form.addEventListener("submit", (event) => {
      if (tokenReady) {
        return;
      }
      event.preventDefault();
      ui.lock(true);
      window.grecaptcha
        .execute(box.dataset.siteKey, { action: box.dataset.action })
        .then((token) => {
          let input = form.querySelector(`input[name="${field}"]`);
          if (!input) {
            input = document.createElement("input");
            input.type = "hidden";
            input.name = field;
            box.appendChild(input);
          }
          input.value = token;
          tokenReady = true;
          ui.lock(false);
          form.requestSubmit();
        }, () => ui.failed());
    });
  }
  document.head.appendChild(script);
}

// lockgw dashboard: reveal PINs in place, and keep statuses and the timeline fresh.
"use strict";

(function () {
  function toLogin(response) {
    // A session that expired: the page itself goes to the login form.
    if (response.status === 401 || response.redirected) {
      window.location.reload();
      return true;
    }
    return false;
  }

  document.querySelectorAll("form.reveal").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      const card = form.closest("[data-code-id]");
      const pin = card.querySelector(".pin");
      const button = form.querySelector("button");
      if (pin.dataset.revealed === "1") {
        pin.textContent = pin.dataset.mask || "••••";
        pin.dataset.revealed = "0";
        button.textContent = "Reveal PIN";
        return;
      }
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      }).then(function (response) {
        if (toLogin(response)) return;
        return response.json().then(function (body) {
          if (!response.ok) {
            pin.textContent = (body.error && body.error.message) || "refused";
            return;
          }
          pin.dataset.mask = pin.textContent;
          pin.textContent = body.pin;
          pin.dataset.revealed = "1";
          button.textContent = "Hide PIN";
        });
      });
    });
  });

  function refreshCodes() {
    fetch("/ui/codes/status.json", { headers: { Accept: "application/json" } })
      .then(function (response) {
        if (toLogin(response)) return;
        return response.json().then(function (body) {
          document.querySelectorAll("[data-code-id]").forEach(function (card) {
            const found = body.codes[card.dataset.codeId];
            if (!found) {
              card.remove(); // deleted, and now off the lock
              return;
            }
            card.dataset.status = found.status;
            const badge = card.querySelector(".status");
            badge.textContent = found.status;
            badge.className = "status badge " + found.status;
          });
        });
      })
      .catch(function () {});
  }

  function followTimeline() {
    // Server-sent events: the rows again each time something happens.
    const body = document.getElementById("timeline");
    const source = new EventSource("/ui/events/stream" + window.location.search);
    source.addEventListener("rows", function (event) {
      body.innerHTML = event.data;
    });
    source.addEventListener("expired", function () {
      source.close();
      window.location.reload();
    });
    source.onerror = function () {
      // Closed for good: the session is over (the stream answered the login page), or the
      // hub refused; only the first goes to the login page (no reload loop on the second).
      if (source.readyState !== EventSource.CLOSED) return;
      fetch("/ui/codes/status.json", { headers: { Accept: "application/json" } }).then(toLogin);
    };
  }

  const live = document.body.dataset.live;
  if (live === "codes") window.setInterval(refreshCodes, 1000);
  if (live === "timeline") followTimeline();
})();

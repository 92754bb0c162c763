// Keeps the queue live: an event stream says when something changed, then the rows are
// fetched again. When the stream drops, a timer refetches until it is back.
(function () {
  "use strict";
  var rows = document.getElementById("queue-rows");
  if (!rows) { return; }
  var live = document.getElementById("live");
  var banner = document.getElementById("emergency-banner");
  var fallback = null;
  var FALLBACK_MS = 15000;
  var RETRY_MS = 60000;

  function say(text) { if (live) { live.textContent = text; } }

  function refresh() {
    return fetch(rows.dataset.src, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (response.status === 401) { window.location.reload(); return null; }
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        if (html !== null) {
          rows.innerHTML = html;
          // The rows come with the emergency banner's new text, which sits above the table.
          var next = rows.querySelector("template.banner-next");
          if (next && banner) { banner.innerHTML = next.innerHTML; }
          if (next) { next.parentNode.removeChild(next); }
          say("Updated " + new Date().toLocaleTimeString());
        }
      })
      .catch(function () { say("Offline: retrying"); });
  }

  function startFallback() {
    if (fallback === null) { fallback = window.setInterval(refresh, FALLBACK_MS); }
  }

  function stopFallback() {
    if (fallback !== null) { window.clearInterval(fallback); fallback = null; }
  }

  function connect() {
    var stream = new EventSource(rows.dataset.events);
    stream.addEventListener("change", function () { refresh(); });
    stream.onopen = function () { stopFallback(); say("Live"); };
    stream.onerror = function () {
      startFallback();
      // A refused stream (the server's are all in use) is not retried by the browser.
      if (stream.readyState === EventSource.CLOSED) { window.setTimeout(connect, RETRY_MS); }
    };
  }

  if (!window.EventSource) { startFallback(); return; }
  connect();
})();

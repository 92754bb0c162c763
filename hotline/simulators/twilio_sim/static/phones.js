// The phone simulator page: polls each phone's conversation and sends texts without a reload.
// The page works without this script too (plain form posts); this only makes it live.
// A new way to use a phone (a voice keypad, say) registers with SimPhones.addTool(setup):
// setup(card, number) runs once per phone card and may fill card.querySelector(".tools").
"use strict";
(function () {
  const POLL_MS = 1500;
  const tools = [];
  const cards = () => Array.from(document.querySelectorAll(".phone"));

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    // textContent, never innerHTML: message bodies are whatever anyone typed.
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function messageItem(m) {
    const classes = "msg " + (m.sent ? "sent" : "received") + " kind-" + m.kind + " status-" + m.status;
    const item = element("li", classes);
    const meta = element("p", "meta", (m.sent ? "To " : "From ") + (m.sender || m.other_number) + " · ");
    const time = element("time", "", m.time);
    time.dateTime = m.created_at;
    meta.append(time, " · ");
    meta.append(element("span", "status", m.status + (m.error_code ? " (" + m.error_code + ")" : "")));
    item.append(meta, element("p", "body", m.body));
    return item;
  }

  function render(card, messages) {
    const screen = card.querySelector(".screen");
    const key = messages.map((m) => m.sid + ":" + m.status).join(",");
    if (screen.dataset.key === key) return;  // unchanged: keep the reader's scroll position
    const atBottom = screen.scrollTop + screen.clientHeight >= screen.scrollHeight - 8;
    screen.dataset.key = key;
    screen.replaceChildren(...messages.map(messageItem));
    if (atBottom || !screen.dataset.scrolled) screen.scrollTop = screen.scrollHeight;
  }

  function renderOptOut(card, numbers) {
    const line = card.querySelector(".opt-out");
    line.hidden = numbers.length === 0;
    line.textContent = numbers.length === 0 ? "" :
      "Opted out (texted STOP to " + numbers.join(", ") + "): Twilio delivers nothing from there until START";
  }

  async function refresh(card) {
    try {
      const response = await fetch(card.dataset.pollUrl, { headers: { Accept: "application/json" } });
      if (!response.ok) return;
      const answer = await response.json();
      render(card, answer.messages);
      renderOptOut(card, answer.opted_out_of);
    } catch (error) {
      // The sim is restarting or refusing connections on purpose; the next poll catches up.
    }
  }

  async function send(card, form) {
    const status = form.querySelector(".send-status");
    const button = form.querySelector("button");
    status.textContent = "Sending…";
    button.disabled = true;
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new URLSearchParams(new FormData(form)),
        headers: { Accept: "application/json" },
      });
      const answer = await response.json();
      status.textContent = answer.ok ? "" : answer.error;
      if (answer.ok) form.querySelector("textarea").value = "";
    } catch (error) {
      status.textContent = "The simulator could not be reached.";
    } finally {
      button.disabled = false;
      refresh(card);
    }
  }

  function setUp(card) {
    const form = card.querySelector(".compose");
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      send(card, form);
    });
    // Enter sends, Shift+Enter starts a new line, as on a phone's messaging app.
    form.querySelector("textarea").addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
    card.querySelector(".screen").addEventListener("scroll", (event) => {
      event.currentTarget.dataset.scrolled = "1";
    });
    tools.forEach((setup) => setup(card, card.dataset.number));
  }

  window.SimPhones = {
    addTool(setup) {
      tools.push(setup);
      cards().forEach((card) => setup(card, card.dataset.number));
    },
    refresh: () => cards().forEach(refresh),
  };

  cards().forEach(setUp);
  window.SimPhones.refresh();
  setInterval(() => { if (!document.hidden) window.SimPhones.refresh(); }, POLL_MS);
})();

// The voice tool on each phone card: call the hotline, press keys, hear the prompts as text.
// Every control is a real <button>, so Tab, Enter and Space work; with the keypad focused the
// keyboard's digits, * and # press the same keys.
"use strict";
(function () {
  const KEYS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "0", "#"];
  const KEY_NAMES = { "*": "star", "#": "pound" };

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    // textContent, never innerHTML: the prompts come from another program.
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function button(className, text, label) {
    const node = element("button", className, text);
    node.type = "button";
    if (label) node.setAttribute("aria-label", label);
    return node;
  }

  function setup(card, number) {
    const tools = card.querySelector(".tools");
    if (!tools || tools.querySelector(".voice")) return;
    const box = element("section", "voice");
    box.setAttribute("aria-label", "Voice call from " + number);
    const call = button("call", "Call hotline");
    const status = element("p", "call-status", "Not in a call.");
    status.setAttribute("role", "status");
    const heard = element("ol", "heard");
    heard.setAttribute("aria-live", "polite");
    heard.setAttribute("aria-label", "What the hotline said");
    heard.tabIndex = 0;
    const pad = element("div", "keypad");
    pad.setAttribute("role", "group");
    pad.setAttribute("aria-label", "Keypad");
    const keys = KEYS.map((key) => {
      const node = button("key", key, "Key " + (KEY_NAMES[key] || key));
      node.dataset.key = key;
      pad.append(node);
      return node;
    });
    const silent = button("wait", "Stay silent");
    const message = button("record", "Leave a message");
    const hangUp = button("hangup", "Hang up");
    const actions = element("div", "call-actions");
    actions.append(silent, message, hangUp);
    box.append(call, status, pad, actions, heard);
    tools.append(box);

    let sid = null;

    function controls(c) {
      const live = Boolean(c && !c.ended);
      call.disabled = live;
      keys.forEach((node) => { node.disabled = !live; });
      silent.disabled = !live;
      message.disabled = !(live && c.waiting_for === "Record");
      hangUp.disabled = !live;
    }

    function render(c) {
      heard.replaceChildren(...c.transcript.map((s) => {
        const item = element("li", "", s.text);
        // Screen readers read each prompt in its own language.
        if (s.language) item.lang = s.language;
        return item;
      }));
      heard.scrollTop = heard.scrollHeight;
      let text = c.waiting_for === "Record" ? "Recording after the beep: leave a message, or press #."
        : c.waiting_for === "Gather" ? "Waiting for keys." : "Call ended.";
      if (c.error) text = c.error;
      if (c.errors && c.errors.length) text += " Errors: " + c.errors.join("; ");
      status.textContent = text;
      controls(c);
    }

    async function post(url, data) {
      try {
        const response = await fetch(url, {
          method: "POST",
          body: new URLSearchParams(data || {}),
          headers: { Accept: "application/json" },
        });
        const answer = await response.json();
        if (answer.sid) {
          sid = answer.sid;
          render(answer);
        } else {
          status.textContent = answer.error || "The call could not go through.";
        }
      } catch (error) {
        status.textContent = "The simulator could not be reached.";
      }
      if (window.SimPhones) window.SimPhones.refresh();  // an acknowledgement text may follow
    }

    function act(action, data) {
      if (sid) return post("/_sim/call/" + encodeURIComponent(sid) + "/" + action, data);
      return undefined;
    }

    call.addEventListener("click", () => {
      const to = card.querySelector(".compose input[name=to]");
      status.textContent = "Calling…";
      post("/_sim/call", { from: number, to: to ? to.value : "" });
    });
    keys.forEach((node) => node.addEventListener("click", () => act("press", { keys: node.dataset.key })));
    pad.addEventListener("keydown", (event) => {
      if (KEYS.includes(event.key)) {
        event.preventDefault();
        const node = keys[KEYS.indexOf(event.key)];
        if (!node.disabled) node.click();
      }
    });
    silent.addEventListener("click", () => act("wait"));
    message.addEventListener("click", () => act("record"));
    hangUp.addEventListener("click", () => act("hangup"));
    controls(null);
  }

  if (window.SimPhones) window.SimPhones.addTool(setup);
})();

// Tells the server every few seconds that this article's form is open, and shows who else has it
// open (editorial/presence.py). Nothing is locked: the save's version check protects the article.
(function () {
  "use strict";
  const box = document.getElementById("presence");
  const form = document.querySelector("#content-main form");
  if (!box || !form) return;
  const url = new URL(box.dataset.url, window.location.href).href;
  const token = () => form.querySelector("input[name=csrfmiddlewaretoken]").value;

  function beat(leave) {
    const body = new FormData();
    body.append("csrfmiddlewaretoken", token());
    if (leave) {
      body.append("leave", "1");
      navigator.sendBeacon(url, body);
      return;
    }
    fetch(url, { method: "POST", body: body, credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : null))
      .then((data) => {
        if (!data) return;
        box.querySelector(".editorial-presence-names").textContent = data.others.map((other) => other.text).join(", ");
        box.hidden = data.others.length === 0;
      })
      .catch(() => {});
  }
  window.setInterval(() => beat(false), Number(box.dataset.beat || 20) * 1000);
  window.addEventListener("pagehide", () => beat(true));
})();

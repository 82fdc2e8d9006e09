// 安居 — the registration form's ID check: as the ID number is typed, ask the server
// what it says (birth date, sex, origin) or why it is wrong, and show it. No other
// script runs on the pages.
"use strict";
(function () {
  const input = document.getElementById("resident_id");
  if (!input) return;
  const show = (id, text) => {
    const out = document.getElementById(id);
    if (out) out.textContent = text || "";
  };
  let pending = 0;
  input.addEventListener("input", async () => {
    const ticket = ++pending;
    const response = await fetch("/id-check?number=" + encodeURIComponent(input.value), {
      credentials: "same-origin",
    });
    if (!response.ok || ticket !== pending) return;
    const answer = await response.json();
    show("id-birth", answer.birth_date);
    show("id-sex", answer.sex);
    show("id-origin", answer.origin);
    show("id-error", answer.error);
    input.setAttribute("aria-invalid", answer.error ? "true" : "false");
  });
})();

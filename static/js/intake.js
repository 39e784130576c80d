// Intake form: add/remove payers, pick the representative, look payers up by identity number.
(function () {
  "use strict";
  const form = document.getElementById("intake-form");
  if (!form) return;
  const config = JSON.parse(document.getElementById("intake-config").textContent);
  const payers = document.getElementById("payers");
  const total = form.querySelector("input[name='payer-TOTAL_FORMS']");
  const template = document.getElementById("payer-template");
  const repField = form.querySelector("input[name='representative']");

  function renumber() {
    const rows = payers.querySelectorAll(".payer-row");
    rows.forEach(function (row, index) {
      row.dataset.index = index;
      row.querySelectorAll("input, select, textarea, label").forEach(function (el) {
        ["name", "id", "for"].forEach(function (attr) {
          const value = el.getAttribute(attr);
          if (value) el.setAttribute(attr, value.replace(/payer-(\d+|__prefix__)-/, "payer-" + index + "-").replace(/^rep-(\d+|__prefix__)$/, "rep-" + index));
        });
        if (el.name === "representative_choice") el.value = index;
      });
    });
    total.value = rows.length;
    const checked = payers.querySelector("input[name='representative_choice']:checked");
    if (!checked && rows.length) rows[0].querySelector("input[name='representative_choice']").checked = true;
    syncRepresentative();
  }

  function syncRepresentative() {
    const checked = payers.querySelector("input[name='representative_choice']:checked");
    repField.value = checked ? checked.value : 0;
  }

  document.getElementById("add-payer").addEventListener("click", function () {
    const html = template.innerHTML.replace(/__prefix__/g, String(payers.children.length));
    payers.insertAdjacentHTML("beforeend", html);
    const row = payers.lastElementChild;
    row.querySelector("input[name='representative_choice']").checked = false;
    renumber();
  });

  payers.addEventListener("click", function (event) {
    if (!event.target.classList.contains("remove-payer")) return;
    if (payers.querySelectorAll(".payer-row").length <= 1) return;
    event.target.closest(".payer-row").remove();
    renumber();
  });

  payers.addEventListener("change", function (event) {
    if (event.target.name === "representative_choice") syncRepresentative();
    if (event.target.name && event.target.name.endsWith("-id_number")) lookup(event.target);
  });

  function lookup(input) {
    // The server normalises (full-width digits, spaces); this only saves a request per keystroke.
    const value = input.value.normalize("NFKC").replace(/[\s-]+/g, "").toUpperCase();
    const row = input.closest(".payer-row");
    const result = row.querySelector(".lookup-result");
    result.textContent = "";
    if (value.length !== 18) return;
    fetch(config.lookupUrl + "?id_number=" + encodeURIComponent(value), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : { found: false }; })
      .then(function (data) {
        if (!data.found) {
          // Known only on cases the user does not see: nothing of it is shown or filled in.
          if (data.refused) result.textContent = data.refused;
          else if (data.known_elsewhere) result.textContent = config.knownElsewhere;
          return;
        }
        const set = function (field, val) {
          const el = row.querySelector("[name$='-" + field + "']");
          if (el && !el.value && val) el.value = val;
        };
        row.querySelector("[name$='-kind']").value = data.kind;
        set("name", data.name);
        set("address", data.address);
        set("contact_person", data.contact_person);
        result.textContent = config.found + (data.open_cases ? "（" + data.open_cases + " " + config.openCases + "）" : "");
      });
  }

  const initial = repField.value || "0";
  const radio = payers.querySelector("input[name='representative_choice'][value='" + initial + "']");
  if (radio) radio.checked = true;
  renumber();
})();

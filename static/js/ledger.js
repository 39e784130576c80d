// The ledger's exports in progress: each bar asks its job's status every second and moves,
// then turns into a download link (or says it failed). No library, no framework.
(function () {
  "use strict";
  var script = document.currentScript;
  var text = { ready: script.dataset.ready, failed: script.dataset.failed };

  function show(row, job) {
    var bar = row.querySelector(".progress-bar");
    var meter = row.querySelector(".progress");
    bar.style.width = job.percent + "%";
    bar.textContent = job.percent + "%";
    meter.setAttribute("aria-valuenow", job.percent);
    row.dataset.status = job.status;
    var state = row.querySelector(".job-state");
    if (job.download) {
      bar.classList.remove("progress-bar-striped", "progress-bar-animated");
      bar.classList.add("bg-success");
      var link = document.createElement("a");
      link.className = "job-download";
      link.href = job.download;
      link.textContent = text.ready;
      state.replaceChildren(link);
      return true;
    }
    if (job.status === "failed" || job.status === "expired") {
      bar.classList.remove("progress-bar-striped", "progress-bar-animated");
      bar.classList.add("bg-danger");
      state.textContent = job.status === "failed" ? text.failed : job.label;
      return true;
    }
    state.textContent = job.label;
    return false;
  }

  function poll(row) {
    fetch(row.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (job) {
        if (job && !show(row, job)) { window.setTimeout(function () { poll(row); }, 1000); }
      })
      .catch(function () { window.setTimeout(function () { poll(row); }, 5000); });
  }

  document.querySelectorAll(".export-job").forEach(function (row) {
    if (row.dataset.status === "pending" || row.dataset.status === "running") { poll(row); }
  });
})();

// The dashboard: reads the figures' JSON (reports:dashboard-data) and draws each series with
// ECharts; every bar, slice and number opens the ledger filtered to the cases behind it.
(function () {
  "use strict";
  const root = document.getElementById("dashboard");
  if (!root || typeof echarts === "undefined") return;
  const text = JSON.parse(document.getElementById("dashboard-text").textContent);
  const PIES = ["by_payer_kind", "by_classification", "court"];
  const SHARES = ["on_time_by_department", "on_time_by_stage", "declines_by_department"];
  const SIDEWAYS = ["by_category", "by_jurisdiction", "on_time_by_stage", "escalated_by_centre"];
  const charts = [];

  function casesOf(item) {
    return item.cases !== undefined ? item.cases : item.value;
  }

  function shown(name, item) {
    if (SHARES.indexOf(name) >= 0) {
      return (item.value * 100).toFixed(1) + "%（" + text.cases.replace("%s", casesOf(item)) + "）";
    }
    if (name === "reply_days_by_classification") {
      return text.days.replace("%(mean)s", item.value).replace("%(p90)s", item.p90) +
        "（" + text.cases.replace("%s", item.cases) + "）";
    }
    return String(item.value);
  }

  function link(item, label) {
    const a = document.createElement("a");
    a.href = item.url;
    a.textContent = label;
    return a;
  }

  function figures(name, items) {
    const list = document.getElementById("figures-" + name);
    items.forEach(function (item) {
      const li = document.createElement("li");
      li.className = "list-inline-item";
      li.dataset.key = item.key;
      li.appendChild(document.createTextNode(item.label + "："));
      li.appendChild(link(item, shown(name, item)));
      list.appendChild(li);
    });
  }

  function datum(item, value) {
    return { value: value, url: item.url, name: item.label };
  }

  function option(name, items) {
    const labels = items.map(function (item) { return item.label; });
    if (PIES.indexOf(name) >= 0) {
      return {
        tooltip: { trigger: "item" },
        series: [{
          type: "pie",
          radius: ["35%", "65%"],
          data: items.map(function (item) { return datum(item, item.value); }),
        }],
      };
    }
    const share = SHARES.indexOf(name) >= 0;
    const values = { type: "value" };
    if (share) {
      values.max = 100;
      values.axisLabel = { formatter: "{value}%" };
    }
    const categories = { type: "category", data: labels, axisLabel: { interval: 0, width: 90, overflow: "truncate" } };
    let series;
    if (name === "reply_days_by_classification") {
      series = [
        { type: "bar", name: text.mean, data: items.map(function (item) { return datum(item, item.value); }) },
        { type: "bar", name: text.p90, data: items.map(function (item) { return datum(item, item.p90); }) },
      ];
    } else {
      series = [{
        type: "bar",
        data: items.map(function (item) {
          return datum(item, share ? Math.round(item.value * 1000) / 10 : item.value);
        }),
      }];
    }
    const sideways = SIDEWAYS.indexOf(name) >= 0;
    if (sideways) categories.inverse = true;
    return {
      tooltip: { trigger: "item" },
      legend: series.length > 1 ? {} : undefined,
      grid: { containLabel: true, left: 8, right: 16, top: series.length > 1 ? 28 : 12, bottom: 8 },
      xAxis: sideways ? values : categories,
      yAxis: sideways ? categories : values,
      series: series,
    };
  }

  function chart(name, items) {
    const el = document.getElementById("chart-" + name);
    if (!el) return;
    if (!items.length) {
      el.classList.add("is-empty");
      el.textContent = text.none;
      return;
    }
    const c = echarts.init(el);
    c.setOption(option(name, items));
    c.on("click", function (params) {
      if (params.data && params.data.url) window.location.assign(params.data.url);
    });
    charts.push(c);
    figures(name, items);
  }

  function totals(items) {
    const row = document.getElementById("totals");
    items.forEach(function (item) {
      const col = document.createElement("div");
      col.className = "col-6 col-md-3";
      const card = document.createElement("div");
      card.className = "card card-body py-2";
      const label = document.createElement("div");
      label.className = "small text-muted";
      label.textContent = item.label;
      const number = link(item, String(item.value));
      number.className = "h4 mb-0 text-decoration-none";
      number.id = "total-" + item.key;
      card.appendChild(label);
      card.appendChild(number);
      col.appendChild(card);
      row.appendChild(col);
    });
  }

  function hotspots(items) {
    const box = document.getElementById("hotspots");
    if (!items.length) {
      box.textContent = text.none;
      return;
    }
    const rows = [], columns = [], cells = {};
    let max = 0;
    items.forEach(function (item) {
      if (rows.indexOf(item.row) < 0) rows.push(item.row);
      if (columns.indexOf(item.column) < 0) columns.push(item.column);
      cells[item.row + "\u0000" + item.column] = item;
      max = Math.max(max, item.value);
    });
    const table = document.createElement("table");
    table.className = "table table-sm table-bordered heat-table mb-0";
    const head = table.createTHead().insertRow();
    head.appendChild(document.createElement("th"));
    columns.forEach(function (column) {
      const th = document.createElement("th");
      th.scope = "col";
      th.textContent = column;
      head.appendChild(th);
    });
    const body = table.createTBody();
    rows.forEach(function (rowLabel) {
      const tr = body.insertRow();
      const th = document.createElement("th");
      th.scope = "row";
      th.textContent = rowLabel;
      tr.appendChild(th);
      columns.forEach(function (column) {
        const td = tr.insertCell();
        const item = cells[rowLabel + "\u0000" + column];
        if (!item) return;
        td.dataset.key = item.key;
        td.style.backgroundColor = "rgba(220, 53, 69, " + (0.1 + 0.6 * item.value / max).toFixed(2) + ")";
        td.appendChild(link(item, String(item.value)));
      });
    });
    box.appendChild(table);
  }

  fetch(root.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) throw new Error(Object.values(data.errors || {}).join(" "));
        return data;
      });
    })
    .then(function (data) {
      totals(data.totals);
      Object.keys(data.meta.titles).forEach(function (name) {
        if (name !== "totals" && name !== "hotspots") chart(name, data[name]);
      });
      hotspots(data.hotspots);
      root.dataset.ready = "1";
    })
    .catch(function (error) {
      const box = document.getElementById("dashboard-error");
      box.textContent = text.failed + " " + error.message;
      box.classList.remove("d-none");
    });

  window.addEventListener("resize", function () {
    charts.forEach(function (c) { c.resize(); });
  });
})();

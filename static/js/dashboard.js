// The dashboard: reads the figures' JSON (reports:dashboard-data) and draws each series with
// ECharts; every bar, slice and number opens the ledger filtered to the cases behind it.
(function () {
  "use strict";
  const root = document.getElementById("dashboard");
  if (!root || typeof echarts === "undefined") return;
  const text = JSON.parse(document.getElementById("dashboard-text").textContent);
  const PIES = ["by_payer_kind", "by_classification", "court"];
  const SHARES = [
    "on_time_by_department", "on_time_by_stage", "declines_by_department",
    "satisfaction_by_centre", "satisfaction_by_department", "redo_by_centre", "redo_by_department",
  ];
  // What each share is of, by its series (the time limits met unless named here).
  const SHARE_OF = {
    declines_by_department: "declined",
    satisfaction_by_centre: "satisfied",
    satisfaction_by_department: "satisfied",
    redo_by_centre: "redone",
    redo_by_department: "redone",
  };
  // Long names (departments, categories, places, states) read across, one bar a row.
  const SIDEWAYS = [
    "by_channel", "by_category", "by_jurisdiction", "by_state", "on_time_by_department",
    "on_time_by_stage", "overdue_by_department", "declines_by_department",
    "extensions_by_department", "escalated_by_centre", "satisfaction_by_centre",
    "satisfaction_by_department", "redo_by_centre", "redo_by_department",
  ];
  const charts = [];

  // A translated text with the item's figures put in (``%(met)s`` and the like).
  function fill(template, item) {
    return template.replace(/%\((\w+)\)s/g, function (_match, key) { return item[key]; });
  }

  function shown(name, item) {
    if (SHARES.indexOf(name) >= 0) {
      // The share, and what it is a share of: time limits met, cases declined, rated, replied.
      const of = text[SHARE_OF[name] || "on_time"];
      return (item.value * 100).toFixed(1) + "%（" + fill(of, item) + "）";
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
    return { value: value, url: item.url, name: item.label, item: item };
  }

  // The tooltip says what the figures list says: the share with its cases, the mean with the
  // 90th percentile, the count.
  function tooltip(name) {
    return {
      trigger: "item",
      formatter: function (params) {
        const item = params.data && params.data.item;
        return item ? item.label + "：" + shown(name, item) : params.name;
      },
    };
  }

  function option(name, items) {
    const labels = items.map(function (item) { return item.label; });
    if (PIES.indexOf(name) >= 0) {
      return {
        tooltip: tooltip(name),
        series: [{
          type: "pie",
          radius: ["35%", "60%"],
          percentPrecision: 1,
          label: { formatter: "{b}\n{c}（{d}%）", lineHeight: 18 },
          data: items.map(function (item) { return datum(item, item.value); }),
        }],
      };
    }
    const share = SHARES.indexOf(name) >= 0;
    const sideways = SIDEWAYS.indexOf(name) >= 0;
    const values = { type: "value" };
    if (share) {
      values.max = 100;
      values.axisLabel = { formatter: "{value}%" };
    } else {
      values.minInterval = 1; // counts of cases and working days: no 0.2 of a case
    }
    const categories = { type: "category", data: labels };
    if (sideways) {
      categories.inverse = true;
      categories.axisLabel = { interval: 0, width: 130, overflow: "truncate" };
    } else if (name === "by_month") {
      // Twelve months and more: slanted, and thinned out when they would still overlap.
      categories.axisLabel = { interval: "auto", rotate: 45, hideOverlap: true };
    } else {
      categories.axisLabel = { interval: 0, width: 80, overflow: "break" };
    }
    const label = {
      show: true,
      position: sideways ? "right" : "top",
      formatter: share ? "{c}%" : "{c}",
    };
    let series;
    if (name === "reply_days_by_classification") {
      series = [
        { type: "bar", name: text.mean, label: label, data: items.map(function (item) { return datum(item, item.value); }) },
        { type: "bar", name: text.p90, label: label, data: items.map(function (item) { return datum(item, item.p90); }) },
      ];
    } else {
      series = [{
        type: "bar",
        label: label,
        barMaxWidth: 32,
        data: items.map(function (item) {
          return datum(item, share ? Math.round(item.value * 1000) / 10 : item.value);
        }),
      }];
    }
    return {
      tooltip: tooltip(name),
      legend: series.length > 1 ? {} : undefined,
      grid: {
        containLabel: true,
        left: 8,
        right: sideways ? 48 : 16,
        top: series.length > 1 ? 48 : 24,
        bottom: 8,
      },
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
    if (SIDEWAYS.indexOf(name) >= 0) {
      // A row of its own height for each bar, so that no label crowds the next.
      el.style.height = Math.max(260, items.length * 26 + 48) + "px";
    }
    const c = echarts.init(el, null, { renderer: "svg" });
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

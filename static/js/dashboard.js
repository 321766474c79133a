// Draw the dashboard's charts from /api/v1/dashboard/: the figures other systems pull too.
(function () {
  "use strict";

  const STATUS_COLOURS = {
    not_started: "#4b5563", on_track: "#166534", at_risk: "#92400e",
    off_track: "#b91c1c", completed: "#1e40af", discontinued: "#9ca3af",
  };

  // The interface's words in the page's language: Django's JavaScript catalogue (/jsi18n/).
  const gettext = window.gettext || ((text) => text);

  // A month of the trend ("2025-08") as the page's language writes it: 「2025年8月」, "Aug 2025".
  const MONTH = new Intl.DateTimeFormat(document.documentElement.lang || "en", {
    year: "numeric", month: "short", timeZone: "UTC",
  });
  function monthLabel(month) {
    return MONTH.format(new Date(month + "-01T00:00:00Z"));
  }

  // Break a long label into lines of at most `width` characters (Chart.js draws arrays as lines).
  function wrap(text, width) {
    if (!text.includes(" ")) {
      // A language written without spaces (Japanese): break every `width` characters.
      const pieces = [];
      for (let i = 0; i < text.length; i += width) pieces.push(text.slice(i, i + width));
      return pieces;
    }
    const lines = [];
    let line = "";
    text.split(" ").forEach((word) => {
      if (line && (line + " " + word).length > width) {
        lines.push(line);
        line = word;
      } else {
        line = line ? line + " " + word : word;
      }
    });
    if (line) lines.push(line);
    return lines;
  }

  function goTo(links) {
    return function (event, elements) {
      if (!elements.length) return;
      const link = links(elements[0]);
      if (link) window.location.href = link;
    };
  }

  function pillarStatus(figures) {
    const canvas = document.getElementById("chart-pillar-status");
    const statuses = Object.keys(figures.overall.by_status);
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: figures.pillars.map((p) => wrap(p.name, 14)),
        datasets: statuses.map((status) => ({
          label: figures.overall.by_status[status].label,
          data: figures.pillars.map((p) => p.by_status[status].count),
          backgroundColor: STATUS_COLOURS[status],
        })),
      },
      options: {
        maintainAspectRatio: false,
        plugins: {
          title: { display: true, text: gettext("Status mix per pillar") },
          legend: { position: "bottom", labels: { boxWidth: 12 } },
        },
        scales: {
          x: { stacked: true, ticks: { maxRotation: 0, autoSkip: false, font: { size: 10 } } },
          y: { stacked: true, ticks: { precision: 0 } },
        },
        onClick: goTo((el) => figures.pillars[el.index].by_status[statuses[el.datasetIndex]].link),
      },
    });
    canvas.dataset.chartReady = "true";
  }

  function pillarProgress(figures) {
    const canvas = document.getElementById("chart-pillar-progress");
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: figures.pillars.map((p) => wrap(p.name, 18)),
        datasets: [{ label: gettext("Mean progress (%)"), data: figures.pillars.map((p) => p.progress),
                     backgroundColor: "#1e40af" }],
      },
      options: {
        maintainAspectRatio: false,
        indexAxis: "y",
        plugins: { title: { display: true, text: gettext("Progress per pillar") }, legend: { display: false } },
        scales: {
          x: { min: 0, max: 100 },
          y: { ticks: { autoSkip: false, font: { size: 10 } } },
        },
        onClick: goTo((el) => figures.pillars[el.index].link),
      },
    });
    canvas.dataset.chartReady = "true";
  }

  function leadSides(figures) {
    const canvas = document.getElementById("chart-lead-sides");
    if (!canvas) return; // shown only once a commitment is led by one side
    new Chart(canvas, {
      type: "doughnut",
      data: {
        labels: figures.lead_sides.map((s) => s.label),
        datasets: [{ data: figures.lead_sides.map((s) => s.commitments),
                     backgroundColor: ["#ea580c", "#b91c1c", "#1e40af"] }],
      },
      options: {
        maintainAspectRatio: false,
        plugins: { title: { display: true, text: gettext("Who leads") } },
        onClick: goTo((el) => figures.lead_sides[el.index].link),
      },
    });
    canvas.dataset.chartReady = "true";
  }

  // Month by month since the declaration: the status mix as stacked areas, mean progress as a
  // line on its own axis; a point opens the list as of that month's end. The same figures go
  // into the table under the chart, for readers who do not see it.
  function trend(points, labels) {
    const canvas = document.getElementById("chart-trend");
    const statuses = Object.keys(labels);
    new Chart(canvas, {
      type: "line",
      data: {
        labels: points.map((p) => monthLabel(p.month)),
        datasets: statuses.map((status) => ({
          label: labels[status],
          data: points.map((p) => p.by_status[status]),
          backgroundColor: STATUS_COLOURS[status],
          borderColor: STATUS_COLOURS[status],
          fill: true,
          pointRadius: 2,
          stack: "status",
          yAxisID: "y",
        })).concat([{
          label: gettext("Mean progress (%)"),
          data: points.map((p) => p.progress),
          borderColor: "#111827",
          borderDash: [4, 3],
          fill: false,
          yAxisID: "progress",
        }]),
      },
      options: {
        maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        plugins: {
          title: { display: true, text: gettext("Since the declaration, month by month") },
          legend: { position: "bottom", labels: { boxWidth: 12 } },
        },
        scales: {
          y: { stacked: true, ticks: { precision: 0 }, title: { display: true, text: gettext("Commitments") } },
          progress: { position: "right", min: 0, max: 100, grid: { drawOnChartArea: false },
                      title: { display: true, text: gettext("Mean progress (%)") } },
        },
        onClick: goTo((el) => points[el.index].link),
      },
    });
    const head = document.querySelector("#trend-table thead tr");
    statuses.forEach((status) => {
      const th = document.createElement("th");
      th.scope = "col";
      th.textContent = labels[status];
      head.appendChild(th);
    });
    const body = document.querySelector("#trend-table tbody");
    points.forEach((p) => {
      const row = document.createElement("tr");
      const month = document.createElement("th");
      month.scope = "row";
      const link = document.createElement("a");
      link.href = p.link;
      link.textContent = monthLabel(p.month);
      month.appendChild(link);
      row.appendChild(month);
      [p.progress + "%", ...statuses.map((status) => p.by_status[status])].forEach((value) => {
        const cell = document.createElement("td");
        cell.textContent = value;
        row.appendChild(cell);
      });
      body.appendChild(row);
    });
    canvas.dataset.chartReady = "true";
  }

  function getJson(path) {
    return fetch(path, { credentials: "same-origin", headers: { Accept: "application/json", "Accept-Language": document.documentElement.lang } })
      .then((response) => {
        if (!response.ok) throw new Error(path + ": HTTP " + response.status);
        return response.json();
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    // The page's own instant: the charts of a past dashboard are those of that instant.
    const asOf = new URLSearchParams(window.location.search).get("as_of");
    const query = asOf ? "?as_of=" + encodeURIComponent(asOf) : "";
    Promise.all([getJson("/api/v1/dashboard/" + query), getJson("/api/v1/dashboard/trend/")])
      .then(([figures, since]) => {
        pillarStatus(figures);
        pillarProgress(figures);
        leadSides(figures);
        const labels = {};
        Object.entries(figures.overall.by_status).forEach(([status, figure]) => { labels[status] = figure.label; });
        trend(since.points, labels);
      })
      .catch((error) => {
        document.querySelectorAll(".chart-box").forEach((box) => {
          box.insertAdjacentHTML("beforeend", `<p class="error">${gettext("The chart could not be drawn; the table below has the figures.")}</p>`);
        });
        console.error(error);
      });
  });
})();

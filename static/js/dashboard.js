// Draw the dashboard's charts from /api/v1/dashboard/: the figures other systems pull too.
(function () {
  "use strict";

  const STATUS_COLOURS = {
    not_started: "#4b5563", on_track: "#166534", at_risk: "#92400e",
    off_track: "#b91c1c", completed: "#1e40af", discontinued: "#9ca3af",
  };

  // The interface's words in the page's language: Django's JavaScript catalogue (/jsi18n/).
  const gettext = window.gettext || ((text) => text);

  // Break a long label into lines of at most `width` characters (Chart.js draws arrays as lines).
  function wrap(text, width) {
    if (!text.includes(" ")) {
      // A language written without spaces (Japanese): break between words (the browser's
      // word segmenter, else after the joints ・、と), never inside one; a word longer than a
      // line stays whole (the chart then slants its labels rather than let them overlap).
      const pieces = typeof Intl.Segmenter === "function"
        ? Array.from(new Intl.Segmenter("ja", { granularity: "word" }).segment(text), (s) => s.segment)
        : text.split(/(?<=[・、と])/u).filter(Boolean);
      const lines = [];
      let line = "";
      pieces.forEach((piece) => {
        if (line && (line + piece).length > width) {
          lines.push(line);
          line = "";
        }
        line += piece;
      });
      if (line) lines.push(line);
      return lines;
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

  // How many characters of a label fit under one of `count` bars of the canvas, so that
  // neighbouring labels never overlap: a Japanese character is about as wide as the font is
  // high, a Latin one about half that.
  function labelWidth(canvas, count, fontSize, most) {
    const perLabel = (canvas.parentElement.clientWidth || 320) / Math.max(count, 1) - 6;
    const japanese = document.documentElement.lang === "ja";
    const fits = Math.floor(perLabel / (japanese ? fontSize : fontSize * 0.55));
    return Math.max(japanese ? 3 : 6, Math.min(most, fits));
  }

  // A month as the page's language writes it: 2025年8月, Aug 2025.
  function monthLabel(month) {
    const [year, number] = month.split("-").map(Number);
    const lang = document.documentElement.lang || "en";
    return new Intl.DateTimeFormat(lang, { year: "numeric", month: lang === "ja" ? "long" : "short", timeZone: "UTC" })
      .format(new Date(Date.UTC(year, number - 1, 1)));
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
    const width = labelWidth(canvas, figures.pillars.length, 10, 14);
    const labels = figures.pillars.map((p) => wrap(p.name, width));
    // Labels that fit their bar stand level; else they slant, and never overlap.
    const level = labels.every((lines) => lines.every((line) => line.length <= width));
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: labels,
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
          x: { stacked: true, ticks: { maxRotation: level ? 0 : 60, autoSkip: false, font: { size: 10 } } },
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

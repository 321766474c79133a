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

  document.addEventListener("DOMContentLoaded", function () {
    fetch("/api/v1/dashboard/", { credentials: "same-origin", headers: { Accept: "application/json", "Accept-Language": document.documentElement.lang } })
      .then((response) => {
        if (!response.ok) throw new Error("dashboard figures: HTTP " + response.status);
        return response.json();
      })
      .then((figures) => {
        pillarStatus(figures);
        pillarProgress(figures);
        leadSides(figures);
      })
      .catch((error) => {
        document.querySelectorAll(".chart-box").forEach((box) => {
          box.insertAdjacentHTML("beforeend", `<p class="error">${gettext("The chart could not be drawn; the table below has the figures.")}</p>`);
        });
        console.error(error);
      });
  });
})();

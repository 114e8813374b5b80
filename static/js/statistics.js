// Statistics dashboards: bars for breakdowns, a line for the monthly trend. Data from json_script
// (no inline script under CSP); every chart has the same figures in the table under it. A click on a
// bar goes to that table. Hidden (suppressed) figures are gaps, never drawn.
(function () {
  const source = document.getElementById("statistics-charts");
  if (!source || typeof Chart === "undefined") return;
  for (const chart of JSON.parse(source.textContent)) {
    const canvas = document.getElementById("chart-" + chart.id);
    if (!canvas) continue;
    new Chart(canvas, {
      type: chart.type,
      data: {
        labels: chart.labels,
        datasets: [{ label: chart.label, data: chart.values, backgroundColor: "#0d6efd", borderColor: "#0d6efd" }],
      },
      options: {
        indexAxis: chart.type === "bar" && chart.labels.length > 8 ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false, // the box's height is set in app.css: short on phones, not huge on wide screens
        animation: false,
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { display: false } },
        onClick: function () {
          const table = document.getElementById("data-" + chart.id);
          if (table) { table.scrollIntoView(); table.focus(); window.location.hash = "data-" + chart.id; }
        },
      },
    });
  }
})();

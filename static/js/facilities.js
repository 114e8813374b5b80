// Facilities: the occupancy chart (data from the page's json_script; no inline script under CSP).
(function () {
  const data = document.getElementById("occupancy-data");
  const canvas = document.getElementById("occupancy-chart");
  if (!data || !canvas || typeof Chart === "undefined") return;
  const chart = JSON.parse(data.textContent);
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: chart.labels,
      datasets: [
        { label: chart.residentsLabel, data: chart.residents, backgroundColor: "#0d6efd" },
        { label: chart.freeLabel, data: chart.free, backgroundColor: "#adb5bd" },
      ],
    },
    options: {
      indexAxis: chart.labels.length > 8 ? "y" : "x",
      responsive: true,
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
      plugins: { legend: { position: "bottom" } },
    },
  });
})();

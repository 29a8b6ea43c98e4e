/* Draws every <canvas data-chart="ID"> from the JSON the server put in <script id="ID"> (a
   report's Chart.as_json): bar, line, pie or doughnut, values formatted as the page formats them
   (money through FrontdeskMoney, shares as percentages). The numbers are the report's own — the
   script only draws them. Also serves sparklines: <canvas data-sparkline="ID">. */
(function () {
  if (!window.Chart) return;
  const palette = ['#6d28d9', '#0ea5e9', '#22c55e', '#f59e0b', '#ef4444', '#14b8a6', '#a855f7', '#64748b', '#ec4899', '#84cc16'];
  const lang = document.documentElement.lang || undefined;
  function formatter(kind, currency) {
    const money = window.FrontdeskMoney;
    return function (value) {
      if (value === null || value === undefined) return '—';
      if (kind === 'money' && money) return money.format(Math.round(value * 100), currency || undefined);
      if (kind === 'share') return (value * 100).toLocaleString(lang, { maximumFractionDigits: 1 }) + '\u00a0%';
      if (kind === 'minutes') return Math.floor(value / 60) + ':' + String(Math.round(value % 60)).padStart(2, '0');
      return Number(value).toLocaleString(lang, { maximumFractionDigits: 2 });
    };
  }
  function read(id) {
    const node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }
  function draw(canvas) {
    const spec = read(canvas.dataset.chart);
    if (!spec) return;
    const format = formatter(spec.values, canvas.dataset.currency);
    const round = spec.type === 'pie' || spec.type === 'doughnut';
    const stacked = spec.series.some(function (s) { return s.stack; });
    const datasets = spec.series.map(function (s, i) {
      const colour = palette[i % palette.length];
      return {
        label: s.label,
        data: s.data,
        stack: s.stack || undefined,
        backgroundColor: round ? spec.labels.map(function (_, j) { return palette[j % palette.length]; }) : colour,
        borderColor: round ? '#fff' : colour,
        tension: 0.25,
        fill: false,
      };
    });
    const valueAxis = { beginAtZero: true, stacked: stacked, ticks: { callback: function (v) { return format(v); } } };
    new window.Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        animation: false,
        maintainAspectRatio: false,
        indexAxis: spec.horizontal ? 'y' : 'x',
        plugins: {
          legend: { display: round || datasets.length > 1, position: 'bottom' },
          tooltip: {
            callbacks: {
              label: function (ctx) {
                const value = round ? ctx.parsed : (spec.horizontal ? ctx.parsed.x : ctx.parsed.y);
                return (ctx.dataset.label && !round ? ctx.dataset.label + ': ' : (round ? ctx.label + ': ' : '')) + format(value);
              },
            },
          },
        },
        scales: round ? {} : (spec.horizontal
          ? { x: valueAxis, y: { stacked: stacked } }
          : { y: valueAxis, x: { stacked: stacked } }),
      },
    });
    canvas.dataset.drawn = 'true';
  }
  function sparkline(canvas) {
    const spec = read(canvas.dataset.sparkline);
    if (!spec) return;
    new window.Chart(canvas, {
      type: 'line',
      data: { labels: spec.labels, datasets: [{ data: spec.series[0].data, borderColor: palette[0], borderWidth: 1.5, pointRadius: 0, tension: 0.3, fill: false }] },
      options: { animation: false, maintainAspectRatio: false, plugins: { legend: { display: false }, tooltip: { enabled: false } }, scales: { x: { display: false }, y: { display: false, beginAtZero: true } } },
    });
    canvas.dataset.drawn = 'true';
  }
  function drawAll(root) {
    root.querySelectorAll('canvas[data-chart]:not([data-drawn])').forEach(draw);
    root.querySelectorAll('canvas[data-sparkline]:not([data-drawn])').forEach(sparkline);
  }
  drawAll(document);
  document.body.addEventListener('htmx:afterSettle', function (event) { drawAll(event.target); });
  window.FrontdeskCharts = { drawAll: drawAll };
})();

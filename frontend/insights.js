// The Insights page: the evolution chart (uPlot, a canvas), its legend toggles, the hover
// numbers, the click that opens a day's panel, and the range form. Wired by ids and data-
// attributes; the numbers come from the page's json_script block, never from inline script.
import uPlot from "uplot";

const $ = (sel, root = document) => root.querySelector(sel);

function cssVar(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || "#888";
}

function seconds(iso) {
  const [y, m, d] = iso.split("-").map(Number);
  return Date.UTC(y, m - 1, d) / 1000;
}

function setParam(name, value) {
  const url = new URL(window.location.href);
  if (value) url.searchParams.set(name, value);
  else url.searchParams.delete(name);
  history.replaceState(null, "", url);
}

function dayLabel(iso) {
  const [y, m, d] = iso.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString(document.documentElement.lang || undefined, {
    timeZone: "UTC", weekday: "short", year: "numeric", month: "short", day: "numeric",
  });
}

function openDay(box, iso) {
  const panel = $("#day-panel");
  if (!panel || !window.htmx) return;
  const url = `${box.dataset.dayUrl}?day=${iso}${box.dataset.query ? `&${box.dataset.query}` : ""}`;
  window.htmx.ajax("GET", url, { target: panel, swap: "innerHTML" }).then(() => {
    $("#day-panel-card")?.focus();
  });
  setParam("day", iso);
}

function chart(box) {
  const source = $("#evolution-data");
  if (!source) return;
  const data = JSON.parse(source.textContent);
  const xs = data.days.map(seconds);
  const hidden = new Set(data.hidden || []);
  const tip = $("#chart-tip", box);
  const height = () => (box.clientWidth < 600 ? 240 : 320);
  const opts = {
    width: Math.max(box.clientWidth, 200),
    height: height(),
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), "Etc/UTC"),
    legend: { show: false },
    cursor: { drag: { x: false, y: false }, points: { size: 7 } },
    scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(4, Math.ceil(max * 1.08))] } },
    axes: [
      { stroke: cssVar("--muted"), grid: { stroke: cssVar("--border"), width: 1 }, ticks: { show: false } },
      { stroke: cssVar("--muted"), grid: { stroke: cssVar("--border"), width: 1 }, ticks: { show: false }, size: 48,
        // whole clients only: no 2.5 on the axis
        incrs: [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1e3, 2e3, 2500, 5e3, 1e4, 2e4, 25e3, 5e4, 1e5, 2e5, 5e5, 1e6] },
    ],
    series: [
      {},
      ...data.series.map((s) => ({
        label: s.label,
        stroke: cssVar(`--status-${s.status}`),
        width: 2,
        show: !hidden.has(s.status),
        points: { show: false },
      })),
    ],
    hooks: {
      setCursor: [
        (u) => {
          const i = u.cursor.idx;
          if (i == null || u.cursor.left < 0) {
            tip.hidden = true;
            return;
          }
          const rows = data.series
            .map((s, k) => ({ s, k }))
            .filter(({ k }) => u.series[k + 1].show)
            .map(({ s }) => {
              const row = document.createElement("div");
              row.className = `tip-row status-${s.status}`;
              const swatch = document.createElement("span");
              swatch.className = "legend-swatch";
              const name = document.createElement("span");
              name.textContent = s.label;
              const n = document.createElement("strong");
              n.textContent = s.counts[i];
              row.append(swatch, name, n);
              return row;
            });
          const head = document.createElement("div");
          head.className = "tip-head";
          head.textContent = dayLabel(data.days[i]);
          const hint = document.createElement("div");
          hint.className = "tip-hint";
          hint.textContent = box.dataset.clickHint || "";
          tip.replaceChildren(head, ...rows, hint);
          tip.hidden = false;
          const left = u.cursor.left + u.over.offsetLeft;
          const room = box.clientWidth - left;
          tip.style.left = `${room < 220 ? left - tip.offsetWidth - 12 : left + 12}px`;
          tip.style.top = `${Math.max(0, u.cursor.top - 20)}px`;
        },
      ],
    },
  };
  const u = new uPlot(opts, [xs, ...data.series.map((s) => s.counts)], box);
  window.insightsChart = u; // for the browser tests and the curious
  u.over.addEventListener("click", () => {
    const i = u.cursor.idx;
    if (i != null) openDay(box, data.days[i]);
  });
  u.over.addEventListener("mouseleave", () => (tip.hidden = true));
  new ResizeObserver(() => {
    const width = Math.max(box.clientWidth, 200);
    if (width !== u.width) u.setSize({ width, height: height() });
  }).observe(box);

  document.querySelectorAll("#chart-legend [data-series]").forEach((button) => {
    button.addEventListener("click", () => {
      const k = data.series.findIndex((s) => s.status === button.dataset.series);
      const show = button.getAttribute("aria-pressed") !== "true";
      button.setAttribute("aria-pressed", String(show));
      u.setSeries(k + 1, { show });
      if (show) hidden.delete(button.dataset.series);
      else hidden.add(button.dataset.series);
      setParam("hide", [...hidden].join(","));
    });
  });
}

function rangeForm(form) {
  const select = form.querySelector("select[name=range]");
  select?.addEventListener("change", () => {
    if (select.value === "custom") form.querySelector("input[name=start]")?.focus();
    else form.requestSubmit();
  });
  // A preset names its own days: only a custom range sends them (a shorter link to share).
  form.addEventListener("submit", () => {
    if (select && select.value !== "custom") {
      form.querySelectorAll("input[type=date]").forEach((input) => (input.disabled = true));
    }
  });
  form.querySelectorAll("input[type=date]").forEach((input) =>
    input.addEventListener("change", () => {
      if (select) select.value = "custom";
    }),
  );
}

document.addEventListener("click", (event) => {
  if (!event.target.closest("[data-close-day-panel]")) return;
  $("#day-panel")?.replaceChildren();
  setParam("day", "");
  $("#evolution-chart")?.focus();
});

function start() {
  const box = $("[data-evolution-chart]");
  if (box) chart(box);
  const form = $("[data-insights-range]");
  if (form) rangeForm(form);
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();

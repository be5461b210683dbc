const t0 = performance.now();
const el = document.getElementById("c"); el.style.width = "900px"; el.style.height = "320px";
const ch = X.init(el); ch.setOption({animation: false, aria: {enabled: true}, tooltip: {trigger: "axis"}, legend: {}, xAxis: {type: "category", data: DAYS}, yAxis: {type: "value"}, series: S.map((s, k) => ({name: s, type: "line", stack: "a", areaStyle: {}, showSymbol: false, data: SER[k]}))});
requestAnimationFrame(() => { window.T = performance.now() - t0; });

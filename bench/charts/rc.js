const t0 = performance.now();
const cv = document.createElement("canvas"); cv.width = 900; cv.height = 320; document.getElementById("c").append(cv);
new X(cv, {type: "line", data: {labels: DAYS, datasets: S.map((s, k) => ({label: s, data: SER[k], fill: true, pointRadius: 0}))}, options: {animation: false, responsive: false, scales: {y: {stacked: true}}}});
requestAnimationFrame(() => { window.T = performance.now() - t0; });

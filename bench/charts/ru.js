const t0 = performance.now();
let acc = DAYS.map(() => 0);
const stacked = SER.map(s => (acc = acc.map((v, i) => v + s[i])));
const u = new X({width: 900, height: 320, series: [{}, ...S.map((s, k) => ({label: s, stroke: "#"+(k*2+3)+"6a", fill: "#"+(k*2+3)+"6a"}))], axes: [{}, {}]}, [DAYS, ...stacked], document.getElementById("c"));
requestAnimationFrame(() => { window.T = performance.now() - t0; });

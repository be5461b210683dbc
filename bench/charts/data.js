window.N = 365; window.S = ["lead","prospect","invited","waiting","active","at_risk","offboarding","inactive"];
window.DAYS = Array.from({length: N}, (_, i) => 1700000000 + i * 86400);
window.SER = S.map((s, k) => Array.from({length: N}, (_, i) => Math.round(1000 * (k + 1) + 300 * Math.sin(i / 20 + k))));

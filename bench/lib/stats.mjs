export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Median of the per-round ratios samples[name][r] / samples[base][r] (paired: same round). */
export function pairedRatios(samples, name, base, invert = false) {
  const a = samples[name];
  const b = samples[base];
  return a.map((x, i) => (invert ? b[i] / x : x / b[i]));
}

/** Interquartile range as [q1, q3], for the JSON. */
export function quartiles(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => {
    const i = (s.length - 1) * p;
    const lo = Math.floor(i);
    const hi = Math.ceil(i);
    return s[lo] + (s[hi] - s[lo]) * (i - lo);
  };
  return [q(0.25), q(0.75)];
}

export function summarize(samples, base, { invert = false } = {}) {
  const out = {};
  for (const name of Object.keys(samples)) {
    const ratios = base in samples ? pairedRatios(samples, name, base, invert) : null;
    out[name] = {
      median: median(samples[name]),
      iqr: quartiles(samples[name]),
      ratio: ratios ? median(ratios) : null,
      ratioIqr: ratios ? quartiles(ratios) : null,
      samples: samples[name],
    };
  }
  return out;
}

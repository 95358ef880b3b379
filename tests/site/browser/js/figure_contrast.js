// Contrast of a figure as drawn on screen: the image composited over its own CSS background
// (or the nearest ancestor's), through its CSS filter. Ink is the 0.5th percentile of
// luminance (a sparse line plot has little of it: thin lines and tick labels), paper the 98th.
(img) => {
  let bg = 'rgba(0, 0, 0, 0)';
  for (let e = img; e && (bg === 'rgba(0, 0, 0, 0)' || bg === 'transparent'); e = e.parentElement) {
    bg = getComputedStyle(e).backgroundColor;
  }
  const w = Math.min(img.naturalWidth, 600);
  const h = Math.round(img.naturalHeight * w / img.naturalWidth);
  const c = document.createElement('canvas'); c.width = w; c.height = h;
  const ctx = c.getContext('2d');
  ctx.fillStyle = bg; ctx.fillRect(0, 0, w, h);
  const filter = getComputedStyle(img).filter;
  ctx.filter = filter && filter !== 'none' ? filter : 'none';
  ctx.drawImage(img, 0, 0, w, h);
  const d = ctx.getImageData(0, 0, w, h).data, lum = [];
  const lin = (v) => {
    v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
  };
  for (let i = 0; i < d.length; i += 16) {  // every 4th pixel
    lum.push(0.2126 * lin(d[i]) + 0.7152 * lin(d[i + 1]) + 0.0722 * lin(d[i + 2]));
  }
  lum.sort((a, b) => a - b);
  const lo = lum[Math.floor(lum.length * 0.005)], hi = lum[Math.floor(lum.length * 0.98)];
  return {background: bg, filter, contrast: (hi + 0.05) / (lo + 0.05)};
}

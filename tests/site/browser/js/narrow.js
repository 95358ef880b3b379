// At the window's width (a phone's): how wide the page is, where the text column sits, and
// the first elements wider than the screen that no box of their own scrolls sideways.
() => {
  const W = document.documentElement.clientWidth;
  const wide = [];
  const scrolls = (e) => {  // inside a box that scrolls (or clips) sideways by itself
    for (let p = e.parentElement; p; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden') return true;
    }
    return false;
  };
  for (const e of document.querySelectorAll('article *')) {
    const r = e.getBoundingClientRect();
    if (r.width && r.right > W + 1 && !scrolls(e)) {
      wide.push(`${e.tagName.toLowerCase()}.${e.className}`.slice(0, 80));
    }
  }
  const a = document.querySelector('article.bd-article').getBoundingClientRect();
  return {scrollWidth: document.documentElement.scrollWidth, width: W,
          articleLeft: a.left, articleWidth: a.width, wide: wide.slice(0, 5)};
}

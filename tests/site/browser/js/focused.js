// The element the keyboard focus is on, and whether it is drawn as focused: an outline or a
// box shadow of a colour one can see, on it or on a part of it (the sidebar's toggles draw
// it on their chevron). `kind` names the controls the reader needs.
() => {
  const e = document.activeElement;
  if (!e || e === document.body || e === document.documentElement) return null;
  const opaque = (c) => !/rgba\([^)]*,\s*0\)|transparent/.test(c);
  const ring = (x) => {
    const s = getComputedStyle(x);
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0
                    && opaque(s.outlineColor);
    const shadow = s.boxShadow !== 'none' && opaque(s.boxShadow)
                   && /[1-9][0-9.]*px/.test(s.boxShadow);
    return outline || shadow;
  };
  const solution = e.matches('button.toggle-button') && e.closest('div.solution');
  const scrolls = e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1;
  const kind = e.matches('.dropdown-launch-buttons > button') ? 'launch'
             : e.matches('.dropdown-download-buttons > button') ? 'download'
             : e.matches('.theme-switch-button') ? 'theme'
             : solution ? `solution ${solution.id}`
             : e.closest('mjx-container') && !scrolls ? 'formula' : '';  // not a scroll box
  return {kind, visible: [e, ...e.querySelectorAll('*')].some(ring),
          what: `${e.tagName.toLowerCase()}.${[...e.classList].join('.')} `
                + `"${(e.getAttribute('aria-label') || e.textContent).trim().slice(0, 40)}"`,
          name: e.getAttribute('aria-label') || '', href: e.getAttribute('href') || ''};
}

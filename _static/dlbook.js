// dlbook: boxes that scroll sideways when too wide for the screen (display equations, which
// MathJax no longer puts in the tab order (_config.yml), and API signatures: see dlbook.css)
// take the keyboard focus while they overflow, so that a keyboard can scroll them (WCAG
// 2.1.1; axe's scrollable-region-focusable). The theme does the same for code cells and
// outputs. Checked by tests/site/test_browser.py.
(() => {
  const BOXES = "div.math, div.math mjx-container, dt.sig";
  const scrolls = (box) => {  // in a direction whose overflow is "auto" or "scroll"
    const style = getComputedStyle(box), free = (o) => o === "auto" || o === "scroll";
    return (free(style.overflowX) && box.scrollWidth > box.clientWidth + 1)
        || (free(style.overflowY) && box.scrollHeight > box.clientHeight + 1);
  };
  const update = () => {
    for (const box of document.querySelectorAll(BOXES)) {
      if (scrolls(box)) {
        box.tabIndex = 0;
      } else if (box.tabIndex === 0) {
        box.removeAttribute("tabindex");
      }
    }
  };
  let timer = null;
  window.addEventListener("resize", () => {
    clearTimeout(timer);
    timer = setTimeout(update, 300);
  });
  document.addEventListener("DOMContentLoaded", () => {
    // equations have their width once MathJax typeset them and its fonts are loaded
    const mj = window.MathJax;
    const typeset = mj && mj.startup && mj.startup.promise;
    Promise.all([typeset, document.fonts && document.fonts.ready]).then(update);
  });
  window.addEventListener("load", update);
})();

// dlbook: boxes that scroll sideways when too wide for the screen (display equations, which
// MathJax no longer puts in the tab order (_config.yml), and API signatures: see dlbook.css)
// take the keyboard focus while they overflow, so that a keyboard can scroll them (WCAG
// 2.1.1; axe's scrollable-region-focusable). The theme does the same for code cells and
// outputs. Checked by tests/site/browser/.
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

// dlbook: sphinx-togglebutton names every solution's toggle "Toggle hidden content", so a
// screen reader's list of buttons reads the same words thirty times (WCAG 2.4.6, 2.4.9).
// Each toggle takes the title of its box instead ("Solution to Exercise 4.1"); whether it
// is open, aria-expanded says. togglebutton.js adds the buttons on DOMContentLoaded, before
// this listener runs (its script comes first in the page). Checked by tests/site/browser/.
(() => {
  const name = () => {
    for (const button of document.querySelectorAll(".admonition-title > button.toggle-button")) {
      const title = button.parentElement.cloneNode(true);
      title.querySelectorAll("button").forEach((b) => b.remove());
      const text = title.textContent.replace(/\s+/g, " ").trim();
      if (text) button.setAttribute("aria-label", text);
    }
  };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", name);
  } else {
    name();
  }
})();

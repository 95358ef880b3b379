// Everything the checks need from a page, read in one go after it loaded.
() => {
  const visible = (el) => !!(el
      && (el.offsetWidth || el.offsetHeight || el.getClientRects().length))
      && getComputedStyle(el).visibility !== 'hidden';
  const article = document.querySelector('article.bd-article') || document.body;
  const meta = (sel) => {
    const m = document.querySelector(sel);
    return m ? m.getAttribute('content') : null;
  };
  // text outside code, for raw LaTeX left untypeset
  const skip = 'pre, code, script, style, mjx-container, mjx-assistive-mml, .highlight, '
             + 'textarea, .cell_input';
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
  let text = '';
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.parentElement.closest(skip)) text += n.nodeValue + ' ';
  }
  const raw = [];
  for (const re of [/\$\$/, /\\\(/, /\\\[/, /\\begin\{/, /\$\\[a-zA-Z]+/]) {
    const m = text.match(re);
    if (m) raw.push(text.slice(Math.max(0, m.index - 30), m.index + 50).replace(/\s+/g, ' '));
  }
  const maths = [...article.querySelectorAll('.math')];
  return {
    text: article.innerText,
    title: document.title,
    theme: document.documentElement.dataset.theme || '',
    description: meta('meta[name="description"]'),
    ogTitle: meta('meta[property="og:title"]'),
    ogUrl: meta('meta[property="og:url"]'),
    canonical: (document.querySelector('link[rel="canonical"]') || {}).href || null,
    h1: [...article.querySelectorAll('h1')].map(h => h.textContent.trim()),
    mathTotal: maths.length,
    mathUntypeset: maths.filter(m => !m.querySelector('mjx-container'))
                        .map(m => m.textContent.trim().slice(0, 60)),
    // a formula a screen reader can read: a hidden MathML copy beside the drawing it hides
    mathUnreadable: [...article.querySelectorAll('mjx-container')]
                        .filter(c => !c.querySelector(':scope > mjx-assistive-mml > math')
                                     || c.querySelector(':scope > mjx-math')
                                         .getAttribute('aria-hidden') !== 'true')
                        .map(c => `a formula in section #${(c.closest('section[id]') || {}).id}`),
    mathJaxErrors: [...article.querySelectorAll('mjx-merror, [data-mjx-error]')]
                        .map(e => (e.getAttribute('data-mjx-error') || e.textContent).slice(0, 80)),
    rawLatex: raw,
    images: [...article.querySelectorAll('img')].map(i => ({
        src: i.getAttribute('src'), natural: i.naturalWidth, complete: i.complete,
        alt: (i.getAttribute('alt') || '').trim(), shown: visible(i)})),
    figures: [...article.querySelectorAll('figure')].map(f => ({
        id: f.id || (f.querySelector('[id]') || {}).id || '',
        number: ((f.querySelector('figcaption .caption-number') || {}).textContent || '').trim(),
        caption: ((f.querySelector('figcaption') || {}).textContent || '').trim().slice(0, 80)})),
    equations: [...article.querySelectorAll('div.math[id]')].map(d => ({
        id: d.id, number: ((d.querySelector('.eqno') || {}).textContent || '').trim()})),
    next: (document.querySelector('.prev-next-area a.right-next') || {}).href || null,
    prev: (document.querySelector('.prev-next-area a.left-prev') || {}).href || null,
    sidebar: [...document.querySelectorAll('.bd-sidebar-primary nav.bd-docs-nav a.reference')]
                  .map(a => a.href),
    links: [...document.querySelectorAll('a[href]')].map(a => a.href)
                  .filter(h => h.startsWith(location.origin)),
    ids: [...document.querySelectorAll('[id]')].map(e => e.id),
    downloads: [...document.querySelectorAll('.dropdown-download-buttons a[href]')]
                  .map(a => ({href: a.href, label: a.textContent.trim()})),
    launch: [...document.querySelectorAll('a[href]')]
                  .filter(a => a.closest('.dropdown-launch-buttons')
                               || /colab\.research\.google\.com|mybinder|binder/.test(a.href))
                  .map(a => ({href: a.getAttribute('href'), label: a.textContent.trim()})),
    sourceButtons: {
        repository: (document.querySelector('a.btn-source-repository-button') || {}).href || null,
        file: (document.querySelector('a.btn-source-file-button') || {}).href || null,
        issues: (document.querySelector('a.btn-source-issues-button') || {}).href || null},
    codeCells: article.querySelectorAll('div.cell_input div.highlight').length,
    copyButtons: article.querySelectorAll('div.cell_input div.highlight button.copybtn').length,
    solutions: article.querySelectorAll('div.solution.dropdown').length,
    quickNote: (() => {
        const q = [...article.querySelectorAll('div.cell_output blockquote, div.cell_output p')]
                    .find(e => /Quick profile\./.test(e.textContent));
        if (!q) return null;
        const box = q.closest('blockquote') || q;
        const st = getComputedStyle(box);
        return {visible: visible(box), top: box.getBoundingClientRect().top + window.scrollY,
                border: st.borderLeftWidth, background: st.backgroundColor};
    })(),
  };
}

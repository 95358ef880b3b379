// axe-core's WCAG 2.0/2.1 A and AA rules on the page as it is now: each violation with the
// elements it found (a CSS selector and the start of their HTML).
async (tags) => {
  const r = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                     resultTypes: ['violations']});
  return r.violations.map(v => ({rule: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 100)}))}));
}

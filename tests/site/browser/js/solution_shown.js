// Whether an exercise solution shows its body (anything besides its title).
(sol) => [...sol.children]
    .filter(c => !c.classList.contains('admonition-title'))
    .some(c => !!(c.offsetWidth || c.offsetHeight || c.getClientRects().length)
               && getComputedStyle(c).visibility !== 'hidden')

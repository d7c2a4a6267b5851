// The page's time origin, its first contentful paint and its load event end
// (ms after the origin; null until there is one).
const paint = performance.getEntriesByType('paint')
    .find(e => e.name === 'first-contentful-paint');
const nav = performance.getEntriesByType('navigation')[0];
return {origin: performance.timeOrigin,
        fcp: paint ? paint.startTime : null,
        load: nav && nav.loadEventEnd > 0 ? nav.loadEventEnd
            : (performance.timing.loadEventEnd > 0
                ? performance.timing.loadEventEnd - performance.timeOrigin : null)};

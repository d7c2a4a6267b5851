// Records every `turn:event` with the page's wall clock when it arrives.
const done = arguments[arguments.length - 1];
window.__parlorBench = [];
window.__TAURI__.event.listen('turn:event', e => {
    const t = performance.timeOrigin + performance.now();
    window.__parlorBench.push([t, e.payload.event]);
}).then(() => done(true), error => done(String(error)));

// Clicks a session in the sidebar and times, in the page, until its newest
// message and `expected` messages are in the DOM, then the next frame.
const [session, last, expected, done] = arguments;
const button = document.querySelector(
    `.session-item[data-session-id="${session}"] .session-open`);
if (!button) { done({error: 'no sidebar entry for ' + session}); return; }
const count = () => document.querySelectorAll('section.messages article.msg').length;
const ready = () => document.querySelector(`article.msg[data-message-id="${last}"]`)
    && count() >= expected;
let dom = null;
const start = performance.now();
const finish = () => {
    dom = performance.now() - start;
    observer.disconnect();
    let sent = false;
    const send = () => { if (!sent) { sent = true;
        done({dom, painted: performance.now() - start, count: count()}); } };
    requestAnimationFrame(() => setTimeout(send, 0));
    setTimeout(send, 1000);
};
const observer = new MutationObserver(() => { if (dom === null && ready()) finish(); });
observer.observe(document.body, {childList: true, subtree: true, attributes: true});
button.click();
if (dom === null && ready()) finish();

import init from './ui.js';

init({ module_or_path: './ui_bg.wasm' }).catch((error) => {
  console.error(error);
  document.body.textContent = `Parlor's interface failed to load: ${error}`;
});

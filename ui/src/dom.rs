//! What the components read from DOM events: the value or the checked state
//! of the field an event came from, whatever its kind (input, textarea,
//! select), so a handler is one `reform`.

use wasm_bindgen::JsValue;
use web_sys::Event;

fn property(event: &Event, name: &str) -> JsValue {
    event
        .target()
        .and_then(|target| js_sys::Reflect::get(&target, &JsValue::from_str(name)).ok())
        .unwrap_or(JsValue::UNDEFINED)
}

/// The `value` of the field the event came from (empty when it has none).
pub fn value_of(event: &Event) -> String {
    property(event, "value").as_string().unwrap_or_default()
}

/// Whether the checkbox or radio the event came from is checked.
pub fn checked_of(event: &Event) -> bool {
    property(event, "checked").is_truthy()
}

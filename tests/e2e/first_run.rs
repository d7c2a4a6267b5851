//! A first run as a new user makes it: a fresh install (the built-in
//! providers, no key), a message typed and sent. It must not go to OpenAI
//! without a key: provider setup opens instead, the message still typed.
//! LM Studio runs on this computer (a fake one on its usual port, started
//! before the app): it is offered, one click adds it and answers with it.

use std::net::SocketAddr;
use std::time::Duration;

use fantoccini::{Client, Locator};
use serde_json::json;

use crate::app::{
    AppHome, conversation, keyed_builtin_providers, on_element, prop, run_app, send, shot,
    streamed, usage, wait_prop,
};
use crate::fake_openai::{FakeOpenAi, Options};
use crate::webdriver::{click, fail, find, wait_gone, wait_text};

/// LM Studio's address: one of the loopback ports the app looks at on start.
const LM_STUDIO: &str = "127.0.0.1:1234";
/// What the local server lists, by name as the app lists them: the first
/// is what a session on it uses.
const LOCAL_MODELS: [&str; 2] = ["llama-3.2-3b-instruct", "qwen2.5-7b-instruct"];
const FIRST_MESSAGE: &str = "Hello! Who answers here?";
const LOCAL_ANSWER: &str = "A model running on this computer, through LM Studio.";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Xvfb, a D-Bus session with gnome-keyring and WebKitWebDriver: run by `cargo xtask test` (or `cargo xtask e2e`)"]
async fn first_message_opens_provider_setup_and_a_local_server_is_one_click_away() {
    let keyed = keyed_builtin_providers().await;
    assert!(
        keyed.is_empty(),
        "the keyring holds keys for {keyed:?}: a first run has none (a story that stored one \
         left it behind)"
    );
    let address: SocketAddr = LM_STUDIO.parse().unwrap();
    let options = Options {
        address: Some(address),
        models: Some(LOCAL_MODELS.map(str::to_owned).to_vec()),
        ..Options::default()
    };
    let answer = streamed(LOCAL_ANSWER, Duration::from_millis(40), usage(24, 13));
    let server = FakeOpenAi::start_with(answer, options)
        .await
        .unwrap_or_else(|e| {
            panic!(
                "{LM_STUDIO} (LM Studio's usual port) is taken on this machine: {e}. \
                 The first-run story needs it free to play a local server there."
            )
        });
    let base_url = server.base_url.clone();
    let home = AppHome::new();
    run_app(&home, Duration::from_secs(180), |app| async move {
        provider_setup_opens(&app).await;
        the_local_server_answers(&app, &base_url).await;
    })
    .await;

    // The app looked for it, and sent it the message, with no key.
    let seen = server.seen.lock().unwrap();
    assert!(seen.model_lists > 0, "the app never asked {LM_STUDIO}");
    assert_eq!(seen.bodies.len(), 1, "{:?}", seen.bodies);
    let body = &seen.bodies[0];
    assert_eq!(body["model"], LOCAL_MODELS[0], "{body}");
    assert_eq!(conversation(body).0, [FIRST_MESSAGE], "{body}");
    assert_eq!(seen.authorizations, [""], "a key went to the local server");
}

/// Type, send: Settings opens at provider setup, in view and focused;
/// nothing was sent or stored, and the message is still in the composer.
async fn provider_setup_opens(app: &Client) {
    send(app, FIRST_MESSAGE).await;
    find(app, "#settings-panel").await;
    find(app, "#provider-setup").await;
    let script = "const box = arguments[0].getBoundingClientRect(); \
                  return [box.top >= 0 && box.top < window.innerHeight && box.height > 0, \
                          arguments[0].contains(document.activeElement)];";
    let (mut in_view, mut focused) = (false, false);
    for _ in 0..40 {
        let state = on_element(app, "#provider-setup", script).await;
        (in_view, focused) = (state[0] == json!(true), state[1] == json!(true));
        if in_view && focused {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    if !(in_view && focused) {
        let message = format!("#provider-setup in view: {in_view}, focused: {focused}");
        fail(app, "e2e-first-run-setup.png", message).await;
    }
    shot(app, "e2e-first-run-provider-setup.png").await;
    click(app, "#settings-close").await;
    wait_gone(app, "#settings-panel").await;
    let typed = prop(app, "#composer", "value").await;
    assert_eq!(typed.as_deref(), Some(FIRST_MESSAGE), "the typed message");
    let messages = app.find_all(Locator::Css("article.msg")).await.unwrap();
    assert!(messages.is_empty(), "{} messages shown", messages.len());
}

/// The server on LM Studio's port is offered; one click has the session
/// answered by it, and the message sent goes there and is answered.
async fn the_local_server_answers(app: &Client, base_url: &str) {
    find(app, "#discovered-providers").await;
    let offered = format!(".discovered-provider[data-base-url=\"{base_url}\"]");
    let name = wait_text(app, &offered, |t| !t.is_empty()).await;
    assert!(
        name.contains(LM_STUDIO),
        "the offer names its address: {name:?}"
    );
    shot(app, "e2e-first-run-found.png").await;
    click(app, &format!("{offered} .discovered-add")).await;
    // Added as `local-<port>`, with the first model it lists.
    wait_prop(app, "#provider-select", "value", "local-1234").await;
    wait_prop(app, "#model-input", "value", LOCAL_MODELS[0]).await;
    // Still typed: the user sends what they wrote in the first place.
    let typed = prop(app, "#composer", "value").await;
    assert_eq!(typed.as_deref(), Some(FIRST_MESSAGE), "the typed message");
    click(app, "#send").await;
    let done = "article.msg[data-role=\"assistant\"][data-state=\"complete\"]";
    let answer = wait_text(app, done, |t| t.contains(LOCAL_ANSWER)).await;
    assert!(answer.contains(LOCAL_ANSWER), "{answer:?}");
    let question = wait_text(app, "article.msg[data-role=\"user\"]", |_| true).await;
    assert!(question.contains(FIRST_MESSAGE), "{question:?}");
    shot(app, "e2e-first-run-answer.png").await;
}

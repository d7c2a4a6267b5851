//! A comparison: three local providers on one prompt, each with the user's
//! prices. The answers stream side by side; one provider fails mid-answer
//! (its column shows the error while the others go on); the two others end
//! with their tokens and cost. The second answer is picked to continue
//! with, and the follow-up is sent with it as the history. Shared with the
//! other answers (the Share dialog's default), the page a colleague opens in
//! Chromium shows the three answers as columns and the table of each
//! model's figures.
//!
//! The failing provider fails after a few words rather than before any:
//! an answer that produced nothing is not published (there is nothing to
//! read), while one cut short is, so the page has all three columns.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chat_core::cost::PriceOverride;
use fantoccini::{Client, Locator};
use serde_json::Value;

use crate::app::{
    AppHome, conversation, local_provider, local_server, new_session, on_element, prop, run_app,
    send, settings_with, shot, streamed, usage, wait_count, wait_some_text, with_chromium,
};
use crate::fake_openai::{Answer, FakeOpenAi, MID_ANSWER_ERROR};
use crate::webdriver::{WAIT, click, fail, find, text, wait_gone};
use crate::{digits, shared_link};

/// One of the compared setups: a local server of its own, and its prices.
struct Lab {
    id: &'static str,
    /// The entry's name: who answered, as the app and the page say it, and
    /// what its prices are filed under.
    name: &'static str,
    model: &'static str,
    answer: &'static str,
    input_tokens: u64,
    output_tokens: u64,
    /// US dollars per million input and output tokens.
    prices: (f64, f64),
    /// Fails mid-answer after this many pieces.
    fail_after: Option<usize>,
}

const LABS: [Lab; 3] = [
    Lab {
        id: "lab-alpha",
        name: "Lab Alpha",
        model: "alpha-7b",
        answer: "Sunlight scatters off the molecules of the air, and blue light, with its short wavelength, scatters the most.",
        input_tokens: 411,
        output_tokens: 96,
        prices: (2.0, 8.0),
        fail_after: None,
    },
    Lab {
        id: "lab-beta",
        name: "Lab Beta",
        model: "beta-13b",
        answer: "Air scatters short blue wavelengths far more than red ones, so blue reaches the eye from every part of the sky.",
        input_tokens: 412,
        output_tokens: 143,
        prices: (5.0, 15.0),
        fail_after: None,
    },
    Lab {
        id: "lab-gamma",
        name: "Lab Gamma",
        model: "gamma-70b",
        answer: "The sky is blue because of Rayleigh scattering of sunlight.",
        input_tokens: 410,
        output_tokens: 12,
        prices: (1.0, 1.0),
        fail_after: Some(3),
    },
];

/// The answer picked to continue with.
const CONTINUED: usize = 1;
const PROMPT: &str = "In one sentence: why is the sky blue?";
const FOLLOW_UP: &str = "And why is it red at sunset?";
const FOLLOW_UP_ANSWER: &str =
    "At sunset the light crosses much more air: the blue is scattered away and the red is left.";

const USER: &str = "article.msg[data-role=\"user\"]";
const COLUMNS: &str = ".compare-view .compare-column";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Xvfb, a D-Bus session with gnome-keyring and WebKitWebDriver: run by `cargo xtask test` (or `cargo xtask e2e`)"]
async fn compare_three_models_continue_with_one_and_share_the_comparison() {
    let mut servers = Vec::new();
    for lab in &LABS {
        // The good answers stream for a few seconds; the failing one stops
        // early, while they still stream.
        let pause = Duration::from_millis(if lab.fail_after.is_some() { 60 } else { 120 });
        let answer = streamed(
            lab.answer,
            pause,
            usage(lab.input_tokens, lab.output_tokens),
        );
        servers.push(local_server(answer, lab.model, lab.fail_after).await);
    }
    let providers = LABS
        .iter()
        .zip(&servers)
        .map(|(lab, server)| local_provider(lab.id, lab.name, &server.base_url, lab.model))
        .collect();
    let prices = LABS.iter().map(price).collect();
    let home = AppHome::new();
    home.store_settings(&settings_with(providers, prices));
    let next_answers: Vec<Arc<Mutex<Answer>>> =
        servers.iter().map(|s| Arc::clone(&s.answer)).collect();
    run_app(&home, Duration::from_secs(300), |app| async move {
        new_session(&app, LABS[0].id, LABS[0].model).await;
        let answers = compare(&app).await;
        continue_with(&app, &answers[CONTINUED]).await;
        for next in &next_answers {
            *next.lock().unwrap() =
                streamed(FOLLOW_UP_ANSWER, Duration::from_millis(20), usage(30, 20));
        }
        follow_up(&app, &answers[CONTINUED]).await;
        let url = share(&app).await;
        with_chromium(|browser| async move {
            read_the_comparison(&browser, &url, &answers).await;
        })
        .await;
    })
    .await;
    what_the_servers_were_asked(&servers);
}

/// The user's price for `lab`'s model, filed under its name.
fn price(lab: &Lab) -> PriceOverride {
    PriceOverride::new(lab.name, lab.model, lab.prices.0, lab.prices.1)
}

/// `lab`'s answer's cost at [`price`], as the app and the page show it.
fn cost(lab: &Lab) -> String {
    let usage = chat_core::Usage {
        input_tokens: lab.input_tokens as i64,
        output_tokens: lab.output_tokens as i64,
        reasoning_tokens: None,
        cached_tokens: None,
    };
    chat_core::format::cost(price(lab).price().cost(&usage))
}

fn column(id: &str) -> String {
    format!(".compare-column[data-message-id=\"{id}\"]")
}

/// Three setups, one prompt: three columns stream side by side; the
/// failing one shows its error while the others still stream; the others
/// end with their figures. Returns the answers' ids, in the setups' order.
async fn compare(app: &Client) -> Vec<String> {
    click(app, "#compare-toggle").await;
    find(app, ".compare-setup").await;
    for _ in 0..LABS.len() {
        let rows = app.find_all(Locator::Css(".compare-setup")).await.unwrap();
        if rows.len() >= LABS.len() {
            break;
        }
        click(app, "#compare-add").await;
        wait_count(app, ".compare-setup", rows.len() + 1).await;
    }
    wait_count(app, ".compare-setup", LABS.len()).await;
    for (index, lab) in LABS.iter().enumerate() {
        set_up(app, index, lab).await;
    }
    shot(app, "e2e-compare-setups.png").await;
    send(app, PROMPT).await;

    let view = find(app, ".compare-view").await;
    wait_count(app, COLUMNS, LABS.len()).await;
    let prompt = find(app, USER).await.attr("data-message-id").await.unwrap();
    let reply_to = view.attr("data-reply-to").await.unwrap();
    assert!(
        prompt.is_some() && reply_to == prompt,
        "the comparison answers {reply_to:?}, the prompt is {prompt:?}"
    );
    let mut answers = Vec::new();
    for element in app.find_all(Locator::Css(COLUMNS)).await.unwrap() {
        answers.push(element.attr("data-message-id").await.unwrap().unwrap());
    }

    // The failure shows in its column while the others go on.
    let error = wait_some_text(app, &format!("{COLUMNS} .compare-error"), |t| {
        t.contains(MID_ANSWER_ERROR)
    })
    .await;
    let streaming = app.find_all(Locator::Css("#compare-stop-all")).await;
    assert!(
        streaming.unwrap().len() == 1,
        "the other answers had ended when the error showed: {error:?}"
    );
    wait_gone(app, "#compare-stop-all").await;

    for (lab, id) in LABS.iter().zip(&answers) {
        let column = column(id);
        let name = text(app, &format!("{column} .compare-model-name")).await;
        assert!(
            name.contains(lab.model),
            "column of {}: {name:?}",
            lab.model
        );
        if lab.fail_after.is_some() {
            let error = text(app, &format!("{column} .compare-error")).await;
            assert!(error.contains(MID_ANSWER_ERROR), "{error:?}");
            continue;
        }
        find(app, &format!("{column}[data-state=\"complete\"]")).await;
        let shown = text(app, &column).await;
        assert!(
            shown.contains(lab.answer),
            "column of {}: {shown:?}",
            lab.model
        );
        let stats = text(app, &format!("{column} .compare-stats")).await;
        assert!(
            stats.contains(&cost(lab)),
            "{} costs {}: {stats:?}",
            lab.model,
            cost(lab)
        );
        for tokens in [lab.input_tokens, lab.output_tokens] {
            assert!(
                digits(&stats).contains(&tokens.to_string()),
                "{} tokens of {}: {stats:?}",
                tokens,
                lab.model
            );
        }
    }
    // The first answer is the one the conversation goes on from, until
    // another is picked.
    find(
        app,
        &format!("{}[data-selected=\"true\"]", column(&answers[0])),
    )
    .await;
    answers
}

/// Sets the `index`th setup row to `lab`'s provider and model; a row that
/// re-renders under the typing (a provider change offers its models) is
/// set again.
async fn set_up(app: &Client, index: usize, lab: &Lab) {
    let started = Instant::now();
    loop {
        let outcome = try_set_up(app, index, lab).await;
        match outcome {
            Ok(()) => return,
            Err(error) if started.elapsed() > WAIT => {
                let message = format!("setup {} ({}): {error}", index + 1, lab.model);
                fail(app, "e2e-compare-setup-failed.png", message).await;
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}

async fn try_set_up(app: &Client, index: usize, lab: &Lab) -> Result<(), String> {
    let rows = app
        .find_all(Locator::Css(".compare-setup"))
        .await
        .map_err(|e| e.to_string())?;
    let row = rows.get(index).ok_or("no such row")?;
    let part = |selector: &'static str| row.find(Locator::Css(selector));
    let provider = part(".compare-provider").await.map_err(|e| e.to_string())?;
    provider
        .select_by_value(lab.id)
        .await
        .map_err(|e| e.to_string())?;
    let model = part(".compare-model").await.map_err(|e| e.to_string())?;
    model.clear().await.map_err(|e| e.to_string())?;
    model
        .send_keys(lab.model)
        .await
        .map_err(|e| e.to_string())?;
    let chosen = provider.prop("value").await.map_err(|e| e.to_string())?;
    let typed = model.prop("value").await.map_err(|e| e.to_string())?;
    if chosen.as_deref() == Some(lab.id) && typed.as_deref() == Some(lab.model) {
        Ok(())
    } else {
        Err(format!("the row holds {chosen:?} and {typed:?}"))
    }
}

/// "Continue with this" on answer `id`: it is the selected one, alone.
async fn continue_with(app: &Client, id: &str) {
    click(app, &format!("{} .compare-continue", column(id))).await;
    find(app, &format!("{}[data-selected=\"true\"]", column(id))).await;
    wait_count(app, ".compare-column[data-selected=\"true\"]", 1).await;
    shot(app, "compare.png").await;
}

/// A follow-up to one model: it is answered, and the comparison stays
/// above it with the continued answer selected.
async fn follow_up(app: &Client, continued: &str) {
    // One model again: the composer's setups off, if the run left them on.
    let setups = app.find_all(Locator::Css(".compare-setup")).await.unwrap();
    if !setups.is_empty() {
        click(app, "#compare-toggle").await;
        wait_gone(app, ".compare-setup").await;
    }
    send(app, FOLLOW_UP).await;
    let done = "article.msg[data-role=\"assistant\"][data-state=\"complete\"]";
    wait_some_text(app, done, |t| t.contains(FOLLOW_UP_ANSWER)).await;
    wait_some_text(app, USER, |t| t.contains(FOLLOW_UP)).await;
    wait_count(app, COLUMNS, LABS.len()).await;
    find(
        app,
        &format!("{}[data-selected=\"true\"]", column(continued)),
    )
    .await;
    shot(app, "e2e-compare-follow-up.png").await;
}

/// Share (one click, the other answers included by default): returns the
/// link, after checking what it published.
async fn share(app: &Client) -> String {
    click(app, "#share-button").await;
    let url = shared_link(app, "thisComputer").await;
    click(app, "#share-options-toggle").await;
    let included = prop(app, "#share-alternatives", "checked").await;
    assert_eq!(included.as_deref(), Some("true"), "#share-alternatives");
    shot(app, "e2e-compare-share.png").await;
    click(app, "#share-close").await;
    wait_gone(app, "#share-modal").await;

    // The other answers first, then the continued one and what follows it.
    let published: Value = reqwest::get(format!("{url}.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let messages = published["messages"].as_array().unwrap();
    let prompt = messages.iter().find(|m| m["content"] == PROMPT).unwrap();
    let answers: Vec<&str> = messages
        .iter()
        .filter(|m| m["replyTo"] == prompt["id"])
        .map(|m| m["content"].as_str().unwrap())
        .collect();
    assert_eq!(answers.len(), 3, "{published}");
    assert_eq!(answers[0], LABS[0].answer);
    assert!(
        !answers[1].is_empty() && LABS[2].answer.starts_with(answers[1]),
        "the failed answer, as far as it got: {:?}",
        answers[1]
    );
    assert_eq!(answers[2], LABS[CONTINUED].answer);
    url
}

/// The page: the prompt's three answers as columns, the table with one row
/// per model and its figures, then the follow-up and its answer.
async fn read_the_comparison(browser: &Client, url: &str, answers: &[String]) {
    browser.goto(url).await.unwrap();
    find(browser, "[data-testid=\"comparison\"]").await;
    // The other answers first, the continued one last.
    let order = [&LABS[0], &LABS[2], &LABS[CONTINUED]];
    let columns = "[data-testid=\"comparison-columns\"] article.compare-answer";
    wait_count(browser, columns, order.len()).await;
    let shown = texts(browser, columns, None).await;
    for (lab, shown) in order.iter().zip(&shown) {
        let start: String = lab.answer.chars().take(10).collect();
        assert!(shown.contains(&start), "{}'s column: {shown:?}", lab.model);
    }
    let rows = "[data-testid=\"comparison-table\"] tr[data-testid=\"comparison-row\"]";
    wait_count(browser, rows, order.len()).await;
    let models = texts(browser, rows, Some(".msg-model")).await;
    assert_eq!(models, order.map(|lab| lab.model));
    for (lab, id) in LABS.iter().zip(answers) {
        let row = format!("{rows}[data-message-id=\"{id}\"]");
        let provider = text(browser, &format!("{row} .msg-provider")).await;
        assert_eq!(provider, lab.name);
        let figure = |key: &str| format!("{row} td[data-column=\"{key}\"]");
        let cost_shown = text(browser, &figure("cost")).await;
        let output = text(browser, &figure("output-tokens")).await;
        if lab.fail_after.is_some() {
            // Cut short before its usage came: nothing measured, nothing
            // made up.
            assert_eq!((cost_shown.as_str(), output.as_str()), ("—", "—"));
            continue;
        }
        assert!(cost_shown.starts_with(&cost(lab)), "{cost_shown:?}");
        assert_eq!(digits(&output), lab.output_tokens.to_string());
        let input = text(browser, &figure("input-tokens")).await;
        assert_eq!(digits(&input), lab.input_tokens.to_string());
    }
    wait_some_text(browser, "article[data-role=\"user\"]", |t| {
        t.contains(FOLLOW_UP)
    })
    .await;
    wait_some_text(browser, "article[data-role=\"assistant\"]", |t| {
        t.contains(FOLLOW_UP_ANSWER)
    })
    .await;
    // The comparison, columns and table, for the README.
    browser.set_window_size(1280, 1100).await.unwrap();
    let comparison = "[data-testid=\"comparison\"]";
    on_element(
        browser,
        comparison,
        "arguments[0].scrollIntoView({block: 'start'})",
    )
    .await;
    shot(browser, "shared-comparison.png").await;
}

/// The texts of the elements matching `selector` (or of their `part`), in
/// order.
async fn texts(client: &Client, selector: &str, part: Option<&str>) -> Vec<String> {
    let mut texts = Vec::new();
    for element in client.find_all(Locator::Css(selector)).await.unwrap() {
        let element = match part {
            Some(part) => element.find(Locator::Css(part)).await.unwrap(),
            None => element,
        };
        texts.push(element.text().await.unwrap());
    }
    texts
}

/// Each server was asked the prompt once with its own model; the follow-up
/// went once, with the continued answer as the history.
fn what_the_servers_were_asked(servers: &[FakeOpenAi]) {
    let mut follow_ups = Vec::new();
    for (lab, server) in LABS.iter().zip(servers) {
        let seen = server.seen.lock().unwrap();
        let first = &seen.bodies[0];
        assert_eq!(first["model"], lab.model, "{first}");
        assert_eq!(conversation(first), (vec![PROMPT.to_owned()], vec![]));
        follow_ups.extend(seen.bodies[1..].iter().map(conversation));
    }
    let history = (
        vec![PROMPT.to_owned(), FOLLOW_UP.to_owned()],
        vec![LABS[CONTINUED].answer.to_owned()],
    );
    assert_eq!(follow_ups, [history], "the follow-up's requests");
}

//! Branches: a message sent, edited and sent again (the first version and
//! its answer stay as a branch, "‹ 2/2 ›"), the first branch shown again
//! ("1/2", its text and answer), and its answer regenerated (the answer
//! "2/2"). What each request carried shows the conversation sent is the
//! branch shown.

use std::sync::Arc;
use std::time::Duration;

use fantoccini::Client;

use crate::app::{LocalLab, conversation, run_app, send, shot, streamed, usage, wait_some_text};
use crate::fake_openai::Answer;
use crate::webdriver::{click, fill, text, wait_text};

const LAB: LocalLab = LocalLab::new("lab", "Lab server", "lab-8b");
const QUESTION: &str = "Name a prime number.";
const FIRST_ANSWER: &str = "Seven is a prime number.";
const EDITED_QUESTION: &str = "Name an even prime number.";
const EDITED_ANSWER: &str = "Two is the only even prime.";
const REGENERATED_ANSWER: &str = "Eleven is prime as well.";

const USER: &str = "article.msg[data-role=\"user\"]";
const ASSISTANT: &str = "article.msg[data-role=\"assistant\"]";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Xvfb, a D-Bus session with gnome-keyring and WebKitWebDriver: run by `cargo xtask test` (or `cargo xtask e2e`)"]
async fn edit_resend_switch_branches_and_regenerate() {
    let (home, server) = LAB.home(answer(FIRST_ANSWER)).await;
    let next_answer = Arc::clone(&server.answer);
    run_app(&home, Duration::from_secs(180), |app| async move {
        LAB.new_session(&app).await;
        send(&app, QUESTION).await;
        answered(&app, FIRST_ANSWER).await;

        *next_answer.lock().unwrap() = answer(EDITED_ANSWER);
        edit_and_resend(&app).await;
        *next_answer.lock().unwrap() = answer(REGENERATED_ANSWER);
        back_to_the_first_branch_and_regenerate(&app).await;
    })
    .await;

    // Each request carried the branch it answers, and nothing of the other.
    let seen = server.seen.lock().unwrap();
    let sent: Vec<_> = seen.bodies.iter().map(conversation).collect();
    assert_eq!(
        sent,
        [
            (vec![QUESTION.to_owned()], vec![]),
            (vec![EDITED_QUESTION.to_owned()], vec![]),
            (vec![QUESTION.to_owned()], vec![]),
        ],
        "the three requests"
    );
}

fn answer(text: &str) -> Answer {
    streamed(text, Duration::from_millis(30), usage(18, 7))
}

/// Waits until the answer shown is complete with `text`.
async fn answered(app: &Client, text: &str) {
    let done = format!("{ASSISTANT}[data-state=\"complete\"]");
    wait_some_text(app, &done, |t| t.contains(text)).await;
}

/// The user's message edited and sent: its answer comes, "2/2" is shown.
async fn edit_and_resend(app: &Client) {
    click(app, &format!("{USER} .msg-edit")).await;
    let input = format!("{USER} textarea.msg-edit-input");
    fill(app, &input, EDITED_QUESTION).await;
    click(app, &format!("{USER} .msg-edit-send")).await;
    answered(app, EDITED_ANSWER).await;
    let count = format!("{USER} .branch-count");
    wait_text(app, &count, |t| t.trim() == "2/2").await;
    let shown = text(app, USER).await;
    assert!(shown.contains(EDITED_QUESTION), "{shown:?}");
    assert!(
        !text(app, ASSISTANT).await.contains(FIRST_ANSWER),
        "the first answer is shown with the edited message"
    );
    shot(app, "e2e-branches-edited.png").await;
}

/// "‹" goes back to the first message and its answer ("1/2"); Regenerate
/// gives that message a second answer, shown as "2/2".
async fn back_to_the_first_branch_and_regenerate(app: &Client) {
    click(app, &format!("{USER} .branch-prev")).await;
    let count = format!("{USER} .branch-count");
    wait_text(app, &count, |t| t.trim() == "1/2").await;
    wait_text(app, USER, |t| t.contains(QUESTION)).await;
    answered(app, FIRST_ANSWER).await;

    click(app, &format!("{ASSISTANT} .msg-regenerate")).await;
    answered(app, REGENERATED_ANSWER).await;
    let count = format!("{ASSISTANT} .branch-count");
    wait_text(app, &count, |t| t.trim() == "2/2").await;
    // The prompt is still the first version.
    let user_count = text(app, &format!("{USER} .branch-count")).await;
    assert_eq!(user_count.trim(), "1/2");
    wait_text(app, USER, |t| t.contains(QUESTION)).await;
    shot(app, "e2e-branches-regenerated.png").await;
}

//! The share controls in the dialog: a password and a view limit in the
//! options, and the choice between updating the conversation's link and a
//! new one.

use super::tests::{dialog, reduce, result};
use super::*;

fn edit(edit: FormEdit) -> ShareAction {
    ShareAction::Edit(edit)
}

fn earlier_link() -> ShareListItem {
    ShareListItem {
        views: Some(2),
        ..crate::fixtures::share_item("s0")
    }
}

#[test]
fn a_password_and_a_view_limit_go_with_the_options() {
    let state = reduce(
        dialog(),
        [
            edit(FormEdit::Password("correct horse".into())),
            edit(FormEdit::MaxViews("1".into())),
        ],
    );
    let options = state.form_options().unwrap();
    assert_eq!(options.password.as_deref(), Some("correct horse"));
    assert_eq!(options.max_views, Some(1));
    // A password alone is reason enough to send the form's options.
    let typed = reduce(dialog(), [edit(FormEdit::Password("correct horse".into()))]);
    let chosen = typed.chosen_options().unwrap().unwrap();
    assert_eq!(chosen.password.as_deref(), Some("correct horse"));

    // Emptied, neither is asked for.
    let state = reduce(
        state,
        [
            edit(FormEdit::Password(String::new())),
            edit(FormEdit::MaxViews(String::new())),
        ],
    );
    let options = state.form_options().unwrap();
    assert_eq!((options.password, options.max_views), (None, None));
}

#[test]
fn the_view_limit_reads_what_is_typed_within_bounds() {
    for (typed, limit) in [
        ("1", Some(1)),
        (" 25 ", Some(25)),
        ("0", None),
        ("-3", None),
        ("many", None),
        ("", None),
        ("2.5", None),
        ("99999999999", Some(MOST_VIEWS)),
    ] {
        assert_eq!(parse_max_views(typed), limit, "{typed:?}");
    }
}

#[test]
fn a_password_the_server_would_refuse_is_said_before_publishing() {
    for bad in ["tab\there".to_owned(), "x".repeat(1025)] {
        let state = reduce(dialog(), [edit(FormEdit::Password(bad.clone()))]);
        assert_eq!(
            state.form_options(),
            Err(BAD_PASSWORD.to_owned()),
            "{bad:?}"
        );
    }
    assert!(password_fits(&"é".repeat(512)));
    assert!(password_fits("🔑 unicode"));
    assert!(!password_fits(""));
}

#[test]
fn the_typed_password_outlives_the_link_and_the_last_options() {
    let state = reduce(
        dialog(),
        [
            edit(FormEdit::Password("secret".into())),
            ShareAction::LastOptions(ShareOptions {
                max_views: Some(3),
                ..ShareOptions::default()
            }),
        ],
    );
    // The user typed: the last options do not overwrite the form.
    assert_eq!(state.form.options.password.as_deref(), Some("secret"));
    let made = ShareOptions {
        max_views: Some(1),
        ..ShareOptions::default()
    };
    let state = reduce(
        state,
        [ShareAction::Published(result(ReachKind::Team, made))],
    );
    assert_eq!(
        state.form.options.password.as_deref(),
        Some("secret"),
        "the shell never says it"
    );
    assert_eq!(state.form.options.max_views, Some(1), "the link's limit");
}

#[test]
fn a_conversation_shared_before_offers_update_or_new_link() {
    let state = reduce(dialog(), [ShareAction::SharedBefore(earlier_link())]);
    assert_eq!(
        state.offers_update().map(|s| s.share_id.as_str()),
        Some("s0")
    );
    assert!(!state.publishing, "nothing is published before the choice");
    // Choosing publishes: the choice goes away.
    let publishing = reduce(state.clone(), [ShareAction::Publishing]);
    assert_eq!(publishing.offers_update(), None);
    // The update answers the same link at a later version.
    let mut updated = result(ReachKind::ThisComputer, ShareOptions::default());
    updated.version = 2;
    let done = reduce(publishing, [ShareAction::Published(updated)]);
    assert_eq!(done.offers_update(), None);
    assert_eq!(done.status, format!("Link updated: version 2. {COPIED}"));
    // A failed update offers the choice again.
    let failed = reduce(
        state,
        [
            ShareAction::Publishing,
            ShareAction::PublishFailed("gone".into()),
        ],
    );
    assert!(failed.offers_update().is_some());
}

//! The Share dialog's stories: publishing, failures, replacement, the options
//! form, indexing, the expiry cap, the selection, the files left out and the
//! exports.

use super::*;
use crate::sharing::DAY;
use crate::types::Reach;

pub(super) fn dialog() -> ShareDialog {
    ShareDialog::new(vec!["m1".into(), "m2".into(), "m3".into()])
}

pub(super) fn reduce(
    dialog: ShareDialog,
    actions: impl IntoIterator<Item = ShareAction>,
) -> ShareDialog {
    actions.into_iter().fold(dialog, |mut dialog, action| {
        dialog.apply(action);
        dialog
    })
}

pub(super) fn result(kind: ReachKind, options: ShareOptions) -> ShareResult {
    ShareResult {
        share_id: "s1".into(),
        share_url: "http://127.0.0.1:4000/shared/s1".into(),
        delete_token: None,
        expires_at: None,
        redactions: 0,
        redacted_summary: None,
        reach: Reach {
            kind,
            sentence: "Only this computer can open this link, while Parlor is running".into(),
        },
        qr_svg: "<svg></svg>".into(),
        options,
        expiry_note: None,
        earlier: Vec::new(),
        replaced_url: None,
        version: 1,
    }
}

#[test]
fn publishing_then_the_link_and_its_options() {
    let options = ShareOptions {
        message_ids: Some(vec!["m2".into()]),
        expires_in: Some(7 * DAY),
        include_system_prompt: false,
        indexable: false,
        include_alternatives: false,
        leave_out_attachments: Vec::new(),
        password: None,
        max_views: None,
    };
    let state = reduce(dialog(), [ShareAction::Publishing]);
    assert!(state.publishing);
    assert_eq!(state.status, PUBLISHING);
    let state = reduce(
        state,
        [ShareAction::Published(result(
            ReachKind::ThisComputer,
            options.clone(),
        ))],
    );
    assert!(!state.publishing && !state.failed);
    assert_eq!(state.status, COPIED);
    assert!(state.form.some);
    assert!(!state.form.options.include_alternatives);
    assert_eq!(state.form.options.expires_in, Some(7 * DAY));
    assert_eq!(state.form_options(), Ok(options));
    // Closed options: the shell's last used.
    assert_eq!(state.chosen_options(), Ok(None));
}

#[test]
fn a_failure_offers_to_try_again_and_keeps_a_link_made_before() {
    let state = reduce(
        dialog(),
        [
            ShareAction::Publishing,
            ShareAction::PublishFailed("The share server could not be reached.".into()),
        ],
    );
    assert!(state.failed);
    assert_eq!(state.status, "");
    assert_eq!(
        state.publish_error.as_deref(),
        Some("The share server could not be reached.")
    );
    // The file and Markdown are offered instead; the failure stays.
    let state = reduce(
        state,
        [
            ShareAction::Exporting(Export::Markdown),
            ShareAction::MarkdownCopied(CopiedMarkdown {
                redacted_summary: None,
            }),
        ],
    );
    assert!(state.failed);
    assert!(state.publish_error.is_some());
    let retried = reduce(state, [ShareAction::Publishing]);
    assert_eq!(retried.publish_error, None);

    let made = reduce(
        dialog(),
        [
            ShareAction::Published(result(ReachKind::Team, ShareOptions::default())),
            ShareAction::Publishing,
            ShareAction::PublishFailed("no".into()),
        ],
    );
    assert!(!made.failed, "the link just made still works");
    assert!(made.result.is_some());
}

#[test]
fn a_replacement_says_the_old_link_was_revoked() {
    let mut second = result(ReachKind::Team, ShareOptions::default());
    second.replaced_url = Some("http://x/shared/s0".into());
    let state = reduce(dialog(), [ShareAction::Published(second)]);
    assert_eq!(state.status, format!("{COPIED} {REPLACED}"));
}

#[test]
fn last_options_fill_the_form_until_the_user_or_a_link_speaks() {
    let last = ShareOptions {
        expires_in: Some(DAY),
        include_system_prompt: false,
        ..ShareOptions::default()
    };
    let state = reduce(dialog(), [ShareAction::LastOptions(last.clone())]);
    assert_eq!(state.form.options.expires_in, Some(DAY));
    assert!(!state.form.options.include_system_prompt);
    assert_eq!(state.form.selected.len(), 3, "all messages");

    let touched = reduce(
        dialog(),
        [
            ShareAction::Edit(FormEdit::Expiry(Some(30 * DAY))),
            ShareAction::LastOptions(last),
        ],
    );
    assert_eq!(touched.form.options.expires_in, Some(30 * DAY));
}

#[test]
fn the_other_answers_go_along_unless_unticked() {
    let state = dialog();
    assert!(state.form_options().unwrap().include_alternatives);
    let state = reduce(
        state,
        [ShareAction::Edit(FormEdit::IncludeAlternatives(false))],
    );
    assert!(!state.form_options().unwrap().include_alternatives);
}

#[test]
fn indexing_is_offered_for_team_links_only() {
    // A link that reaches `kind`, then the options form asking for indexing.
    let asked = |kind: ReachKind| {
        let published = ShareAction::Published(result(kind, ShareOptions::default()));
        let ask = ShareAction::Edit(FormEdit::Indexable(true));
        reduce(dialog(), [published, ShareAction::ToggleOptions, ask])
    };
    let local = asked(ReachKind::ThisComputer);
    assert!(!local.offers_indexing());
    assert!(!local.form_options().unwrap().indexable);

    let team = asked(ReachKind::Team);
    assert!(team.offers_indexing());
    assert!(team.chosen_options().unwrap().unwrap().indexable);

    // Before any link, the server's reach decides.
    let server = reduce(
        dialog(),
        [ShareAction::Server {
            max_expiry_seconds: None,
            reach: ReachKind::Team,
        }],
    );
    assert!(server.offers_indexing());
}

#[test]
fn the_cap_cuts_the_expiry_sent() {
    let state = reduce(
        dialog(),
        [
            ShareAction::Server {
                max_expiry_seconds: Some(7 * DAY),
                reach: ReachKind::Team,
            },
            ShareAction::Edit(FormEdit::Expiry(None)),
        ],
    );
    assert_eq!(state.form_options().unwrap().expires_in, Some(7 * DAY));
}

#[test]
fn a_selection_keeps_the_conversation_order_and_is_never_empty() {
    let state = reduce(
        dialog(),
        [
            ShareAction::ToggleOptions,
            ShareAction::Edit(FormEdit::Some(true)),
            ShareAction::Edit(FormEdit::Message {
                id: "m1".into(),
                chosen: false,
            }),
        ],
    );
    assert_eq!(
        state.form_options().unwrap().message_ids,
        Some(vec!["m2".to_owned(), "m3".to_owned()])
    );
    let none = reduce(
        state,
        ["m2", "m3"].map(|id| {
            ShareAction::Edit(FormEdit::Message {
                id: id.into(),
                chosen: false,
            })
        }),
    );
    assert_eq!(none.chosen_options(), Err(NOTHING_CHOSEN.to_owned()));
}

#[test]
fn exports_say_where_and_what_was_removed() {
    let state = reduce(
        dialog(),
        [
            ShareAction::Exporting(Export::File),
            ShareAction::FileSaved(SavedFile {
                path: "/home/a/chat.html".into(),
                redacted_summary: Some("1 API key".into()),
            }),
        ],
    );
    assert_eq!(state.exports.making, None);
    assert_eq!(
        state.exports.saved_file.as_ref().map(|f| f.path.as_str()),
        Some("/home/a/chat.html")
    );
    assert_eq!(
        state.exports.removed,
        Some((Export::File, "1 API key".to_owned()))
    );
    let state = reduce(
        state,
        [
            ShareAction::Exporting(Export::Markdown),
            ShareAction::MarkdownCopied(CopiedMarkdown {
                redacted_summary: None,
            }),
        ],
    );
    assert_eq!(state.status, MARKDOWN_COPIED);
    assert_eq!(state.exports.removed, None);
    let cancelled = reduce(
        state,
        [ShareAction::Exporting(Export::File), ShareAction::Cancelled],
    );
    assert_eq!(cancelled.exports.making, None);
    assert_eq!(cancelled.error, None);
}

fn leave_out(sha256: &str) -> ShareAction {
    ShareAction::Edit(FormEdit::Attachment {
        sha256: sha256.into(),
        published: false,
    })
}

#[test]
fn files_left_out_go_in_the_options_and_the_list_keeps_them_all() {
    let files = vec![
        crate::fixtures::attachment("photo.jpg", "aa"),
        crate::fixtures::attachment("notes.md", "bb"),
    ];
    let state = reduce(
        dialog(),
        [ShareAction::Attachments(files.clone()), leave_out("bb")],
    );
    assert_eq!(state.attachments, files);
    assert_eq!(
        state.form_options().unwrap().leave_out_attachments,
        ["bb"],
        "what is published"
    );
    assert_eq!(
        state.listed_options().unwrap().leave_out_attachments,
        Vec::<String>::new(),
        "what is listed: every file, so it can be ticked again"
    );
    let ticked_again = reduce(
        state,
        [ShareAction::Edit(FormEdit::Attachment {
            sha256: "bb".into(),
            published: true,
        })],
    );
    assert!(ticked_again.form.options.leave_out_attachments.is_empty());
    assert_eq!(ticked_again.chosen_options(), Ok(None), "the last used");
}

#[test]
fn trying_again_or_a_file_leaves_out_the_files_left_out() {
    let state = reduce(
        dialog(),
        [ShareAction::PublishFailed("down".into()), leave_out("aa")],
    );
    let chosen = state.chosen_options().unwrap().unwrap();
    assert_eq!(chosen.leave_out_attachments, ["aa"]);
}

#[test]
fn a_link_says_which_files_it_left_out_and_a_change_asks_for_a_new_one() {
    let files = vec![
        crate::fixtures::attachment("photo.jpg", "aa"),
        crate::fixtures::attachment("notes.md", "bb"),
    ];
    let made = ShareOptions {
        leave_out_attachments: vec!["aa".into()],
        ..ShareOptions::default()
    };
    let state = reduce(
        dialog(),
        [
            ShareAction::Attachments(files),
            ShareAction::Published(result(ReachKind::ThisComputer, made)),
        ],
    );
    assert_eq!(state.form.options.leave_out_attachments, ["aa"]);
    assert!(!state.files_changed());
    let state = reduce(state, [leave_out("bb")]);
    assert!(state.files_changed());
    assert!(!dialog().files_changed(), "no link yet, nothing to change");
}

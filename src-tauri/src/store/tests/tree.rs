//! The message tree: each operation as a story, the migration of linear
//! sessions, and a property test that after any sequence of operations the
//! stored path is the one the selection gives, a valid chain from a first
//! message, with every message reachable and every `siblings` right.

use std::collections::HashMap;

use proptest::prelude::*;

use super::*;
use crate::store::messages::MAX_PAGE;

/// A message as the tree stores it.
#[derive(Debug, Clone)]
struct Row {
    id: String,
    parent_id: Option<String>,
    position: i64,
    selected: bool,
    on_path: bool,
}

fn rows(store: &Store, session_id: &str) -> Vec<Row> {
    let rows = crate::store::copies::tree_rows(&store.conn().unwrap(), session_id).unwrap();
    rows.into_iter()
        .map(|(message, flags)| Row {
            id: message.id,
            parent_id: message.parent_id,
            position: message.position,
            selected: flags.selected,
            on_path: flags.on_path,
        })
        .collect()
}

fn ids(messages: &[StoredMessage]) -> Vec<String> {
    messages.iter().map(|m| m.id.clone()).collect()
}

fn contents(messages: &[StoredMessage]) -> Vec<&str> {
    messages.iter().map(|m| m.content.as_str()).collect()
}

/// Checks every invariant of a session's tree; answers the selected path.
fn check_tree(store: &Store, session_id: &str) -> Vec<String> {
    let rows = rows(store, session_id);
    let by_id: HashMap<&str, &Row> = rows.iter().map(|r| (r.id.as_str(), r)).collect();
    let mut children: HashMap<Option<&str>, Vec<&Row>> = HashMap::new();
    for row in &rows {
        // Every parent is a message of the session made before its child:
        // so every message reaches a first message, and there is no cycle.
        if let Some(parent) = &row.parent_id {
            let parent = by_id.get(parent.as_str()).expect("a dangling parent");
            assert!(parent.position < row.position, "{row:?} under {parent:?}");
        }
        children
            .entry(row.parent_id.as_deref())
            .or_default()
            .push(row);
    }
    // The path as the selection gives it: the selected child, else the
    // newest, from the first messages down.
    let mut expected = Vec::new();
    let mut parent: Option<&str> = None;
    while let Some(group) = children.get(&parent) {
        let selected: Vec<&&Row> = group.iter().filter(|r| r.selected).collect();
        assert!(selected.len() <= 1, "two selected siblings: {selected:?}");
        let next = selected.first().copied().or(group.last()).unwrap();
        expected.push(next.id.clone());
        parent = Some(next.id.as_str());
    }
    let flagged: Vec<String> = rows
        .iter()
        .filter(|r| r.on_path)
        .map(|r| r.id.clone())
        .collect();
    assert_eq!(flagged, expected, "on_path marks the selected path");

    let path = store.path_messages(session_id).unwrap();
    assert_eq!(ids(&path), expected);
    for pair in path.windows(2) {
        assert_eq!(pair[1].parent_id.as_ref(), Some(&pair[0].id));
        assert!(pair[0].position < pair[1].position);
    }
    if let Some(first) = path.first() {
        assert_eq!(first.parent_id, None);
    }
    let page = store
        .messages_page(session_id, None, None, MAX_PAGE)
        .unwrap();
    assert_eq!(ids(&page.messages), expected);
    assert_eq!(
        store.session_totals(session_id).unwrap().message_count,
        expected.len() as i64
    );

    // `siblings`: the messages with the same parent, in order, on every read.
    let all = store.all_messages(session_id).unwrap();
    assert_eq!(all.len(), rows.len());
    for message in all.iter().chain(&path).chain(&page.messages) {
        let same_parent: Vec<String> = children[&message.parent_id.as_deref()]
            .iter()
            .map(|r| r.id.clone())
            .collect();
        assert_eq!(message.siblings, same_parent, "{}", message.id);
        assert!(message.siblings.contains(&message.id));
    }
    expected
}

fn user(text: &str) -> NewMessage {
    NewMessage::new(Role::User, text)
}

fn assistant(text: &str) -> NewMessage {
    NewMessage::new(Role::Assistant, text)
}

#[test]
fn edit_regenerate_select_fork_and_delete_a_branch() {
    let store = Store::open_in_memory().unwrap();
    let session = store.create_session(&config("Tree")).unwrap();
    let first = store
        .append_messages(&session.id, vec![user("q1"), assistant("a1")])
        .unwrap();
    let second = store
        .append_messages(&session.id, vec![user("q2"), assistant("a2")])
        .unwrap();
    assert_eq!(second[0].parent_id.as_ref(), Some(&first[1].id));
    assert_eq!(second[0].siblings, vec![second[0].id.clone()]);

    // Edit q2 and send it again: a new selected branch beside it.
    let edited = store
        .add_messages(
            Place::Beside(&second[0].id),
            vec![user("q2 edited"), assistant("b2")],
        )
        .unwrap();
    assert_eq!(edited[0].parent_id.as_ref(), Some(&first[1].id));
    assert_eq!(
        edited[0].siblings,
        vec![second[0].id.clone(), edited[0].id.clone()]
    );
    let path = store.path_messages(&session.id).unwrap();
    assert_eq!(contents(&path), ["q1", "a1", "q2 edited", "b2"]);

    // Regenerate b2: another answer to the same prompt.
    let again = store
        .add_messages(Place::Beside(&edited[1].id), vec![assistant("c2")])
        .unwrap();
    assert_eq!(again[0].siblings.len(), 2);
    let path = store.path_messages(&session.id).unwrap();
    assert_eq!(contents(&path), ["q1", "a1", "q2 edited", "c2"]);

    // Back to the first q2: its old continuation is the path again, and
    // back to the edit: its last selected answer, c2, not the newest.
    store.select_branch(&second[0].id).unwrap();
    let path = store.path_messages(&session.id).unwrap();
    assert_eq!(contents(&path), ["q1", "a1", "q2", "a2"]);
    store.select_branch(&edited[1].id).unwrap();
    store.select_branch(&second[1].id).unwrap();
    store.select_branch(&edited[0].id).unwrap();
    let path = store.path_messages(&session.id).unwrap();
    assert_eq!(contents(&path), ["q1", "a1", "q2 edited", "b2"]);
    // A new message follows the path's end.
    let next = store.append_message(&session.id, user("q3")).unwrap();
    assert_eq!(next.parent_id.as_ref(), Some(&edited[1].id));

    // Totals count every message; the count is the path's.
    let totals = store.session_totals(&session.id).unwrap();
    assert_eq!(totals.message_count, 5);
    assert_eq!(store.all_messages(&session.id).unwrap().len(), 8);
    assert_eq!(store.list_sessions().unwrap()[0].message_count, 5);
    check_tree(&store, &session.id);

    // Fork from b2: a new session with the path down to it.
    let fork = store.fork_session(&edited[1].id).unwrap();
    assert_eq!(fork.config.title, "Tree (fork)");
    assert_eq!(fork.config.model, session.config.model);
    let forked = store.path_messages(&fork.id).unwrap();
    assert_eq!(contents(&forked), ["q1", "a1", "q2 edited", "b2"]);
    assert!(forked.iter().all(|m| m.session_id == fork.id));
    check_tree(&store, &fork.id);
    // Fork from a message off the path: its own ancestry.
    let off = store.fork_session(&second[1].id).unwrap();
    let forked = store.path_messages(&off.id).unwrap();
    assert_eq!(contents(&forked), ["q1", "a1", "q2", "a2"]);

    // Delete the edited branch (on the path): q2 edited, b2, c2 and q3 go;
    // the path continues through the newest remaining sibling, q2.
    assert_eq!(store.delete_branch(&edited[0].id).unwrap(), 4);
    let path = store.path_messages(&session.id).unwrap();
    assert_eq!(contents(&path), ["q1", "a1", "q2", "a2"]);
    check_tree(&store, &session.id);
    assert!(matches!(
        store.delete_branch(&edited[0].id),
        Err(StoreError::NotFound { .. })
    ));
    // Deleting the first message empties the session.
    assert_eq!(store.delete_branch(&first[0].id).unwrap(), 4);
    assert!(store.path_messages(&session.id).unwrap().is_empty());
    check_tree(&store, &session.id);
}

#[test]
fn a_compare_run_is_one_prompt_with_sibling_answers_the_first_selected() {
    let store = Store::open_in_memory().unwrap();
    let session = store.create_session(&config("Compare")).unwrap();
    store.append_message(&session.id, user("before")).unwrap();
    let (prompt, answers) = store
        .append_compare(
            &session.id,
            user("which?"),
            vec![
                (assistant("one"), None),
                (assistant(""), Some("no key".into())),
                (assistant("three"), None),
            ],
        )
        .unwrap();
    assert_eq!(answers.len(), 3);
    for answer in &answers {
        assert_eq!(answer.parent_id.as_ref(), Some(&prompt.id));
        assert_eq!(answer.siblings, ids(&answers));
    }
    assert_eq!(answers[1].error.as_deref(), Some("no key"));
    let path = store.path_messages(&session.id).unwrap();
    assert_eq!(contents(&path), ["before", "which?", "one"]);
    // An answer beside the path reads by id, with its siblings, and the
    // path stays as it is (the UI's side-by-side view reads them so).
    let beside = store.message(&answers[2].id).unwrap();
    assert_eq!(
        (beside.content.as_str(), beside.siblings.clone()),
        ("three", ids(&answers))
    );
    assert_eq!(
        contents(&store.path_messages(&session.id).unwrap()),
        contents(&path)
    );
    assert!(matches!(
        store.message("gone"),
        Err(StoreError::NotFound { .. })
    ));
    store.select_branch(&answers[2].id).unwrap();
    let next = store.append_message(&session.id, user("go on")).unwrap();
    assert_eq!(next.parent_id.as_ref(), Some(&answers[2].id));
    check_tree(&store, &session.id);
}

#[test]
fn duplicates_and_imports_keep_the_tree() {
    let store = Store::open_in_memory().unwrap();
    let session = store.create_session(&config("Shape")).unwrap();
    let (prompt, answers) = store
        .append_compare(
            &session.id,
            user("q"),
            vec![(assistant("x"), None), (assistant("y"), None)],
        )
        .unwrap();
    store.select_branch(&answers[1].id).unwrap();
    store.append_message(&session.id, user("more")).unwrap();
    store.select_branch(&answers[0].id).unwrap();

    let copy = store.duplicate_session(&session.id, None).unwrap();
    let shape = |id: &str| {
        let path = store.path_messages(id).unwrap();
        let all = store.all_messages(id).unwrap();
        let siblings: Vec<usize> = all.iter().map(|m| m.siblings.len()).collect();
        (
            contents(&path).join(","),
            contents(&all).join(","),
            siblings,
        )
    };
    assert_eq!(shape(&copy.id), shape(&session.id));
    check_tree(&store, &copy.id);
    // Selecting y in the copy follows its own selection down to "more".
    let copied = store.path_messages(&copy.id).unwrap();
    store.select_branch(&copied[1].siblings[1]).unwrap();
    assert_eq!(
        contents(&store.path_messages(&copy.id).unwrap()),
        ["q", "y", "more"]
    );

    // Imported messages name their parents by the ids they are given; one
    // naming none follows the message before it.
    let mut given: Vec<StoredMessage> = store.all_messages(&session.id).unwrap();
    for message in &mut given {
        if message.id != answers[1].id && message.id != answers[0].id {
            message.parent_id = None;
        }
    }
    assert_eq!(given[0].id, prompt.id);
    let imported = store
        .import_session(&config("Imported"), None, given)
        .unwrap();
    let path = store.path_messages(&imported.id).unwrap();
    assert_eq!(
        contents(&path),
        ["q", "y", "more"],
        "the last answer is selected"
    );
    assert_eq!(path[1].siblings.len(), 2);
    check_tree(&store, &imported.id);
}

#[test]
fn sessions_made_before_the_tree_become_one_chain() {
    let (_dir, path) = older_database(
        3,
        "INSERT INTO sessions (id, title, provider_id, model, created_at, updated_at) VALUES
               ('s1', 'Old', 'openai', 'gpt-4o', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'),
               ('s2', 'Other', 'openai', 'gpt-4o', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
             INSERT INTO messages (id, session_id, position, role, content, created_at, updated_at) VALUES
               ('m0', 's1', 0, 'user', 'q', '2026-01-01T00:00:01.000Z', '2026-01-01T00:00:01.000Z'),
               ('n0', 's2', 0, 'user', 'other', '2026-01-01T00:00:01.000Z', '2026-01-01T00:00:01.000Z'),
               ('m1', 's1', 1, 'assistant', 'a', '2026-01-01T00:00:02.000Z', '2026-01-01T00:00:02.000Z'),
               ('m3', 's1', 3, 'user', 'q2', '2026-01-01T00:00:03.000Z', '2026-01-01T00:00:03.000Z');",
    );
    let store = Store::open(&path).unwrap();
    let path = store.path_messages("s1").unwrap();
    assert_eq!(ids(&path), ["m0", "m1", "m3"]);
    assert_eq!(path[2].parent_id.as_deref(), Some("m1"));
    assert_eq!(store.message("n0").unwrap().parent_id, None);
    check_tree(&store, "s1");
    check_tree(&store, "s2");
}

/// One step of the property test; indexes pick among the session's
/// messages as they are then.
#[derive(Debug, Clone)]
enum Op {
    Append,
    Branch(usize),
    Compare(usize),
    Select(usize),
    Delete(usize),
    Fork(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => Just(Op::Append),
        3 => any::<usize>().prop_map(Op::Branch),
        1 => (2_usize..=4).prop_map(Op::Compare),
        3 => any::<usize>().prop_map(Op::Select),
        1 => any::<usize>().prop_map(Op::Delete),
        1 => any::<usize>().prop_map(Op::Fork),
    ]
}

/// How many messages `id` and those below it are.
fn subtree_size(rows: &[Row], id: &str) -> usize {
    1 + rows
        .iter()
        .filter(|r| r.parent_id.as_deref() == Some(id))
        .map(|r| subtree_size(rows, &r.id))
        .sum::<usize>()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_sequence_of_operations_keeps_a_valid_tree(ops in prop::collection::vec(op(), 1..40)) {
        let store = Store::open_in_memory().unwrap();
        let session = store.create_session(&config("Random")).unwrap();
        for (step, op) in ops.into_iter().enumerate() {
            let rows = rows(&store, &session.id);
            let pick = |i: usize| rows.get(i % rows.len().max(1)).map(|r| r.id.clone());
            match op {
                Op::Append => {
                    store.append_message(&session.id, user(&format!("m{step}"))).unwrap();
                }
                Op::Branch(i) => if let Some(id) = pick(i) {
                    let added = store.add_messages(Place::Beside(&id), vec![user(&format!("b{step}")), assistant("r")]).unwrap();
                    prop_assert!(added[0].siblings.contains(&id));
                },
                Op::Compare(n) => {
                    let answers = (0..n).map(|k| (assistant(&format!("c{step}.{k}")), None)).collect();
                    store.append_compare(&session.id, user("q"), answers).unwrap();
                }
                Op::Select(i) => if let Some(id) = pick(i) {
                    store.select_branch(&id).unwrap();
                    let path = check_tree(&store, &session.id);
                    prop_assert!(path.contains(&id), "the path goes through the selection");
                },
                Op::Delete(i) => if let Some(id) = pick(i) {
                    let expected = subtree_size(&rows, &id);
                    prop_assert_eq!(store.delete_branch(&id).unwrap(), expected);
                },
                Op::Fork(i) => if let Some(id) = pick(i) {
                    let ancestry = ids(&store.path_to(&id).unwrap());
                    prop_assert_eq!(ancestry.last(), Some(&id));
                    let fork = store.fork_session(&id).unwrap();
                    let forked = check_tree(&store, &fork.id);
                    prop_assert_eq!(forked.len(), ancestry.len());
                    store.delete_session(&fork.id).unwrap();
                },
            }
            check_tree(&store, &session.id);
        }
    }
}

/// Times what the window does on a long session, as the desktop bench
/// seeds it (the first schema, 10,000 alternating messages, migrated when
/// the app opens): open the last page, then switch branches near the end
/// (what the path change touches is a few rows) and at the very start (the
/// whole path changes). Run with `--nocapture` to see the figures.
#[test]
fn a_long_migrated_session_keeps_its_path_through_branch_switches() {
    let rows: Vec<String> = (0..10_000)
        .map(|i| {
            let role = if i % 2 == 0 { "user" } else { "assistant" };
            format!(
                "('m{i}', 'long', {i}, '{role}', 'message number {i}', \
                 '2026-01-01T00:00:01.000Z', '2026-01-01T00:00:01.000Z')"
            )
        })
        .collect();
    let (_dir, path) = older_database(
        1,
        &format!(
            "INSERT INTO sessions (id, title, provider_id, model, created_at, updated_at)
             VALUES ('long', 'Long', 'openai', 'gpt-4o', '2026-01-01T00:00:00.000Z',
                     '2026-01-01T00:00:00.000Z');
             INSERT INTO messages (id, session_id, position, role, content, created_at,
                                   updated_at) VALUES {};",
            rows.join(",\n")
        ),
    );
    // How fast these steps are is measured by `cargo xtask bench desktop`.
    let store = Store::open(&path).unwrap();
    let last_page = |store: &Store| store.messages_page("long", None, None, 100).unwrap();
    let page = last_page(&store);
    assert_eq!(page.messages[99].id, "m9999");

    // Regenerate the last answer, then switch back and forth.
    let regenerated = store
        .add_messages(Place::Beside("m9999"), vec![assistant("again")])
        .unwrap();
    store.select_branch("m9999").unwrap();
    let page = last_page(&store);
    assert_eq!(page.messages[99].id, "m9999");
    assert_eq!(page.messages[99].siblings.len(), 2);
    store.select_branch(&regenerated[0].id).unwrap();
    assert_eq!(last_page(&store).messages[99].content, "again");

    // Edit the first message: the whole path changes, twice.
    let edited = store
        .add_messages(Place::Beside("m0"), vec![user("edited")])
        .unwrap();
    assert_eq!(store.session_totals("long").unwrap().message_count, 1);
    store.select_branch("m0").unwrap();
    assert_eq!(store.session_totals("long").unwrap().message_count, 10_000);
    store.select_branch(&edited[0].id).unwrap();
    assert_eq!(store.session_totals("long").unwrap().message_count, 1);
    assert_eq!(last_page(&store).messages[0].content, "edited");
}

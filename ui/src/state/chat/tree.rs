//! The branching of the open session: a new branch replacing its sibling on
//! the path, a comparison's answers (one on the path, the others beside it),
//! the path read again after a switch, a deleted branch; and what the view
//! asks of the tree (a prompt's answers, a message's place among its
//! siblings).

use std::collections::HashSet;

use super::Chat;
use crate::types::{MessageStatus, Role, StartedCompare, StartedTurn, StoredMessage};

/// One answer to a prompt: its message when it is known here, else only
/// its id (an answer of an earlier run, not read yet).
#[derive(Debug, Clone, PartialEq)]
pub enum Answer<'a> {
    Known(&'a StoredMessage),
    Unread(String),
}

#[cfg(test)]
impl Answer<'_> {
    pub fn id(&self) -> &str {
        match self {
            Answer::Known(message) => &message.id,
            Answer::Unread(id) => id,
        }
    }
}

/// Where a message stands among its siblings: `index` of `count`, and the
/// ids of its neighbours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BranchPlace {
    pub index: usize,
    pub count: usize,
    pub previous: Option<String>,
    pub next: Option<String>,
}

/// `message`'s siblings (itself included) in creation order.
fn siblings_of(message: &StoredMessage) -> Vec<String> {
    if message.siblings.is_empty() {
        vec![message.id.clone()]
    } else {
        message.siblings.clone()
    }
}

impl Chat {
    /// Where `message` stands among its siblings; `None` when it has none.
    pub fn branch_place(&self, message: &StoredMessage) -> Option<BranchPlace> {
        let siblings = siblings_of(message);
        let index = siblings.iter().position(|id| *id == message.id)?;
        (siblings.len() > 1).then(|| BranchPlace {
            index,
            count: siblings.len(),
            previous: index.checked_sub(1).map(|i| siblings[i].clone()),
            next: siblings.get(index + 1).cloned(),
        })
    }

    /// Every answer to the user message `prompt` in creation order: those
    /// its path answer names as siblings, then any seen here since.
    pub fn answers_to(&self, prompt: &str) -> Vec<Answer<'_>> {
        let is_answer = |m: &&StoredMessage| {
            m.role == Role::Assistant && m.parent_id.as_deref() == Some(prompt)
        };
        let mut known: Vec<&StoredMessage> = self.all_messages().filter(is_answer).collect();
        known.sort_by_key(|m| m.position);
        let named = known.first().map(|m| siblings_of(m)).unwrap_or_default();
        let mut answers: Vec<Answer<'_>> = named
            .iter()
            .map(|id| match known.iter().find(|m| m.id == *id) {
                Some(message) => Answer::Known(message),
                None => Answer::Unread(id.clone()),
            })
            .collect();
        for message in known {
            if !named.contains(&message.id) {
                answers.push(Answer::Known(message));
            }
        }
        answers
    }

    /// The prompt's answers are shown side by side.
    pub fn shows_columns(&self, prompt: &str) -> bool {
        self.columns.contains(prompt) && self.answers_to(prompt).len() > 1
    }

    /// Sets the siblings of every known child of `parent` to `siblings`.
    fn set_siblings(&mut self, parent: Option<&str>, siblings: &[String]) {
        let messages = self.messages.iter_mut().chain(self.others.values_mut());
        for message in messages.filter(|m| m.parent_id.as_deref() == parent) {
            message.siblings = siblings.to_vec();
        }
    }

    /// Cuts the path at `at`: the message there is kept aside when it is an
    /// answer (a comparison or a switch may show it again), those below it
    /// go.
    fn cut_path(&mut self, at: usize) {
        for gone in self.messages.split_off(at) {
            if gone.role == Role::Assistant {
                self.others.insert(gone.id.clone(), gone);
            } else {
                self.highlighted.remove(&gone.id);
            }
        }
    }

    /// A turn on a new branch: its first message takes the place of its
    /// sibling on the path, and the path goes on with the turn's answer.
    pub(super) fn branched(&mut self, turn: StartedTurn) {
        let Some(answer) = self.started_answer(turn.assistant_message) else {
            return;
        };
        let user = turn.user_message;
        let first = user.as_ref().unwrap_or(&answer);
        let (first_id, parent) = (first.id.clone(), first.parent_id.clone());
        let sibling_at =
            (self.messages.iter()).position(|m| m.parent_id == parent && m.id != first_id);
        match sibling_at {
            Some(at) => {
                let mut siblings = siblings_of(&self.messages[at]);
                if !siblings.contains(&first_id) {
                    siblings.push(first_id);
                }
                self.cut_path(at);
                self.messages.extend(user);
                self.messages.push(answer);
                self.set_siblings(parent.as_deref(), &siblings);
            }
            None => {
                if let Some(user) = user {
                    self.upsert(user);
                }
                self.upsert(answer);
            }
        }
        self.stop_editing_off_path();
    }

    /// An edit of a message that left the path ends.
    fn stop_editing_off_path(&mut self) {
        if let Some(editing) = &self.editing
            && !self.messages.iter().any(|m| m.id == *editing)
        {
            self.editing = None;
        }
    }

    /// A comparison started: the prompt goes after the leaf, its first
    /// answer on the path and the others beside it, shown as columns.
    pub(super) fn compared(&mut self, compare: StartedCompare) {
        let StartedCompare {
            user_message,
            answers,
        } = compare;
        if !self.is_current(&user_message.session_id) {
            return;
        }
        let ids: Vec<String> = answers.iter().map(|a| a.id.clone()).collect();
        self.columns.insert(user_message.id.clone());
        self.upsert(user_message);
        for (index, answer) in answers.into_iter().enumerate() {
            let Some(mut answer) = self.started_answer(answer) else {
                continue;
            };
            if answer.siblings.len() < ids.len() {
                answer.siblings.clone_from(&ids);
            }
            if index == 0 {
                self.upsert(answer);
            } else {
                self.others.insert(answer.id.clone(), answer);
            }
        }
    }

    /// The path as the shell reads it now. The answers that leave it stay
    /// known; an answer still streaming here keeps what arrived.
    pub(super) fn replace_path(&mut self, messages: Vec<StoredMessage>) {
        let mut path = Vec::with_capacity(messages.len());
        for message in messages {
            let known = self.take(&message.id);
            path.push(match known {
                Some(live)
                    if live.status == MessageStatus::Streaming
                        && message.status == MessageStatus::Streaming =>
                {
                    live
                }
                _ => message,
            });
        }
        let old = std::mem::replace(&mut self.messages, path);
        for gone in old {
            if gone.role == Role::Assistant {
                self.others.insert(gone.id.clone(), gone);
            }
        }
        self.stop_editing_off_path();
    }

    /// `id` and everything below it were deleted.
    pub(super) fn deleted(&mut self, id: &str) {
        let mut gone: HashSet<String> = HashSet::from([id.to_owned()]);
        // Descendants: those whose parent went, until none is left.
        loop {
            let below: Vec<String> = self
                .all_messages()
                .filter(|m| {
                    !gone.contains(&m.id) && m.parent_id.as_ref().is_some_and(|p| gone.contains(p))
                })
                .map(|m| m.id.clone())
                .collect();
            if below.is_empty() {
                break;
            }
            gone.extend(below);
        }
        if let Some(at) = self.messages.iter().position(|m| gone.contains(&m.id)) {
            self.messages.truncate(at);
        }
        self.others.retain(|other, _| !gone.contains(other));
        self.highlighted.retain(|other, _| !gone.contains(other));
        let messages = self.messages.iter_mut().chain(self.others.values_mut());
        for message in messages {
            message.siblings.retain(|sibling| sibling != id);
        }
        if self.editing.as_ref().is_some_and(|e| gone.contains(e)) {
            self.editing = None;
        }
    }
}

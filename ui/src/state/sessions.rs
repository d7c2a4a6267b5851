//! The sidebar's lists: the sessions as the shell lists them, and the hits
//! of the search being shown (none: no search, the list is shown).

use super::reducible;
use crate::types::{SearchHit, SessionSummary};

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Sessions {
    pub list: Vec<SessionSummary>,
    pub hits: Option<Vec<SearchHit>>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SessionsAction {
    /// The shell's list, after any change.
    Listed(Vec<SessionSummary>),
    Found(Vec<SearchHit>),
    /// The search field was emptied.
    SearchCleared,
}

impl Sessions {
    pub fn apply(&mut self, action: SessionsAction) {
        match action {
            SessionsAction::Listed(list) => self.list = list,
            SessionsAction::Found(hits) => self.hits = Some(hits),
            SessionsAction::SearchCleared => self.hits = None,
        }
    }
}

reducible!(Sessions, SessionsAction);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::summary;

    #[test]
    fn a_search_shows_its_hits_until_cleared_while_the_list_stays_fresh() {
        let mut sessions = Sessions::default();
        sessions.apply(SessionsAction::Listed(vec![summary("a")]));
        sessions.apply(SessionsAction::Found(vec![SearchHit {
            session: summary("a"),
            title_matches: true,
            message_id: None,
            snippet: None,
        }]));
        sessions.apply(SessionsAction::Listed(vec![summary("b"), summary("a")]));
        assert_eq!(sessions.hits.as_ref().map(Vec::len), Some(1));
        assert_eq!(sessions.list.len(), 2);
        sessions.apply(SessionsAction::SearchCleared);
        assert_eq!(sessions.hits, None);
        assert_eq!(sessions.list[0].id, "b");
    }
}

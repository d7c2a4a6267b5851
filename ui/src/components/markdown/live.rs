//! A streaming answer's Markdown written into the page as it grows, instead
//! of replacing all of its HTML at every frame (which makes the webview
//! parse, lay out and paint the whole answer again, and keeps its thread
//! busy while the next deltas wait). The blocks that are complete
//! ([`BlockRenderer`]) are inserted once and never touched again; the open
//! block is rendered again and its nodes brought up to date in place: equal
//! nodes stay, a text that grew gets the new text appended, only what
//! differs is replaced. The page ends up with the same nodes as the HTML of
//! the whole.

use chat_core::markdown::BlockRenderer;
use wasm_bindgen::JsCast;
use web_sys::{CharacterData, Element, HtmlTemplateElement, Node};

use super::with_copy_buttons;

/// What of a container's content is written: the complete blocks' nodes
/// come first, then the open block's.
#[derive(Default)]
pub struct LiveBlocks {
    blocks: BlockRenderer,
    /// Complete blocks in the container.
    written: usize,
    /// The container's child nodes that hold them.
    done_nodes: u32,
}

/// What one update writes: the container's children from `from` on
/// become the nodes of `finished` (blocks complete since the last update)
/// followed by those of `open`.
#[derive(Debug, PartialEq)]
struct Update {
    from: u32,
    finished: String,
    open: String,
}

impl LiveBlocks {
    /// Brings `container`'s children up to `source`'s HTML.
    pub fn write(&mut self, container: &Element, source: &str) {
        let update = self.update(source);
        let finished = parse(&update.finished);
        let count = u32::try_from(finished.len()).unwrap_or(u32::MAX);
        let fresh: Vec<Node> = finished.into_iter().chain(parse(&update.open)).collect();
        update_children(container, update.from, &fresh);
        self.done_nodes = update.from.saturating_add(count);
    }

    /// What to write for `source`, the complete blocks already written
    /// left as they are.
    fn update(&mut self, source: &str) -> Update {
        let kept = self.blocks.update(source);
        if kept < self.written {
            // Another text (edited, regenerated): everything is new.
            (self.written, self.done_nodes) = (0, 0);
        }
        let done = self.blocks.done();
        let finished = with_copy_buttons(&done[self.written..].concat());
        self.written = done.len();
        Update {
            from: self.done_nodes,
            finished,
            open: with_copy_buttons(self.blocks.open()),
        }
    }
}

/// The nodes `html` parses to (in an inert template: nothing loads or runs
/// until they are in the page).
fn parse(html: &str) -> Vec<Node> {
    if html.is_empty() {
        return Vec::new();
    }
    let template = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.create_element("template").ok())
        .and_then(|element| element.dyn_into::<HtmlTemplateElement>().ok());
    let Some(template) = template else {
        return Vec::new();
    };
    template.set_inner_html(html);
    children(&template.content())
}

fn children(node: &Node) -> Vec<Node> {
    let list = node.child_nodes();
    (0..list.length()).filter_map(|at| list.item(at)).collect()
}

/// Makes `parent`'s children from index `from` on equal to `fresh`, keeping
/// the nodes that already are.
fn update_children(parent: &Node, from: u32, fresh: &[Node]) {
    let live = parent.child_nodes();
    let mut at = from;
    for node in fresh {
        match live.item(at) {
            Some(old) => update_node(parent, &old, node),
            None => {
                let _ = parent.append_child(node);
            }
        }
        at += 1;
    }
    while let Some(extra) = live.item(at) {
        let _ = parent.remove_child(&extra);
    }
}

/// Makes `old` (a child of `parent`) equal to `new`: a text is changed in
/// place (appended to when it grew), an element with the same name and
/// attributes keeps itself and updates its children, anything else is
/// replaced.
fn update_node(parent: &Node, old: &Node, new: &Node) {
    let same_kind = old.node_type() == new.node_type() && old.node_name() == new.node_name();
    if same_kind && old.node_type() == Node::TEXT_NODE {
        let (before, after) = (old.node_value(), new.node_value());
        if before == after {
            return;
        }
        let after = after.unwrap_or_default();
        let grown = before
            .as_deref()
            .and_then(|before| after.strip_prefix(before));
        match (grown, old.dyn_ref::<CharacterData>()) {
            (Some(added), Some(text)) => {
                let _ = text.append_data(added);
            }
            _ => old.set_node_value(Some(&after)),
        }
    } else if same_kind
        && let (Some(old_element), Some(new_element)) =
            (old.dyn_ref::<Element>(), new.dyn_ref::<Element>())
        && same_attributes(old_element, new_element)
    {
        update_children(old, 0, &children(new));
    } else {
        let _ = parent.replace_child(new, old);
    }
}

fn same_attributes(old: &Element, new: &Element) -> bool {
    let names = new.get_attribute_names();
    old.get_attribute_names().length() == names.length()
        && names.iter().all(|name| {
            let name = name.as_string().unwrap_or_default();
            old.get_attribute(&name) == new.get_attribute(&name)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn update(from: u32, finished: &str, open: &str) -> Update {
        let [finished, open] = [finished, open].map(str::to_owned);
        Update {
            from,
            finished,
            open,
        }
    }

    #[test]
    fn complete_blocks_are_written_once_and_the_open_one_each_time() {
        let mut live = LiveBlocks::default();
        assert_eq!(live.update("# Hi"), update(0, "", "<h1>Hi</h1>\n"));
        let first = live.update("# Hi\n\nSome\nmore");
        assert_eq!(first, update(0, "<h1>Hi</h1>\n", "<p>Some\nmore</p>\n"));
        // As `write` counts them: the heading is an element and a newline.
        live.done_nodes = 2;
        let next = live.update("# Hi\n\nSome\nmore text");
        assert_eq!(next, update(2, "", "<p>Some\nmore text</p>\n"));
        let code = live.update("# Hi\n\nSome\nmore text\n\n```\nlet a");
        assert_eq!(code.from, 2);
        assert_eq!(code.finished, "<p>Some\nmore text</p>\n");
        assert!(
            code.open.starts_with("<div class=\"code-block\"><button"),
            "{code:?}"
        );
    }

    #[test]
    fn another_text_is_written_from_the_start() {
        let mut live = LiveBlocks::default();
        live.update("one\n\ntwo\n\nthree");
        live.done_nodes = 4;
        assert_eq!(live.update("other"), update(0, "", "<p>other</p>\n"));
    }
}

//! Markdown cut into its top-level blocks, so that a streaming answer is
//! rendered a block at a time: the blocks that are complete once, only the
//! last (open) one again as text arrives.
//!
//! Cutting is exact: each block is a slice of the source from the start of
//! the line where it begins to the start of the next block's line, and the
//! slices rendered one by one and put together give the HTML of the whole
//! (the tests hold it to that). Only link reference definitions reach
//! across blocks (`[x]: url` anywhere makes `[x]` a link everywhere): a
//! source with one is kept as a single block.
//!
//! Why earlier blocks stay complete while text is appended: Markdown's block
//! structure is decided line by line, and a block that a later top-level
//! block followed (from a whole line on) is closed for good. Only the last
//! block can still change
//! (a paragraph turning into a setext heading or a table, a list gaining
//! items, a fence being closed), so [`BlockRenderer`] parses again only from
//! where the last block starts.

use pulldown_cmark::{Event, Parser};

use super::{OPTIONS, render_markdown};

/// Byte offsets where the top-level blocks of `src` begin, each the start of
/// a line, ascending, the first 0; `None` when `src` defines a link
/// reference (its blocks cannot be rendered apart).
fn block_starts(src: &str) -> Option<Vec<usize>> {
    let mut events = Parser::new_ext(src, OPTIONS).into_offset_iter();
    if events.reference_definitions().iter().next().is_some() {
        return None;
    }
    let mut starts = vec![0];
    let mut depth = 0_usize;
    for (event, range) in events.by_ref() {
        let starts_block = depth == 0 && !matches!(event, Event::End(_));
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
        if starts_block {
            let line = src[..range.start].rfind('\n').map_or(0, |at| at + 1);
            if starts.last().is_some_and(|&last| line > last) {
                starts.push(line);
            }
        }
    }
    Some(starts)
}

/// `src` as its top-level blocks, in order: rendered one by one with
/// [`render_markdown`] and joined, they give `render_markdown(src)`. A
/// single slice when `src` defines a link reference.
pub fn split_blocks(src: &str) -> Vec<&str> {
    slices(src, &block_starts(src).unwrap_or_else(|| vec![0]))
}

/// `src` cut at `starts`.
fn slices<'a>(src: &'a str, starts: &[usize]) -> Vec<&'a str> {
    let ends = starts.iter().skip(1).copied().chain([src.len()]);
    starts
        .iter()
        .zip(ends)
        .map(|(&start, end)| &src[start..end])
        .collect()
}

/// The HTML of a growing Markdown source, block by block: call
/// [`update`](Self::update) with each longer source; the complete blocks'
/// HTML ([`done`](Self::done)) is rendered once, the open block's
/// ([`open`](Self::open)) at every update. A source that does not extend
/// the last one starts over.
#[derive(Debug, Default, Clone)]
pub struct BlockRenderer {
    /// The source of the complete blocks: a prefix of every later source.
    done_source: String,
    done: Vec<String>,
    open: String,
}

impl BlockRenderer {
    /// Renders `src`; returns how many complete blocks are unchanged since
    /// the last update (the others, after them, are new).
    pub fn update(&mut self, src: &str) -> usize {
        if !src.starts_with(&self.done_source) {
            *self = Self::default();
        }
        let kept = self.done.len();
        let tail = &src[self.done_source.len()..];
        let Some(starts) = block_starts(tail) else {
            // A link reference definition: it may change how any block
            // renders, so everything is one block.
            *self = Self::default();
            self.open = render_markdown(src);
            return 0;
        };
        // A block is complete once the next one's first line is: until its
        // newline, a last line can still join the block before it (`***`
        // is a rule, `***x` continues a paragraph in a list item).
        let open_at = (starts.iter().rposition(|&at| tail[at..].contains('\n'))).unwrap_or(0);
        let mut blocks = slices(tail, &starts[..=open_at]);
        let open = blocks.pop().unwrap_or_default();
        for block in blocks {
            self.done_source.push_str(block);
            self.done.push(render_markdown(block));
        }
        self.open = render_markdown(open);
        kept
    }

    /// The HTML of each complete block, in order.
    pub fn done(&self) -> &[String] {
        &self.done
    }

    /// The HTML of the last block, still open.
    pub fn open(&self) -> &str {
        &self.open
    }

    /// All of it: what `render_markdown` gives for the last source.
    pub fn html(&self) -> String {
        let mut html = self.done.concat();
        html.push_str(&self.open);
        html
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Documents with every kind of block, including ones cut short.
    const DOCUMENTS: &[&str] = &[
        "",
        "one paragraph",
        "\n\nleading blank lines\n\nthen another\n",
        "# Title\n\nSome *text* and `code`.\n\n- a\n- b\n\n1. one\n2. two\n",
        "- tight\n- list\n\n\nafter\n",
        "- loose\n\n- list\n- end\n\npara\n",
        "* nested\n  - inner\n\n    para in item\n* next\n",
        "```rust\nfn main() {}\n```\nafter the fence\n",
        "text\n\n```python\nunfinished = True\n\nstill code\n",
        "~~~\nfence\n~~~\n\n```\n",
        "| a | b |\n|:--|--:|\n| 1 | 2 |\n\nbelow the table\n",
        "| a | b |\n|---|---|\n| 1 |",
        "> quote\nlazy line\n\n> another\n\n---\n***\n",
        "setext\n======\n\nunder\n---\n\n    indented code\n\n    more\n\ntext",
        "<div>\nraw html\n</div>\n\n<!-- comment\nrunning on",
        "- [ ] task\n- [x] done\n\n~~struck~~ and <https://example.com>\n",
        "para\n- interrupting list\n\npara\n1) ordered\n",
        "a  \nhard break\\\nand more\n\n\n\n",
        "[ref] is used before\n\n[ref]: https://example.com\n\nand after [ref]\n",
    ];

    fn rendered_apart(src: &str) -> String {
        split_blocks(src).into_iter().map(render_markdown).collect()
    }

    #[test]
    fn blocks_rendered_apart_equal_the_whole() {
        for src in DOCUMENTS {
            assert_eq!(rendered_apart(src), render_markdown(src), "{src:?}");
            assert_eq!(split_blocks(src).concat(), *src);
        }
    }

    #[test]
    fn blocks_are_cut_at_top_level_block_starts() {
        let src = "# T\n\n- a\n\n- b\n\n```\nx\n\ny\n```\n| a |\n|---|\n| 1 |\n";
        assert_eq!(
            split_blocks(src),
            [
                "# T\n\n",
                "- a\n\n- b\n\n",
                "```\nx\n\ny\n```\n",
                "| a |\n|---|\n| 1 |\n"
            ]
        );
        let unfinished = "para\n\n```\ncode\n\nmore";
        assert_eq!(split_blocks(unfinished), ["para\n\n", "```\ncode\n\nmore"]);
    }

    #[test]
    fn a_reference_definition_keeps_the_source_whole() {
        let src = "[x] first\n\nsecond\n\n[x]: https://example.com\n";
        assert_eq!(split_blocks(src), [src]);
        assert!(render_markdown(src).contains("<a href"));
    }

    /// Streams `src` in pieces of `step` bytes (at char boundaries): after
    /// every piece the blocks give the prefix's HTML, and the complete
    /// blocks kept are the ones rendered before.
    fn stream(src: &str, step: usize) {
        let mut renderer = BlockRenderer::default();
        let mut end = 0;
        while end < src.len() {
            end = (end + step).min(src.len());
            while !src.is_char_boundary(end) {
                end += 1;
            }
            let before = renderer.done().to_vec();
            let kept = renderer.update(&src[..end]);
            let prefix = &src[..end];
            assert_eq!(renderer.html(), render_markdown(prefix), "{prefix:?}");
            assert_eq!(renderer.done()[..kept], before[..kept], "{prefix:?}");
        }
    }

    #[test]
    fn streamed_blocks_equal_the_whole_at_every_step() {
        for src in DOCUMENTS {
            for step in [1, 3, 7, 40] {
                stream(src, step);
            }
        }
    }

    #[test]
    fn complete_blocks_are_rendered_once() {
        let mut renderer = BlockRenderer::default();
        assert_eq!(renderer.update("# Title\n\nfirst"), 0);
        assert!(renderer.done().is_empty(), "the last line may still change");
        assert_eq!(renderer.update("# Title\n\nfirst line\nsecond"), 0);
        assert_eq!(renderer.done(), ["<h1>Title</h1>\n"]);
        assert_eq!(renderer.open(), "<p>first line\nsecond</p>\n");
        assert_eq!(renderer.update("# Title\n\nfirst para\n\n- item\n"), 1);
        assert_eq!(renderer.done().len(), 2);
        assert_eq!(renderer.open(), "<ul>\n<li>item</li>\n</ul>\n");
        // A new text starts over; a reference definition makes it one block.
        assert_eq!(renderer.update("other\n\n[a]: /x"), 0);
        assert!(renderer.done().is_empty());
        renderer.update("[a] one\n\ntwo\n\n");
        assert_eq!(renderer.update("[a] one\n\ntwo\n\n[a]: /x"), 0);
        assert!(renderer.done().is_empty());
        assert_eq!(
            renderer.html(),
            render_markdown("[a] one\n\ntwo\n\n[a]: /x")
        );
    }

    /// What answers are made of, glued in any order.
    const PIECES: &[&str] = &[
        "word",
        " ",
        "\n",
        "\n\n",
        "  ",
        "    ",
        "# ",
        "## ",
        "- ",
        "* ",
        "1. ",
        "2) ",
        "> ",
        "```",
        "```rust",
        "~~~",
        "|",
        "| a | b |",
        "|---|---|",
        ":-:",
        "---",
        "===",
        "***",
        "`",
        "*",
        "_",
        "~~",
        "[",
        "](",
        ")",
        "[x]: /u",
        "<div>",
        "</div>",
        "<!--",
        "-->",
        "- [ ] ",
        "\\",
        "é",
        "\t",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn any_answer_splits_and_streams_exactly(
            pieces in prop::collection::vec(prop::sample::select(PIECES), 0..40),
            step in 1_usize..12,
        ) {
            let src = pieces.concat();
            prop_assert_eq!(rendered_apart(&src), render_markdown(&src));
            stream(&src, step);
        }
    }
}

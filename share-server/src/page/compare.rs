//! A comparison: several answers to one prompt (`replyTo`), shown as
//! columns — side by side where the screen is wide enough, stacked cards on
//! a phone: a CSS grid, no script — and under them a table of what each
//! answer cost and how fast it came, the best figure of each column marked.
//!
//! The figures are the ones the stats line of a message shows, read from
//! the snapshot as measured: a figure that was not measured is `—`, never
//! a made-up zero, and takes no part in choosing the best. Tokens/s is the
//! Speed a message's stats line shows: output tokens over the time from the
//! first token to the last. Only answers that ended on their own are
//! ranked: a failed or stopped one is cheaper and quicker for not finishing.

use chat_core::format::generation_rate;
use chat_core::{FinishReason, Message, ModelRef, ShareSnapshot};
use maud::{Markup, html};

use super::answers::Comparison;
use super::format;

/// Which way a figure is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Better {
    Lower,
    Higher,
}

/// One figure column of the table.
pub struct Figure {
    /// Stable key: the cells' `data-column`.
    pub key: &'static str,
    pub label: &'static str,
    /// What the label means, when it needs saying (the header's `title`).
    pub hint: Option<&'static str>,
    read: fn(&Message) -> Option<f64>,
    show: fn(f64) -> String,
    better: Option<Better>,
}

impl Figure {
    /// `lowest` or `highest` for a figure whose best is marked.
    pub fn best_is(&self) -> Option<&'static str> {
        self.better.map(|better| match better {
            Better::Lower => "lowest",
            Better::Higher => "highest",
        })
    }
}

fn tokens(value: f64) -> String {
    format::count(value as i64)
}

fn millis(value: f64) -> String {
    format::duration_ms(value as i64)
}

fn usage(message: &Message, part: fn(&chat_core::Usage) -> Option<i64>) -> Option<f64> {
    message.usage.as_ref().and_then(part).map(|n| n as f64)
}

/// The table's figure columns, in order.
pub const FIGURES: [Figure; 8] = [
    Figure {
        key: "input-tokens",
        label: "Input",
        read: |m| usage(m, |u| Some(u.input_tokens)),
        show: tokens,
        better: None,
        hint: None,
    },
    Figure {
        key: "output-tokens",
        label: "Output",
        read: |m| usage(m, |u| Some(u.output_tokens)),
        show: tokens,
        better: None,
        hint: None,
    },
    Figure {
        key: "reasoning-tokens",
        label: "Reasoning",
        read: |m| usage(m, |u| u.reasoning_tokens),
        show: tokens,
        better: None,
        hint: None,
    },
    Figure {
        key: "cached-tokens",
        label: "Cached",
        read: |m| usage(m, |u| u.cached_tokens),
        show: tokens,
        better: None,
        hint: None,
    },
    Figure {
        key: "cost",
        label: "Cost",
        read: |m| m.cost,
        show: format::money,
        better: Some(Better::Lower),
        hint: None,
    },
    Figure {
        key: "ttft",
        label: "First token",
        read: |m| m.time_to_first_token_ms.map(|ms| ms as f64),
        show: millis,
        better: Some(Better::Lower),
        hint: Some("Time to the first token"),
    },
    Figure {
        key: "inference-time",
        label: "Inference",
        read: |m| m.inference_time_ms.map(|ms| ms as f64),
        show: millis,
        better: Some(Better::Lower),
        hint: Some("Time from the request to the last token"),
    },
    Figure {
        key: "tokens-per-second",
        label: "Tokens/s",
        read: |m| {
            let output = m.usage?.output_tokens;
            generation_rate(output, m.inference_time_ms, m.time_to_first_token_ms)
        },
        show: format::tokens_per_second,
        better: Some(Better::Higher),
        hint: Some("Output tokens per second from the first token to the last"),
    },
];

/// What the table's marks mean, under it (after a star).
pub const LEGEND: &str = "Best of its column: the lowest cost and times, the highest speed, \
                          among the answers that finished. — where a figure was not measured.";

/// One figure of one answer: its text (`None` when not measured) and
/// whether it is the best of its column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub text: Option<String>,
    pub best: bool,
}

/// One answer's line of the table.
pub struct Row<'a> {
    /// Index of the answer in the conversation.
    pub index: usize,
    /// 1-based position of the answer in the comparison (its column).
    pub number: usize,
    pub message: &'a Message,
    pub model: ModelRef<'a>,
    /// One cell per [`FIGURES`] entry.
    pub cells: Vec<Cell>,
}

/// Whether an answer ended on its own (not failed, not stopped), and so is
/// ranked.
fn finished(message: &Message) -> bool {
    message.error.is_none()
        && !matches!(
            message.finish_reason,
            Some(FinishReason::Error | FinishReason::Stopped)
        )
}

/// The table's rows. The best of a column is marked only where at least two
/// finished answers were measured; every answer that ties for it is marked.
pub fn rows<'a>(snapshot: &'a ShareSnapshot, answers: &[usize]) -> Vec<Row<'a>> {
    let ranked: Vec<bool> = answers
        .iter()
        .map(|&index| finished(&snapshot.messages[index]))
        .collect();
    let figures: Vec<Vec<Option<f64>>> = answers
        .iter()
        .map(|&index| {
            let message = &snapshot.messages[index];
            FIGURES
                .iter()
                .map(|figure| (figure.read)(message).filter(|v| v.is_finite()))
                .collect()
        })
        .collect();
    let best: Vec<Option<f64>> = FIGURES
        .iter()
        .enumerate()
        .map(|(column, figure)| {
            let known: Vec<f64> = figures
                .iter()
                .zip(&ranked)
                .filter(|(_, ranked)| **ranked)
                .filter_map(|(row, _)| row[column])
                .collect();
            let better = figure.better.filter(|_| known.len() > 1)?;
            known.into_iter().reduce(|a, b| match better {
                Better::Lower => a.min(b),
                Better::Higher => a.max(b),
            })
        })
        .collect();
    answers
        .iter()
        .zip(figures)
        .zip(ranked)
        .enumerate()
        .map(|(position, ((&index, values), ranked))| {
            let message = &snapshot.messages[index];
            let cells = FIGURES
                .iter()
                .zip(values)
                .zip(&best)
                .map(|((figure, value), best)| Cell {
                    text: value.map(figure.show),
                    best: ranked && value.is_some() && value == *best,
                })
                .collect();
            Row {
                index,
                number: position + 1,
                message,
                model: snapshot.model_of(message),
                cells,
            }
        })
        .collect()
}

/// The comparison: a heading naming the prompt, the answers' `columns`
/// (articles rendered by [`super::messages`]) and the table.
pub fn section(
    snapshot: &ShareSnapshot,
    comparison: &Comparison,
    columns: Markup,
    anchor: impl Fn(usize) -> String,
) -> Markup {
    let first = comparison.answers.first().copied().unwrap_or_default();
    let heading = format!("{}-comparison", anchor(first));
    let rows = rows(snapshot, &comparison.answers);
    html! {
        section.compare data-testid="comparison" aria-labelledby=(heading) {
            header.compare-header {
                h2.compare-heading id=(heading) { "Comparison" }
                p.compare-prompt {
                    (comparison.answers.len()) " answers to "
                    @if let Some(prompt) = comparison.prompt {
                        a href={ "#" (anchor(prompt)) } { "message " (prompt + 1) }
                    } @else {
                        "one message"
                    }
                }
            }
            div.compare-columns data-testid="comparison-columns" { (columns) }
            (table(&rows, anchor))
        }
    }
}

fn table(rows: &[Row<'_>], anchor: impl Fn(usize) -> String) -> Markup {
    html! {
        div.compare-figures {
            table.compare-table data-testid="comparison-table" {
                caption { "Figures of each answer" }
                thead {
                    tr {
                        th scope="col" { "Answer" }
                        @for figure in &FIGURES {
                            th scope="col" data-column=(figure.key) title=[figure.hint] { (figure.label) }
                        }
                    }
                }
                tbody {
                    @for row in rows {
                        tr data-testid="comparison-row" data-message-id=(row.message.id) {
                            th scope="row" {
                                a.compare-number href={ "#" (anchor(row.index)) } { (row.number) }
                                " "
                                span.msg-model { (row.model.model) }
                                " "
                                span.msg-provider { (row.model.provider) }
                            }
                            @for (figure, cell) in FIGURES.iter().zip(&row.cells) {
                                (figure_cell(figure, cell))
                            }
                        }
                    }
                }
            }
        }
        p.compare-legend {
            span aria-hidden="true" { "★ " }
            (LEGEND)
        }
    }
}

fn figure_cell(figure: &Figure, cell: &Cell) -> Markup {
    let best = cell.best.then(|| figure.best_is()).flatten();
    html! {
        td.compare-best[best.is_some()] data-column=(figure.key) data-best=[best] {
            @match &cell.text {
                Some(text) => (text),
                None => span.compare-missing title="Not measured" { "—" },
            }
            @if best.is_some() {
                " "
                span.compare-best-mark { span aria-hidden="true" { "★ " } "best" }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(rows: &[Row<'_>]) -> Vec<Vec<String>> {
        rows.iter()
            .map(|row| {
                row.cells
                    .iter()
                    .map(|cell| {
                        let text = cell.text.clone().unwrap_or_else(|| "—".into());
                        if cell.best {
                            format!("{text} ★")
                        } else {
                            text
                        }
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn a_figure_measured_once_is_nobodys_best_and_missing_ones_are_dashes() {
        let snapshot = super::super::fixtures::comparison();
        let rows = rows(&snapshot, &[1, 2, 3, 4]);
        assert_eq!(
            texts(&rows),
            [
                [
                    "900",
                    "100",
                    "—",
                    "—",
                    "$0.003 ★",
                    "300 ms ★",
                    "1.30 s ★",
                    "100 tok/s ★"
                ],
                [
                    "950",
                    "64",
                    "—",
                    "—",
                    "$0.0038",
                    "500 ms",
                    "1.50 s",
                    "64.0 tok/s"
                ],
                // Stopped before its timings were recorded; free, but not
                // the cheapest answer for it.
                ["880", "6", "—", "—", "$0.00", "—", "—", "—"],
                // Failed: nothing measured.
                ["—", "—", "—", "—", "—", "—", "—", "—"],
            ]
        );
    }

    #[test]
    fn an_answer_that_failed_or_was_stopped_is_measured_but_never_best() {
        let mut snapshot = super::super::fixtures::comparison();
        // The failed answer got quickly to its first token and then broke.
        snapshot.messages[4].time_to_first_token_ms = Some(10);
        snapshot.messages[4].inference_time_ms = Some(20);
        // The stopped one is the quickest too.
        snapshot.messages[3].time_to_first_token_ms = Some(5);
        let rows = rows(&snapshot, &[1, 2, 3, 4]);
        let ttft: Vec<String> = texts(&rows).into_iter().map(|row| row[5].clone()).collect();
        assert_eq!(ttft, ["300 ms ★", "500 ms", "5 ms", "10 ms"]);
        let inference: Vec<String> = texts(&rows).into_iter().map(|row| row[6].clone()).collect();
        assert_eq!(inference, ["1.30 s ★", "1.50 s", "—", "20 ms"]);
    }
}

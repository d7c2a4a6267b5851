//! Property tests: generated valid snapshots pass and survive the JSON round
//! trip; single breakages are reported at their path; nothing panics.

use proptest::prelude::*;

use super::*;
use crate::snapshot::*;
use crate::test_fixtures::{at, message, now, snapshot};

#[derive(Debug, Clone)]
struct Spec {
    role: Role,
    content: String,
    usage: Option<Usage>,
    cost: Option<f64>,
    timings: Option<(i64, i64)>,
    calls_tool: bool,
    answer: Option<AnswerSpec>,
}

/// The v2 fields of an assistant message.
#[derive(Debug, Clone)]
struct AnswerSpec {
    model: &'static str,
    finish_reason: Option<FinishReason>,
    temperature: Option<f64>,
    seed: Option<i64>,
    replies: bool,
}

fn answer_spec() -> impl Strategy<Value = AnswerSpec> {
    (
        prop::sample::select(vec!["gpt-4o", "claude-sonnet-4", "llama3.2"]),
        prop::option::of(prop::sample::select(vec![
            FinishReason::Stop,
            FinishReason::Length,
            FinishReason::ToolCalls,
            FinishReason::Stopped,
            FinishReason::Error,
        ])),
        prop::option::of(0.0..=2.0f64),
        prop::option::of(any::<i64>()),
        any::<bool>(),
    )
        .prop_map(
            |(model, finish_reason, temperature, seed, replies)| AnswerSpec {
                model,
                finish_reason,
                temperature,
                seed,
                replies,
            },
        )
}

fn usage() -> impl Strategy<Value = Usage> {
    (0..2_000_000i64, 0..200_000i64)
        .prop_flat_map(|(input, output)| {
            (
                Just(input),
                Just(output),
                prop::option::of(0..=output),
                prop::option::of(0..=input),
            )
        })
        .prop_map(
            |(input_tokens, output_tokens, reasoning_tokens, cached_tokens)| Usage {
                input_tokens,
                output_tokens,
                reasoning_tokens,
                cached_tokens,
            },
        )
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        prop::sample::select(vec![Role::User, Role::Assistant, Role::System]),
        "\\PC{0,40}",
        prop::option::of(usage()),
        prop::option::of(0.0..5.0f64),
        prop::option::of((0..60_000i64).prop_flat_map(|total| (0..=total, Just(total)))),
        any::<bool>(),
        prop::option::of(answer_spec()),
    )
        .prop_map(
            |(role, content, usage, cost, timings, calls_tool, answer)| Spec {
                role,
                content,
                usage,
                cost,
                timings,
                calls_tool,
                answer,
            },
        )
}

fn valid_snapshot() -> impl Strategy<Value = ShareSnapshot> {
    (
        prop::collection::vec(spec(), 1..12),
        "[A-Za-z][A-Za-z0-9 ]{0,60}",
        prop::option::of(0.0..=2.0f64),
        prop::option::of(0.0..=1.0f64),
        prop::option::of(1..100_000i64),
    )
        .prop_map(|(specs, title, temperature, top_p, max_tokens)| {
            let mut s = snapshot();
            s.title = title;
            s.model_config.temperature = temperature;
            s.model_config.top_p = top_p;
            s.model_config.max_tokens = max_tokens;
            s.messages.clear();
            let mut last_user: Option<String> = None;
            for (i, spec) in specs.into_iter().enumerate() {
                let minute = u32::try_from(i % 60).unwrap();
                let mut m = message(&format!("m{i}"), spec.role, &spec.content, minute);
                m.usage = spec.usage;
                m.cost = spec.cost;
                m.time_to_first_token_ms = spec.timings.map(|(first, _)| first);
                m.inference_time_ms = spec.timings.map(|(_, total)| total);
                let call =
                    (spec.calls_tool && spec.role == Role::Assistant).then(|| format!("call_{i}"));
                if let Some(answer) = spec.answer.filter(|_| spec.role == Role::Assistant) {
                    m.model = Some(answer.model.into());
                    m.finish_reason = answer.finish_reason;
                    if answer.finish_reason == Some(FinishReason::Error) {
                        m.error = Some(format!("error {i}"));
                    }
                    if answer.temperature.is_some() || answer.seed.is_some() {
                        m.params = Some(GenerationParams {
                            temperature: answer.temperature,
                            other: answer
                                .seed
                                .map(|seed| ("seed".to_string(), serde_json::json!(seed)))
                                .into_iter()
                                .collect(),
                            ..GenerationParams::default()
                        });
                    }
                    m.reply_to = last_user.clone().filter(|_| answer.replies);
                }
                if spec.role == Role::User {
                    last_user = Some(m.id.clone());
                }
                if let Some(id) = &call {
                    m.tool_calls.push(ToolCall {
                        id: id.clone(),
                        name: "get_weather".into(),
                        arguments: "{}".into(),
                    });
                }
                s.messages.push(m);
                if let Some(id) = call {
                    let mut answer = message(&format!("t{i}"), Role::Tool, "{}", minute);
                    answer.tool_call_id = Some(id);
                    s.messages.push(answer);
                }
            }
            s.fill_totals();
            s
        })
}

proptest! {
    #[test]
    fn generated_snapshots_are_valid_and_round_trip(s in valid_snapshot()) {
        let by_model: i64 = s.totals_by_model().iter().map(|g| g.totals.total_tokens).sum();
        prop_assert_eq!(by_model, s.totals().total_tokens);
        prop_assert_eq!(validate(&s, now()), Ok(vec![]));
        let bytes = serde_json::to_vec(&s).unwrap();
        let parsed = parse_snapshot(&bytes, now()).unwrap();
        prop_assert!(parsed.warnings.is_empty());
        prop_assert_eq!(parsed.snapshot, s);
    }

    #[test]
    fn a_negative_token_count_is_reported_at_its_path(
        mut s in valid_snapshot(),
        pick in any::<prop::sample::Index>(),
        tokens in i64::MIN..0,
    ) {
        let with_usage: Vec<usize> =
            (0..s.messages.len()).filter(|i| s.messages[*i].usage.is_some()).collect();
        prop_assume!(!with_usage.is_empty());
        let i = *pick.get(&with_usage);
        if let Some(usage) = s.messages[i].usage.as_mut() {
            usage.output_tokens = tokens;
        }
        s.fill_totals();
        let errors = validate(&s, now()).unwrap_err();
        let path = format!("messages[{i}].usage.outputTokens");
        prop_assert!(errors.iter().any(|e| e.path == path && e.message == "must be ≥ 0"), "{}", errors);
    }

    #[test]
    fn totals_that_differ_are_warnings_not_errors(mut s in valid_snapshot(), delta in 1..i64::MAX / 2) {
        let server = s.totals().total_tokens;
        s.total_tokens = Some(server.saturating_add(delta));
        let warnings = validate(&s, now()).unwrap();
        prop_assert_eq!(warnings.len(), 1);
        prop_assert_eq!(warnings[0].field.as_str(), "totalTokens");
        prop_assert_eq!(warnings[0].server.as_ref().and_then(serde_json::Number::as_i64), Some(server));
        prop_assert_eq!(warnings[0].client.as_i64(), s.total_tokens);
    }

    #[test]
    fn negative_totals_are_errors(mut s in valid_snapshot(), total in i64::MIN..0) {
        s.total_tokens = Some(total);
        let errors = validate(&s, now()).unwrap_err();
        prop_assert!(errors.has("totalTokens"));
        prop_assert_eq!(errors.len(), 1);
    }

    #[test]
    fn garbage_numbers_never_panic(
        mut s in valid_snapshot(),
        input in any::<i64>(),
        output in any::<i64>(),
        reasoning in any::<Option<i64>>(),
        cached in any::<Option<i64>>(),
        cost in any::<f64>(),
        temperature in any::<f64>(),
        times in any::<(i64, i64)>(),
        total_tokens in any::<i64>(),
        total_cost in any::<Option<f64>>(),
    ) {
        let last = s.messages.len() - 1;
        let m = &mut s.messages[last];
        m.usage = Some(Usage { input_tokens: input, output_tokens: output, reasoning_tokens: reasoning, cached_tokens: cached });
        m.cost = Some(cost);
        m.time_to_first_token_ms = Some(times.0);
        m.inference_time_ms = Some(times.1);
        m.tool_call_id = Some("call_0".into());
        s.model_config.temperature = Some(temperature);
        s.total_tokens = Some(total_tokens);
        s.total_cost = total_cost;
        if let Err(errors) = validate(&s, now()) {
            prop_assert!(!errors.is_empty());
            prop_assert!(!errors.to_string().is_empty());
        }
        let _ = s.totals();
        let _ = s.totals_warnings();
        let _ = s.totals_by_model();
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        if let Err(error) = parse_snapshot(&bytes, now()) {
            prop_assert!(!error.to_string().is_empty());
        }
    }

    #[test]
    fn truncated_documents_are_refused_with_a_json_error(s in valid_snapshot(), cut in any::<prop::sample::Index>()) {
        let bytes = serde_json::to_vec(&s).unwrap();
        let cut = cut.index(bytes.len());
        let error = parse_snapshot(&bytes[..cut], now()).unwrap_err();
        prop_assert!(matches!(error, SnapshotError::Json { .. } | SnapshotError::InvalidUtf8 { .. }), "{}", error);
    }

    #[test]
    fn timestamps_outside_the_window_are_reported(s in valid_snapshot(), days in 2i64..100_000) {
        let mut late = s.clone();
        late.messages[0].timestamp = now() + chrono::Duration::days(days);
        prop_assert!(validate(&late, now()).unwrap_err().has("messages[0].timestamp"));
        let mut early = s;
        early.messages[0].timestamp = at(0) - chrono::Duration::days(days + 10_000);
        prop_assert!(validate(&early, now()).unwrap_err().has("messages[0].timestamp"));
    }
}

//! The genai-prices data format (`data_slim.json`): providers, their models,
//! match rules and (possibly conditional) prices. Only what pricing needs is
//! read; extractors and API patterns are ignored.

use chrono::{DateTime, NaiveDate, NaiveTime, Timelike, Utc};
use serde::Deserialize;

use super::price::ModelPrice;

#[derive(Debug, Clone, Deserialize)]
pub(super) struct Provider {
    pub id: String,
    pub name: String,
    /// Recognises other spellings of the provider id (`xai` for `x-ai`).
    #[serde(default)]
    pub provider_match: Option<Clause>,
    /// Recognises the provider from a model name alone.
    #[serde(default)]
    pub model_match: Option<Clause>,
    /// Providers whose models this one also serves at the same price.
    #[serde(default)]
    pub fallback_model_providers: Vec<String>,
    pub models: Vec<ModelInfo>,
}

#[derive(Debug, Clone, Deserialize)]
pub(super) struct ModelInfo {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(rename = "match")]
    pub matcher: Clause,
    pub prices: Prices,
}

/// One price, or prices that depend on the date or the time of day.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(super) enum Prices {
    /// Tried last to first; the first whose constraint holds applies, and
    /// when none holds, the first one does.
    Conditional(Vec<ConditionalPrice>),
    Fixed(ModelPrice),
}

#[derive(Debug, Clone, Deserialize)]
pub(super) struct ConditionalPrice {
    #[serde(default)]
    pub constraint: Option<Constraint>,
    pub prices: ModelPrice,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(super) enum Constraint {
    /// From this UTC date on (a price change).
    StartDate { start_date: NaiveDate },
    /// Between two times of the day, UTC (peak / off-peak pricing).
    TimeOfDay {
        #[serde(deserialize_with = "utc_time")]
        start_time: NaiveTime,
        #[serde(deserialize_with = "utc_time")]
        end_time: NaiveTime,
    },
}

impl Constraint {
    fn holds(&self, at: DateTime<Utc>) -> bool {
        match self {
            Constraint::StartDate { start_date } => at.date_naive() >= *start_date,
            Constraint::TimeOfDay {
                start_time,
                end_time,
            } => {
                let time = at.time().with_nanosecond(0).unwrap_or_else(|| at.time());
                if start_time <= end_time {
                    *start_time <= time && time < *end_time
                } else {
                    // An interval across midnight.
                    *start_time <= time || time < *end_time
                }
            }
        }
    }
}

/// `"00:30:00Z"`, `"00:30:00"` or `"08:00:00+08:00"`, as a UTC time of day.
fn utc_time<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<NaiveTime, D::Error> {
    let text = String::deserialize(deserializer)?;
    parse_utc_time(&text)
        .ok_or_else(|| serde::de::Error::custom(format!("invalid time of day {text:?}")))
}

fn parse_utc_time(text: &str) -> Option<NaiveTime> {
    let text = text.strip_suffix('Z').unwrap_or(text);
    if let Ok(time) = NaiveTime::parse_from_str(text, "%H:%M:%S") {
        return Some(time);
    }
    let split = text.rfind(['+', '-'])?;
    let time = NaiveTime::parse_from_str(&text[..split], "%H:%M:%S").ok()?;
    let offset: chrono::FixedOffset = text[split..].parse().ok()?;
    let (utc, _) =
        time.overflowing_sub_signed(chrono::TimeDelta::seconds(offset.local_minus_utc().into()));
    Some(utc)
}

impl Prices {
    pub(super) fn at(&self, at: DateTime<Utc>) -> Option<&ModelPrice> {
        match self {
            Prices::Fixed(price) => Some(price),
            Prices::Conditional(prices) => prices
                .iter()
                .rev()
                .find(|p| p.constraint.as_ref().is_none_or(|c| c.holds(at)))
                .or(prices.first())
                .map(|p| &p.prices),
        }
    }

    pub(super) fn sort_tiers(&mut self) {
        match self {
            Prices::Fixed(price) => price.sort_tiers(),
            Prices::Conditional(prices) => {
                for p in prices {
                    p.prices.sort_tiers();
                }
            }
        }
    }
}

/// A match rule. Comparisons are case-insensitive: patterns are lowercased
/// when loaded and the text is lowercased by the caller; regexes run on the
/// lowercased text (as genai-prices does).
#[derive(Debug, Clone, Deserialize)]
#[serde(try_from = "RawClause")]
pub(super) enum Clause {
    StartsWith(String),
    EndsWith(String),
    Contains(String),
    Equals(String),
    Regex(regex::Regex),
    Or(Vec<Clause>),
    And(Vec<Clause>),
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum RawClause {
    StartsWith(String),
    EndsWith(String),
    Contains(String),
    Equals(String),
    Regex(String),
    Or(Vec<RawClause>),
    And(Vec<RawClause>),
}

impl TryFrom<RawClause> for Clause {
    type Error = regex::Error;

    fn try_from(raw: RawClause) -> Result<Self, Self::Error> {
        let all = |clauses: Vec<RawClause>| -> Result<Vec<Clause>, regex::Error> {
            clauses.into_iter().map(Clause::try_from).collect()
        };
        Ok(match raw {
            RawClause::StartsWith(s) => Clause::StartsWith(s.to_lowercase()),
            RawClause::EndsWith(s) => Clause::EndsWith(s.to_lowercase()),
            RawClause::Contains(s) => Clause::Contains(s.to_lowercase()),
            RawClause::Equals(s) => Clause::Equals(s.to_lowercase()),
            RawClause::Regex(pattern) => Clause::Regex(regex::Regex::new(&pattern)?),
            RawClause::Or(clauses) => Clause::Or(all(clauses)?),
            RawClause::And(clauses) => Clause::And(all(clauses)?),
        })
    }
}

impl Clause {
    /// Whether `text` (already lowercased) matches.
    pub(super) fn is_match(&self, text: &str) -> bool {
        match self {
            Clause::StartsWith(prefix) => text.starts_with(prefix.as_str()),
            Clause::EndsWith(suffix) => text.ends_with(suffix.as_str()),
            Clause::Contains(part) => text.contains(part.as_str()),
            Clause::Equals(whole) => text == whole,
            Clause::Regex(regex) => regex.is_match(text),
            Clause::Or(clauses) => clauses.iter().any(|c| c.is_match(text)),
            Clause::And(clauses) => clauses.iter().all(|c| c.is_match(text)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn clause(json: &str) -> Clause {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn clauses_match_case_insensitively() {
        let c = clause(r#"{"or": [{"starts_with": "GLM-"}, {"regex": "^o[134]"}]}"#);
        assert!(c.is_match("glm-4.5"));
        assert!(c.is_match("o3-mini"));
        assert!(!c.is_match("gpt-4o"));
        let c = clause(r#"{"and": [{"contains": "huggingface"}, {"ends_with": "groq"}]}"#);
        assert!(c.is_match("huggingface/groq"));
        assert!(!c.is_match("huggingface/novita"));
        assert!(clause(r#"{"equals": "M2-her"}"#).is_match("m2-her"));
    }

    #[test]
    fn bad_regexes_and_unknown_clauses_are_errors() {
        assert!(serde_json::from_str::<Clause>(r#"{"regex": "("}"#).is_err());
        assert!(serde_json::from_str::<Clause>(r#"{"glob": "x*"}"#).is_err());
    }

    #[test]
    fn times_of_day_are_read_as_utc() {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        assert_eq!(parse_utc_time("00:30:00Z"), Some(t(0, 30)));
        assert_eq!(parse_utc_time("16:30:00"), Some(t(16, 30)));
        assert_eq!(parse_utc_time("08:00:00+08:00"), Some(t(0, 0)));
        assert_eq!(parse_utc_time("23:00:00-02:00"), Some(t(1, 0)));
        assert_eq!(parse_utc_time("noon"), None);
    }

    #[test]
    fn time_of_day_windows_may_wrap_midnight() {
        let at = |h| Utc.with_ymd_and_hms(2026, 1, 1, h, 0, 0).unwrap();
        let day = Constraint::TimeOfDay {
            start_time: NaiveTime::from_hms_opt(8, 0, 0).unwrap(),
            end_time: NaiveTime::from_hms_opt(20, 0, 0).unwrap(),
        };
        assert!(day.holds(at(8)) && day.holds(at(19)) && !day.holds(at(20)));
        let night = Constraint::TimeOfDay {
            start_time: NaiveTime::from_hms_opt(20, 0, 0).unwrap(),
            end_time: NaiveTime::from_hms_opt(8, 0, 0).unwrap(),
        };
        assert!(night.holds(at(23)) && night.holds(at(3)) && !night.holds(at(12)));
    }
}

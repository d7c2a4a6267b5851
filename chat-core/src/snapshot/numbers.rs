//! How snapshot numbers are read: as JSON numbers, whatever their notation.
//!
//! Clients written in JavaScript or Python do not distinguish `3456` from
//! `3456.0`, so an integer field accepts any JSON number with no fractional
//! part, and refuses `12.5` naming the field (serde reports the path).
//! Durations are measured, not counted: `inferenceTimeMs: 812.5` is
//! accepted and rounded to the nearest whole millisecond (half away from
//! zero) on parse, so every reader sees whole milliseconds; the posted bytes
//! are stored unchanged. A negative value stays negative after rounding
//! (`-0.4` reads as `-1`), so validation still refuses it with its path.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, Unexpected, Visitor};

/// Largest magnitude an `f64` may have to convert to `i64` without loss of range.
const I64_RANGE: f64 = 9_223_372_036_854_775_808.0;

/// An integer written as any JSON number without a fractional part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Whole(pub i64);

/// A duration in milliseconds, fractions rounded to whole milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Millis(pub i64);

#[derive(Clone, Copy)]
enum Rounding {
    /// Only whole numbers are accepted.
    Refuse,
    /// Fractions are rounded (negatives away from zero, so they stay negative).
    Round,
}

struct NumberVisitor<T> {
    rounding: Rounding,
    marker: PhantomData<T>,
}

impl<'de> Visitor<'de> for NumberVisitor<i64> {
    type Value = i64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.rounding {
            Rounding::Refuse => f.write_str("a whole number"),
            Rounding::Round => f.write_str("a number of milliseconds"),
        }
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<i64, E> {
        Ok(value)
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<i64, E> {
        i64::try_from(value)
            .map_err(|_| E::invalid_value(Unexpected::Unsigned(value), &"a number below 2^63"))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<i64, E> {
        let whole = match self.rounding {
            Rounding::Refuse if value.fract() != 0.0 => {
                return Err(E::invalid_value(Unexpected::Float(value), &self));
            }
            Rounding::Refuse => value,
            Rounding::Round if value < 0.0 => value.floor(),
            Rounding::Round => value.round(),
        };
        if !(-I64_RANGE..I64_RANGE).contains(&whole) {
            return Err(E::invalid_value(
                Unexpected::Float(value),
                &"a number between -2^63 and 2^63",
            ));
        }
        // In range and whole: the conversion is exact.
        #[allow(clippy::cast_possible_truncation)]
        Ok(whole as i64)
    }
}

fn read<'de, D: Deserializer<'de>>(deserializer: D, rounding: Rounding) -> Result<i64, D::Error> {
    deserializer.deserialize_any(NumberVisitor {
        rounding,
        marker: PhantomData,
    })
}

impl<'de> serde::Deserialize<'de> for Whole {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        read(deserializer, Rounding::Refuse).map(Whole)
    }
}

impl<'de> serde::Deserialize<'de> for Millis {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        read(deserializer, Rounding::Round).map(Millis)
    }
}

/// `deserialize_with` for a required integer field.
pub(crate) fn whole<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    read(deserializer, Rounding::Refuse)
}

/// `deserialize_with` for an optional integer field (with `#[serde(default)]`).
pub(crate) fn whole_opt<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<i64>, D::Error> {
    let value: Option<Whole> = serde::Deserialize::deserialize(deserializer)?;
    Ok(value.map(|Whole(n)| n))
}

/// `deserialize_with` for an optional small unsigned integer (a version).
pub(crate) fn whole_u32_opt<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<u32>, D::Error> {
    let value: Option<Whole> = serde::Deserialize::deserialize(deserializer)?;
    value
        .map(|Whole(n)| {
            u32::try_from(n).map_err(|_| {
                de::Error::invalid_value(Unexpected::Signed(n), &"a whole number from 0 to 2^32")
            })
        })
        .transpose()
}

/// `deserialize_with` for an optional duration in milliseconds (with `#[serde(default)]`).
pub(crate) fn millis_opt<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<i64>, D::Error> {
    let value: Option<Millis> = serde::Deserialize::deserialize(deserializer)?;
    Ok(value.map(|Millis(n)| n))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn whole_of(json: &str) -> Result<i64, String> {
        serde_json::from_str::<Whole>(json)
            .map(|Whole(n)| n)
            .map_err(|e| e.to_string())
    }

    fn millis_of(json: &str) -> Result<i64, String> {
        serde_json::from_str::<Millis>(json)
            .map(|Millis(n)| n)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn whole_numbers_in_any_notation() {
        for (text, whole) in [
            ("3456", 3456),
            ("3456.0", 3456),
            ("3.456e3", 3456),
            ("-5", -5),
            ("-5.0", -5),
            ("0.0", 0),
        ] {
            assert_eq!(whole_of(text), Ok(whole), "{text}");
        }
    }

    #[test]
    fn fractions_and_out_of_range_are_refused() {
        let error = whole_of("12.5").unwrap_err();
        assert!(
            error.contains("12.5") && error.contains("whole number"),
            "{error}"
        );
        for refused in [
            "1e300",
            "18446744073709551615",
            "9223372036854775808.0",
            "\"12\"",
            "true",
        ] {
            assert!(whole_of(refused).is_err(), "{refused}");
        }
    }

    #[test]
    fn milliseconds_are_rounded_half_away_from_zero() {
        for (text, millis) in [
            ("812.5", 813),
            ("812.49", 812),
            ("812", 812),
            ("0.2", 0),
            // Negative ones stay negative.
            ("-0.4", -1),
            ("-3.5", -4),
            ("-0.0", 0),
        ] {
            assert_eq!(millis_of(text), Ok(millis), "{text}");
        }
        assert!(millis_of("1e300").is_err());
    }
}

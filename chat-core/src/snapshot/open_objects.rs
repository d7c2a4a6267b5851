//! Deserialization of the two objects that keep keys they do not know:
//! `promptMeta` (clients put their own prompt details there) and a
//! message's `params` (any sampling setting a provider takes).
//!
//! Written by hand rather than with `#[serde(flatten)]`: flatten buffers the
//! object first, which loses the JSON path of an error inside a typed key
//! (`promptMeta.tools[0].name`) and the integer leniency of
//! [`super::numbers`]. Here every value is read through the same map access,
//! so `serde_path_to_error` still names the field at fault, and a key given
//! twice is refused (the stored bytes and what is shown must not disagree).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};

use super::numbers::Whole;
use super::{GenerationParams, PromptMeta};

/// Refuses the value of a key seen before, so the error carries its path.
struct Duplicate<'a>(&'a str);

impl<'de> DeserializeSeed<'de> for Duplicate<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, _deserializer: D) -> Result<(), D::Error> {
        Err(de::Error::custom(format_args!(
            "duplicate field `{}`",
            self.0
        )))
    }
}

/// A key of an open object whose value is not read yet.
struct Field<'a, A> {
    key: String,
    map: &'a mut A,
    seen: &'a mut BTreeSet<String>,
}

impl<'de, A: MapAccess<'de>> Field<'_, A> {
    /// Reads the value unless the key was already read.
    fn value<T: serde::Deserialize<'de>>(self) -> Result<T, A::Error> {
        if !self.seen.insert(self.key.clone()) {
            self.map.next_value_seed(Duplicate(&self.key))?;
            return Err(de::Error::custom(format_args!(
                "duplicate field `{}`",
                self.key
            )));
        }
        self.map.next_value()
    }

    /// Keeps a key the object has no field for, with its value.
    fn keep_in(self, others: &mut BTreeMap<String, serde_json::Value>) -> Result<(), A::Error> {
        let key = self.key.clone();
        others.insert(key, self.value()?);
        Ok(())
    }
}

/// An object read key by key: its typed keys into fields, the others kept.
trait OpenObject: Default {
    /// Reads the value of `field` (see [`Field::value`]).
    fn read<'de, A: MapAccess<'de>>(&mut self, field: Field<'_, A>) -> Result<(), A::Error>;
}

impl OpenObject for PromptMeta {
    fn read<'de, A: MapAccess<'de>>(&mut self, field: Field<'_, A>) -> Result<(), A::Error> {
        match field.key.as_str() {
            "systemPrompt" => self.system_prompt = field.value()?,
            "tools" => self.tools = field.value()?,
            "variables" => self.variables = field.value()?,
            _ => field.keep_in(&mut self.extra)?,
        }
        Ok(())
    }
}

impl OpenObject for GenerationParams {
    fn read<'de, A: MapAccess<'de>>(&mut self, field: Field<'_, A>) -> Result<(), A::Error> {
        match field.key.as_str() {
            "temperature" => self.temperature = field.value()?,
            "topP" => self.top_p = field.value()?,
            "maxTokens" => self.max_tokens = field.value::<Option<Whole>>()?.map(|Whole(n)| n),
            _ => field.keep_in(&mut self.other)?,
        }
        Ok(())
    }
}

struct OpenObjectVisitor<T>(PhantomData<T>);

impl<'de, T: OpenObject> Visitor<'de> for OpenObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut object = T::default();
        let mut seen = BTreeSet::new();
        while let Some(key) = map.next_key::<String>()? {
            let field = Field {
                key,
                map: &mut map,
                seen: &mut seen,
            };
            object.read(field)?;
        }
        Ok(object)
    }
}

impl<'de> serde::Deserialize<'de> for PromptMeta {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(OpenObjectVisitor(PhantomData))
    }
}

impl<'de> serde::Deserialize<'de> for GenerationParams {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(OpenObjectVisitor(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path_error<T: serde::de::DeserializeOwned + fmt::Debug>(json: &str) -> (String, String) {
        let mut deserializer = serde_json::Deserializer::from_str(json);
        let error = serde_path_to_error::deserialize::<_, T>(&mut deserializer).unwrap_err();
        (error.path().to_string(), error.inner().to_string())
    }

    #[test]
    fn prompt_meta_keeps_other_keys() {
        let meta: PromptMeta = serde_json::from_str(
            r#"{"systemPrompt":"Be terse.","promptId":"p-42","version":3,"tags":["a"]}"#,
        )
        .unwrap();
        assert_eq!(meta.system_prompt.as_deref(), Some("Be terse."));
        assert_eq!(meta.extra["promptId"], "p-42");
        assert_eq!(meta.extra["version"], 3);
        assert_eq!(meta.extra.len(), 3);
        let back = serde_json::to_value(&meta).unwrap();
        assert_eq!(back["promptId"], "p-42");
        assert_eq!(back["systemPrompt"], "Be terse.");
    }

    #[test]
    fn errors_inside_typed_keys_keep_their_path() {
        let (path, message) = path_error::<PromptMeta>(r#"{"tools":[{"name":5}]}"#);
        assert_eq!(path, "tools[0].name");
        assert!(message.contains("invalid type"), "{message}");
        let (path, _) = path_error::<PromptMeta>(r#"{"variables":{"city":1}}"#);
        assert_eq!(path, "variables.city");
    }

    #[test]
    fn a_key_given_twice_is_refused_at_its_path() {
        let (path, message) = path_error::<PromptMeta>(r#"{"promptId":"a","promptId":"b"}"#);
        assert_eq!(path, "promptId");
        assert!(message.contains("duplicate field `promptId`"), "{message}");
        let (path, _) = path_error::<PromptMeta>(r#"{"systemPrompt":"a","systemPrompt":"b"}"#);
        assert_eq!(path, "systemPrompt");
        let (path, _) = path_error::<GenerationParams>(r#"{"topP":1,"topP":0.5}"#);
        assert_eq!(path, "topP");
    }

    #[test]
    fn params_read_typed_keys_and_keep_the_rest() {
        let params: GenerationParams = serde_json::from_str(
            r#"{"temperature":0.2,"topP":0.9,"maxTokens":2048.0,"seed":7,"stop":["\n"]}"#,
        )
        .unwrap();
        assert_eq!(params.temperature, Some(0.2));
        assert_eq!(params.top_p, Some(0.9));
        assert_eq!(params.max_tokens, Some(2048));
        assert_eq!(params.other["seed"], 7);
        assert_eq!(params.other.len(), 2);
        let (path, message) = path_error::<GenerationParams>(r#"{"maxTokens":12.5}"#);
        assert_eq!(path, "maxTokens");
        assert!(message.contains("whole number"), "{message}");
    }

    #[test]
    fn arrays_are_not_objects() {
        assert!(serde_json::from_str::<PromptMeta>(r#"["You are terse."]"#).is_err());
        assert!(serde_json::from_str::<GenerationParams>("[0.2]").is_err());
    }
}

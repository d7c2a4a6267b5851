//! Template variables: `{{name}}` in prompts, values in a panel. The UI finds
//! the names to offer fields for and previews the filled text with the same
//! functions the shell fills the request with.

pub use contract::template::{fill, missing, variable_names};

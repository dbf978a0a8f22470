//! planbot's domain: the team's plan in both its forms (the CSV and the
//! Markdown plan), the people who work on it, and the rules of their daily
//! standup. Pure data and rules: nothing here is async, does I/O, speaks
//! HTTP or SQL, so every layer above can rely on it and none of it can
//! reach up.

pub mod clock;
pub mod people;
pub mod plan;
pub mod standup;

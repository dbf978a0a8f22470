//! The Markdown plan reader (milestones, and the plan read with it):
//! never a panic, whatever the document holds.
#![no_main]

use libfuzzer_sys::fuzz_target;
use planbot_domain::plan::{Plan, REQUIRED_COLUMNS, parse_milestones};

fuzz_target!(|data: &[u8]| {
    let Ok(markdown) = std::str::from_utf8(data) else { return };
    let _ = parse_milestones(markdown);
    let csv = format!("{}\nA-1,p,first,ops,todo,,,,,,,,\n", REQUIRED_COLUMNS.join(","));
    if let Ok(plan) = Plan::parse(csv, Some(markdown)) {
        let _ = plan.lint();
    }
});

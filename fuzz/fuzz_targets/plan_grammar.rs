//! The `/plan` grammar: any text a person types is a request (a verb, or
//! the help), never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use planbot_app::command::parse;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let request = parse(text);
    let _ = (request.command.verb(), request.command.task_argument(), request.command.needs_plan());
});

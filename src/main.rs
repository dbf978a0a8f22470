use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    planbot::cli::run().await
}

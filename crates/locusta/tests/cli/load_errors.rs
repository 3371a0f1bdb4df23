//! A locustfile that cannot run stops with exit code 1 and a message naming the file (and the
//! line, where there is one).

use std::time::Duration;

use crate::binary::{example, locusta, scratch_dir};

const LIMIT: Duration = Duration::from_secs(30);

fn run_file(test: &str, source: &str, extra: &[&str]) -> (crate::binary::Run, String) {
    let path = scratch_dir(test).join("locustfile.lua");
    std::fs::write(&path, source).unwrap();
    let file = path.to_str().unwrap().to_string();
    let mut args = vec![
        "-f",
        file.as_str(),
        "--headless",
        "-H",
        "http://127.0.0.1:9",
        "-t",
        "1s",
    ];
    args.extend_from_slice(extra);
    (locusta(&args, LIMIT), file)
}

#[test]
fn a_syntax_error_names_file_and_line() {
    let (run, file) = run_file(
        "syntax",
        "Web = HttpUser {}\n\nfunction Web:x(\n  self.client:get('/')\nend\n",
        &[],
    );
    assert_eq!(run.code, Some(1));
    assert!(run.stderr.contains(&format!("{file}:4")), "{}", run.stderr);
}

#[test]
fn a_file_without_user_classes_is_refused() {
    let (run, file) = run_file("no-class", "local x = 1\n", &[]);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr.contains(&file) && run.stderr.contains("No User class found"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_task_that_is_not_a_function_names_file_and_line() {
    let (run, file) = run_file(
        "not-a-function",
        "Web = HttpUser {}\nWeb.tasks = { 42 }\n",
        &[],
    );
    assert_eq!(run.code, Some(1));
    assert!(run.stderr.contains(&file), "{}", run.stderr);
}

#[test]
fn an_unknown_user_class_is_refused() {
    let path = example("quickstart.lua");
    let run = locusta(
        &["-f", path.to_str().unwrap(), "--headless", "NoSuchUser"],
        LIMIT,
    );
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr.contains("Unknown User(s): NoSuchUser"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("quickstart.lua"),
        "the message names the file: {}",
        run.stderr
    );
}

#[test]
fn a_missing_locustfile_is_refused() {
    let run = locusta(&["-f", "/nonexistent/locustfile.lua", "--headless"], LIMIT);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr.contains("/nonexistent/locustfile.lua"),
        "{}",
        run.stderr
    );
}

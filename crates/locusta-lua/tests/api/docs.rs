//! Every ```lua block of docs/lua-api.md is a working locustfile: each is loaded and its
//! users run briefly against the test target, without errors.

use std::time::Duration;

use locusta_target::{Target, TargetOptions};

use crate::support::{local, locustfile, run_users, view};

const DOC: &str = include_str!("../../../../docs/lua-api.md");

/// The ```lua blocks of the document, with the line each starts on.
fn lua_blocks() -> Vec<(usize, String)> {
    let mut blocks = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (number, line) in DOC.lines().enumerate() {
        match &mut current {
            None if line.trim_start() == "```lua" => current = Some((number + 2, String::new())),
            Some(_) if line.trim_start() == "```" => blocks.push(current.take().unwrap()),
            Some((_, text)) => {
                text.push_str(line);
                text.push('\n');
            }
            None => {}
        }
    }
    assert!(current.is_none(), "unterminated ```lua block");
    blocks
}

// Real time: under paused time the clock would race past the first requests while they wait
// for the network. One second per block.
#[tokio::test]
async fn every_lua_block_loads_and_runs_without_errors() {
    let blocks = lua_blocks();
    assert!(
        blocks.len() >= 8,
        "found only {} ```lua blocks",
        blocks.len()
    );
    let target = Target::spawn_thread(TargetOptions::default()).unwrap();
    for (line, source) in blocks {
        let file = locustfile(&source);
        let classes = file.user_classes();
        assert!(
            !classes.is_empty(),
            "block at docs/lua-api.md:{line} defines no class"
        );
        let users: Vec<usize> = (0..classes.len()).collect();
        let snapshot = local(run_users(
            classes,
            &users,
            Some(target.url()),
            Duration::from_secs(1),
            Duration::ZERO,
        ))
        .await;
        let view = view(snapshot);
        let errors: Vec<String> = view
            .exceptions()
            .iter()
            .map(|row| format!("{}\n{}", row.msg(), row.traceback()))
            .collect();
        assert!(
            errors.is_empty(),
            "block at docs/lua-api.md:{line} raised:\n{}",
            errors.join("\n")
        );
        assert!(
            view.total().num_requests() > 0,
            "block at docs/lua-api.md:{line} recorded nothing"
        );
    }
}
